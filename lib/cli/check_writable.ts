/**
 * Checks, before a run, that a file it writes only at its end can be written, without touching
 * the file itself: a run must not measure for an hour and then fail on a missing folder.
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/**
 * Creates and removes a sibling of `path` (`PATH.tmp-PID`, the name a file written by rename
 * goes through), so the folder is known to exist and take new files; `path` is left as it is.
 *
 * @param path The file the run will write.
 * @param option The option that names it, for the error message.
 * @throws {UsageError} When the folder does not exist or does not take a new file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkWritable } from "./check_writable.ts";
 * const dir = Deno.makeTempDirSync();
 * checkWritable(`${dir}/summary.json`, "--json");
 * assert.throws(() => checkWritable(`${dir}/missing/summary.json`, "--json"), /--json/);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function checkWritable(path: string, option: string): void {
  const probe = `${path}.tmp-${Deno.pid}`;
  try {
    Deno.writeTextFileSync(probe, "");
    Deno.removeSync(probe);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot write the file of ${option} "${path}": ${reason}`, {
      cause: error,
    });
  }
}
