/**
 * Private helper of `query_setup.ts`: one step on the server, with its failure as a
 * one-line error.
 *
 * @module
 */

import { firstLineOf, TargetError, UserError } from "../errors.ts";

/** Runs `sql` and maps any failure to a one-line error. */
export async function setupStep<T>(what: string, url: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new TargetError(`Cannot ${what} on "${url}": ${firstLineOf(error)}`, { cause: error });
  }
}
