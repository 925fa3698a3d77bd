/**
 * `stress query run`: reads query parameters (`hostname,start_time,end_time`) from a file or
 * stdin, routes every row to a Worker by host (rendezvous hashing, every host on one Worker),
 * runs the per-minute max/min CPU query on each Worker's own connection and reports the
 * query times.
 *
 * @module
 */

import { RendezvousDispatcher } from "../core/rendezvous_dispatcher.ts";
import { LiveEndpoints, PageStop } from "../live/live_endpoints.ts";
import { CheckFailedError, InterruptedError, TargetError, UsageError } from "../errors.ts";
import { HostRouting } from "./host_routing.ts";
import { type Shard, shardJson } from "../units/shard.ts";
import { minuteQuerySql } from "./minute_query.ts";
import { type QueryItemsOutcome, readQueryItems } from "./query_input.ts";
import {
  createQueryJson,
  formatQueryReport,
  type QueryErrorCount,
  type QueryExact,
  type QueryReportInput,
} from "./query_report.ts";
import { OpWindow } from "../stats/op_window.ts";
import { createJsonIntervalPoint, type JsonIntervalPoint } from "../report/json_summary.ts";
import type { QueryAnswer, QueryWorkerRow } from "./query_protocol.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import { parseFlags, rejectPositionals } from "../cli/parse_flags.ts";
import { redactPgUrl } from "./pg_url.ts";
import { firstLineOf } from "../errors.ts";
import { type QueryFailure, QueryPool } from "./driver/query_pool.ts";
import { TextFile } from "../cli/text_file.ts";
import { probeServer, settingsOf } from "./_query_run_settings.ts";

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
  --workers N          Workers, each with one connection (default 1)
  --file FILE          the query parameters; "-" or no --file reads stdin (not a terminal)
  --skip-bad-rows      count and skip malformed rows; without it, a malformed row in a --file
                       stops the run before any query runs (on stdin: where it is met)
  --fail-fast          stop at the first failed query (exit 1); by default failed queries are
                       counted by kind and the run goes on
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

Exit: 0 done (failed queries are reported), 1 --fail-fast stopped the run, 2 bad command line or
input, 3 database unreachable or not set up, 130 interrupted.

Example:
  stress query run --url postgres://postgres@127.0.0.1:5432/homework --workers 4 \\
    --file query_params.csv`;

/** How many skipped or bad rows are printed one by one before the rest are only counted. */
const MAX_SHOWN_BAD_ROWS = 20;
/** Rows queued in one Worker, at most, before reading waits. */
const MAX_QUEUED_ROWS = 4096;

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

/** The seed of the host-to-shard hashing: fixed, so every shard routes hosts the same way. */
const SHARD_SEED = 0x5a17;

function intervalLine(window: OpWindow, endSec: number, lengthSec: number): string {
  const p = (percentile: number) =>
    (window.ops > 0 ? window.service.valueAtPercentile(percentile) / 1e6 : 0).toFixed(3);
  return `${endSec.toFixed(1).padStart(6)}  ${String(window.ops).padStart(7)}  ${
    (lengthSec > 0 ? window.ops / lengthSec : 0).toFixed(1).padStart(9)
  }  ${String(window.errors).padStart(6)}  ${p(50).padStart(8)}  ${p(99).padStart(8)}  ${
    (window.ops > 0 ? window.service.maxNs / 1e6 : 0).toFixed(3).padStart(8)
  }`;
}

/** Collects failures by kind, in order of first appearance, sorted by count at the end. */
class FailureCounts {
  readonly #byKind = new Map<string, { count: number; first: QueryFailure }>();
  first: QueryFailure | null = null;

  add(failure: QueryFailure): void {
    this.first ??= failure;
    const entry = this.#byKind.get(failure.kind);
    if (entry === undefined) this.#byKind.set(failure.kind, { count: 1, first: failure });
    else entry.count++;
  }

  list(): QueryErrorCount[] {
    return [...this.#byKind.entries()].map(([kind, { count, first }]) => ({
      kind,
      count,
      firstLine: first.line,
      firstHost: first.host,
      message: first.message,
    })).sort((a, b) => b.count - a.count);
  }
}

function mergeExact(parts: readonly QueryExact[]): QueryExact {
  let count = 0;
  let sumNs = 0;
  let minNs = Infinity;
  let maxNs = 0;
  for (const part of parts) {
    if (part.count === 0) continue;
    count += part.count;
    sumNs += part.sumNs;
    minNs = Math.min(minNs, part.minNs);
    maxNs = Math.max(maxNs, part.maxNs);
  }
  return { count, sumNs, minNs: count === 0 ? 0 : minNs, maxNs };
}

function answerLine(answer: QueryAnswer): string {
  return JSON.stringify({
    line: answer.line,
    host: answer.host,
    worker: answer.worker,
    minutes: answer.minutes.map(([ms, max, min]) => [new Date(ms).toISOString(), max, min]),
  });
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
  const { values, positionals } = parseFlags("query run", args, {
    url: { type: "string" },
    workers: { type: "string", default: "1" },
    file: { type: "string" },
    "skip-bad-rows": { type: "boolean" },
    "fail-fast": { type: "boolean" },
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
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    printText(io, QUERY_RUN_HELP);
    return 0;
  }
  rejectPositionals("query run", positionals);
  const settings = settingsOf(values);
  const fromStdin = settings.file === null;
  if (
    fromStdin && values.file === undefined &&
    (options.stdinIsTerminal ?? Deno.stdin.isTerminal())
  ) {
    throw new UsageError(
      'Cannot run "query run": no --file and stdin is a terminal, expected --file FILE, --file - or rows piped to stdin',
    );
  }
  const openInput = async (): Promise<ReadableStream<Uint8Array>> => {
    if (settings.file === null) return options.stdin ?? Deno.stdin.readable;
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
  };

  // A given file is checked whole before any query runs.
  if (settings.file !== null && !settings.skipBadRows) {
    let rows = 0;
    const bad: string[] = [];
    await readQueryItems(await openInput(), {
      signal: options.signal,
      onRows: (batch) => {
        rows += batch.length;
      },
      onBad: (item) => {
        bad.push(item.problem);
        return "continue";
      },
    });
    if (options.signal?.aborted) throw new InterruptedError("Run interrupted: no query was run");
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

  const probe = await probeServer(settings);
  const failures = new FailureCounts();
  const fatal: string[] = [];
  let failFastStop = false;
  // The page's Stop ends the input as Ctrl-C does (also while stdin is quiet).
  const pageStop = new PageStop(options.signal);
  const readSignal = pageStop.signal;
  // The endpoints are bound before any file is created, so a taken port truncates nothing.
  const live = await LiveEndpoints.start({
    command: "query run",
    title: "stress query run",
    prometheus: settings.prometheus,
    web: settings.web,
    names: { prometheus: "--prometheus", web: "--web" },
    onStop: () => pageStop.stop(),
  }, io);
  let hdr: HdrLogWriter | null = null;
  let resultsFile: TextFile | null = null;
  let input: ReadableStream<Uint8Array>;
  try {
    input = await openInput();
    if (settings.hdrPath !== null) {
      hdr = new HdrLogWriter(settings.hdrPath, {
        purpose: "--hdr-log",
        comment: "stress query run",
      });
    }
    if (settings.resultsPath !== null) {
      resultsFile = TextFile.create(settings.resultsPath, "--results");
    }
  } catch (error) {
    hdr?.close();
    await live?.close();
    throw error;
  }
  io.out(`query: ${probe.description}, table ${settings.table}`);
  const shard = options.shard ?? null;
  const shardRouting = shard === null
    ? null
    : new RendezvousDispatcher(shard.count, { seed: SHARD_SEED });
  let otherShardRows = 0;
  if (shard !== null) {
    io.out(
      `shard ${shard.index}/${shard.count}: the rows of the hosts rendezvous hashing of the host name gives to this shard`,
    );
  }
  io.out(
    `workers: ${settings.workers}, input: ${
      fromStdin ? "stdin" : `"${settings.file}"`
    }, routing: rendezvous hashing of the host (seed ${settings.seed})`,
  );

  const routing = new HostRouting(settings.workers, { seed: settings.seed });
  const pool = new QueryPool({
    workerCount: settings.workers,
    maxQueuedRows: MAX_QUEUED_ROWS,
    init: {
      url: settings.url.href,
      sql: minuteQuerySql(probe.flavor, { table: settings.table }),
      prepare: settings.prepare,
      statementTimeoutMs: settings.timeoutMs,
      collectResults: resultsFile !== null,
      failFast: settings.failFast,
    },
    onFailure: (failure) => {
      failures.add(failure);
      if (settings.failFast) failFastStop = true;
    },
    onAnswers: (answers) => {
      for (const answer of answers) resultsFile!.writeLine(answerLine(answer));
    },
    onFatal: (workerIndex, message) => {
      fatal.push(`worker ${workerIndex} cannot connect: ${message}`);
    },
  });

  const startMs = performance.now();
  const runStartEpochMs = Date.now();
  const total = new OpWindow("QUERY", { scheduled: false });
  let lastIntervalSec = 0;
  let shownHeader = false;
  // The per-interval series of the JSON summary (what `stress compare` tests).
  const points: JsonIntervalPoint[] = [];
  const emit = (window: OpWindow, final: boolean) => {
    const endSec = (performance.now() - startMs) / 1000;
    const lengthSec = endSec - lastIntervalSec;
    if (window.ops + window.errors > 0 || !final) {
      points.push(createJsonIntervalPoint([window], {
        elapsedSec: endSec,
        intervalSec: lengthSec,
        useResponseTime: false,
      }));
      hdr?.writeInterval({
        windows: [window],
        runStartEpochMs,
        startSec: lastIntervalSec,
        lengthSec,
      });
      if (!final || shownHeader) {
        if (!shownHeader) {
          io.out("time_s  queries  queries/s  errors    p50_ms    p99_ms    max_ms");
          shownHeader = true;
        }
        io.out(intervalLine(window, endSec, lengthSec));
      }
    }
    total.add(window);
    if (!final || window.ops + window.errors > 0) {
      live?.interval({
        windows: [window],
        totals: [total],
        lengthSec: Math.max(lengthSec, 1e-9),
        elapsedSec: endSec,
        atMs: Date.now(),
        users: settings.workers,
        useResponseTime: false,
      });
    }
    lastIntervalSec = endSec;
  };
  let ticking: Promise<void> | null = null;
  const timer = setInterval(() => {
    ticking ??= pool.takeInterval().then((window) => {
      emit(window, false);
      ticking = null;
    });
  }, settings.intervalMs);

  let outcome: QueryItemsOutcome = { rows: 0, bad: 0, stoppedAt: null };
  let shownSkipped = 0;
  try {
    outcome = await readQueryItems(input, {
      signal: readSignal,
      stop: () => failFastStop || fatal.length > 0 || pageStop.signal.aborted,
      onRows: async (rows) => {
        const byWorker = new Map<number, QueryWorkerRow[]>();
        for (const row of rows) {
          if (shardRouting !== null && shardRouting.select(row.host) !== shard!.index) {
            otherShardRows++;
            continue;
          }
          const worker = routing.route(row.host);
          let batch = byWorker.get(worker);
          if (batch === undefined) byWorker.set(worker, batch = []);
          batch.push({ line: row.line, host: row.host, startMs: row.startMs, endMs: row.endMs });
        }
        for (const [worker, batch] of byWorker) await pool.dispatch(worker, batch);
      },
      onBad: (item) => {
        if (!settings.skipBadRows) return "stop";
        if (shownSkipped++ < MAX_SHOWN_BAD_ROWS) io.err(`skipped bad row: ${item.problem}`);
        return "continue";
      },
    });
  } catch (error) {
    clearInterval(timer);
    pool.terminate();
    hdr?.close();
    resultsFile?.close();
    await live?.close();
    throw error;
  }
  // Rows routed before a bad stdin row still run; fail-fast and SIGINT drop queued rows.
  const stopEarly = failFastStop || fatal.length > 0 || pageStop.signal.aborted ||
    options.signal?.aborted === true;
  clearInterval(timer);
  if (ticking !== null) await ticking;
  emit(await pool.finish({ stop: stopEarly }), true);
  const wallSec = (performance.now() - startMs) / 1000;
  live?.runEnded(pageStop.fromPage ? "stopped from the live page" : null);
  await live?.close();
  hdr?.close();
  resultsFile?.close();
  if (outcome.bad > MAX_SHOWN_BAD_ROWS && settings.skipBadRows) {
    io.err(`skipped bad row: ... and ${outcome.bad - MAX_SHOWN_BAD_ROWS} more`);
  }

  const hostCounts = routing.hostCounts();
  const exactTimes = pool.exactTimes();
  const report: QueryReportInput = {
    total,
    exact: mergeExact(exactTimes),
    workers: pool.totals().map((window, index) => ({
      window,
      hosts: hostCounts[index],
      exact: exactTimes[index],
    })),
    wallSec,
    errors: failures.list(),
    badRows: settings.skipBadRows ? outcome.bad : 0,
    notRun: pool.dropped,
  };
  io.out("");
  if (shard !== null) {
    io.out(`shard ${shard.index}/${shard.count}: ${otherShardRows} rows belong to other shards`);
  }
  for (const line of formatQueryReport(report)) io.out(line);
  if (settings.jsonPath !== null) {
    const file = TextFile.create(settings.jsonPath, "--json");
    try {
      file.write(
        JSON.stringify(
          {
            command: "query run",
            shard: shardJson(shard),
            url: redactPgUrl(settings.url),
            query: probe.description,
            table: settings.table,
            workerCount: settings.workers,
            input: fromStdin ? "stdin" : settings.file,
            startTime: new Date(runStartEpochMs).toISOString(),
            ...createQueryJson(report),
            intervals: points,
          },
          null,
          2,
        ) + "\n",
      );
    } finally {
      file.close();
    }
  }

  if (options.signal?.aborted) {
    throw new InterruptedError("Run interrupted by SIGINT: the results above are partial");
  }
  if (pageStop.fromPage) {
    throw new InterruptedError("Run stopped from the live page: the results above are partial");
  }
  if (fatal.length > 0) {
    throw new TargetError(`Cannot finish "query run": ${fatal[0]}`);
  }
  if (failFastStop && failures.first !== null) {
    const first = failures.first;
    throw new CheckFailedError(
      `Query failed at line ${first.line} (host "${first.host}"): ${first.kind}: ${first.message}; --fail-fast stopped the run`,
    );
  }
  if (outcome.stoppedAt !== null) {
    throw new UsageError(
      `Cannot go on reading stdin: ${outcome.stoppedAt.problem}; the run stopped there (give --skip-bad-rows to skip malformed rows)`,
    );
  }
  if (outcome.rows === 0) {
    throw new UsageError(
      `Cannot run "query run": the input has no rows, expected hostname,start_time,end_time lines`,
    );
  }
  return 0;
}
