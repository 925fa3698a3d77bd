/**
 * The engine's main-thread side: starts a pool of Workers, drives interval sampling,
 * merges their samples, applies the stop rules and returns the cumulative result.
 *
 * @module
 */

import { mergeLoaderSamples, type WorkerLoaderSample } from "../stats/loader_verdict.ts";
import { type LoadWorker, startLoadWorker } from "./load_worker.ts";
import { SlotTicker } from "./slot_dispatcher.ts";
import { lowerBackgroundThreads } from "./thread_scheduling.ts";
import { MAX_DURATION_MS } from "../units/parse_duration.ts";
import { adjustedRowRate, Uncertainty } from "../core/uncertainty.ts";
import { OpWindow } from "../stats/op_window.ts";
import {
  CONTROL_BYTES,
  CONTROL_EPOCH,
  CONTROL_INT32_SLOTS,
  CONTROL_STOP,
  type MainMessage,
  type WorkerInit,
  type WorkerMessage,
} from "./protocol.ts";
import type { IntervalReport, RunOptions, RunPlan, RunResult } from "./run_plan.ts";
import type { TargetSpec } from "./target.ts";
import { workerEntryUrl } from "./worker_entry_url.ts";

export type { IntervalReport, RunOptions, RunPlan, RunResult } from "./run_plan.ts";

/**
 * How long the Workers that did not stop within the grace period get to send what they measured
 * since their last interval (a Worker whose op never settles still answers), in milliseconds.
 */
const LAST_SAMPLE_MS = 250;

/**
 * The longest the ops in flight get after Ctrl-C, SIGTERM or the live page's Stop, in
 * milliseconds: a person waits for the run to end (and whoever sent SIGTERM may kill the process
 * soon after), so an op that hangs is given up sooner than at the end of a run.
 */
const INTERRUPT_GRACE_MS = 2000;

/** Splits `total` into `parts` near-equal integer shares. */
function shares(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

/**
 * Runs one phase (warm-up or measured) of a load test on a pool of Workers.
 *
 * @param plan What to run.
 * @param options Callbacks, an abort signal and the Worker URL.
 * @returns The cumulative result; a failed or interrupted run still returns what it measured.
 *
 * @example Usage
 * ```ts ignore
 * const result = await runWorkload(plan, { onInterval: (r) => console.log(r.elapsedSec) });
 * ```
 */
export function runWorkload<Spec extends TargetSpec>(
  plan: RunPlan<Spec>,
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) =>
    new WorkloadRun(plan, options, { resolve, reject }).launch()
  );
}

type Timer = ReturnType<typeof setTimeout> | undefined;

/** How a run's promise ends. */
interface Settle {
  resolve(result: RunResult): void;
  reject(error: unknown): void;
}

/** One phase in flight: the Workers, the interval clock, the stop rules and the tallies. */
class WorkloadRun<Spec extends TargetSpec> {
  readonly #plan: RunPlan<Spec>;
  readonly #options: RunOptions;
  readonly #settle: Settle;
  /** What the `onInterval` callback threw (the run stops, and rejects with it), if it did. */
  #reportError: { error: unknown } | null = null;
  readonly #control = new SharedArrayBuffer(CONTROL_BYTES);
  readonly #flags = new Int32Array(this.#control, 0, CONTROL_INT32_SLOTS);
  readonly #workerCount: number;
  readonly #workers: LoadWorker[] = [];
  readonly #tickers: SlotTicker[] = [];
  readonly #loaderSamples: WorkerLoaderSample[] = [];
  /** Each Worker's loader figures so far, from its latest sample (the live verdict). */
  readonly #liveLoader = new Map<number, WorkerLoaderSample>();
  readonly #totals: OpWindow[];
  #current: OpWindow[];
  readonly #uncertainty = new Uncertainty();
  // Time 0 is when every Worker is ready and gets `start`, not when they were spawned.
  #started = false;
  #startEpochMs = Date.now();
  #startMono = performance.now();
  #epoch = 0;
  #answered = new Set<number>();
  readonly #done = new Set<number>();
  #ready = 0;
  #lastBoundarySec = 0;
  #pendingBoundarySec = 0;
  #stderr = 0;
  #failure: string | null = null;
  #aborted: string | null = null;
  // A Worker may set the stop flag itself (its deadline); the grace period still applies.
  #stopping = false;
  /** When the run started stopping and when its grace period ends (`performance.now()`; 0: not yet). */
  #grace = { stoppedAt: 0, endsAt: 0 };
  /** Whether the grace period is over: the Workers still running are asked for a last sample. */
  #abandoning = false;
  #finished = false;
  #timers: { interval: Timer; grace: Timer; deadline: Timer; startup: Timer } = {
    interval: undefined,
    grace: undefined,
    deadline: undefined,
    startup: undefined,
  };
  readonly #onAbort = () => this.#stop("interrupted");

  constructor(plan: RunPlan<Spec>, options: RunOptions, settle: Settle) {
    this.#plan = plan;
    this.#options = options;
    this.#settle = settle;
    this.#workerCount = Math.max(1, Math.min(plan.workers, plan.threads));
    this.#totals = this.#makeWindows();
    this.#current = this.#makeWindows();
  }

  /** Spawns the Workers, sends each its `init`, and arms the start-up timeout. */
  launch(): void {
    const plan = this.#plan;
    const options = this.#options;
    if (options.signal?.aborted) this.#aborted = "interrupted";
    options.signal?.addEventListener("abort", this.#onAbort);
    const workerUrl = options.workerUrl ?? workerEntryUrl("./synthetic_worker.ts", import.meta.url);
    const threads = shares(plan.threads, this.#workerCount);
    // V8's compiler threads then give way to the Workers: the first interval of a `no-warmup`
    // run no longer waits behind the compilation of the code it runs (thread_scheduling.ts).
    lowerBackgroundThreads();
    for (let i = 0; i < this.#workerCount; i++) {
      const worker = startLoadWorker(workerUrl);
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => this.#onMessage(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        this.#onMessage({ type: "fatal", workerIndex: i, message: event.message, stack: "" });
      };
      // A scheduled run's slots come from a ticker thread per Worker, started here.
      const ticker = plan.schedule === null ? null : SlotTicker.start();
      if (ticker !== null) this.#tickers.push(ticker);
      const init = { ...this.#initOf(i, threads[i]), ticker: ticker?.link ?? null };
      worker.postMessage(init, ticker === null ? [] : [ticker.link.port]);
      this.#workers.push(worker);
    }
    this.#timers.startup = setTimeout(() => {
      this.#stop(`Workers did not start within ${plan.startTimeoutMs} ms`);
    }, plan.startTimeoutMs);
    if (this.#aborted !== null) this.#stop(this.#aborted);
  }

  #initOf(workerIndex: number, threads: number): WorkerInit<Spec> {
    const plan = this.#plan;
    return {
      type: "init",
      workerIndex,
      workers: this.#workerCount,
      threads,
      control: this.#control,
      baseEpochMs: -1,
      totalOps: plan.totalOps,
      deadlineNs: plan.durationMs >= 0 ? plan.durationMs * 1e6 : -1,
      schedule: plan.schedule === null ? null : { opsPerSec: plan.schedule.opsPerSec, startNs: 0 },
      opNames: plan.opNames,
      mix: plan.mix,
      population: plan.population,
      target: plan.target,
      errors: plan.errors,
      seed: plan.seed,
    };
  }

  #makeWindows(): OpWindow[] {
    const scheduled = this.#plan.schedule !== null;
    return this.#plan.opNames.map((name) => new OpWindow(name, { scheduled }));
  }

  #elapsedSec(): number {
    return this.#started ? (performance.now() - this.#startMono) / 1000 : 0;
  }

  #onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case "ready":
        this.#ready++;
        if (this.#ready === this.#workerCount && !this.#stopping) this.#startRun();
        break;
      case "sample":
        message.samples.forEach((s, i) => this.#current[i].addSample(s));
        if (message.loader !== undefined) this.#liveLoader.set(message.workerIndex, message.loader);
        if (!this.#abandoning) {
          this.#answered.add(message.workerIndex);
          this.#maybeCloseInterval();
        } else if (message.epoch === this.#epoch) {
          this.#answered.add(message.workerIndex);
          this.#finishIfAllAnswered();
        }
        break;
      case "done":
        message.samples.forEach((s, i) => this.#current[i].addSample(s));
        if (message.loader !== undefined) this.#loaderSamples.push(message.loader);
        this.#failure ??= message.failure;
        this.#done.add(message.workerIndex);
        if (this.#done.size === this.#workerCount) this.#finish();
        else if (this.#abandoning) this.#finishIfAllAnswered();
        else {
          if (this.#epoch > 0 && !this.#answered.has(message.workerIndex)) {
            this.#maybeCloseInterval();
          }
          this.#stopIfFlagged();
        }
        break;
      case "log":
        this.#options.onLog?.(message.line);
        break;
      case "fatal":
        this.#onFatal(message.workerIndex, message.message);
        break;
    }
  }

  #onFatal(workerIndex: number, text: string): void {
    this.#failure ??= text;
    this.#options.onLog?.(`Worker ${workerIndex} failed: ${text}`);
    this.#done.add(workerIndex);
    this.#stop(`Worker ${workerIndex} failed: ${text}`);
    if (this.#done.size === this.#workerCount) this.#finish();
  }

  #startRun(): void {
    clearTimeout(this.#timers.startup);
    this.#started = true;
    this.#startEpochMs = Date.now();
    this.#startMono = performance.now();
    const baseEpochMs = performance.timeOrigin + this.#startMono;
    const start: MainMessage = { type: "start", baseEpochMs };
    for (const worker of this.#workers) worker.postMessage(start);
    if (this.#plan.durationMs >= 0) {
      const deadlineMs = Math.min(this.#plan.durationMs + 50, MAX_DURATION_MS);
      this.#timers.deadline = setTimeout(() => this.#stop(null), deadlineMs);
    }
    this.#schedule();
  }

  /** Arms the next interval boundary, aligned to whole intervals of wall-clock time. */
  #schedule(): void {
    const intervalMs = this.#plan.intervalMs;
    const waitMs = intervalMs - (Date.now() % intervalMs);
    // A first boundary less than a quarter interval away is skipped (at most 1.25 intervals,
    // kept within what a timer can wait: a longer wait would fire at once).
    const delayMs = waitMs < intervalMs / 4 ? waitMs + intervalMs : waitMs;
    this.#timers.interval = setTimeout(() => this.#tick(), Math.min(delayMs, MAX_DURATION_MS));
  }

  /** An interval boundary: asks every Worker for its sample. */
  #tick(): void {
    this.#pendingBoundarySec = this.#elapsedSec();
    this.#epoch++;
    Atomics.store(this.#flags, CONTROL_EPOCH, this.#epoch);
    this.#maybeCloseInterval();
  }

  /** Closes the interval once every Worker still running has sent its sample. */
  #maybeCloseInterval(): void {
    const finishedUnasked = [...this.#done].filter((i) => !this.#answered.has(i)).length;
    if (this.#answered.size + finishedUnasked < this.#workerCount) return;
    this.#answered = new Set();
    this.#emit(this.#pendingBoundarySec, false);
    if (Atomics.load(this.#flags, CONTROL_STOP) === 0) this.#schedule();
    else this.#stopIfFlagged();
  }

  /**
   * Stops the run (arming the grace period) when a Worker set the stop flag itself: at an op
   * failure not ignored, or at its deadline. Else the ops still in flight elsewhere could hold
   * the run for as long as they take.
   */
  #stopIfFlagged(): void {
    if (Atomics.load(this.#flags, CONTROL_STOP) !== 0) this.#stop(null);
  }

  /** The interval's rows over its length less its longest latency, as cassandra-stress's rule. */
  #adjustedRowRate(windows: readonly OpWindow[], lengthSec: number): number {
    const fixed = this.#plan.schedule?.fixed === true;
    let rows = 0;
    let maxNs = 0;
    for (const window of windows) {
      rows += window.rows;
      if (window.ops > 0) maxNs = Math.max(maxNs, window.reported(fixed).maxNs);
    }
    return adjustedRowRate(rows, lengthSec, maxNs / 1e9);
  }

  /** Reports the interval that ends at `endSec` and applies the uncertainty stop rule. */
  #emit(endSec: number, final: boolean): void {
    const current = this.#current;
    const lengthSec = Math.max(endSec - this.#lastBoundarySec, 1e-9);
    const any = current.some((w) => w.ops > 0 || w.errors > 0);
    if (!final || any) {
      this.#uncertainty.add(this.#adjustedRowRate(current, lengthSec));
      this.#stderr = this.#uncertainty.stderr;
    }
    for (let i = 0; i < this.#totals.length; i++) this.#totals[i].add(current[i]);
    if (!final || any) {
      this.#report({
        windows: current,
        totals: this.#totals,
        elapsedSec: endSec,
        startSec: this.#lastBoundarySec,
        lengthSec,
        stderr: this.#stderr,
        final,
        runStartEpochMs: this.#startEpochMs,
        loader: () =>
          this.#liveLoader.size < this.#workerCount
            ? null
            : mergeLoaderSamples([...this.#liveLoader.values()], this.#plan.schedule !== null),
      });
    }
    this.#lastBoundarySec = endSec;
    // Reused, not replaced: each window holds up to three 270 KB histograms, and a fresh set
    // per interval left the main thread's memory growing until V8 got round to freeing them
    // (about 0.2 MB/s, 143 -> 191 MB from write n=1e6 to n=1e7). Every onInterval consumer
    // reads the windows before it returns.
    for (const window of this.#current) window.reset();
    const rule = this.#plan.uncertainty;
    if (!final && rule !== null && this.#uncertainty.shouldStop(rule)) this.#stop(null);
  }

  /**
   * Hands an interval to `onInterval`. A callback that throws (a bug) stops the run, which
   * then rejects with its error: thrown from a message handler, it was an uncaught error.
   */
  #report(report: IntervalReport): void {
    try {
      this.#options.onInterval?.(report);
    } catch (error) {
      this.#reportError ??= { error };
      this.#stop(null);
    }
  }

  /**
   * Sets the stop flag and gives in-flight ops `stopGraceMs` to finish; after an interruption
   * (also one that comes while the run is stopping), `INTERRUPT_GRACE_MS` at most.
   */
  #stop(reason: string | null): void {
    if (reason !== null) this.#aborted ??= reason;
    const interrupted = reason === "interrupted";
    if (this.#stopping) {
      if (interrupted) this.#armGrace(INTERRUPT_GRACE_MS);
      return;
    }
    this.#stopping = true;
    if (!this.#started) {
      this.#finish();
      return;
    }
    Atomics.store(this.#flags, CONTROL_STOP, 1);
    clearTimeout(this.#timers.interval);
    const graceMs = Math.min(this.#plan.stopGraceMs, MAX_DURATION_MS); // a longer wait fires at once
    this.#armGrace(interrupted ? Math.min(graceMs, INTERRUPT_GRACE_MS) : graceMs);
  }

  /** Gives up on the Workers still running `ms` from now, unless that is later than already set. */
  #armGrace(ms: number): void {
    const now = performance.now();
    if (this.#abandoning || this.#finished) return;
    if (this.#grace.endsAt > 0 && now + ms >= this.#grace.endsAt) return;
    if (this.#grace.endsAt === 0) this.#grace.stoppedAt = now;
    this.#grace.endsAt = now + ms;
    clearTimeout(this.#timers.grace);
    this.#timers.grace = setTimeout(() => this.#abandon(), ms);
  }

  /** The grace period the Workers had, in whole ms. */
  #graceMs(): number {
    return Math.round(this.#grace.endsAt - this.#grace.stoppedAt);
  }

  /**
   * The grace period is over: asks the Workers still running for what they measured since their
   * last interval (one whose op never settles still answers), then ends the run without them.
   * What they sent in earlier intervals is in the totals already.
   */
  #abandon(): void {
    this.#aborted ??= `Workers did not stop within ${this.#graceMs()} ms`;
    this.#abandoning = true;
    this.#answered = new Set();
    this.#epoch++;
    Atomics.store(this.#flags, CONTROL_EPOCH, this.#epoch);
    this.#timers.grace = setTimeout(() => this.#finishAbandoned(), LAST_SAMPLE_MS);
  }

  /** Ends an abandoning run once every Worker still running has sent its last sample. */
  #finishIfAllAnswered(): void {
    for (let i = 0; i < this.#workerCount; i++) {
      if (!this.#done.has(i) && !this.#answered.has(i)) return;
    }
    this.#finishAbandoned();
  }

  /** Says which Workers the run gives up on, and what of theirs it does not count; ends it. */
  #finishAbandoned(): void {
    if (this.#finished) return;
    const hung: number[] = [];
    const silent: number[] = [];
    for (let i = 0; i < this.#workerCount; i++) {
      if (this.#done.has(i)) continue;
      hung.push(i);
      if (!this.#answered.has(i)) silent.push(i);
    }
    const names = (ids: number[]) => `${ids.length === 1 ? "Worker" : "Workers"} ${ids.join(", ")}`;
    const lost = silent.length === 0
      ? ""
      : `, nor what ${names(silent)} measured since the last interval (no answer)`;
    this.#options.onLog?.(
      `Warning: abandoned ${names(hung)}, still running ${this.#graceMs()} ms after the ` +
        `stop: the ops still in flight are not counted${lost}`,
    );
    this.#finish();
  }

  /** Ends the run once: stops timers and Workers, reports the last interval, resolves. */
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const timer of Object.values(this.#timers)) clearTimeout(timer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    for (const worker of this.#workers) worker.terminate();
    for (const ticker of this.#tickers) ticker.close();
    // The run ends here, before the last interval is reported: the time its onInterval takes
    // (formatting, log files) is not run time, and the rates of the result and of the last
    // interval divide by the same end.
    const endSec = this.#elapsedSec();
    const endEpochMs = Date.now();
    this.#emit(endSec, true);
    if (this.#reportError !== null) {
      this.#settle.reject(this.#reportError.error);
      return;
    }
    this.#settle.resolve({
      totals: this.#totals,
      startEpochMs: this.#startEpochMs,
      endEpochMs,
      elapsedSec: endSec,
      failure: this.#failure,
      aborted: this.#aborted,
      loader: this.#loaderSamples.length === 0
        ? null
        : mergeLoaderSamples(this.#loaderSamples, this.#plan.schedule !== null),
    });
  }
}
