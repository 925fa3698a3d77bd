// The repository is self-contained: no source file under lib/, tests/, bench/ or scripts/ (nor
// main.ts, mod.ts) names a path outside it, so a clone alone passes `deno task test`. Checked:
// absolute paths into the machine's folders, the `shared` folder beside the checkout, and every
// relative `new URL("...", import.meta.url)` and relative import, resolved from its file.
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FOLDERS = ["lib", "tests", "bench", "scripts"];
const SOURCE = /\.(ts|js|json)$/;
/** Paths of the machine, never of a checkout. */
const OUTSIDE = [["", "work", "shared"].join("/"), [".", ".", "/", "shared", "/"].join("")];
const RELATIVE_URL = /new URL\(\s*"(\.{1,2}\/[^"]*)",\s*import\.meta\.url\)/g;
const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]*)"/g;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.isFile && SOURCE.test(entry.name)) yield path;
  }
}

function allSources(): string[] {
  return [
    ...FOLDERS.flatMap((folder) => [...sourceFiles(join(ROOT, folder))]),
    join(ROOT, "main.ts"),
    join(ROOT, "mod.ts"),
  ];
}

/** What `text` (the source of `file`) names outside the repository. */
function escapesOf(file: string, text: string): string[] {
  const escapes: string[] = [];
  const name = relative(ROOT, file);
  for (const outside of OUTSIDE) {
    if (text.includes(outside)) escapes.push(`${name}: names ${outside}`);
  }
  for (const pattern of [RELATIVE_URL, RELATIVE_IMPORT]) {
    for (const match of text.matchAll(pattern)) {
      const target = resolve(dirname(file), match[1]);
      if (relative(ROOT, target).startsWith("..")) escapes.push(`${name}: ${match[1]}`);
    }
  }
  return escapes;
}

Deno.test("no source file names a path outside the repository", () => {
  const files = allSources();
  assert.ok(files.length > 300, `${files.length} files`);
  const escapes = files.flatMap((file) => escapesOf(file, Deno.readTextFileSync(file)));
  assert.deepEqual(escapes, []);
});

Deno.test("the check finds each kind of path that leaves the repository", () => {
  const file = join(ROOT, "tests", "query", "x_test.ts");
  // Built from pieces, so that this file's own source names nothing outside.
  const q = '"';
  const text = [
    `const a = new URL(${q}../../../${"shared"}/data/q.csv${q}, import.meta.url);`,
    `import { b } from ${q}../../../elsewhere/b.ts${q};`,
    `const c = ${q}/${"work"}/${"shared"}/data/q.csv${q};`,
    `const d = new URL(${q}../testdata/q.csv${q}, import.meta.url);`,
    `import { e } from ${q}../../lib/e.ts${q};`,
  ].join("\n");
  // c is a machine path; a names the shared folder and leaves the repository; b leaves it.
  const at = "tests/query/x_test.ts: ";
  assert.deepEqual(escapesOf(file, text), [
    `${at}names /${"work"}/${"shared"}`,
    `${at}names ../${"shared"}/`,
    `${at}../../../${"shared"}/data/q.csv`,
    `${at}../../../elsewhere/b.ts`,
  ]);
});
