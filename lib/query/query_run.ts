/**
 * `stress query run`: reads query parameters (`hostname,start_time,end_time`) from a file or
 * stdin, routes every row to a Worker by host (rendezvous hashing, every host on one Worker),
 * runs the per-minute max/min CPU query on each Worker's own connection and reports the
 * query times.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { judgeLoader, loaderExitCode, mergeLoaderSamples } from "../stats/loader_verdict.ts";
import type { Shard } from "../units/shard.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { parseCommandFlags } from "../cli/parse_flags.ts";
import { minuteQuerySql } from "./minute_query.ts";
import { printQueryRunBanner } from "./_query_run_banner.ts";
import { checkQueryFile } from "./_query_run_check_file.ts";
import { QueryRunDispatch } from "./_query_run_dispatch.ts";
import { checkQueryRunEnd, queryRunAborted } from "./_query_run_end.ts";
import { checkQueryRunFiles } from "./_query_run_files.ts";
import { QueryRunIntervals } from "./_query_run_intervals.ts";
import { QueryRunOutputs } from "./_query_run_outputs.ts";
import { probeServer } from "./_query_run_probe.ts";
import { runQueries } from "./_query_run_queries.ts";
import { reportQueryRun } from "./_query_run_report.ts";
import { MAX_SHOWN_BAD_ROWS, settingsOf } from "./_query_run_settings.ts";

/** The help text of `stress query run`. */
export const QUERY_RUN_HELP: string =
  `Usage: stress query run --url URL [--workers N] [--file FILE | -] [options]

For every row hostname,start_time,end_time of the input (a header line is optional; times are
YYYY-MM-DD HH:MM:SS in UTC or ISO 8601), runs the max and min CPU usage per minute of that host
in [start_time, end_time) against cpu_usage (see stress query setup): time_bucket on TimescaleDB,
date_bin with the same origin on plain PostgreSQL (the server is probed once). Rows are routed to
N Workers by rendezvous hashing of the host name, so all rows of a host run on one Worker, in
input order, and no Worker gets a single host when there are at least 2N hosts. Each Worker has
its own connection and starts when its first row arrives: the input is streamed. A query is
timed around its round trip on its Worker.

Options:
  --url URL            postgres://user:password@host:port/database (required)
  --workers N          Workers, each with one connection (default 1, at most 1024)
  --file FILE          the query parameters; "-" or no --file reads stdin (not a terminal)
  --skip-bad-rows      count and skip malformed rows; without it, a malformed row in a --file
                       stops the run before any query runs (on stdin or a pipe: where it is met)
  --fail-fast          stop at the first failed query (exit 1); by default failed queries are
                       counted by kind and the run goes on
  --fail-if-limited    exit 4 when the load generator itself was a limit of the run (the
                       Loader: line after the results says ok or limited, and why)
  --timeout DURATION   the server's statement_timeout for each query, e.g. 5s (default none)
  --no-prepare         unnamed statements instead of one named prepared statement per Worker
  --json FILE          write the results as JSON
  --hdr-log FILE       write an HDR histogram interval log (tag QUERY-st, ns)
  --results FILE       write each query's answer as a JSON line {line, host, worker, minutes}
  --interval DURATION  interval of the progress lines and the HDR log (default 1s)
  --prometheus [HOST:]PORT  serve the latest interval at /metrics (Prometheus text format;
                       a bare port binds 127.0.0.1)
  --web [HOST:]PORT    serve the live page: queries/s, errors and latency charts, and Stop
                       (a bare port binds 127.0.0.1)
  --seed N             seed of the host routing (default 0)
  --table NAME         the table to query (default cpu_usage)
  -h, --help           this help

Figures: number of queries, total processing time (sum of query times), min, average and max
are exact; median and percentiles come from the HDR histogram (3 significant digits). Failed
queries are counted by kind and not in the query times.

Exit: 0 done (failed queries are reported), 1 --fail-fast stopped the run or every query failed,
2 bad command line or input, or an output file that cannot be written, 3 database unreachable,
not set up, or lost during the run, 4 the loader was a limit (--fail-if-limited), 130 interrupted (143 SIGTERM).

Example:
  stress query run --url postgres://postgres@127.0.0.1:5432/homework --workers 4 \\
    --file query_params.csv`;

/** Options of {@linkcode queryRunCommand}. */
export interface QueryRunOptions {
  /** Aborts the run (SIGINT): what was measured is printed, then exit 130. */
  readonly signal?: AbortSignal;
  /**
   * The standard input.
   *
   * @default {Deno.stdin.readable}
   */
  readonly stdin?: ReadableStream<Uint8Array>;
  /**
   * Whether the standard input is a terminal (then it is not read without `--file -`).
   *
   * @default {Deno.stdin.isTerminal()}
   */
  readonly stdinIsTerminal?: boolean;
  /**
   * This loader's shard (`--shard I/N`): it runs only the rows of the hosts that rendezvous
   * hashing gives to shard I of N. The choice depends on the host name alone (a fixed seed),
   * not on the order of the input, so the shards split the hosts between them whatever order
   * each reads its copy of the input in.
   *
   * @default {null}
   */
  readonly shard?: Shard | null;
}

/**
 * Runs `stress query run`.
 *
 * @param args The arguments after `query run`.
 * @param io Where the output goes.
 * @param options The abort signal and the standard input.
 * @returns 0 when every row was run (failed queries are reported, not fatal).
 * @throws {UsageError} On bad flags or malformed input rows (before any query with `--file`).
 * @throws {TargetError} When the database cannot be reached, lacks the table, or a Worker
 * cannot connect.
 * @throws {CheckFailedError} When `--fail-fast` stopped the run at a failed query.
 * @throws {InterruptedError} When the signal aborted the run (after the results are printed).
 *
 * @example Usage
 * ```ts ignore
 * const code = await queryRunCommand(["--url", url, "--workers", "4", "--file", "q.csv"], io);
 * ```
 */
export async function queryRunCommand(
  args: readonly string[],
  io: CommandIo,
  options: QueryRunOptions = {},
): Promise<number> {
  const values = parseCommandFlags("query run", args, {
    url: { type: "string" },
    workers: { type: "string", default: "1" },
    file: { type: "string" },
    "skip-bad-rows": { type: "boolean" },
    "fail-fast": { type: "boolean" },
    "fail-if-limited": { type: "boolean" },
    timeout: { type: "string" },
    "no-prepare": { type: "boolean" },
    json: { type: "string" },
    "hdr-log": { type: "string" },
    results: { type: "string" },
    interval: { type: "string", default: "1s" },
    seed: { type: "string", default: "0" },
    table: { type: "string", default: "cpu_usage" },
    prometheus: { type: "string" },
    web: { type: "string" },
  }, { io, help: QUERY_RUN_HELP });
  if (values === null) return 0;
  const settings = settingsOf(values);
  // Before anything is opened: no output may be the input or another output.
  checkQueryRunFiles(settings);
  if (
    settings.file === null && values.file === undefined &&
    (options.stdinIsTerminal ?? Deno.stdin.isTerminal())
  ) {
    throw new UsageError(
      'Cannot run "query run": no --file and stdin is a terminal, expected --file FILE, --file - or rows piped to stdin',
    );
  }
  // A given file is checked whole before any query runs.
  await checkQueryFile(settings, io, options.signal);
  const probe = await probeServer(settings, options.signal);
  const outputs = await QueryRunOutputs.open(settings, io, options);
  const shard = options.shard ?? null;
  printQueryRunBanner(settings, { probe, shard }, io);
  const dispatch = new QueryRunDispatch(settings, {
    sql: minuteQuerySql(probe.flavor, { table: settings.table }),
    shard,
    resultsFile: outputs.resultsFile,
    io,
  });
  const intervals = new QueryRunIntervals({
    io,
    hdr: outputs.hdr,
    live: outputs.live,
    users: settings.workers,
  });
  const outcome = await runQueries({
    dispatch,
    intervals,
    outputs,
    intervalMs: settings.intervalMs,
  });
  const wallSec = intervals.elapsedSec();
  await outputs.closeAtEnd();
  if (outcome.bad > MAX_SHOWN_BAD_ROWS && settings.skipBadRows) {
    io.err(`skipped bad row: ... and ${outcome.bad - MAX_SHOWN_BAD_ROWS} more`);
  }
  const end = {
    signal: options.signal,
    pageStop: outputs.pageStop,
    dispatch,
    outcome,
    writeError: outputs.writeGuard.error,
    file: settings.file,
    succeeded: intervals.total.ops,
  };
  const samples = dispatch.pool.loaderSamples();
  const loader = samples.length === 0
    ? null
    : judgeLoader(mergeLoaderSamples(samples, false, "workers"));
  if (loader !== null) outputs.live?.loaderVerdict(loader);
  const aborted = queryRunAborted(end);
  reportQueryRun(
    { settings, probe, shard, dispatch, intervals, outcome, wallSec, aborted, loader },
    io,
  );
  checkQueryRunEnd(end);
  return loaderExitCode(loader, settings.failIfLimited);
}
