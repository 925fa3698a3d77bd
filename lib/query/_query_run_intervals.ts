/**
 * Private helper of `query_run.ts`: the interval reporting of a run. Every `--interval` it
 * takes the Workers' interval, prints a progress line, writes the HDR log, feeds the live
 * endpoints and keeps the series of the JSON summary.
 *
 * @module
 */

import { OpWindow } from "../stats/op_window.ts";
import { createJsonIntervalPoint, type JsonIntervalPoint } from "../report/json_summary.ts";
import type { LiveEndpoints } from "../live/live_endpoints.ts";
import type { CommandIo } from "../cli/command_io.ts";
import type { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import { formatQueryInterval, QUERY_INTERVAL_HEADER } from "./format_query_interval.ts";

/** Options of {@linkcode QueryRunIntervals}. */
export interface QueryRunIntervalsOptions {
  /** Where the progress lines go. */
  readonly io: CommandIo;
  /** The `--hdr-log` writer, or null. */
  readonly hdr: Pick<HdrLogWriter, "writeInterval"> | null;
  /** The live endpoints, or null. */
  readonly live: LiveEndpoints | null;
  /** The number of Workers, shown as users on the live page. */
  readonly users: number;
}

/** The intervals of one run, from its start (when this is created). */
export class QueryRunIntervals {
  /** Every query of the run, the sum of the intervals. */
  readonly total: OpWindow = new OpWindow("QUERY", { scheduled: false });
  /** The per-interval series of the JSON summary (what `stress compare` tests). */
  readonly points: JsonIntervalPoint[] = [];
  /** The wall-clock start of the run. */
  readonly runStartEpochMs: number;
  readonly #startMs: number;
  readonly #options: QueryRunIntervalsOptions;
  #lastIntervalSec = 0;
  #shownHeader = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking: Promise<void> | null = null;

  /**
   * Starts the run's clock.
   *
   * @param options The output, the HDR log, the live endpoints and the Worker count.
   */
  constructor(options: QueryRunIntervalsOptions) {
    this.#options = options;
    this.#startMs = performance.now();
    this.runStartEpochMs = Date.now();
  }

  /**
   * Seconds since the start of the run.
   *
   * @returns The elapsed time.
   */
  elapsedSec(): number {
    return (performance.now() - this.#startMs) / 1000;
  }

  /**
   * Takes and reports an interval every `intervalMs` (one at a time).
   *
   * @param takeInterval Takes the Workers' queries since the last interval.
   * @param intervalMs The interval.
   */
  start(takeInterval: () => Promise<OpWindow>, intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.#ticking ??= takeInterval().then((window) => {
        this.report(window, false);
        this.#ticking = null;
      });
    }, intervalMs);
  }

  /** Stops the timer (after a failure: an interval being taken is not waited for). */
  cancel(): void {
    clearInterval(this.#timer);
  }

  /** Stops the timer and waits for the interval being taken, if any. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#ticking !== null) await this.#ticking;
  }

  /**
   * Reports an interval: the JSON series, the HDR log, a progress line (the last, partial
   * interval only when lines were printed before and it has queries) and the live endpoints.
   *
   * @param window The queries of the interval.
   * @param final Whether it is the last one, up to the end of the run.
   */
  report(window: OpWindow, final: boolean): void {
    const { io, hdr, live } = this.#options;
    const endSec = this.elapsedSec();
    const lengthSec = endSec - this.#lastIntervalSec;
    if (window.ops + window.errors > 0 || !final) {
      this.points.push(createJsonIntervalPoint([window], {
        elapsedSec: endSec,
        intervalSec: lengthSec,
        useResponseTime: false,
      }));
      hdr?.writeInterval({
        windows: [window],
        runStartEpochMs: this.runStartEpochMs,
        startSec: this.#lastIntervalSec,
        lengthSec,
      });
      if (!final || this.#shownHeader) {
        if (!this.#shownHeader) {
          io.out(QUERY_INTERVAL_HEADER);
          this.#shownHeader = true;
        }
        io.out(formatQueryInterval(window, endSec, lengthSec));
      }
    }
    this.total.add(window);
    if (!final || window.ops + window.errors > 0) {
      live?.interval({
        windows: [window],
        totals: [this.total],
        lengthSec: Math.max(lengthSec, 1e-9),
        elapsedSec: endSec,
        atMs: Date.now(),
        users: this.#options.users,
        useResponseTime: false,
      });
    }
    this.#lastIntervalSec = endSec;
  }
}
