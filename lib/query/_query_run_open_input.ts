/**
 * Private helper of `query_run.ts`: opens the query parameters, `--file` or stdin.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";
import type { QueryRunSettings } from "./_query_run_settings.ts";

/**
 * Opens the input: the `--file`, or stdin when there is none (or it is `-`).
 *
 * @param settings The run's settings (its `file`).
 * @param stdin The standard input; `Deno.stdin.readable` when undefined.
 * @returns The bytes of the input.
 * @throws {UsageError} When the file cannot be opened.
 */
export async function openQueryInput(
  settings: QueryRunSettings,
  stdin: ReadableStream<Uint8Array> | undefined,
): Promise<ReadableStream<Uint8Array>> {
  if (settings.file === null) return stdin ?? Deno.stdin.readable;
  try {
    return (await Deno.open(settings.file)).readable;
  } catch (error) {
    throw new UsageError(
      `Cannot read --file "${settings.file}": ${
        error instanceof Deno.errors.NotFound ? "it does not exist" : firstLineOf(error)
      }, expected a CSV file of hostname,start_time,end_time`,
      { cause: error },
    );
  }
}
