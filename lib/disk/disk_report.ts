/**
 * `stress disk report`: reads the run database of `stress disk server`, lists its runs or shows
 * one run's report (rebuilt from the stored records, so a run whose server was killed can be
 * reported too).
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { createDiskReport } from "./report/disk_report.ts";
import { formatDiskReport } from "./report/format_disk_report.ts";
import { openRunStore } from "./driver/run_store.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { parseCommandFlags } from "../cli/parse_flags.ts";

/** The help text of `stress disk report`. */
export const DISK_REPORT_HELP: string = `Usage: stress disk report [--db TARGET] [--run ID] [--json]

Without --run, lists the runs of the database, newest first. With --run, prints that run's
report, rebuilt from the stored records (so the run of a server that was killed can be reported).
It only reads: the database must be one a stress disk server wrote; nothing in it is changed.

Options:
  --db TARGET   runs.sqlite (default), another SQLite file, or postgres://...
  --run ID      the run to report
  --json        print JSON instead of text
  -h, --help    this help`;

/**
 * Runs `stress disk report`.
 *
 * @param args The arguments after `disk report`.
 * @param io Where the output goes.
 * @returns 0.
 * @throws {UsageError} On bad options or an unknown run.
 * @throws {TargetError} When the database cannot be opened.
 *
 * @example Usage
 * ```ts ignore
 * await diskReportCommand(["--db", "runs.sqlite", "--run", "3"], io);
 * ```
 */
export async function diskReportCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandFlags("disk report", args, {
    db: { type: "string", default: "runs.sqlite" },
    run: { type: "string" },
    json: { type: "boolean" },
  }, { io, help: DISK_REPORT_HELP });
  if (values === null) return 0;
  // Checked before the database is opened: a bad --run is the user's to fix first.
  const runId = values.run === undefined ? null : parseRunId(values.run as string);
  // It only reads: a file that is not a runs database is refused, never turned into one.
  const store = await openRunStore(values.db as string, { mustExist: true, readOnly: true });
  try {
    if (runId === null) {
      const runs = await store.listRuns();
      if (values.json) {
        io.out(JSON.stringify(runs.map(({ reportJson: _, ...run }) => run), null, 2));
        return 0;
      }
      if (runs.length === 0) {
        io.out(`no runs in "${store.target}" yet (stress disk server --db stores them)`);
        return 0;
      }
      io.out("run  started                   ended                     status       clients");
      for (const run of runs) {
        io.out(
          `${String(run.id).padStart(3)}  ${new Date(run.startedAtMs).toISOString().padEnd(24)}  ${
            (run.endedAtMs === null ? "-" : new Date(run.endedAtMs).toISOString()).padEnd(24)
          }  ${run.status.padEnd(11)}  ${run.clientCount}`,
        );
      }
      return 0;
    }
    const loaded = await store.loadRun(runId);
    if (loaded === null) {
      throw new UsageError(
        `Cannot report run "${runId}": it is not in "${store.target}", expected a run listed by stress disk report`,
      );
    }
    const report = createDiskReport(loaded);
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else for (const line of formatDiskReport(report)) io.out(line);
    return 0;
  } finally {
    await store.close();
  }
}

/** Reads `--run`: a run id in plain digits (`Number()` would also take " 2", "1e0" and "0x1"). */
function parseRunId(text: string): number {
  const id = /^\d{1,15}$/.test(text) ? Number(text) : 0;
  if (id < 1) {
    throw new UsageError(`Cannot parse --run: "${text}" is invalid, expected a positive integer`);
  }
  return id;
}
