/**
 * Private helper of `query_run.ts`: opens the query parameters, `--file` or stdin.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";
import type { QueryRunSettings } from "./_query_run_settings.ts";

/** The one error line of a `--file` that cannot be read. */
function cannotRead(path: string, reason: string, cause?: unknown): UsageError {
  return new UsageError(
    `Cannot read --file "${path}": ${reason}, expected a CSV file of hostname,start_time,end_time`,
    { cause },
  );
}

/** Opens `path` for reading; refuses a folder, which opens but cannot be read. */
async function openFile(path: string): Promise<Deno.FsFile> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "it does not exist" : firstLineOf(error);
    throw cannotRead(path, reason, error);
  }
  try {
    if ((await file.stat()).isDirectory) throw cannotRead(path, "it is a directory");
  } catch (error) {
    file.close();
    throw error instanceof UsageError ? error : cannotRead(path, firstLineOf(error), error);
  }
  return file;
}

/** The file's bytes, where a read error is one error line rather than a stack trace. */
function readableOf(path: string, file: Deno.FsFile): ReadableStream<Uint8Array> {
  const reader = file.readable.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(cannotRead(path, firstLineOf(error), error));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * Opens the input: the `--file`, or stdin when there is none (or it is `-`).
 *
 * @param settings The run's settings (its `file`).
 * @param stdin The standard input; `Deno.stdin.readable` when undefined.
 * @returns The bytes of the input.
 * @throws {UsageError} When the file cannot be opened or is a directory.
 */
export async function openQueryInput(
  settings: QueryRunSettings,
  stdin: ReadableStream<Uint8Array> | undefined,
): Promise<ReadableStream<Uint8Array>> {
  if (settings.file === null) return stdin ?? Deno.stdin.readable;
  return readableOf(settings.file, await openFile(settings.file));
}
