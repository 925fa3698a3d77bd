/**
 * A file a run writes only at its end, such as the `-graph` report: checked before the run (a
 * run must not measure for an hour and then fail on a missing folder), then written to a
 * sibling (`PATH.tmp-PID`) and renamed over the file, so what it held survives a crash.
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/** The sibling a file is written to before it replaces the file. */
function siblingOf(path: string): string {
  return `${path}.tmp-${Deno.pid}`;
}

/** The one error line of a file that cannot be written. */
function cannotWrite(path: string, option: string, error: unknown): UsageError {
  const reason = error instanceof Error ? error.message : String(error);
  return new UsageError(`Cannot write the file of ${option} "${path}": ${reason}`, {
    cause: error,
  });
}

/**
 * Creates and removes the sibling {@linkcode replaceFile} writes through, so the folder is known
 * to exist and take new files; `path` itself is left as it is.
 *
 * @param path The file the run will write.
 * @param option The option that names it, for the error message.
 * @throws {UsageError} When the folder does not exist or does not take a new file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkReplaceable } from "./replace_file.ts";
 * const dir = Deno.makeTempDirSync();
 * checkReplaceable(`${dir}/summary.json`, "--json");
 * assert.throws(() => checkReplaceable(`${dir}/missing/summary.json`, "--json"), /--json/);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function checkReplaceable(path: string, option: string): void {
  const probe = siblingOf(path);
  try {
    Deno.writeTextFileSync(probe, "");
    Deno.removeSync(probe);
  } catch (error) {
    throw cannotWrite(path, option, error);
  }
}

/**
 * Writes `text` to the sibling of `path` and renames it over `path`: a crash leaves the old
 * file whole, never half of the new one.
 *
 * @param path The file.
 * @param option The option that names it, for the error message.
 * @param text The new content.
 * @throws {UsageError} When the sibling cannot be written or renamed (the sibling is removed).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaceFile } from "./replace_file.ts";
 * const dir = Deno.makeTempDirSync();
 * replaceFile(`${dir}/graph.html`, "-graph", "<html></html>");
 * assert.equal(Deno.readTextFileSync(`${dir}/graph.html`), "<html></html>");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function replaceFile(path: string, option: string, text: string): void {
  const temporary = siblingOf(path);
  try {
    Deno.writeTextFileSync(temporary, text);
    Deno.renameSync(temporary, path);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // never written
    }
    throw cannotWrite(path, option, error);
  }
}
