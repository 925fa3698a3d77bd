/**
 * Private helpers of `stress_run.ts`: one measured run with its console output and log
 * lines, and cassandra-stress's thread-count search (auto mode) made of such runs.
 *
 * @module
 */

import { ThreadSearch } from "../core/thread_search.ts";
import type { StressTargetSpec } from "./cql_target_spec.ts";
import type { AutoRate, StressSettings } from "./options/stress_settings.ts";
import { formatIntervalHeader, formatIntervalRows } from "../report/interval_rows.ts";
import { createJsonIntervalPoint, type JsonIntervalPoint } from "../report/json_summary.ts";
import { GraphSeries } from "../report/graph_series.ts";
import { formatResults } from "../report/results_block.ts";
import { ranOpWindows } from "./report/ran_op_windows.ts";
import {
  formatThreadImprovement,
  formatThreadSearchTable,
  formatThreadStepStart,
} from "./report/thread_search_table.ts";
import { type RunPlan, type RunResult, runWorkload } from "../engine/run_workload.ts";
import { STRESS_WORKER_URL } from "./stress_worker_url.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import type { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import type { LiveEndpoints } from "../live/live_endpoints.ts";
import { judgeLoader } from "../stats/loader_verdict.ts";
import { measuredPlan } from "./stress_plan.ts";

const UNIT_NAMES = { s: "seconds", m: "minutes", h: "hours" } as const;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** The pause between the steps of an updating command, as in cassandra-stress. */
const STEP_PAUSE_MS = 15_000;

/** The commands cassandra-stress pauses after (its `Command.updates`). */
const UPDATING = new Set(["write", "mixed", "counter_write", "user"]);

/** What every measured run of a command shares: output, log files, options. */
export interface StepContext {
  /** The parsed settings. */
  readonly settings: StressSettings;
  /** Where output goes (already teed to `-log file=`). */
  readonly io: CommandIo;
  /** Interrupts the run (SIGINT). */
  readonly signal: AbortSignal | undefined;
  /** Receives Worker log lines, or undefined with `-log level=minimal`. */
  readonly onLog: ((line: string) => void) | undefined;
  /** The `-log hdrfile=` writer, or null. */
  readonly hdr: Pick<HdrLogWriter, "writeInterval"> | null;
  /** Collects the `-log json=` interval points, or null. */
  readonly jsonIntervals: JsonIntervalPoint[] | null;
  /** Whether each measured run collects its `-graph` series (see {@linkcode StepOutcome}). */
  readonly graph: boolean;
  /** The `-log prometheus=` and `web=` endpoints, or null. */
  readonly live: LiveEndpoints | null;
  /** Report response time (`fixed=`) instead of service time. */
  readonly useResponseTime: boolean;
  /** Prints the connect banner once, after the interval header (see `RunStressOptions`). */
  readonly announce: ((io: CommandIo) => void) | null;
}

/** One finished measured run. */
export interface StepOutcome {
  /** The run's thread count. */
  readonly threads: number;
  /** The engine's result. */
  readonly result: RunResult;
  /** The uncertainty of the mean row rate after the last interval. */
  readonly stderr: number;
  /**
   * The run's `-graph` series, its points timed from the run's own start (each step of a
   * thread-count search is a revision of its own, as cassandra-stress graphs it), or null
   * without `-graph`.
   */
  readonly graph: GraphSeries | null;
}

/** Java's `Double.toString`, for `err<` values printed back (`0.05`, `1.0`, `1.0E-4`). */
function javaDouble(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) {
    const [mantissa, exponent] = value.toExponential().split("e");
    return `${mantissa.includes(".") ? mantissa : mantissa + ".0"}E${Number(exponent)}`;
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * `Running WRITE with 200 threads for 1000 iteration`, and its duration/uncertainty forms; a
 * mixed or user run names its op types as cassandra-stress does (`Running [READ, WRITE] with ...`,
 * `Running [insert, read] with ...`).
 */
function runningLine(settings: StressSettings, plan: RunPlan<StressTargetSpec>): string {
  const stop = settings.command.stop;
  const type = settings.command.type;
  const ops = type === "mixed" || type === "user"
    ? `[${plan.opNames.join(", ")}]`
    : type.toUpperCase();
  const head = `Running ${ops} with ${plan.threads} threads`;
  switch (stop.kind) {
    case "count":
      return `${head} for ${stop.n} iteration`;
    case "duration":
      return `${head} ${stop.durationMs / UNIT_MS[stop.unit]} ${UNIT_NAMES[stop.unit]}`;
    case "uncertainty":
      return `${head} until stderr of mean < ${javaDouble(stop.targetStderr)}`;
  }
}

/**
 * The `time` column of an interval row: seconds from the start of the wall-clock second the
 * run started in, as cassandra-stress counts (its intervals end on whole seconds: 1.0, 2.0
 * ...), so it runs ahead of the run's own elapsed time by that second's fraction. Rates stay
 * over the time the ops really ran.
 */
function clockTimeSec(report: { elapsedSec: number; runStartEpochMs: number }): number {
  return report.elapsedSec + (report.runStartEpochMs % 1000) / 1000;
}

/**
 * Whether a run failed or was cut short (cassandra-stress's FAILURE).
 *
 * @param outcome The run.
 * @returns True on a failed op, a Worker's fatal error or an interruption.
 */
export function stepFailed(outcome: StepOutcome): boolean {
  return outcome.result.failure !== null || outcome.result.aborted !== null;
}

/**
 * Runs one measured run: prints the `Running ...` line, the interval header and rows, then
 * the Results block (unless `no-summary`); appends every interval to the HDR log and the
 * JSON points. JSON times count from `jsonZeroEpochMs` (the first step's start).
 *
 * @param plan What to run.
 * @param context Output, log files and options.
 * @param jsonZeroEpochMs Epoch ms that JSON interval times count from, or -1 for this run's start.
 * @returns The result and the final uncertainty.
 */
export async function runMeasuredStep(
  plan: RunPlan<StressTargetSpec>,
  context: StepContext,
  jsonZeroEpochMs = -1,
): Promise<StepOutcome> {
  const { io, useResponseTime } = context;
  io.out(runningLine(context.settings, plan));
  io.out(formatIntervalHeader());
  context.announce?.(io);
  context.live?.runStarted(plan.threads);
  let stderr = 0;
  const graph = context.graph ? new GraphSeries() : null;
  const result = await runWorkload(plan, {
    workerUrl: STRESS_WORKER_URL,
    signal: context.signal,
    onLog: context.onLog,
    onInterval(report) {
      stderr = report.stderr;
      const rows = formatIntervalRows({
        // As cassandra-stress, an op type of the mix has rows only once it ran.
        windows: ranOpWindows(report.windows, report.totals),
        totalOpsByName: Object.fromEntries(report.totals.map((w) => [w.name, w.ops])),
        elapsedSec: clockTimeSec(report),
        intervalSec: report.lengthSec,
        stderr: report.stderr,
        useResponseTime,
      });
      for (const row of rows) io.out(row);
      context.hdr?.writeInterval(report);
      context.live?.interval({
        windows: report.windows,
        totals: report.totals,
        lengthSec: report.lengthSec,
        elapsedSec: report.elapsedSec,
        atMs: report.runStartEpochMs + report.elapsedSec * 1000,
        users: plan.threads,
        useResponseTime,
      });
      // The verdict so far, on the page and on /metrics while the run goes on.
      const loader = context.live === null ? null : report.loader();
      if (loader !== null) context.live?.loaderVerdict(judgeLoader(loader));
      const offsetSec = jsonZeroEpochMs < 0 ? 0 : (report.runStartEpochMs - jsonZeroEpochMs) / 1000;
      graph?.add(report.windows, {
        timeSec: report.elapsedSec,
        lengthSec: report.lengthSec,
        useResponseTime,
      });
      context.jsonIntervals?.push(createJsonIntervalPoint(report.windows, {
        elapsedSec: offsetSec + report.elapsedSec,
        intervalSec: report.lengthSec,
        useResponseTime,
      }));
    },
  });
  if (!context.settings.log.noSummary) {
    printText(
      io,
      formatResults({
        windows: ranOpWindows(result.totals),
        elapsedSec: result.elapsedSec,
        useResponseTime,
      }),
    );
  }
  return { threads: plan.threads, result, stderr, graph };
}

/** The op rate cassandra-stress compares between steps: all ops over the run time. */
function opRateOf(result: RunResult): number {
  let ops = 0;
  for (const window of result.totals) ops += window.ops;
  return ops / result.elapsedSec;
}

/** Options of {@linkcode runThreadSearch}. */
export interface ThreadSearchRunOptions {
  /** The target every step's Workers build. */
  readonly target: StressTargetSpec;
  /** How many Workers a step may start. */
  readonly workers: number;
  /** Truncates the tables (`truncate=always` calls it before every step). */
  readonly truncate: ((io: CommandIo) => Promise<void>) | undefined;
  /** Sleeps between the steps of an updating command. */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Runs cassandra-stress's thread-count search: for each step an empty line and
 * `Running with N threadCount`, the truncate of `truncate=always`, a measured run, then
 * `Improvement over N threadCount: X%` from the second step on and `Sleeping for 15s` for
 * updating commands; after the last step the table of every step's summary rows. A failed
 * or interrupted step (or an interruption during a pause) ends the search without the table.
 *
 * @param rate The `-rate` auto settings.
 * @param context Output, log files and options.
 * @param options The target, Worker count, truncate hook and sleep.
 * @returns Every step run, and whether the search completed (printed its table).
 */
export async function runThreadSearch(
  rate: AutoRate,
  context: StepContext,
  options: ThreadSearchRunOptions,
): Promise<{ steps: StepOutcome[]; completed: boolean }> {
  const { settings, io } = context;
  const stop = settings.command.stop;
  const targetStderr = stop.kind === "uncertainty" ? stop.targetStderr : null;
  if (targetStderr !== null) {
    io.out(
      "WARNING: uncertainty mode (err<) results in uneven workload between thread runs, so should be used for high level analysis only",
    );
  }
  const search = new ThreadSearch({ ...rate, targetStderr });
  const steps: StepOutcome[] = [];
  let zeroEpochMs = -1;
  while (!search.done) {
    const threads = search.threads;
    printText(io, formatThreadStepStart(threads));
    if (settings.command.truncate === "always") await options.truncate?.(io);
    const plan = measuredPlan(settings, threads, options);
    const outcome = await runMeasuredStep(plan, context, zeroEpochMs);
    if (zeroEpochMs < 0) zeroEpochMs = outcome.result.startEpochMs;
    steps.push(outcome);
    if (stepFailed(outcome)) return { steps, completed: false };
    const step = search.record(opRateOf(outcome.result));
    if (step.improvement !== null) {
      printText(io, formatThreadImprovement(steps[steps.length - 2].threads, step.improvement));
    }
    if (step.pausesAfter && UPDATING.has(settings.command.type)) {
      io.out("Sleeping for 15s");
      await options.sleep(STEP_PAUSE_MS);
      if (context.signal?.aborted) return { steps, completed: false };
    }
  }
  const table = steps.map(({ threads, result, stderr }) => ({
    threads,
    windows: result.totals,
    elapsedSec: result.elapsedSec,
    timeSec: clockTimeSec({ elapsedSec: result.elapsedSec, runStartEpochMs: result.startEpochMs }),
    stderr,
  }));
  printText(
    io,
    formatThreadSearchTable({ steps: table, useResponseTime: context.useResponseTime }),
  );
  return { steps, completed: true };
}
