/**
 * The run lifecycle of a cassandra-stress command, with its output: settings dump,
 * warm-up, the measured run with interval rows, the Results block, END or FAILURE, and
 * the files of `-log` (`file=`, `hdrfile=`, `json=`).
 *
 * @module
 */

import { InterruptedError } from "../errors.ts";
import type { TargetSpec } from "../drivers/target.ts";
import type { StressSettings } from "../options/stress_settings.ts";
import { formatIntervalHeader, formatIntervalRows } from "../report/interval_rows.ts";
import {
  createJsonIntervalPoint,
  createJsonSummary,
  type JsonIntervalPoint,
} from "../report/json_summary.ts";
import { formatResults, formatRunEnd } from "../report/results_block.ts";
import { formatSettingsDump } from "../report/settings_dump.ts";
import { type RunResult, runWorkload } from "../run/run_workload.ts";
import { type CommandIo, printText, teeIo } from "./command_io.ts";
import { HdrLogWriter } from "./hdr_log_writer.ts";
import { measuredPlan, warmupPlans } from "./stress_plan.ts";
import { TextFile } from "./text_file.ts";

const UNIT_NAMES = { s: "seconds", m: "minutes", h: "hours" } as const;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `Running WRITE with 200 threads for 1000 iteration`, and its duration/uncertainty forms. */
function runningLine(settings: StressSettings, threads: number): string {
  const stop = settings.command.stop;
  const name = settings.command.type.toUpperCase();
  const head = `Running ${name} with ${threads} threads`;
  switch (stop.kind) {
    case "count":
      return `${head} for ${stop.n} iteration`;
    case "duration":
      return `${head} ${stop.durationMs / UNIT_MS[stop.unit]} ${UNIT_NAMES[stop.unit]}`;
    case "uncertainty":
      return `${head} until stderr of mean < ${stop.targetStderr}`;
  }
}

/** The password as the JSON summary shows it: never the password itself. */
function redacted(settings: StressSettings): string | null {
  return settings.mode.password === null ? null : "*suppressed*";
}

/**
 * Runs the load of a parsed cassandra-stress command and reports it.
 *
 * @param settings The parsed settings (not help/print/version, not a dry run).
 * @param target The target every Worker builds.
 * @param baseIo Where output goes (teed to `-log file=`).
 * @param options An abort signal (SIGINT) and the command line (for the JSON summary).
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
  options: {
    signal?: AbortSignal;
    commandLine?: readonly string[];
    prepare?: (io: CommandIo) => Promise<void>;
  } = {},
): Promise<number> {
  const log = settings.log;
  const commandLine = options.commandLine ?? [];
  // Every file is created up front, so a path that cannot be written fails before the run.
  let teeFile: TextFile | null = null;
  let hdr: HdrLogWriter | null = null;
  let json: TextFile | null = null;
  try {
    teeFile = log.file === null ? null : TextFile.create(log.file, "-log file");
    const tee = teeFile;
    const io = tee === null ? baseIo : teeIo(baseIo, (line) => tee.writeLine(line));
    hdr = log.hdrFile === null ? null : new HdrLogWriter(log.hdrFile, { purpose: "-log hdrfile" });
    json = log.jsonFile === null ? null : TextFile.create(log.jsonFile, "-log json");
    if (!log.noSettings) printText(io, formatSettingsDump(settings));
    await options.prepare?.(io);
    const stop = settings.command.stop;
    if (stop.kind === "count" && stop.n === 0) {
      io.out("N=0: SCHEMA CREATED, NOTHING ELSE DONE.");
      return 0;
    }
    const rate = settings.rate;
    const workers = navigator.hardwareConcurrency;
    const threads = rate.kind === "threads" ? rate.threads : rate.maxThreads;
    if (rate.kind === "auto") {
      io.out("Thread count was not specified");
      io.err(
        "warning: the auto thread-count search is not implemented yet; running at threads<= " +
          `(${rate.maxThreads})`,
      );
    }
    if (settings.graph.file !== null) {
      io.err(
        `warning: -graph is parsed but the HTML report is not written yet: "${settings.graph.file}" was not created`,
      );
    }
    const plan = measuredPlan(settings, threads, { target, workers });
    const onLog = log.level === "minimal" ? undefined : (line: string) => io.err(line);

    for (const warm of warmupPlans(plan, settings)) {
      if (options.signal?.aborted) break;
      io.out(`Warming up ${warm.opNames[0]} with ${warm.totalOps} iterations...`);
      await runWorkload(warm, { signal: options.signal, onLog });
    }
    if (options.signal?.aborted) throw new InterruptedError();

    io.out(runningLine(settings, plan.threads));
    const useResponseTime = plan.schedule?.fixed ?? false;
    io.out(formatIntervalHeader());
    const intervals: JsonIntervalPoint[] = [];
    const result: RunResult = await runWorkload(plan, {
      signal: options.signal,
      onLog,
      onInterval(report) {
        for (
          const row of formatIntervalRows({
            windows: report.windows,
            totalOpsByName: Object.fromEntries(report.totals.map((w) => [w.name, w.ops])),
            elapsedSec: report.elapsedSec,
            intervalSec: report.lengthSec,
            stderr: report.stderr,
            useResponseTime,
          })
        ) io.out(row);
        hdr?.writeInterval(report);
        if (json !== null) {
          intervals.push(createJsonIntervalPoint(report.windows, {
            elapsedSec: report.elapsedSec,
            intervalSec: report.lengthSec,
            useResponseTime,
          }));
        }
      },
    });

    if (!log.noSummary) {
      printText(
        io,
        formatResults({ windows: result.totals, elapsedSec: result.elapsedSec, useResponseTime }),
      );
    }
    const failed = result.failure !== null || result.aborted !== null;
    io.out(formatRunEnd(failed));
    if (json !== null) {
      const summary = createJsonSummary({
        command: commandLine,
        settings: { ...settings, mode: { ...settings.mode, password: redacted(settings) } },
        startTimeMs: result.startEpochMs,
        endTimeMs: result.endEpochMs,
        elapsedSec: result.elapsedSec,
        windows: result.totals,
        useResponseTime,
        intervals,
        aborted: result.aborted ?? (result.failure === null ? null : `FAILURE: ${result.failure}`),
      });
      json.write(JSON.stringify(summary, null, 2) + "\n");
    }
    if (result.aborted === "interrupted") throw new InterruptedError();
    if (result.aborted !== null) io.err(`error: ${result.aborted}`);
    return failed ? 1 : 0;
  } finally {
    json?.close();
    hdr?.close();
    teeFile?.close();
  }
}
