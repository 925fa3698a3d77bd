/**
 * The one-line error of a failed run-store action. Internal to `lib/disk/driver/`.
 *
 * @module
 */

import { firstLineOf, TargetError } from "../../errors.ts";

/**
 * A one-line {@linkcode TargetError} for a failed database action (a TargetError passes as is).
 *
 * @param target The database, as shown.
 * @param action What failed, e.g. `store event`.
 * @param error What was thrown.
 * @returns The error to throw.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { runStoreError } from "./_run_store_error.ts";
 * const error = runStoreError("runs.sqlite", "store event", new Error("disk I/O error\nmore"));
 * assert.equal(error.message, 'Cannot store event in run database "runs.sqlite": disk I/O error');
 * ```
 */
export function runStoreError(target: string, action: string, error: unknown): TargetError {
  if (error instanceof TargetError) return error;
  return new TargetError(
    `Cannot ${action} in run database "${target}": ${firstLineOf(error)}`,
    { cause: error },
  );
}
