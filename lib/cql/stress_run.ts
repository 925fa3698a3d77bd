/**
 * The run lifecycle of a cassandra-stress command, with its output: settings dump,
 * warm-up, truncate, the measured run (or the thread-count search of auto mode) with
 * interval rows and Results blocks, END or FAILURE, and the files of `-log` (`file=`,
 * `hdrfile=`, `json=`).
 *
 * @module
 */

import { firstLineOf, InterruptedError, UsageError } from "../errors.ts";
import type { TargetSpec } from "../engine/target.ts";
import type { StressSettings } from "./options/stress_settings.ts";
import type { Shard } from "../units/shard.ts";
import { createJsonSummary } from "../report/json_summary.ts";
import {
  appendGraphRevision,
  type GraphRevision,
  readGraphRevisions,
} from "../report/graph_html.ts";
import { GraphSeries, summaryOf } from "../report/graph_series.ts";
import { formatResults, formatRunEnd } from "../report/results_block.ts";
import { formatSettingsDump, type SettingsDumpOptions } from "./report/settings_dump.ts";
import { runWorkload } from "../engine/run_workload.ts";
import { OpWindow } from "../stats/op_window.ts";
import {
  runMeasuredStep,
  runThreadSearch,
  type StepContext,
  stepFailed,
  type StepOutcome,
} from "./_stress_steps.ts";
import { type CommandIo, printText, teeIo } from "../cli/command_io.ts";
import { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import { LiveEndpoints, PageStop } from "../live/live_endpoints.ts";
import { measuredPlan, warmupPlans } from "./stress_plan.ts";
import { TextFile } from "../cli/text_file.ts";

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
   * Prepares the target after the settings dump (connects, and creates the schema).
   *
   * @default {undefined}
   */
  prepare?: (io: CommandIo) => Promise<void>;
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

/** The password as the JSON summary shows it: never the password itself. */
function redacted(settings: StressSettings): string | null {
  return settings.mode.password === null ? null : "*suppressed*";
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

/** The current text of the `-graph` file (empty when it does not exist yet); checked now. */
function readGraphFile(file: string): { text: string } {
  let text = "";
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new UsageError(
        `Cannot read -graph file "${file}": ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  if (text.trim() !== "") readGraphRevisions(text, { fileName: file });
  return { text };
}

/** Appends this run as a revision of the `-graph` file (cassandra-stress's graph.html). */
function writeGraphFile(
  settings: StressSettings,
  existing: string,
  run: {
    series: GraphRevision["series"];
    startEpochMs: number;
    commandLine: readonly string[];
    summary: Record<string, string>;
  },
): void {
  const graph = settings.graph;
  const file = graph.file!;
  const html = appendGraphRevision(existing === "" ? null : existing, {
    revision: graph.revision,
    title: graph.title,
    operation: graph.operation,
    commandLine: run.commandLine.join(" "),
    startTime: new Date(run.startEpochMs).toISOString(),
    series: run.series,
    summary: run.summary,
  }, { fileName: file });
  // Write a sibling and rename it, so the revisions already stored survive a crash.
  const temporary = `${file}.tmp-${Deno.pid}`;
  Deno.writeTextFileSync(temporary, html);
  Deno.renameSync(temporary, file);
}

/** Every step's cumulative windows merged by op name. */
function mergedTotals(steps: readonly StepOutcome[]): OpWindow[] {
  const first = steps[0].result.totals;
  return first.map((window, i) => {
    const merged = new OpWindow(window.name, { scheduled: window.response !== null });
    for (const step of steps) merged.add(step.result.totals[i]);
    return merged;
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
 *
 * @example Usage
 * ```ts ignore
 * const code = await runStress(settings, target, io, { signal });
 * ```
 */
export async function runStress(
  settings: StressSettings,
  target: TargetSpec,
  baseIo: CommandIo,
  options: RunStressOptions = {},
): Promise<number> {
  const log = settings.log;
  // The live page's Stop button ends the run as Ctrl-C does.
  const pageStop = new PageStop(options.signal);
  const signal = pageStop.signal;
  const interrupted = () =>
    new InterruptedError(
      pageStop.fromPage ? "Run stopped from the live page: printed what was measured" : undefined,
    );
  // Every file is created up front, so a path that cannot be written fails before the run.
  let teeFile: TextFile | null = null;
  let hdr: HdrLogWriter | null = null;
  let json: TextFile | null = null;
  let jsonWritten = false;
  // What the run was doing, for the summary of a run that ends before it measured anything.
  let phase = "the start";
  // Why a run ended before its measured run, for its summary.
  let unmeasured: string | null = null;
  let live: LiveEndpoints | null = null;
  try {
    // The endpoints bind first: a taken port fails before any file is created or truncated.
    const command = settings.command.type;
    live = await LiveEndpoints.start({
      command,
      title: `stress ${command}`,
      prometheus: log.prometheus,
      web: log.web,
      names: { prometheus: "-log prometheus", web: "-log web" },
      onStop: () => pageStop.stop(),
    }, baseIo);
    teeFile = log.file === null ? null : TextFile.create(log.file, "-log file");
    const tee = teeFile;
    const io = tee === null ? baseIo : teeIo(baseIo, (line) => tee.writeLine(line));
    hdr = log.hdrFile === null ? null : new HdrLogWriter(log.hdrFile, { purpose: "-log hdrfile" });
    json = log.jsonFile === null ? null : TextFile.create(log.jsonFile, "-log json");
    if (!log.noSettings) printText(io, formatSettingsDump(settings, options.settingsDump));
    phase = "the connection and schema creation";
    await options.prepare?.(io);
    const stop = settings.command.stop;
    if (stop.kind === "count" && stop.n === 0) {
      io.out("N=0: SCHEMA CREATED, NOTHING ELSE DONE.");
      unmeasured = "n=0: schema created, nothing else done";
      return 0;
    }
    phase = "the pause before the warm-up";
    await options.pause?.(io);
    // A graph file that is not ours fails now, before the run, not after it.
    const graphHtml = settings.graph.file === null ? null : readGraphFile(settings.graph.file);
    const rate = settings.rate;
    const workers = navigator.hardwareConcurrency;
    // Auto mode warms up on min(100, threads<=) threads, as cassandra-stress does.
    const plan = measuredPlan(settings, rate.kind === "threads" ? rate.threads : rate.maxThreads, {
      target,
      workers,
    });
    const onLog = log.level === "minimal" ? undefined : (line: string) => io.err(line);
    phase = "the warm-up";
    for (const warm of warmupPlans(plan, settings)) {
      if (signal?.aborted) break;
      io.out(`Warming up ${warm.opNames[0]} with ${warm.totalOps} iterations...`);
      options.announce?.(io);
      // A failed warm-up does not end the run (cassandra-stress gives up there): a mixed run
      // on a fresh embedded node reads before its WRITE warm-up has stored anything.
      await runWorkload(warm, { signal, onLog });
    }
    if (signal.aborted) throw interrupted();

    const truncate = settings.command.truncate;
    if (truncate === "once" || (truncate === "always" && rate.kind === "threads")) {
      await options.truncate?.(io);
    }
    phase = "the measured run";
    const context: StepContext = {
      settings,
      io,
      signal,
      onLog,
      hdr,
      jsonIntervals: json === null ? null : [],
      graph: graphHtml === null ? null : new GraphSeries(),
      live,
      useResponseTime: plan.schedule?.fixed ?? false,
      announce: options.announce ?? null,
    };
    let steps: StepOutcome[];
    let completed = true;
    if (rate.kind === "auto") {
      // cassandra-stress prints this "for creating a graph from the output file".
      io.out("Thread count was not specified");
      ({ steps, completed } = await runThreadSearch(rate, context, {
        target,
        workers,
        truncate: options.truncate,
        sleep: options.sleep ?? abortableSleep(signal),
      }));
    } else {
      steps = [await runMeasuredStep(plan, context)];
    }

    const last = steps[steps.length - 1].result;
    const failed = !completed || steps.some(stepFailed);
    io.out(formatRunEnd(failed));
    const aborted = last.aborted ?? (signal.aborted ? "interrupted" : null);
    live?.runEnded(aborted);
    if (json !== null) {
      const summary = createJsonSummary({
        command: options.commandLine ?? [],
        shard: options.shard ?? null,
        settings: { ...settings, mode: { ...settings.mode, password: redacted(settings) } },
        startTimeMs: steps[0].result.startEpochMs,
        endTimeMs: last.endEpochMs,
        elapsedSec: steps.reduce((sum, step) => sum + step.result.elapsedSec, 0),
        windows: steps.length === 1 ? last.totals : mergedTotals(steps),
        useResponseTime: context.useResponseTime,
        intervals: context.jsonIntervals ?? [],
        aborted: aborted ?? (last.failure === null ? null : `FAILURE: ${last.failure}`),
      });
      json.write(JSON.stringify(summary, null, 2) + "\n");
      jsonWritten = true;
    }
    if (context.graph !== null && graphHtml !== null) {
      writeGraphFile(settings, graphHtml.text, {
        series: context.graph.series,
        startEpochMs: steps[0].result.startEpochMs,
        commandLine: options.commandLine ?? [],
        summary: summaryOf(
          formatResults({
            windows: steps.length === 1 ? last.totals : mergedTotals(steps),
            elapsedSec: steps.reduce((sum, step) => sum + step.result.elapsedSec, 0),
            useResponseTime: context.useResponseTime,
          }),
        ),
      });
    }
    if (aborted === "interrupted") throw interrupted();
    if (aborted !== null) io.err(`error: ${aborted}`);
    return failed ? 1 : 0;
  } catch (error) {
    const why = error instanceof InterruptedError ? "interrupted" : firstLineOf(error);
    unmeasured = `${why} during ${phase}`;
    throw error;
  } finally {
    if (json !== null && !jsonWritten) {
      writeUnmeasuredSummary(json, settings, {
        command: options.commandLine,
        shard: options.shard ?? null,
        aborted: unmeasured ?? `ended during ${phase}`,
      });
    }
    live?.runEnded();
    await live?.close();
    json?.close();
    hdr?.close();
    teeFile?.close();
  }
}

/**
 * The JSON summary of a run that ended before it could summarize what it measured (interrupted
 * in the warm-up, a failed connect, `n=0`): valid JSON with no op in it, and `aborted` saying why
 * and in which phase.
 */
function writeUnmeasuredSummary(
  json: TextFile,
  settings: StressSettings,
  run: { command?: readonly string[]; shard: Shard | null; aborted: string },
): void {
  const nowMs = Date.now();
  const summary = createJsonSummary({
    command: run.command ?? [],
    shard: run.shard,
    settings: { ...settings, mode: { ...settings.mode, password: redacted(settings) } },
    startTimeMs: nowMs,
    endTimeMs: nowMs,
    elapsedSec: 0,
    windows: [],
    useResponseTime: false,
    intervals: [],
    aborted: run.aborted,
  });
  json.write(JSON.stringify(summary, null, 2) + "\n");
}
