/**
 * Which column each bind marker of a profile statement stands for, read from the CQL text as
 * cassandra-stress binds a query's markers by the variable names the server gives them:
 * `col = ?`, `col >= ?`, `"Quoted" < ?`, `SET col = col + ?`, `IF col = ?`, `:name`,
 * `col IN (?, ?)` (each one `col`), `(c1, c2) > (?, ?)` (each element its column) and
 * `INSERT INTO t (a, b) VALUES (?, ?)`. Private to lib/cql/driver.
 *
 * @module
 */

interface Token {
  readonly kind: "name" | "marker" | "string" | "number" | "punct";
  /** The identifier (bare ones lower-cased, quoted ones as written), or the text. */
  readonly text: string;
}

const OPERATORS = new Set(["=", "<", ">", "<=", ">=", "!="]);

function skipString(cql: string, at: number, quote: string): number {
  let i = at + 1;
  while (i < cql.length) {
    if (cql[i] === quote) {
      if (cql[i + 1] !== quote) return i + 1;
      i++;
    }
    i++;
  }
  return i;
}

function quotedName(cql: string, at: number, end: number): string {
  return cql.slice(at + 1, end - 1).replaceAll('""', '"');
}

/** The statement's tokens, comments and whitespace left out. */
function tokenize(cql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < cql.length) {
    const c = cql[i];
    const rest = cql.slice(i, i + 2);
    if (/\s/.test(c)) {
      i++;
    } else if (rest === "--" || rest === "//") {
      while (i < cql.length && cql[i] !== "\n") i++;
    } else if (rest === "/*") {
      const end = cql.indexOf("*/", i + 2);
      i = end < 0 ? cql.length : end + 2;
    } else if (rest === "$$") {
      const end = cql.indexOf("$$", i + 2);
      i = end < 0 ? cql.length : end + 2;
      tokens.push({ kind: "string", text: "" });
    } else if (c === "'") {
      i = skipString(cql, i, "'");
      tokens.push({ kind: "string", text: "" });
    } else if (c === '"') {
      const end = skipString(cql, i, '"');
      tokens.push({ kind: "name", text: quotedName(cql, i, end) });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(cql.slice(i))![0];
      tokens.push({ kind: "name", text: word.toLowerCase() });
      i += word.length;
    } else if (/[0-9]/.test(c)) {
      const word = /^[0-9][A-Za-z0-9_.]*/.exec(cql.slice(i))![0];
      tokens.push({ kind: "number", text: word });
      i += word.length;
    } else if (c === "?") {
      tokens.push({ kind: "marker", text: "?" });
      i++;
    } else if (OPERATORS.has(rest)) {
      tokens.push({ kind: "punct", text: rest });
      i += 2;
    } else {
      tokens.push({ kind: "punct", text: c });
      i++;
    }
  }
  return tokens;
}

/** Whether token `i` is the punctuation `text`. */
function isPunct(tokens: readonly Token[], i: number, text: string): boolean {
  return tokens[i]?.kind === "punct" && tokens[i].text === text;
}

/**
 * Names the markers of the parenthesised list opened at token `open` by their element: a
 * marker that is an element alone (`(?, ?)`) gets `nameOf(element)`, one inside an element
 * (`(?, [?])`, `(f(?))`) gets null.
 */
function nameListMarkers(
  tokens: readonly Token[],
  open: number,
  nameOf: (element: number) => string | null,
  columns: Map<number, string | null>,
): void {
  let element = 0;
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    if (isPunct(tokens, i, "(")) depth++;
    if (isPunct(tokens, i, ")") && depth-- === 0) return;
    if (isPunct(tokens, i, ",") && depth === 0) element++;
    if (tokens[i].kind === "marker") {
      const alone = (isPunct(tokens, i - 1, ",") || isPunct(tokens, i - 1, "(")) &&
        (isPunct(tokens, i + 1, ",") || isPunct(tokens, i + 1, ")"));
      columns.set(i, depth === 0 && alone ? nameOf(element) : null);
    }
  }
}

/** The names of `(a, b)` when the list closed at token `close` holds names only, else null. */
function namesBefore(
  tokens: readonly Token[],
  close: number,
): { names: string[]; open: number } | null {
  const names: string[] = [];
  let i = close - 1;
  for (; i > 0; i -= 2) {
    if (tokens[i].kind !== "name") return null;
    names.unshift(tokens[i].text);
    if (isPunct(tokens, i - 1, "(")) return { names, open: i - 1 };
    if (!isPunct(tokens, i - 1, ",")) return null;
  }
  return null;
}

/**
 * The columns of the markers in lists, by token index: `INSERT INTO t (a, b) VALUES (?, ?)`
 * (each value its column), `k IN (?, ?)` (each one `k`) and `(c1, c2) > (?, ?)` (each element
 * its column), as the server names these bind variables.
 */
function listColumns(tokens: readonly Token[]): Map<number, string | null> {
  const columns = new Map<number, string | null>();
  const name = (t: Token | undefined) => t?.kind === "name" ? t.text : null;
  if (name(tokens[0]) === "insert") {
    const open = tokens.findIndex((_, i) => isPunct(tokens, i, "("));
    const close = tokens.findIndex((_, i) => i > open && isPunct(tokens, i, ")"));
    const values = tokens.findIndex((t, i) => i > close && name(t) === "values");
    if (open >= 0 && close >= 0 && values >= 0 && isPunct(tokens, values + 1, "(")) {
      const names = tokens.slice(open + 1, close).filter((t) => t.kind === "name");
      nameListMarkers(tokens, values + 1, (element) => names[element]?.text ?? null, columns);
    }
  }
  for (let open = 2; open < tokens.length; open++) {
    if (!isPunct(tokens, open, "(")) continue;
    const before = tokens[open - 1];
    if (name(before) === "in" && tokens[open - 2].kind === "name") {
      // `k IN (?, ?)`: every element is a value of k.
      const column = tokens[open - 2].text;
      nameListMarkers(tokens, open, () => column, columns);
    } else if (before.kind === "punct" && OPERATORS.has(before.text)) {
      // `(c1, c2) > (?, ?)` after WHERE or AND: element i is a value of column i.
      const left = isPunct(tokens, open - 2, ")") ? namesBefore(tokens, open - 2) : null;
      const keyword = left === null ? null : name(tokens[left.open - 1]);
      if (keyword !== "where" && keyword !== "and") continue;
      nameListMarkers(tokens, open, (element) => left!.names[element] ?? null, columns);
    }
  }
  return columns;
}

/** The column before marker `i` (`col op ?`, `col = col + ?`, `:col`), or null. */
function columnBefore(tokens: readonly Token[], i: number): string | null {
  const name = (t: Token | undefined) => t?.kind === "name" ? t.text : null;
  const previous = tokens[i - 1];
  if (previous?.kind !== "punct") return null;
  if (OPERATORS.has(previous.text)) return name(tokens[i - 2]);
  if (previous.text === "+" || previous.text === "-") {
    const column = name(tokens[i - 4]);
    return tokens[i - 3]?.text === "=" && column !== null && column === name(tokens[i - 2])
      ? column
      : null;
  }
  return null;
}

/**
 * The column each bind marker of a statement stands for, in marker order, as the server names
 * the statement's bind variables: the identifier before the comparison or assignment (`k = ?`,
 * `c >= ?`, `"Col" < ?`, `l = l + ?`), the column of an `IN` list (`k IN (?, ?)`: both `k`),
 * the matching column of a tuple relation (`(c1, c2) > (?, ?)`: `c1`, `c2`), the name of a
 * named marker (`:name`), or an INSERT's column; null where a marker stands for no column
 * (`LIMIT ?`, `token(k) > ?`, `USING TTL ?`, `k IN ?`, `(c1, c2) IN ((?, ?))`).
 *
 * @param cql The statement.
 * @returns The column names (bare identifiers lower-cased, quoted ones as written) or null.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { markerColumns } from "./_cql_markers.ts";
 * assert.deepEqual(
 *   markerColumns('UPDATE t SET l = l + ?,"B" = ? WHERE k = ? AND c >= ? LIMIT ?'),
 *   ["l", "B", "k", "c", null],
 * );
 * assert.deepEqual(markerColumns("INSERT INTO t (k, c) values(?, ?)"), ["k", "c"]);
 * assert.deepEqual(markerColumns("SELECT * FROM t WHERE k IN (?, ?)"), ["k", "k"]);
 * assert.deepEqual(markerColumns("SELECT * FROM t WHERE k = ? AND (a, b) > (?, ?)"), [
 *   "k",
 *   "a",
 *   "b",
 * ]);
 * ```
 */
export function markerColumns(cql: string): (string | null)[] {
  const tokens = tokenize(cql);
  const listed = listColumns(tokens);
  const columns: (string | null)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === "marker") {
      columns.push(listed.has(i) ? listed.get(i)! : columnBefore(tokens, i));
    } else if (token.text === ":" && tokens[i + 1]?.kind === "name") {
      columns.push(tokens[++i].text);
    }
  }
  return columns;
}
