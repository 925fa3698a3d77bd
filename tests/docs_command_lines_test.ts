// The documents cannot drift from the tool: every command line of README.md, ARCHITECTURE.md and
// docs/*.md that runs `stress` parses, every `deno task` they name exists, every script they run exists, and
// every relative link (and its #anchor) points at something that is there.
//
// Which lines are command lines:
// - in a fenced block tagged `sh`, `bash` or `shell`: every line (a line ending in `\` goes on
//   on the next one), split at `|`, `&&`, `||`, `;` and `&`;
// - in any other fenced block (output transcripts): only lines that start with `$ `.
// Of those, a command runs the tool when it starts (after `VAR=value` assignments, `ssh HOST`
// and `npx [-y] deno@2` -> `deno`) with `stress`, a path ending in `/stress` (a compiled binary),
// or `deno run [flags] M` where M is `main.ts`, a path ending in `stress.js` (the bundle) or
// `jsr:@team/stress[@version][/cli]`.
//
// How a tool line is checked, in-process through main() with captured output:
// - cassandra-stress grammar (`write`, `read`, `mixed`, `user`, `help`, `print`, ...): the line
//   with `--dry-run` added, which resolves every option and connects to nothing;
// - the flag commands (`serve`, `query`, `disk`, `checkout`, `simulate`, `merge`, `compare`): the
//   line with `--help` added: the flags are parsed strictly (an unknown or valueless flag fails)
//   before the help is printed; values are not checked;
// - `analyze N [--keep DIR] -- CMD`: its own part with `--help`, and CMD as above.
// It must exit 0. Placeholders are filled in first: `PORT` -> 9042, `H:P` -> 127.0.0.1:9042;
// `JOB_COMPLETION_INDEX` is 0 unless the line sets it; the lines run in a temporary directory
// holding a `hosts.txt` (for `-node file=hosts.txt`).
//
// Deliberately bad lines (error demonstrations) are marked: a trailing comment that starts with
// `error` (`stress write n=oops   # error: ...`), or a fenced block tagged `sh error`, whose
// every tool line is one. A marked line must be refused as a bad command line (exit 2).
//
// `deno task NAME`: NAME is a task of deno.json. `deno run|bench|test ... FILE.ts` (and inline
// code spans that contain `deno run` or `deno bench`): FILE exists in the repository.

import assert from "node:assert/strict";
import { main } from "../main.ts";
import { BufferedIo } from "../lib/cli/command_io.ts";

const ROOT = new URL("../", import.meta.url);

/** The documents checked: README.md, ARCHITECTURE.md and every page under docs/. */
function documents(): string[] {
  const docs = [...Deno.readDirSync(new URL("docs/", ROOT))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ["README.md", "ARCHITECTURE.md", ...docs];
}

/** One line of a fenced block, continuation lines joined. */
interface BlockLine {
  /** 1-based line number of its first physical line. */
  readonly line: number;
  readonly text: string;
  /** The block is a shell block (`sh`, `bash`, `shell`). */
  readonly shell: boolean;
  /** The block is tagged `error` (`sh error`). */
  readonly errorBlock: boolean;
}

/** A fenced block's lines, plus the prose (everything outside fences) for links and code spans. */
interface Parsed {
  readonly blockLines: BlockLine[];
  readonly prose: { line: number; text: string }[];
}

const SHELLS = new Set(["sh", "bash", "shell"]);

/** Splits a markdown text into fenced-block lines (continuations joined) and prose lines. */
export function parseMarkdown(text: string): Parsed {
  const blockLines: BlockLine[] = [];
  const prose: { line: number; text: string }[] = [];
  const lines = text.split("\n");
  let fence: { marker: string; shell: boolean; errorBlock: boolean } | null = null;
  let pending: { line: number; text: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const open = /^\s*(`{3,}|~{3,})\s*(.*)$/.exec(raw);
    if (fence === null) {
      if (open !== null) {
        const info = open[2].trim().split(/\s+/);
        fence = {
          marker: open[1],
          shell: SHELLS.has(info[0]),
          errorBlock: info.includes("error"),
        };
      } else {
        prose.push({ line: i + 1, text: raw });
      }
      continue;
    }
    if (open !== null && open[1].startsWith(fence.marker) && open[2].trim() === "") {
      if (pending !== null) blockLines.push({ ...pending, ...fenceFlags(fence) });
      pending = null;
      fence = null;
      continue;
    }
    const joined: { line: number; text: string } = pending === null ? { line: i + 1, text: raw } : {
      line: pending.line,
      text: pending.text + " " + raw.trimStart(),
    };
    if (fence.shell && /\\$/.test(joined.text) && !/\\\\$/.test(joined.text)) {
      pending = { line: joined.line, text: joined.text.slice(0, -1) };
      continue;
    }
    pending = null;
    blockLines.push({ ...joined, ...fenceFlags(fence) });
  }
  return { blockLines, prose };
}

function fenceFlags(fence: { shell: boolean; errorBlock: boolean }) {
  return { shell: fence.shell, errorBlock: fence.errorBlock };
}

/** A shell token: a word, or an operator (`|`, `&&`, `;`, `>`, ...). */
type Token = { word: string } | { op: string };

/**
 * Splits one shell line into words and operators as a POSIX shell would: single quotes, double
 * quotes (with `\"`, `\\`, `\$`), backslash escapes, `#` comments at the start of a word.
 * Unquoted parentheses are refused: a shell would not run the line.
 */
export function tokenizeShell(line: string): { tokens: Token[]; comment: string | null } {
  const tokens: Token[] = [];
  let word = "";
  let inWord = false;
  const end = () => {
    if (inWord) tokens.push({ word });
    word = "";
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " " || c === "\t") {
      end();
    } else if (c === "#" && !inWord) {
      end();
      return { tokens, comment: line.slice(i + 1).trim() };
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unterminated ' in: ${line}`);
      word += line.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && '"\\$`'.includes(line[j + 1] ?? "")) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error(`unterminated " in: ${line}`);
      i = j;
    } else if (c === "\\") {
      word += line[i + 1] ?? "";
      inWord = true;
      i++;
    } else if (c === "(" || c === ")") {
      throw new Error(`unquoted "${c}": a shell would refuse the line: ${line}`);
    } else if ("|&;<>".includes(c)) {
      if ((c === ">" || c === "<") && /^\d+$/.test(word)) {
        word = "";
        inWord = false;
      }
      end();
      let op = c;
      while (i + 1 < line.length && "|&>".includes(line[i + 1]) && op.length < 2) op += line[++i];
      if (op.endsWith("&") && (c === ">" || c === "<")) {
        while (i + 1 < line.length && /\d/.test(line[i + 1])) i++;
      }
      tokens.push({ op });
    } else {
      word += c;
      inWord = true;
    }
  }
  end();
  return { tokens, comment: null };
}

/** The simple commands of a tokenized line: words, with redirections and their targets dropped. */
export function simpleCommands(tokens: readonly Token[]): string[][] {
  const commands: string[][] = [[]];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if ("word" in token) {
      commands[commands.length - 1].push(token.word);
    } else if (/^[<>]/.test(token.op)) {
      if (!token.op.endsWith("&")) i++; // the redirection's file
    } else {
      commands.push([]);
    }
  }
  return commands.filter((c) => c.length > 0);
}

/** What a simple command runs. */
export type Invocation =
  | { kind: "tool"; args: string[]; env: Record<string, string> }
  | { kind: "task"; name: string }
  | { kind: "script"; path: string }
  | { kind: "other" };

/** Recognizes a run of the tool, a `deno task`, or a `deno run|bench|test` of a local file. */
export function invocationOf(words: readonly string[]): Invocation[] {
  let rest = [...words];
  const env: Record<string, string> = {};
  while (rest.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(rest[0])) {
    const at = rest[0].indexOf("=");
    env[rest[0].slice(0, at)] = rest[0].slice(at + 1);
    rest.shift();
  }
  if (rest[0] === "ssh") rest = rest.slice(2);
  if (rest[0] === "npx") {
    rest = rest.slice(1);
    while (rest[0]?.startsWith("-")) rest.shift();
    if (/^deno(@.*)?$/.test(rest[0] ?? "")) rest[0] = "deno";
  }
  if (rest[0] === "stress" || /\/stress$/.test(rest[0] ?? "")) {
    return [{ kind: "tool", args: rest.slice(1), env }];
  }
  if (rest[0] !== "deno") return [{ kind: "other" }];
  if (rest[1] === "task") return rest[2] === undefined ? [] : [{ kind: "task", name: rest[2] }];
  if (!["run", "bench", "test"].includes(rest[1])) return [{ kind: "other" }];
  let i = 2;
  while (i < rest.length && rest[i].startsWith("-")) i++;
  const module = rest[i] ?? "";
  if (
    rest[1] === "run" &&
    (module === "main.ts" || /stress\.js$/.test(module) ||
      /^jsr:@team\/stress(@[^/]+)?(\/cli)?$/.test(module))
  ) {
    return [{ kind: "tool", args: rest.slice(i + 1), env }];
  }
  return rest.slice(i).filter(isLocalScript).map((path) => ({ kind: "script", path }));
}

/** A path of the repository that a document runs (not the bundle, not an absolute path). */
function isLocalScript(word: string): boolean {
  return /^[\w.][\w./-]*\.ts$/.test(word) && !word.startsWith("dist/");
}

/** The commands of the cassandra-stress grammar are checked with --dry-run, these with --help. */
const FLAG_COMMANDS = new Set([
  "serve",
  "query",
  "disk",
  "checkout",
  "simulate",
  "merge",
  "compare",
]);

/** Placeholders the documents use, and what the check puts in their place. */
const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/\bH:P\b/g, "127.0.0.1:9042"],
  [/\bPORT\b/g, "9042"],
];

/** The argument lists a tool line is checked with: one, or two for `analyze ... -- CMD`. */
export function checkArgs(args: readonly string[]): string[][] {
  const filled = args.map((a) => PLACEHOLDERS.reduce((s, [re, to]) => s.replace(re, to), a));
  if (filled[0] === "analyze") {
    const dash = filled.indexOf("--");
    if (dash < 0) return [[...filled, "--help"]];
    return [[...filled.slice(0, dash), "--help"], ...checkArgs(filled.slice(dash + 1))];
  }
  if (FLAG_COMMANDS.has(filled[0])) return [[...filled, "--help"]];
  return [filled.includes("--dry-run") ? filled : [...filled, "--dry-run"]];
}

/** One checked tool line's outcome. */
interface Outcome {
  readonly code: number;
  readonly output: string;
}

async function runMain(args: string[], env: Record<string, string>): Promise<Outcome> {
  const io = new BufferedIo();
  const code = await main(args, {
    io,
    signal: new AbortController().signal,
    env: { JOB_COMPLETION_INDEX: "0", ...env },
  });
  return { code, output: [...io.stderr, ...io.stdout.slice(0, 3)].join("\n") };
}

/** The tool lines, tasks and scripts of one document. */
interface Found {
  readonly where: string;
  readonly command: string;
  readonly invocation: Invocation;
  readonly expectError: boolean;
}

/** Every command of a document's code, with where it is. */
export function commandsOf(path: string, text: string): { found: Found[]; problems: string[] } {
  const found: Found[] = [];
  const problems: string[] = [];
  const { blockLines, prose } = parseMarkdown(text);
  for (const bl of blockLines) {
    let shellText = bl.text;
    if (!bl.shell) {
      const prompt = /^\s*\$ (.*)$/.exec(bl.text);
      if (prompt === null) continue;
      shellText = prompt[1];
    }
    let tokenized;
    try {
      tokenized = tokenizeShell(shellText);
    } catch (error) {
      problems.push(`${path}:${bl.line}: ${(error as Error).message}`);
      continue;
    }
    const expectError = bl.errorBlock || /^error\b/.test(tokenized.comment ?? "");
    for (const words of simpleCommands(tokenized.tokens)) {
      for (const invocation of invocationOf(words)) {
        if (invocation.kind === "other") continue;
        found.push({
          where: `${path}:${bl.line}`,
          command: words.join(" "),
          invocation,
          expectError,
        });
      }
    }
  }
  for (const { line, text: proseLine } of prose) {
    for (const span of proseLine.matchAll(/`([^`]+)`/g)) {
      if (!/\bdeno (run|bench)\b/.test(span[1])) continue;
      for (const invocation of invocationOf(span[1].split(/\s+/).slice(span[1].indexOf("deno")))) {
        if (invocation.kind !== "script") continue;
        found.push({ where: `${path}:${line}`, command: span[1], invocation, expectError: false });
      }
    }
  }
  return { found, problems };
}

/** Checks one document's commands; the problems found, and how many tool lines were run. */
async function checkCommands(
  path: string,
  text: string,
  tasks: ReadonlySet<string>,
): Promise<{ problems: string[]; toolLines: number; tasks: number; scripts: number }> {
  const { found, problems } = commandsOf(path, text);
  let toolLines = 0;
  let taskCount = 0;
  let scripts = 0;
  for (const { where, command, invocation, expectError } of found) {
    if (invocation.kind === "task") {
      taskCount++;
      if (!tasks.has(invocation.name)) {
        problems.push(`${where}: "deno task ${invocation.name}" is not a task of deno.json`);
      }
    } else if (invocation.kind === "script") {
      scripts++;
      if (!exists(new URL(invocation.path, ROOT))) {
        problems.push(`${where}: ${invocation.path} does not exist (in: ${command})`);
      }
    } else if (invocation.kind === "tool") {
      toolLines++;
      for (const args of checkArgs(invocation.args)) {
        const { code, output } = await runMain(args, invocation.env);
        const ok = expectError ? code === 2 : code === 0;
        if (!ok) {
          problems.push(
            `${where}: ${
              expectError ? "a line marked as an error parsed" : "does not parse"
            } (exit ${code}): stress ${args.join(" ")}\n    ${output.replaceAll("\n", "\n    ")}`,
          );
        }
      }
    }
  }
  return { problems, toolLines, tasks: taskCount, scripts };
}

function exists(url: URL): boolean {
  try {
    Deno.statSync(url);
    return true;
  } catch {
    return false;
  }
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .replace(/`/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a markdown text's headings (outside fenced blocks), duplicates numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text: line } of parseMarkdown(text).prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const slug = slugOf(heading[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The relative links of a document that point at nothing (a missing file or #anchor). */
export function brokenLinks(path: string, text: string): string[] {
  const problems: string[] = [];
  const base = new URL(path, ROOT);
  for (const { line, text: proseLine } of parseMarkdown(text).prose) {
    const withoutCode = proseLine.replace(/`[^`]*`/g, "");
    const targets = [
      ...[...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]),
      ...[...withoutCode.matchAll(/^\s*\[[^\]]+\]:\s+(\S+)/g)].map((m) => m[1]),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [file, anchor] = target.split("#", 2);
      const url = file === "" ? base : new URL(file, base);
      if (!exists(url)) {
        problems.push(`${path}:${line}: link to ${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && url.pathname.endsWith(".md")) {
        const anchors = anchorsOf(file === "" ? text : Deno.readTextFileSync(url));
        if (!anchors.has(anchor)) {
          problems.push(`${path}:${line}: link to ${target}: no heading with that anchor`);
        }
      }
    }
  }
  return problems;
}

const TASKS = new Set(
  Object.keys(JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))).tasks),
);

/** Runs `fn` in a temporary directory that holds the files documented lines name. */
async function inFixtureDir<T>(fn: () => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "stress-docs-" });
  const cwd = Deno.cwd();
  await Deno.writeTextFile(`${dir}/hosts.txt`, "# contact points\n127.0.0.2\n127.0.0.3\n");
  Deno.chdir(dir);
  try {
    return await fn();
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
}

let totalToolLines = 0;

for (const path of documents()) {
  Deno.test(`${path}: every command line parses, every task and script exists`, async () => {
    const text = await Deno.readTextFile(new URL(path, ROOT));
    const result = await inFixtureDir(() => checkCommands(path, text, TASKS));
    totalToolLines += result.toolLines;
    assert.deepEqual(result.problems, [], "\n" + result.problems.join("\n"));
  });

  Deno.test(`${path}: every relative link points at a file (and heading) that exists`, async () => {
    const text = await Deno.readTextFile(new URL(path, ROOT));
    const problems = brokenLinks(path, text);
    assert.deepEqual(problems, [], "\n" + problems.join("\n"));
  });
}

Deno.test("the documents hold many command lines (the extraction finds them)", () => {
  // Runs after the per-document tests above (tests of a file run in order).
  assert.ok(totalToolLines >= 40, `only ${totalToolLines} tool command lines were found`);
});

Deno.test("tokenizeShell() splits as a shell does", () => {
  const { tokens, comment } = tokenizeShell(
    `cat q.csv | stress mixed "ratio(write=1,read=3)" -node 'a b' x\\ y 2>&1 > out.txt # note`,
  );
  assert.equal(comment, "note");
  assert.deepEqual(simpleCommands(tokens), [
    ["cat", "q.csv"],
    ["stress", "mixed", "ratio(write=1,read=3)", "-node", "a b", "x y"],
  ]);
  assert.throws(() => tokenizeShell("stress print dist=gaussian(1..10)"), /unquoted/);
});

Deno.test("invocationOf() knows every way the documents run the tool", () => {
  const tool = (line: string) => invocationOf(simpleCommands(tokenizeShell(line).tokens)[0]);
  for (
    const line of [
      "stress write n=1",
      "deno run -A main.ts write n=1",
      "deno run -A --unstable-net dist/stress.js write n=1",
      "ssh bench1 deno run -A /opt/stress/stress.js write n=1",
      "deno run -A jsr:@team/stress@0.1.0/cli write n=1",
      "npx -y deno@2 run -A jsr:@team/stress write n=1",
      "dist/stress write n=1",
    ]
  ) {
    assert.deepEqual(tool(line), [{ kind: "tool", args: ["write", "n=1"], env: {} }], line);
  }
  assert.deepEqual(tool("JOB_COMPLETION_INDEX=3 stress version"), [
    { kind: "tool", args: ["version"], env: { JOB_COMPLETION_INDEX: "3" } },
  ]);
  assert.deepEqual(tool("npx -y deno@2 task demo"), [{ kind: "task", name: "demo" }]);
  assert.deepEqual(tool("deno run -A bench/x.ts 1 2"), [{ kind: "script", path: "bench/x.ts" }]);
  assert.deepEqual(tool("kubectl apply -f job.yaml"), [{ kind: "other" }]);
});

Deno.test("slugOf() gives the anchors GitHub gives", () => {
  for (
    const [heading, anchor] of [
      ["Merging the loaders' HDR logs", "merging-the-loaders-hdr-logs"],
      ["`stress disk` protocol, version 1", "stress-disk-protocol-version-1"],
      ["Checkout services: the load test", "checkout-services-the-load-test"],
      [
        "The CQL peers side by side (issues 17 and 24)",
        "the-cql-peers-side-by-side-issues-17-and-24",
      ],
      ["Set-up: two commands", "set-up-two-commands"],
      ["A & B", "a--b"],
      ["snake_case stays", "snake_case-stays"],
    ]
  ) {
    assert.equal(slugOf(heading), anchor, heading);
  }
});

Deno.test("the check fails on a documented line that does not parse, and on a broken link", async () => {
  const doc = [
    "```sh",
    "stress write n=10 -rate threads=2 \\",
    "  -node 127.0.0.1",
    "stress write n=oops -node 127.0.0.1",
    "stress write n=oops   # error: not a count",
    "stress write n=10     # error: but it parses",
    "stress query run --url x --no-such-flag",
    "deno task no-such-task",
    "deno run -A bench/no_such_bench.ts",
    "```",
    "",
    "[gone](no-such-page.md) and [here](../README.md#no-such-heading)",
  ].join("\n");
  const { problems, toolLines } = await inFixtureDir(() => checkCommands("docs/x.md", doc, TASKS));
  assert.equal(toolLines, 5);
  assert.deepEqual(problems.map((p) => p.split(":").slice(0, 2).join(":")), [
    "docs/x.md:4",
    "docs/x.md:6",
    "docs/x.md:7",
    "docs/x.md:8",
    "docs/x.md:9",
  ]);
  const links = brokenLinks("docs/x.md", doc);
  assert.equal(links.length, 2, links.join("\n"));
});
