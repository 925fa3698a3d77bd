/**
 * Private helper of `query_run.ts`: a given `--file` is read whole before any query runs,
 * so that a malformed row stops the run before it starts. A pipe or a device (`--file
 * <(zcat q.csv.gz)`, `/dev/stdin`) cannot be read twice: it is streamed, as stdin is.
 *
 * @module
 */

import { InterruptedError, UsageError } from "../errors.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { readQueryItems } from "./query_input.ts";
import { openQueryInput } from "./_query_run_open_input.ts";
import { MAX_SHOWN_BAD_ROWS, type QueryRunSettings } from "./_query_run_settings.ts";

/** Whether `path` is something other than a file or a folder: a pipe, a device. */
async function isStream(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return !info.isFile && !info.isDirectory;
  } catch {
    return false; // reading it says why
  }
}

/**
 * Reads the whole `--file` (unless the input is stdin, a pipe or a device, or
 * `--skip-bad-rows` was given) and prints its malformed rows.
 *
 * @param settings The run's settings.
 * @param io Where the malformed rows are printed.
 * @param signal Aborts the reading (SIGINT).
 * @throws {UsageError} When the file has malformed rows or no rows.
 * @throws {InterruptedError} When the signal aborted the reading.
 */
export async function checkQueryFile(
  settings: QueryRunSettings,
  io: CommandIo,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (settings.file === null || settings.skipBadRows || await isStream(settings.file)) return;
  let rows = 0;
  const bad: string[] = [];
  await readQueryItems(await openQueryInput(settings, undefined), {
    signal,
    onRows: (batch) => {
      rows += batch.length;
    },
    onBad: (item) => {
      bad.push(item.problem);
      return "continue";
    },
  });
  if (signal?.aborted) throw new InterruptedError("Run interrupted: no query was run");
  for (const problem of bad.slice(0, MAX_SHOWN_BAD_ROWS)) io.err(`bad row: ${problem}`);
  if (bad.length > MAX_SHOWN_BAD_ROWS) {
    io.err(`bad row: ... and ${bad.length - MAX_SHOWN_BAD_ROWS} more`);
  }
  if (bad.length > 0) {
    throw new UsageError(
      `Cannot run "query run": "${settings.file}" has ${bad.length} malformed row${
        bad.length === 1 ? "" : "s"
      }, no query was run (give --skip-bad-rows to skip them)`,
    );
  }
  if (rows === 0) {
    throw new UsageError(
      `Cannot run "query run": "${settings.file}" has no rows, expected hostname,start_time,end_time lines`,
    );
  }
}
