/**
 * Where a Worker (or child process) entry module is, whether the tool runs from source or from
 * the bundle that `deno task bundle` writes to `dist/`.
 *
 * From source (the calling module's URL ends in `.ts`), the entry is resolved relative to the
 * caller as written. From the bundle (the caller was inlined into `dist/stress.js`, so its
 * `import.meta.url` is that file's), the entry is the file that `scripts/bundle.ts` writes next
 * to it: the source file's name with `.js` for `.ts` (`./driver/stress_worker.ts` ->
 * `./stress_worker.js`). Entry file names are therefore unique across the tree.
 *
 * @module
 */

/**
 * The URL of a Worker entry module: `source` relative to `base` when `base` is a TypeScript
 * source file, else the bundled entry (the file name of `source`, `.ts` -> `.js`) next to `base`.
 *
 * @param source The entry's path relative to the calling module, e.g. `./driver/stress_worker.ts`.
 * @param base The calling module's `import.meta.url`.
 * @returns The entry's URL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { workerEntryUrl } from "./worker_entry_url.ts";
 * assert.equal(
 *   workerEntryUrl("./driver/stress_worker.ts", "file:///repo/lib/cql/stress_worker_url.ts"),
 *   "file:///repo/lib/cql/driver/stress_worker.ts",
 * );
 * assert.equal(
 *   workerEntryUrl("./driver/stress_worker.ts", "file:///opt/stress/stress.js"),
 *   "file:///opt/stress/stress_worker.js",
 * );
 * ```
 */
export function workerEntryUrl(source: string, base: string): string {
  if (!isBundled(base)) return new URL(source, base).href;
  const name = source.slice(source.lastIndexOf("/") + 1).replace(/\.ts$/, ".js");
  return new URL(`./${name}`, base).href;
}

/**
 * Whether a module runs from the bundle: its `import.meta.url` is not a TypeScript source file
 * (it was inlined into `dist/stress.js`). Child processes of the bundle run with `--no-config`:
 * a deno.json found above `dist/` could make them fetch its imports.
 *
 * @param base The module's `import.meta.url`.
 * @returns True from the bundle.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBundled } from "./worker_entry_url.ts";
 * assert.equal(isBundled("file:///repo/lib/tools/analyze.ts"), false);
 * assert.equal(isBundled("file:///opt/stress/stress.js"), true);
 * ```
 */
export function isBundled(base: string): boolean {
  return !new URL(base).pathname.endsWith(".ts");
}
