/**
 * Reports a `stress checkout load` run as it goes: interval rows, the live page's series, the
 * HDR log; then the summary and the JSON file.
 *
 * @module
 */

import { formatLoaderVerdict, judgeLoader, type LoaderVerdict } from "../stats/loader_verdict.ts";
import type { LiveEndpoints } from "../live/live_endpoints.ts";
import { type Shard, shardJson } from "../units/shard.ts";
import {
  createLoadJson,
  formatLoadIntervalRows,
  formatLoadSummary,
  LOAD_INTERVAL_HEADER,
} from "./load_report.ts";
import { hdrTagOf, type LoadInterval } from "./load_tally.ts";
import { OpWindow } from "../stats/op_window.ts";
import { liveRowOf } from "../live/live_row.ts";
import type { LiveSeries } from "../live/live_series.ts";
import type { LoadRun } from "./checkout_load_run.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import { TextFile } from "../cli/text_file.ts";
import type { UsageError } from "../errors.ts";
import { FileWriteGuard } from "../cli/file_write_guard.ts";

/** Options of {@linkcode LoadReporter}. */
export interface LoadReporterOptions {
  /** Where the rows and the summary go. */
  io: CommandIo;
  /** The live page's data, or null without `--web`. */
  series: LiveSeries | null;
  /** The HDR log file, or null. */
  hdrPath: string | null;
  /** The JSON summary file, or null. */
  jsonPath: string | null;
  /** The settings, written into the JSON file as they are. */
  settings: Record<string, unknown>;
  /**
   * This loader's shard (`--shard I/N`), written into the JSON file.
   *
   * @default {null}
   */
  shard?: Shard | null;
  /** The interval length, in ms: a last interval shorter than half of it is not shown. */
  intervalMs: number;
  /**
   * The `--prometheus` endpoint, fed every interval, or null.
   *
   * @default {null}
   */
  live?: LiveEndpoints | null;
}

/** One interval in the JSON file. */
interface IntervalPoint {
  elapsedSec: number;
  users: number;
  requests: number;
  requestsPerSec: number;
  failuresPerSec: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Takes the run's intervals and reports each; {@linkcode LoadReporter.finish} reports the last
 * one and the summary.
 *
 * @example Usage
 * ```ts ignore
 * const reporter = new LoadReporter(run, { io, series: null, hdrPath: null, jsonPath: null, settings: {} });
 * const timer = setInterval(() => reporter.tick(), 1000);
 * await run.run();
 * clearInterval(timer);
 * const failures = await reporter.finish();
 * ```
 */
export class LoadReporter {
  #run: LoadRun;
  #options: LoadReporterOptions;
  #hdr: HdrLogWriter | null;
  #json: TextFile | null;
  #intervalTotal: OpWindow;
  #points: IntervalPoint[] = [];
  #lastSec = 0;
  #runStartEpochMs = Date.now();
  #responseTime: boolean;
  /** Whether the loader itself was a limit, once {@linkcode LoadReporter.finish} ran. */
  verdict: LoaderVerdict | null = null;
  /** The writes to `--hdr-log` and `--json`: after a failed one, later ones are skipped. */
  readonly #hdrGuard: FileWriteGuard;
  readonly #jsonGuard: FileWriteGuard;
  #writeError: UsageError | null = null;

  /**
   * The first write error of the HDR log or the JSON file, as one error line, or null. A write
   * that fails (a full disk) stops the run as Ctrl-C does; the caller reports it once the
   * summary and the other file are written.
   */
  get writeError(): UsageError | null {
    return this.#writeError;
  }

  /**
   * Starts reporting a run (creates the HDR log and JSON files now, so a bad path fails before
   * the load).
   *
   * @param run The run, not started yet or just started.
   * @param options Where to report.
   */
  constructor(run: LoadRun, options: LoadReporterOptions) {
    this.#run = run;
    this.#options = options;
    this.#responseTime = run.params.rate !== null;
    this.#intervalTotal = new OpWindow("total", { scheduled: this.#responseTime });
    this.#hdr = options.hdrPath === null ? null : new HdrLogWriter(options.hdrPath, {
      purpose: "--hdr-log",
      comment: "stress checkout load",
    });
    this.#json = options.jsonPath === null ? null : TextFile.create(options.jsonPath, "--json");
    this.#hdrGuard = new FileWriteGuard("--hdr-log", options.hdrPath ?? "");
    this.#jsonGuard = new FileWriteGuard("--json", options.jsonPath ?? "");
    options.io.out(LOAD_INTERVAL_HEADER);
  }

  /** A write that failed (its error, else null) stops the run; the first is kept for the end. */
  #guarded(error: UsageError | null): void {
    if (error === null) return;
    this.#writeError ??= error;
    this.#run.stop("an output file could not be written");
  }

  /** Reports the interval that ends now. */
  tick(): void {
    this.#report(this.#run.tally.takeInterval(), this.#run.elapsedMs / 1000);
  }

  /** Pushes the run's totals to the live page (after the last interval). */
  #liveTotals(): void {
    const series = this.#options.series;
    if (series === null) return;
    let requests = 0;
    let failures = 0;
    for (const window of this.#run.tally.totals) {
      requests += window.ops;
      failures += window.errors;
    }
    const failuresByKind: Record<string, number> = {};
    for (const failure of this.#run.tally.failures()) {
      const key = `${failure.kind} on ${this.#run.tally.totals[failure.endpoint].name}`;
      failuresByKind[key] = (failuresByKind[key] ?? 0) + failure.count;
    }
    series.setTotals({ requests, failures, failuresByKind });
  }

  #report(interval: LoadInterval, endSec: number, show = true): void {
    const lengthSec = Math.max(endSec - this.#lastSec, 1e-3);
    const total = this.#intervalTotal;
    total.reset();
    for (const window of interval.windows) total.add(window);
    const users = this.#run.active;
    for (
      const line of !show ? [] : formatLoadIntervalRows({
        windows: interval.windows,
        total,
        elapsedSec: endSec,
        lengthSec,
        users,
        responseTime: this.#responseTime,
      })
    ) {
      this.#options.io.out(line);
    }
    const hdr = this.#hdr;
    if (hdr !== null) {
      this.#guarded(this.#hdrGuard.write(() =>
        hdr.writeInterval({
          windows: interval.windows.filter((w) => w.ops > 0).map((w) => ({
            name: hdrTagOf(w.name),
            service: w.service,
            response: w.response,
            wait: w.wait,
          })),
          runStartEpochMs: this.#runStartEpochMs,
          startSec: this.#lastSec,
          lengthSec,
        })
      ));
    }
    this.#options.live?.interval({
      windows: interval.windows,
      totals: this.#run.tally.totals,
      lengthSec,
      elapsedSec: endSec,
      atMs: Date.now(),
      users,
      useResponseTime: this.#responseTime,
    });
    const latency = total.reported(this.#responseTime);
    const pct = (p: number) => latency.totalCount === 0 ? 0 : latency.valueAtPercentile(p) / 1e6;
    const point: IntervalPoint = {
      elapsedSec: round3(endSec),
      users,
      requests: total.ops,
      requestsPerSec: total.ops / lengthSec,
      failuresPerSec: total.errors / lengthSec,
      meanMs: latency.totalCount === 0 ? 0 : latency.meanNs / 1e6,
      p50Ms: pct(50),
      p95Ms: pct(95),
      p99Ms: pct(99),
      maxMs: latency.maxNs / 1e6,
    };
    if (show) {
      this.#points.push(point);
      this.#live(interval, point, lengthSec);
    }
    this.#lastSec = endSec;
  }

  #live(interval: LoadInterval, point: IntervalPoint, lengthSec: number): void {
    const series = this.#options.series;
    if (series === null) return;
    series.push(liveRowOf(interval.windows, {
      atMs: Date.now(),
      lengthSec,
      users: point.users,
      useResponseTime: this.#responseTime,
    }));
    this.#liveTotals();
  }

  /**
   * Reports the last interval (if it had any request), prints the summary and writes the JSON
   * file and closes the HDR log.
   *
   * @returns The number of failed requests in the run.
   */
  finish(): number {
    const run = this.#run;
    const last = run.tally.takeInterval();
    const endSec = run.elapsedMs / 1000;
    if (last.windows.some((w) => w.ops > 0)) {
      // The few answers after the last tick: in the HDR log and the totals, but a row over a few
      // milliseconds would show rates that mean nothing.
      const show = (endSec - this.#lastSec) * 1000 >= this.#options.intervalMs / 2;
      this.#report(last, endSec, show);
    }
    const hdr = this.#hdr;
    if (hdr !== null) this.#guarded(this.#hdrGuard.close(() => hdr.close()));
    this.#liveTotals();
    const total = new OpWindow("total", { scheduled: this.#responseTime });
    for (const window of run.tally.totals) total.add(window);
    const input = {
      windows: run.tally.totals,
      total,
      failures: run.tally.failures(),
      elapsedSec: endSec,
      completedIterations: run.completedIterations,
      abortedIterations: run.abortedIterations,
      responseTime: this.#responseTime,
    };
    const io = this.#options.io;
    for (const line of formatLoadSummary(input)) io.out(line);
    const arrivals = run.params.rate === null ? null : run.arrivals;
    if (arrivals !== null) {
      const missed = arrivals.due - arrivals.started;
      io.out(
        `Arrivals: ${arrivals.started} of ${arrivals.due} due were started${
          missed > 0
            ? `; ${missed} were not, because --max-in-flight iterations were still waiting for answers when the run ended`
            : ""
        }`,
      );
    }
    const loader = run.loader === null ? null : judgeLoader(run.loader);
    if (loader !== null) {
      io.out(formatLoaderVerdict(loader));
      this.#options.live?.loaderVerdict(loader);
    }
    this.verdict = loader;
    const file = this.#json;
    if (file !== null) {
      const json = {
        command: "checkout load",
        shard: shardJson(this.#options.shard ?? null),
        settings: this.#options.settings,
        ...createLoadJson(input),
        ...(arrivals === null ? {} : { arrivals }),
        intervals: this.#points,
        // Why the run ended before its duration, and in which phase: null when it ran it out.
        aborted: run.stoppedEarly === null ? null : `${run.stoppedEarly} during the measured run`,
        ...(loader === null ? {} : { loader }),
      };
      this.#guarded(this.#jsonGuard.write(() => {
        try {
          file.write(JSON.stringify(json, null, 2) + "\n");
        } finally {
          file.close();
        }
      }));
    }
    return total.errors;
  }
}
