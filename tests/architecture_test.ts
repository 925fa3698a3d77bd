// The rules of ARCHITECTURE.md, checked on the files as they are: which folder may import which,
// which files may do I/O, no import cycle, and how long a function or a file may grow.
import assert from "node:assert/strict";
import ts from "typescript";

const libRoot = new URL("../lib", import.meta.url).pathname;
const mainPath = new URL("../main.ts", import.meta.url).pathname;

/** The shared folders, each with the shared folders it may import from. */
const SHARED: Record<string, readonly string[]> = {
  units: [],
  protocol: [],
  core: ["units"],
  stats: ["core", "units"],
  report: ["stats", "core", "units"],
  engine: ["stats", "core", "units"],
  cli: ["report", "stats", "core", "units"],
  live: ["cli", "report", "stats", "core", "units"],
};
/** One folder a workload; a wing may import every shared folder and never another wing. */
const WINGS = ["cql", "cql_node", "query", "disk", "checkout", "tools"];
/** Folders whose every file may do I/O. */
const IMPURE_SHARED = ["engine", "live", "cli"];
/** What a pure file may not touch: the runtime, the console, the clock, randomness, threads. */
const IMPURE_CALL =
  /\bDeno\.|\bconsole\.|\bDate\.now\(|\bperformance\.now\(|\bMath\.random\(|\bnew Worker\(/;
/** The longest function and the longest file, in lines. */
const MAX_FUNCTION_LINES = 100;
const MAX_FILE_LINES = 500;
/** Files allowed past MAX_FILE_LINES: generated, or mostly tables. */
const LONG_FILES: Record<string, string> = {};

interface LibFile {
  /** The path below lib/, e.g. `cql/driver/cql_target.ts`. */
  readonly path: string;
  readonly text: string;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

async function libFiles(): Promise<LibFile[]> {
  const files: LibFile[] = [];
  for await (const path of walk(libRoot)) {
    files.push({ path: path.slice(libRoot.length + 1), text: await Deno.readTextFile(path) });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The lib/ paths a file imports (values and types, static and dynamic, Worker URLs too). */
function importsOf(file: LibFile): string[] {
  const specifiers = [
    ...file.text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gms),
    ...file.text.matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g),
    ...file.text.matchAll(/\bnew URL\(\s*"(\.{1,2}\/[^"]+)",\s*import\.meta\.url/g),
  ].map((match) => match[1]);
  const base = new URL(`file:///lib/${file.path}`);
  return specifiers.map((s) => new URL(s, base).pathname)
    .filter((p) => p.startsWith("/lib/")).map((p) => p.slice("/lib/".length));
}

/** Leaves out comments and JSDoc (examples may use the clock). */
function codeLines(text: string): string[] {
  return text.split("\n").filter((line) => {
    const t = line.trim();
    return !(t.startsWith("*") || t.startsWith("//") || t.startsWith("/*"));
  });
}

const topOf = (path: string) => path.includes("/") ? path.split("/")[0] : "";

/** The command entry files: the lib files main.ts imports, by wing. */
async function commandStems(): Promise<Map<string, string[]>> {
  const main = { path: "../main.ts", text: await Deno.readTextFile(mainPath) };
  const stems = new Map<string, string[]>();
  // Static imports and the commands main.ts loads when they run (`import("./lib/...")`).
  for (const match of main.text.matchAll(/(?:from\s+|import\(\s*)"\.\/lib\/([^"]+)"/g)) {
    const [wing, name] = match[1].split("/");
    if (!WINGS.includes(wing) || name === undefined) continue;
    stems.set(wing, [...(stems.get(wing) ?? []), name.replace(/\.ts$/, "")]);
  }
  return stems;
}

/** Whether a file may do I/O: shared I/O folders, a wing's driver/, a wing's command files. */
function mayDoIo(path: string, stems: Map<string, string[]>): boolean {
  const parts = path.split("/");
  if (IMPURE_SHARED.includes(parts[0]) || parts.includes("driver")) return true;
  if (parts.length !== 2 || !WINGS.includes(parts[0])) return false;
  const name = parts[1].replace(/^_/, "").replace(/\.ts$/, "");
  return (stems.get(parts[0]) ?? []).some((stem) => name === stem || name.startsWith(`${stem}_`));
}

Deno.test("architecture: every lib file sits in a known folder", async () => {
  const known = [...Object.keys(SHARED), ...WINGS, ""];
  const offenders = (await libFiles()).map((f) => f.path).filter((p) => !known.includes(topOf(p)));
  assert.deepEqual(offenders, []);
});

Deno.test("architecture: shared folders import downward only, wings never import each other", async () => {
  const offenders: string[] = [];
  for (const file of await libFiles()) {
    const from = topOf(file.path);
    const allowed = from === ""
      ? []
      : WINGS.includes(from)
      ? [from, ...Object.keys(SHARED)]
      : [from, ...SHARED[from]];
    for (const target of importsOf(file)) {
      const to = topOf(target);
      if (to !== "" && !allowed.includes(to)) offenders.push(`${file.path} imports ${target}`);
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("architecture: only driver/ folders, command files, engine/, live/ and cli/ do I/O", async () => {
  const stems = await commandStems();
  assert.ok((stems.get("cql") ?? []).includes("stress"), "main.ts imports the wings' commands");
  const offenders: string[] = [];
  for (const file of await libFiles()) {
    if (mayDoIo(file.path, stems)) continue;
    for (const line of codeLines(file.text)) {
      if (IMPURE_CALL.test(line)) offenders.push(`${file.path}: ${line.trim()}`);
    }
  }
  assert.deepEqual(offenders, []);
});

/** The strongly connected components of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

Deno.test("architecture: no import cycle, type-only imports included", async () => {
  const files = await libFiles();
  const graph = new Map(files.map((f) => [f.path, importsOf(f).filter((t) => t !== f.path)]));
  assert.deepEqual(cycles(graph), []);
  // The check itself finds a cycle when there is one.
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])), [["a", "b", "c"]]);
});

/** Every function (declaration, method, arrow, expression) longer than `max` lines. */
function longFunctions(path: string, text: string, max: number): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) {
        const name = node.name?.getText(source) ?? "(anonymous)";
        found.push(`${path}:${first + 1} ${name} ${lines} lines`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

Deno.test("architecture: no function over 100 lines", async () => {
  const offenders = (await libFiles()).flatMap((f) =>
    longFunctions(f.path, f.text, MAX_FUNCTION_LINES)
  );
  assert.deepEqual(offenders, []);
  assert.equal(
    longFunctions("x.ts", `function f() {\n${"  g();\n".repeat(MAX_FUNCTION_LINES)}}\n`, 100)
      .length,
    1,
    "the check sees a long function",
  );
});

Deno.test("architecture: no file over 500 lines but the listed ones", async () => {
  const offenders = (await libFiles())
    .filter((f) => !(f.path in LONG_FILES) && f.text.split("\n").length - 1 > MAX_FILE_LINES)
    .map((f) => `${f.path}: ${f.text.split("\n").length - 1} lines`);
  assert.deepEqual(offenders, []);
});

Deno.test("architecture: nothing below main.ts calls Deno.exit", async () => {
  const offenders = (await libFiles())
    .filter((f) => codeLines(f.text).some((l) => /Deno\.exit\b/.test(l)))
    .map((f) => f.path);
  assert.deepEqual(offenders, []);
});
