/**
 * Private helper of `query_run.ts`: the final report of a run, printed and written as the
 * `--json` summary.
 *
 * @module
 */

import type { CommandIo } from "../cli/command_io.ts";
import { formatLoaderVerdict, type LoaderVerdict } from "../stats/loader_verdict.ts";
import { type Shard, shardJson } from "../units/shard.ts";
import { mergeQueryExact } from "./merge_query_exact.ts";
import type { QueryItemsOutcome } from "./query_input.ts";
import { createQueryJson, formatQueryReport, type QueryReportInput } from "./query_report.ts";
import { redactPgUrl } from "../units/redact_pg_url.ts";
import type { QueryRunDispatch } from "./_query_run_dispatch.ts";
import { writeQueryJson } from "./_query_run_files.ts";
import type { QueryRunIntervals } from "./_query_run_intervals.ts";
import type { ServerProbe } from "./_query_run_probe.ts";
import type { QueryRunSettings } from "./_query_run_settings.ts";

/** A finished run, as {@linkcode reportQueryRun} reports it. */
export interface QueryRunResult {
  /** The run's settings. */
  readonly settings: QueryRunSettings;
  /** The server probe. */
  readonly probe: ServerProbe;
  /** This loader's shard, or null. */
  readonly shard: Shard | null;
  /** The routing, the Workers and their failures. */
  readonly dispatch: QueryRunDispatch;
  /** The intervals and the run's total. */
  readonly intervals: QueryRunIntervals;
  /** How the reading of the input ended. */
  readonly outcome: QueryItemsOutcome;
  /** Seconds from the start to the last answer. */
  readonly wallSec: number;
  /** Why the run ended before its input did, and in which phase; null when it went through. */
  readonly aborted: string | null;
  /** Whether the loader itself was a limit (null: no Worker finished). */
  readonly loader: LoaderVerdict | null;
}

/**
 * Prints the results and writes the `--json` file.
 *
 * @param run The finished run.
 * @param io Where the results are printed.
 * @throws {UsageError} When the `--json` file cannot be written.
 */
export function reportQueryRun(run: QueryRunResult, io: CommandIo): void {
  const { settings, shard, dispatch } = run;
  const hostCounts = dispatch.routing.hostCounts();
  const exactTimes = dispatch.pool.exactTimes();
  const report: QueryReportInput = {
    total: run.intervals.total,
    exact: mergeQueryExact(exactTimes),
    workers: dispatch.pool.totals().map((window, index) => ({
      window,
      hosts: hostCounts[index],
      exact: exactTimes[index],
    })),
    wallSec: run.wallSec,
    errors: dispatch.failures.list(),
    badRows: settings.skipBadRows ? run.outcome.bad : 0,
    notRun: dispatch.pool.dropped,
  };
  io.out("");
  if (shard !== null) {
    io.out(
      `shard ${shard.index}/${shard.count}: ${dispatch.otherShardRows} rows belong to other shards`,
    );
  }
  for (const line of formatQueryReport(report)) io.out(line);
  if (run.loader !== null) io.out(formatLoaderVerdict(run.loader));
  if (settings.jsonPath === null) return;
  const summary = {
    command: "query run",
    shard: shardJson(shard),
    url: redactPgUrl(settings.url),
    query: run.probe.description,
    table: settings.table,
    workerCount: settings.workers,
    input: settings.file === null ? "stdin" : settings.file,
    startTime: new Date(run.intervals.runStartEpochMs).toISOString(),
    ...createQueryJson(report),
    intervals: run.intervals.points,
    aborted: run.aborted,
    ...(run.loader === null ? {} : { loader: run.loader }),
  };
  writeQueryJson(settings.jsonPath, JSON.stringify(summary, null, 2) + "\n");
}
