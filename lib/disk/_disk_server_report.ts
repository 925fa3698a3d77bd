/**
 * Private helper of `disk_server.ts`: the end of a run: its report, stored with the run,
 * printed, and written to `--report`.
 *
 * @module
 */

import { CheckFailedError, InterruptedError } from "../errors.ts";
import { createDiskReport } from "./report/disk_report.ts";
import { formatDiskReport } from "./report/format_disk_report.ts";
import type { RunStatus, RunStore } from "./driver/run_store_types.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { writeReportFile } from "./_disk_server_files.ts";
import type { ServerSettings } from "./_disk_server_settings.ts";

/** What {@linkcode reportServerRun} needs besides the store. */
export interface ServerRunEnd {
  /** The run. */
  readonly runId: number;
  /** How it ended. */
  readonly status: RunStatus;
  /** The server's settings (`--idle-timeout`, `--report`). */
  readonly settings: ServerSettings;
  /** Where the report goes. */
  readonly io: CommandIo;
}

/**
 * Ends a run: builds its report from the stored records, stores it with the run's end, then
 * prints it and writes it to `--report`.
 *
 * @param store The run database.
 * @param end The run, how it ended, the settings and the output.
 * @returns 0 when the report was written.
 * @throws {CheckFailedError} When no client came within `--idle-timeout`.
 * @throws {UsageError} When `--report` cannot be written (after the report was printed).
 * @throws {InterruptedError} When the run was interrupted (after the report of what was stored).
 */
export async function reportServerRun(store: RunStore, end: ServerRunEnd): Promise<number> {
  const { runId, status, settings, io } = end;
  const loaded = await store.loadRun(runId);
  const endedAtMs = Date.now();
  const report = loaded === null
    ? null
    : createDiskReport({ ...loaded, run: { ...loaded.run, endedAtMs, status } });
  const reportJson = report === null ? null : JSON.stringify(report, null, 2);
  await store.finishRun(runId, { endedAtMs, status, reportJson });
  if (status === "idle") {
    throw new CheckFailedError(
      `Cannot write a report for run ${runId}: no client came within ${
        settings.idleTimeoutMs / 1000
      } s`,
    );
  }
  if (report !== null) {
    io.out("");
    for (const line of formatDiskReport(report)) io.out(line);
    // After the report is stored and printed: a write error is one line after it.
    if (settings.reportPath !== null) writeReportFile(settings.reportPath, reportJson + "\n");
  }
  if (status === "interrupted") {
    throw new InterruptedError("Server interrupted: the report above covers what was stored");
  }
  return 0;
}
