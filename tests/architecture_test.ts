import assert from "node:assert/strict";

const PURE = ["options", "core", "stats", "report", "embedded", "query", "disk", "checkout", "web"];
// The files of pure directories that own sockets or timers.
const IMPURE_FILES = [
  "embedded/cql/cql_server.ts",
  "web/live_server.ts",
  "web/metrics_server.ts",
];
const LAYERS: Record<string, string[]> = {
  // A directory may import only from the directories listed (and itself, and lib/errors.ts).
  options: [],
  core: ["options"],
  stats: ["core", "options"],
  report: ["stats", "core", "options"],
  drivers: ["core", "options", "stats"],
  workers: ["drivers", "core", "options", "stats", "query"],
  run: ["workers", "drivers", "core", "options", "stats"],
  embedded: ["core", "options"],
  query: ["core", "options"],
  disk: ["core", "options", "stats", "report"],
  checkout: ["core", "options", "stats", "report"],
  web: ["core", "options", "stats", "report"],
  commands: [
    "run",
    "workers",
    "drivers",
    "core",
    "options",
    "stats",
    "report",
    "embedded",
    "query",
    "disk",
    "checkout",
    "web",
  ],
};
const FORBIDDEN_IN_PURE =
  /\bDeno\.|\bconsole\.|\bDate\.now\(|\bperformance\.now\(|\bMath\.random\(/;

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

function codeLines(text: string): string[] {
  // Leave out comments and JSDoc (examples may use the clock).
  return text.split("\n").filter((line) => {
    const t = line.trim();
    return !(t.startsWith("*") || t.startsWith("//") || t.startsWith("/*"));
  });
}

const libRoot = new URL("../lib", import.meta.url).pathname;

Deno.test("architecture: pure directories use no Deno, console, clock or Math.random", async () => {
  const offenders: string[] = [];
  for (const dir of PURE) {
    for await (const path of walk(`${libRoot}/${dir}`)) {
      if (IMPURE_FILES.some((file) => path.endsWith(`/lib/${file}`))) continue;
      codeLines(await Deno.readTextFile(path)).forEach((line) => {
        if (FORBIDDEN_IN_PURE.test(line)) offenders.push(`${path}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("architecture: imports go one way between lib directories", async () => {
  const offenders: string[] = [];
  for (const [dir, allowed] of Object.entries(LAYERS)) {
    for await (const path of walk(`${libRoot}/${dir}`)) {
      const text = await Deno.readTextFile(path);
      for (const match of text.matchAll(/from\s+"(\.\.?\/[^"]+)"/g)) {
        const target = new URL(match[1], `file://${path}`).pathname;
        if (!target.startsWith(libRoot + "/")) continue;
        const top = target.slice(libRoot.length + 1).split("/")[0];
        if (top === dir || top.endsWith(".ts")) continue;
        if (!allowed.includes(top)) offenders.push(`${path} imports ${match[1]}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("architecture: nothing below main.ts calls Deno.exit", async () => {
  const offenders: string[] = [];
  for await (const path of walk(libRoot)) {
    if (codeLines(await Deno.readTextFile(path)).some((l) => /Deno\.exit\b/.test(l))) {
      offenders.push(path);
    }
  }
  assert.deepEqual(offenders, []);
});
