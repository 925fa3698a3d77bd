/**
 * Private helper of `query_run.ts`: the files a run names, checked before it starts (no output
 * may be the input or another output; the `--json` folder must take a file), the write errors
 * met while it runs (kept, and reported once the run has printed what it measured), and the
 * `--json` file written at the end.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";
import { refuseSharedFiles } from "../cli/distinct_files.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";
import type { QueryRunSettings } from "./_query_run_settings.ts";

/** The one error line of an output file that cannot be written. */
function cannotWrite(option: string, path: string, error: unknown): UsageError {
  return new UsageError(`Cannot write the file of ${option} "${path}": ${firstLineOf(error)}`, {
    cause: error,
  });
}

/** What is at `path`, or null when nothing is. */
function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

/**
 * Refuses, before anything is opened, an output that is the input or another output, and a
 * `--json` path that cannot be written (a folder that is missing or takes no file, a folder
 * itself).
 *
 * @param settings The run's settings.
 * @throws {UsageError} One line naming the option and the file.
 */
export function checkQueryRunFiles(settings: QueryRunSettings): void {
  refuseSharedFiles([
    { option: "--file", path: settings.file, input: true },
    { option: "--json", path: settings.jsonPath },
    { option: "--hdr-log", path: settings.hdrPath },
    { option: "--results", path: settings.resultsPath },
  ]);
  const json = settings.jsonPath;
  if (json === null) return;
  const info = statOrNull(json);
  if (info?.isDirectory) {
    throw new UsageError(
      `Cannot write the file of --json "${json}": it is a directory, expected a file`,
    );
  }
  // A device or a pipe (/dev/stdout) is written in place at the end, never replaced.
  if (info === null || info.isFile) checkReplaceable(json, "--json");
}

/**
 * Writes the `--json` summary: a file through a renamed sibling (a crash leaves the old file
 * whole), a device or a pipe in place.
 *
 * @param path The `--json` path.
 * @param text The summary.
 * @throws {UsageError} When it cannot be written.
 */
export function writeQueryJson(path: string, text: string): void {
  const info = statOrNull(path);
  if (info === null || info.isFile) {
    replaceFile(path, "--json", text);
    return;
  }
  try {
    Deno.writeTextFileSync(path, text);
  } catch (error) {
    throw cannotWrite("--json", path, error);
  }
}

/**
 * The first write error of a run's output files. A write that fails is not thrown at the
 * Worker message or the timer that made it: it is kept, the run is told to stop, and the
 * command reports it after printing what was measured. Later writes to that file are skipped.
 */
export class QueryRunWriteGuard {
  readonly #controller = new AbortController();
  readonly #failed = new Set<string>();
  #error: UsageError | null = null;

  /** Aborted at the first write error: the run stops. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The first write error, as one error line, or null. */
  get error(): UsageError | null {
    return this.#error;
  }

  /**
   * Runs a write to an output file, keeping its error instead of throwing it.
   *
   * @param option The option that names the file (`--results`).
   * @param path The file.
   * @param write The write.
   */
  write(option: string, path: string, write: () => void): void {
    if (!this.#failed.has(option)) this.#run(option, path, write);
  }

  /**
   * Closes an output file, also one whose writes failed, keeping the error of its last write.
   *
   * @param option The option that names the file (`--hdr-log`).
   * @param path The file.
   * @param close The close.
   */
  close(option: string, path: string, close: () => void): void {
    this.#run(option, path, close);
  }

  #run(option: string, path: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      if (this.#failed.has(option)) return;
      this.#failed.add(option);
      this.#error ??= cannotWrite(option, path, error);
      this.#controller.abort();
    }
  }
}
