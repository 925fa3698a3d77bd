// Test helper: splits a shell command line like sh would (quotes, backslashes), and drops
// the program name (cassandra-stress, ./cassandra-stress, tools/bin/cassandra-stress, stress).

/** Splits a command line into argv items as a POSIX shell would, without expansions. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (line[i] !== '"') {
        if (line[i] === "\\" && '"\\$`'.includes(line[i + 1])) i++;
        word += line[i++];
      }
      inWord = true;
    } else if (c === "\\") {
      word += line[++i];
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  const program = words.shift() ?? "";
  if (!/(^|\/)(cassandra-)?stress$/.test(program)) {
    throw new Error(`Cannot split "${line}": it does not start with cassandra-stress`);
  }
  return words;
}
