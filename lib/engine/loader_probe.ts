/**
 * What a Worker measures of itself while it runs, for the loader verdict
 * (`lib/stats/loader_verdict.ts`): how late it released the ops that waited for their slot,
 * its thread's CPU (Linux: /proc/thread-self/stat), how late its probe timer fired, and how
 * long its threads had an op in flight.
 *
 * @module
 */

import { LatencyHistogram } from "../stats/latency_histogram.ts";
import { LATE_NS, type WorkerLoaderSample } from "../stats/loader_verdict.ts";

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** This thread's CPU seconds (user + system), or NaN where /proc cannot tell. */
function threadCpuSec(): number {
  try {
    const stat = Deno.readTextFileSync("/proc/thread-self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name, state is field 3: utime and stime are fields 14 and 15 (proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return NaN;
  }
}

/**
 * Collects one Worker's figures over a run.
 *
 * @example Usage
 * ```ts ignore
 * const probe = new LoaderProbe(threads, clock);
 * probe.start(); // then probe.tick(expectedNs) from a timer, probe.dispatched(lateNs), ...
 * const sample = probe.finish();
 * ```
 */
export class LoaderProbe {
  readonly #dispatch = new LatencyHistogram();
  readonly #loopDelay = new LatencyHistogram();
  readonly #threads: number;
  readonly #clock: () => number;
  #late = 0;
  #busyNs = 0;
  #aliveNs: number | null = null;
  #cpuStart = NaN;
  #startNs = 0;
  #watch: ReturnType<typeof setInterval> | undefined = undefined;

  /**
   * @param threads The Worker's threads.
   * @param clock The run's clock, in ns.
   */
  constructor(threads: number, clock: () => number) {
    this.#threads = threads;
    this.#clock = clock;
  }

  /** Marks the start of the run. */
  start(): void {
    this.#cpuStart = threadCpuSec();
    this.#startNs = this.#clock();
  }

  /**
   * Starts a probe timer of its own that fires every `periodMs` and records how late it fired
   * (for a thread that has no timer of its own to time); {@linkcode LoaderProbe.finish} stops it.
   *
   * @param periodMs The timer's period, in ms.
   */
  watchLoop(periodMs: number): void {
    if (this.#watch !== undefined) return;
    let dueNs = this.#clock() + periodMs * 1e6;
    this.#watch = setInterval(() => {
      const now = this.#clock();
      this.tick(now - dueNs);
      dueNs = now + periodMs * 1e6;
    }, periodMs);
  }

  /**
   * Records how late the probe timer fired.
   *
   * @param lateNs Its lateness (ns): when it fired minus when it was due.
   */
  tick(lateNs: number): void {
    this.#loopDelay.recordValue(Math.max(1, lateNs));
  }

  /**
   * Records an op released after waiting for its slot.
   *
   * @param lateNs Its start minus its slot (ns).
   */
  dispatched(lateNs: number): void {
    this.#dispatch.recordValue(Math.max(1, lateNs));
    if (lateNs > LATE_NS) this.#late++;
  }

  /**
   * Records an op's time in flight.
   *
   * @param ns From its start to its end.
   */
  busy(ns: number): void {
    this.#busyNs += ns;
  }

  /**
   * Records how long one loop ran, for loops that do not all run the whole run (users that
   * start one after another); once called, the busy share is over these times.
   *
   * @param ns From the loop's start to its end.
   */
  alive(ns: number): void {
    this.#aliveNs = (this.#aliveNs ?? 0) + ns;
  }

  /**
   * The Worker's sample for the run.
   *
   * @returns The figures, ready to post.
   */
  finish(): WorkerLoaderSample {
    clearInterval(this.#watch);
    this.#watch = undefined;
    return this.snapshot();
  }

  /**
   * The figures so far, the run going on (sent with each interval's sample, for the live
   * verdict).
   *
   * @returns The Worker's figures from the start of the run to now.
   */
  snapshot(): WorkerLoaderSample {
    return {
      dispatch: this.#dispatch.exportCounts(),
      dispatchLate: this.#late,
      cpuSec: threadCpuSec() - this.#cpuStart,
      wallSec: (this.#clock() - this.#startNs) / 1e9,
      loopDelay: this.#loopDelay.exportCounts(),
      busyNs: this.#busyNs,
      threads: this.#threads,
      ...(this.#aliveNs === null ? {} : { aliveNs: this.#aliveNs }),
    };
  }
}
