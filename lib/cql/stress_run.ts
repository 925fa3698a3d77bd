/**
 * The run lifecycle of a cassandra-stress command, with its output: settings dump,
 * warm-up, truncate, the measured run (or the thread-count search of auto mode) with
 * interval rows and Results blocks, END or FAILURE, and the files of `-log` (`file=`,
 * `hdrfile=`, `json=`).
 *
 * @module
 */

import { formatLoaderVerdict, judgeLoader, loaderExitCode } from "../stats/loader_verdict.ts";
import { CheckFailedError, firstLineOf, InterruptedError } from "../errors.ts";
import type { StressTargetSpec } from "./cql_target_spec.ts";
import type { StressSettings } from "./options/stress_settings.ts";
import type { Shard } from "../units/shard.ts";
import { formatRunEnd } from "../report/results_block.ts";
import { formatSettingsDump, type SettingsDumpOptions } from "./report/settings_dump.ts";
import { type RunPlan, runWorkload } from "../engine/run_workload.ts";
import { STRESS_WORKER_URL } from "./stress_worker_url.ts";
import { checkTargetSpec } from "./check_target_spec.ts";
import {
  runMeasuredStep,
  runThreadSearch,
  type StepContext,
  stepFailed,
  type StepOutcome,
} from "./_stress_steps.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { PageStop } from "../live/live_endpoints.ts";
import { measuredPlan, warmupPlans } from "./stress_plan.ts";
import {
  closeRunFiles,
  noRunFiles,
  openRunFiles,
  type RunFiles,
  writeDuringRun,
  writeRunEnd,
  writeRunFile,
  writeUnmeasuredSummary,
} from "./stress_run_files.ts";

/** Options of {@linkcode runStress}. */
export interface RunStressOptions {
  /**
   * Interrupts the run (SIGINT): what was measured is printed, then it throws.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * The command line, for the JSON summary.
   *
   * @default {[]}
   */
  commandLine?: readonly string[];
  /**
   * This loader's shard (`--shard I/N`), recorded in the JSON summary; the settings are
   * already its part.
   *
   * @default {null}
   */
  shard?: Shard | null;
  /**
   * What the settings dump prints for the connections per host and the protocol version.
   *
   * @default {{}}
   */
  settingsDump?: SettingsDumpOptions;
  /**
   * Prepares the target after the settings dump (connects, and creates the schema); may
   * return the target completed with what the connection found (the local data center).
   *
   * @default {undefined}
   */
  prepare?: (io: CommandIo) => Promise<StressTargetSpec | void>;
  /**
   * The pause before the warm-up, after the `N=0` check (cassandra-stress's
   * `Sleeping 2s...`).
   *
   * @default {undefined}
   */
  pause?: (io: CommandIo) => Promise<void>;
  /**
   * Prints what cassandra-stress prints when its first op connects (the connect banner of a
   * command that did not create the schema): called after each `Warming up` line and after
   * each interval header; it prints once.
   *
   * @default {undefined}
   */
  announce?: (io: CommandIo) => void;
  /**
   * Truncates the tables: `truncate=once` calls it before the measured run, `truncate=always`
   * before the run or before every step of a thread-count search. Any pause after the
   * truncate (cassandra-stress sleeps one second per node) is up to the hook. Without it
   * there is nothing to truncate (the synthetic target).
   *
   * @default {undefined}
   */
  truncate?: (io: CommandIo) => Promise<void>;
  /**
   * Sleeps for the pause between the steps of a thread-count search of an updating command
   * (`Sleeping for 15s` is printed either way); tests pass one that returns at once.
   *
   * @default {a timer that the abort signal ends early}
   */
  sleep?: (ms: number) => Promise<void>;
}

/** A sleep that ends early (without error) when `signal` aborts. */
function abortableSleep(signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done);
    });
}

/**
 * Runs the load of a parsed cassandra-stress command and reports it. With `-rate` auto
 * settings (`threads>=`, `threads<=`, `auto`, or no `-rate` on reads and runs without `n=`)
 * it runs cassandra-stress's thread-count search: one measured run per step, each with its
 * interval rows and Results block, then a table of every step. The HDR log holds every
 * step's intervals on one time line (cassandra-stress's keeps only the last step); the JSON
 * summary lists every step's intervals and merges their totals.
 *
 * @param settings The parsed settings (not help/print/version, not a dry run).
 * @param target The target every Worker builds.
 * @param baseIo Where output goes (teed to `-log file=`).
 * @param options Abort signal, command line and the prepare, truncate and sleep hooks.
 * @returns 0 on END, 1 on FAILURE.
 * @throws {InterruptedError} After printing what was measured, when interrupted.
 * @throws {UsageError} When a file of the run cannot be written (a full disk): a write to
 * `-log file=` or `hdrfile=` that fails stops the run, which prints and stores what it measured
 * first.
 *
 * @example Usage
 * ```ts ignore
 * const code = await runStress(settings, target, io, { signal });
 * ```
 */
export async function runStress(
  settings: StressSettings,
  target: StressTargetSpec,
  baseIo: CommandIo,
  options: RunStressOptions = {},
): Promise<number> {
  // The live page's Stop button ends the run as Ctrl-C does.
  const pageStop = new PageStop(options.signal);
  // Every file is created up front, so a path that cannot be written fails before the run.
  const files = noRunFiles();
  // What the run was doing, and why it ended before its measured run, for the summary.
  const progress: Progress = { phase: "the start", unmeasured: null };
  // Ctrl-C, the page's Stop, or a write to -log file= or hdrfile= that failed.
  const stop = AbortSignal.any([pageStop.signal, files.stop.signal]);
  let outcome: { code: number } | { error: unknown };
  try {
    const io = await openRunFiles(files, settings, baseIo, () => pageStop.stop());
    outcome = {
      code: await runPhases({ settings, io, options, files, progress, pageStop, stop }, target),
    };
  } catch (error) {
    const why = error instanceof InterruptedError ? "interrupted" : firstLineOf(error);
    progress.unmeasured = `${why} during ${progress.phase}`;
    outcome = { error };
  }
  const late = await finishRunFiles(files, settings, { options, progress });
  if ("error" in outcome) throw outcome.error;
  // A file that cannot be written is reported, unless the run already ends with an error.
  if (late !== null) throw late;
  // A write that failed with no report after it (`n=0`) is the run's error all the same.
  if (files.failure !== null && outcome.code === 0) throw files.failure;
  return outcome.code;
}

/**
 * Writes the summary of a run that ended before it summarized what it measured, and closes
 * every file, even when one cannot be written.
 *
 * @returns The first write error met (one error line), or null.
 */
async function finishRunFiles(
  files: RunFiles,
  settings: StressSettings,
  run: { options: RunStressOptions; progress: Progress },
): Promise<unknown> {
  let late: unknown = null;
  const json = files.json;
  if (json !== null && !files.jsonWritten) {
    const { options, progress } = run;
    try {
      writeRunFile(files, "-log json", () =>
        writeUnmeasuredSummary(json, settings, {
          command: options.commandLine,
          shard: options.shard ?? null,
          aborted: progress.unmeasured ?? `ended during ${progress.phase}`,
        }));
    } catch (error) {
      late = error;
    }
  }
  await closeRunFiles(files).catch((error) => {
    late ??= error;
  });
  return late;
}

/** Where a run is, for the summary of a run that ends before it measured anything. */
interface Progress {
  phase: string;
  unmeasured: string | null;
}

/** What every phase of a run reads. */
interface RunState {
  readonly settings: StressSettings;
  readonly io: CommandIo;
  readonly options: RunStressOptions;
  readonly files: RunFiles;
  readonly progress: Progress;
  readonly pageStop: PageStop;
  /** Aborts on `pageStop` or at a write to `-log file=` or `hdrfile=` that failed. */
  readonly stop: AbortSignal;
}

/**
 * The error an interrupted run ends with, saying whether the live page stopped it, and, before
 * the warm-up, that nothing was measured.
 */
function interruptedError(state: RunState): InterruptedError {
  const by = state.pageStop.fromPage
    ? "Run stopped from the live page"
    : "Run interrupted by SIGINT";
  const { phase } = state.progress;
  // The warm-up prints nothing: Ctrl-C there has measured nothing yet.
  const measuring = phase === "the thread search" || phase === "the measured run";
  return new InterruptedError(
    measuring ? `${by}: printed what was measured` : `${by} during ${phase}: nothing was measured`,
  );
}

/**
 * Throws when the run was stopped before it measured: interrupted, or a file it writes as it goes
 * could not be written (that write's error line).
 */
function throwIfStopped(state: RunState): void {
  if (state.pageStop.signal.aborted) throw interruptedError(state);
  if (state.stop.aborted && state.files.failure !== null) throw state.files.failure;
}

/** Resolves when the promise does or the run is stopped, whichever comes first. */
function untilStopped(work: Promise<unknown> | undefined, signal: AbortSignal): Promise<unknown> {
  if (work === undefined || signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    signal.addEventListener("abort", resolve, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", resolve));
  });
}

/** The settings dump, prepare, `N=0`, pause, warm-up, truncate, measured run and report. */
async function runPhases(state: RunState, target: StressTargetSpec): Promise<number> {
  const { settings, io, options, progress } = state;
  await checkTargetSpec(settings, target);
  if (!settings.log.noSettings) printText(io, formatSettingsDump(settings, options.settingsDump));
  // A -log file= that cannot take the dump ends the run before it connects.
  if (state.files.failure !== null) throw state.files.failure;
  progress.phase = "the connection and schema creation";
  const ready = (await options.prepare?.(io)) ?? target;
  if (ready !== target) await checkTargetSpec(settings, ready);
  // Ctrl-C while connecting or creating the schema ends the run in that phase.
  throwIfStopped(state);
  const stop = settings.command.stop;
  if (stop.kind === "count" && stop.n === 0) {
    io.out("N=0: SCHEMA CREATED, NOTHING ELSE DONE.");
    progress.unmeasured = "n=0: schema created, nothing else done";
    return 0;
  }
  progress.phase = "the pause before the warm-up";
  // Ctrl-C in the pause ends the run at once, in that phase.
  await untilStopped(options.pause?.(io), state.stop);
  throwIfStopped(state);
  const rate = settings.rate;
  const workers = navigator.hardwareConcurrency;
  // Auto mode warms up on min(100, threads<=) threads, as cassandra-stress does.
  const plan = measuredPlan(settings, rate.kind === "threads" ? rate.threads : rate.maxThreads, {
    target: ready,
    workers,
  });
  progress.phase = "the warm-up";
  await warmUp(state, plan);
  const truncate = settings.command.truncate;
  if (truncate === "once" || (truncate === "always" && rate.kind === "threads")) {
    await options.truncate?.(io);
  }
  progress.phase = rate.kind === "auto" ? "the thread search" : "the measured run";
  // The -graph file was checked when the run's files were opened (openRunFiles).
  const context = stepContext(state, settings.graph.file !== null, plan.schedule?.fixed ?? false);
  const { steps, completed } = await measure(state, context, { plan, target: ready, workers });
  return report(state, context, { steps, completed });
}

/**
 * Runs the warm-up of every op type; failed ops do not end the run, a Worker that failed (it
 * could not start: a keyspace that is not there, a statement the node refuses) does: the
 * measured run would only fail the same way, after a Results block of nothing.
 */
async function warmUp(state: RunState, plan: RunPlan<StressTargetSpec>): Promise<void> {
  const { settings, io, options } = state;
  const signal = state.stop;
  for (const warm of warmupPlans(plan, settings)) {
    if (signal.aborted) break;
    io.out(`Warming up ${warm.opNames[0]} with ${warm.totalOps} iterations...`);
    options.announce?.(io);
    // cassandra-stress gives up at a failed warm-up; a mixed run on a fresh embedded node
    // reads before its WRITE warm-up has stored anything.
    const result = await runWorkload(warm, {
      workerUrl: STRESS_WORKER_URL,
      signal,
      onLog: onLogOf(state),
    });
    if (result.aborted !== null && result.aborted !== "interrupted") {
      throw new CheckFailedError(result.aborted);
    }
  }
  throwIfStopped(state);
}

/**
 * The log line of a Worker that failed (it could not start: a keyspace that is not there). The
 * engine also ends the run with that line as its reason, which the run prints as its one
 * `error:` line (after FAILURE, or in place of the warm-up), so the log line is not printed.
 */
const WORKER_FAILED = /^Worker \d+ failed: /;

/**
 * Where Worker log lines go: stderr, unless `-log level=minimal`; a Worker's failure is left
 * to the run's `error:` line (see `WORKER_FAILED`).
 */
function onLogOf(state: RunState): ((line: string) => void) | undefined {
  if (state.settings.log.level === "minimal") return undefined;
  return (line) => {
    if (!WORKER_FAILED.test(line)) state.io.err(line);
  };
}

/** The `-log hdrfile=` writer, whose failed write stops the run (see `writeDuringRun`). */
function hdrOf(files: RunFiles): StepContext["hdr"] {
  const hdr = files.hdr;
  if (hdr === null) return null;
  return {
    writeInterval: (report) =>
      writeDuringRun(files, "-log hdrfile", () => hdr.writeInterval(report)),
  };
}

/** The context of the measured steps: output, files, live page and the op log. */
function stepContext(state: RunState, graph: boolean, useResponseTime: boolean): StepContext {
  return {
    settings: state.settings,
    io: state.io,
    signal: state.stop,
    onLog: onLogOf(state),
    hdr: hdrOf(state.files),
    jsonIntervals: state.files.json === null ? null : [],
    graph,
    live: state.files.live,
    useResponseTime,
    announce: state.options.announce ?? null,
  };
}

/** The measured run: one step, or the thread-count search of `-rate auto`. */
async function measure(
  state: RunState,
  context: StepContext,
  run: { plan: RunPlan<StressTargetSpec>; target: StressTargetSpec; workers: number },
): Promise<{ steps: StepOutcome[]; completed: boolean }> {
  const rate = state.settings.rate;
  if (rate.kind !== "auto") {
    return { steps: [await runMeasuredStep(run.plan, context)], completed: true };
  }
  // cassandra-stress prints this "for creating a graph from the output file".
  state.io.out("Thread count was not specified");
  return await runThreadSearch(rate, context, {
    target: run.target,
    workers: run.workers,
    truncate: state.options.truncate,
    sleep: state.options.sleep ?? abortableSleep(state.stop),
  });
}

/**
 * The failed op that ended the run, on stderr, when `-log level=minimal` kept the Workers' lines
 * back (at normal and verbose it was printed as it failed): cassandra-stress prints the exception
 * that ends a run at every level, and without it a FAILURE would come with no reason.
 */
function printHeldBackFailure(state: RunState, failure: string | null): void {
  if (failure !== null && state.settings.log.level === "minimal") state.io.err(failure);
}

/**
 * Why the run ended early, or null: the engine's reason, where a stop from outside the engine
 * (its "interrupted") says which: Ctrl-C or the page's Stop, else the write that failed and
 * stopped it (also one that failed after the run, while it printed its Results).
 */
function abortedOf(state: RunState, last: StepOutcome["result"]): string | null {
  const stoppedBy = state.pageStop.signal.aborted
    ? "interrupted"
    : state.stop.aborted
    ? state.files.failure?.message ?? null
    : null;
  return last.aborted === "interrupted" ? stoppedBy ?? "interrupted" : last.aborted ?? stoppedBy;
}

/**
 * END or FAILURE, the JSON summary, the graph revision. Throws when a file could not be written
 * (after writing the others), unless the run ends on an error of its own, and when interrupted.
 */
function report(
  state: RunState,
  context: StepContext,
  run: { steps: StepOutcome[]; completed: boolean },
): number {
  const { settings, io, files } = state;
  const last = run.steps[run.steps.length - 1].result;
  const failed = !run.completed || run.steps.some(stepFailed);
  // Whether the loader itself was a limit: after the Results block of a run that ended by
  // itself, before END, on stderr, so that stdout stays line for line what cassandra-stress
  // prints (a run that failed or was cut short has it in its JSON summary only).
  const loader = last.loader === null ? null : judgeLoader(last.loader);
  const aborted = abortedOf(state, last);
  if (loader !== null && !failed && aborted === null) io.err(formatLoaderVerdict(loader));
  if (aborted === null) printHeldBackFailure(state, last.failure);
  io.out(formatRunEnd(failed));
  if (loader !== null) files.live?.loaderVerdict(loader);
  files.live?.runEnded(aborted);
  // The summary says why and in which phase: Ctrl-C after the last step of a completed run came
  // in the summary (one between the steps of a search came during the search; a write that
  // failed, in the phase that wrote it).
  const why = aborted ?? (last.failure === null ? null : `FAILURE: ${last.failure}`);
  const phase = run.completed && last.aborted === null && aborted === "interrupted"
    ? "the summary"
    : state.progress.phase;
  const late = writeRunEnd(files, settings, {
    steps: run.steps,
    commandLine: state.options.commandLine ?? [],
    shard: state.options.shard ?? null,
    useResponseTime: context.useResponseTime,
    intervals: context.jsonIntervals ?? [],
    aborted: why === null ? null : `${why} during ${phase}`,
    loader,
  });
  // A run that ends on an error of its own says that; else a write that failed is the one
  // error line (of a run it stopped, or one interrupted, or one that ended well).
  const own = aborted !== "interrupted" && aborted !== files.failure?.message;
  if (aborted !== null && own) {
    io.err(`error: ${aborted}`);
    return 1;
  }
  const failure = files.failure ?? late;
  if (failure !== null) throw failure;
  if (aborted === "interrupted") throw interruptedError(state);
  if (failed) return 1;
  return loaderExitCode(loader, settings.loader.failIfLimited);
}
