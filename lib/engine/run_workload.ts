/**
 * The engine's main-thread side: starts a pool of Workers, drives interval sampling,
 * merges their samples, applies the stop rules and returns the cumulative result.
 *
 * @module
 */

import { Uncertainty } from "../core/uncertainty.ts";
import type { TargetSpec } from "./target.ts";
import type { DistributionSpec } from "../units/distribution_spec.ts";
import { OpWindow } from "../stats/op_window.ts";
import {
  CONTROL_BYTES,
  CONTROL_EPOCH,
  CONTROL_INT32_SLOTS,
  CONTROL_STOP,
  type ErrorPlan,
  type MainMessage,
  type PopulationPlan,
  type WorkerInit,
  type WorkerMessage,
} from "./protocol.ts";

/** Everything the engine needs to run one measured phase. */
export interface RunPlan {
  /** Op type names as printed (`WRITE`, `READ`), sorted. */
  readonly opNames: readonly string[];
  /** Total concurrent op loops across all Workers. */
  readonly threads: number;
  /** How many Workers to start (at most `threads`). */
  readonly workers: number;
  /** Ops to run in total, or -1 to stop by time or uncertainty. */
  readonly totalOps: number;
  /** Run time in milliseconds, or -1. */
  readonly durationMs: number;
  /** The uncertainty stop rule, or null. */
  readonly uncertainty: {
    readonly targetStderr: number;
    readonly minIntervals: number;
    readonly maxIntervals: number;
  } | null;
  /** The shared schedule rate and whether response time is reported (`fixed=`), or null. */
  readonly schedule: { readonly opsPerSec: number; readonly fixed: boolean } | null;
  /** Weights per op name (same order) and the clustering distribution, for mixed runs. */
  readonly mix:
    | { readonly weights: readonly number[]; readonly clustering: DistributionSpec }
    | null;
  /** How op seeds derive from cycles. */
  readonly population: PopulationPlan;
  /** The target every Worker builds. */
  readonly target: TargetSpec;
  /** Tries per op, whether failures are ignored and the back-off between tries. */
  readonly errors: ErrorPlan;
  /** The base seed. */
  readonly seed: number;
  /** The sampling interval in milliseconds. */
  readonly intervalMs: number;
  /** How long to wait for Workers to finish their in-flight ops after a stop, in ms. */
  readonly stopGraceMs: number;
  /** How long Workers may take to build their targets and say `ready`, in ms. */
  readonly startTimeoutMs: number;
}

/** One finished interval, merged across Workers. */
export interface IntervalReport {
  /** The windows of this interval, one per op name (same order as the plan). */
  readonly windows: readonly OpWindow[];
  /** The cumulative windows so far (read only; do not keep). */
  readonly totals: readonly OpWindow[];
  /** Seconds from the start of the run to the end of this interval. */
  readonly elapsedSec: number;
  /** Seconds from the start of the run to the start of this interval. */
  readonly startSec: number;
  /** The interval's length in seconds. */
  readonly lengthSec: number;
  /** The uncertainty (stderr of the mean row rate) after this interval. */
  readonly stderr: number;
  /** True for the last, partial interval after the stop. */
  readonly final: boolean;
  /** Epoch ms when the run started (time 0 of `startSec`). */
  readonly runStartEpochMs: number;
}

/** The outcome of a run. */
export interface RunResult {
  /** The cumulative windows, one per op name. */
  readonly totals: readonly OpWindow[];
  /** Epoch ms when the measured run started. */
  readonly startEpochMs: number;
  /** Epoch ms when it ended. */
  readonly endEpochMs: number;
  /** Seconds the run took. */
  readonly elapsedSec: number;
  /** The first op failure that was not ignored (cassandra-stress's FAILURE), or null. */
  readonly failure: string | null;
  /** Why the run ended early (`interrupted`, a Worker's fatal error), or null. */
  readonly aborted: string | null;
}

/** Callbacks and controls of a run. */
export interface RunOptions {
  /** Called after each interval, with merged data. */
  onInterval?: (report: IntervalReport) => void;
  /** Called with lines a Worker wants on stderr. */
  onLog?: (line: string) => void;
  /** Aborting it stops the run gracefully (`aborted: "interrupted"`). */
  signal?: AbortSignal;
  /** The Worker module URL (default: `lib/cql/driver/stress_worker.ts`). */
  workerUrl?: string;
}

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
export function runWorkload(plan: RunPlan, options: RunOptions = {}): Promise<RunResult> {
  const scheduled = plan.schedule !== null;
  const makeWindows = () => plan.opNames.map((name) => new OpWindow(name, { scheduled }));
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const flags = new Int32Array(control, 0, CONTROL_INT32_SLOTS);
  const workerCount = Math.max(1, Math.min(plan.workers, plan.threads));
  const threads = shares(plan.threads, workerCount);
  // Time 0 is when every Worker is ready and gets `start`, not when they were spawned.
  let started = false;
  let startEpochMs = Date.now();
  let startMono = performance.now();
  const elapsedSec = () => (started ? (performance.now() - startMono) / 1000 : 0);
  const workerUrl = options.workerUrl ??
    new URL("../cql/driver/stress_worker.ts", import.meta.url).href;

  const totals = makeWindows();
  let current = makeWindows();
  let epoch = 0;
  let answered = new Set<number>();
  const done = new Set<number>();
  let lastBoundarySec = 0;
  let pendingBoundarySec = 0;
  let failure: string | null = null;
  let aborted: string | null = null;
  const uncertainty = new Uncertainty();
  let stderr = 0;
  const workers: Worker[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  let startupTimer: ReturnType<typeof setTimeout> | undefined;
  let ready = 0;

  let finished = false;

  return new Promise<RunResult>((resolve) => {
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(deadlineTimer);
      clearTimeout(startupTimer);
      options.signal?.removeEventListener("abort", onAbort);
      for (const worker of workers) worker.terminate();
      emit(elapsedSec(), true);
      resolve({
        totals,
        startEpochMs,
        endEpochMs: Date.now(),
        elapsedSec: elapsedSec(),
        failure,
        aborted,
      });
    };

    // A Worker may set the stop flag itself (its deadline); the grace period still applies.
    let stopping = false;
    const stop = (reason: string | null) => {
      if (reason !== null) aborted ??= reason;
      if (stopping) return;
      stopping = true;
      if (!started) {
        finish();
        return;
      }
      Atomics.store(flags, CONTROL_STOP, 1);
      clearTimeout(timer);
      graceTimer = setTimeout(() => {
        aborted ??= `Workers did not stop within ${plan.stopGraceMs} ms`;
        finish();
      }, plan.stopGraceMs);
    };

    const emit = (endSec: number, final: boolean) => {
      const lengthSec = Math.max(endSec - lastBoundarySec, 1e-9);
      const rows = current.reduce((sum, w) => sum + w.rows, 0);
      const any = current.some((w) => w.ops > 0 || w.errors > 0);
      if (!final || any) {
        uncertainty.add(rows / lengthSec);
        stderr = uncertainty.stderr;
      }
      for (let i = 0; i < totals.length; i++) totals[i].add(current[i]);
      if (!final || any) {
        options.onInterval?.({
          windows: current,
          totals,
          elapsedSec: endSec,
          startSec: lastBoundarySec,
          lengthSec,
          stderr,
          final,
          runStartEpochMs: startEpochMs,
        });
      }
      lastBoundarySec = endSec;
      current = makeWindows();
      if (!final && plan.uncertainty !== null && uncertainty.shouldStop(plan.uncertainty)) {
        stop(null);
      }
    };

    const maybeCloseInterval = () => {
      if (answered.size + [...done].filter((i) => !answered.has(i)).length < workerCount) return;
      answered = new Set();
      emit(pendingBoundarySec, false);
      if (Atomics.load(flags, CONTROL_STOP) === 0) schedule();
    };

    const tick = () => {
      pendingBoundarySec = elapsedSec();
      epoch++;
      Atomics.store(flags, CONTROL_EPOCH, epoch);
      maybeCloseInterval();
    };

    const schedule = () => {
      // Align interval boundaries to whole multiples of the interval in wall-clock time.
      const nowMs = Date.now();
      const waitMs = plan.intervalMs - (nowMs % plan.intervalMs);
      timer = setTimeout(tick, waitMs < plan.intervalMs / 4 ? waitMs + plan.intervalMs : waitMs);
    };

    const startRun = () => {
      clearTimeout(startupTimer);
      started = true;
      startEpochMs = Date.now();
      startMono = performance.now();
      const start: MainMessage = { type: "start", baseEpochMs: performance.timeOrigin + startMono };
      for (const worker of workers) worker.postMessage(start);
      if (plan.durationMs >= 0) {
        deadlineTimer = setTimeout(() => stop(null), plan.durationMs + 50);
      }
      schedule();
    };

    const onMessage = (message: WorkerMessage) => {
      switch (message.type) {
        case "ready":
          ready++;
          if (ready === workerCount && !stopping) startRun();
          break;
        case "sample":
          message.samples.forEach((s, i) => current[i].addSample(s));
          answered.add(message.workerIndex);
          maybeCloseInterval();
          break;
        case "done":
          message.samples.forEach((s, i) => current[i].addSample(s));
          failure ??= message.failure;
          done.add(message.workerIndex);
          if (done.size === workerCount) finish();
          else if (epoch > 0 && !answered.has(message.workerIndex)) maybeCloseInterval();
          break;
        case "log":
          options.onLog?.(message.line);
          break;
        case "fatal":
          failure ??= message.message;
          options.onLog?.(`Worker ${message.workerIndex} failed: ${message.message}`);
          done.add(message.workerIndex);
          stop(`Worker ${message.workerIndex} failed: ${message.message}`);
          if (done.size === workerCount) finish();
          break;
      }
    };

    const onAbort = () => stop("interrupted");
    if (options.signal?.aborted) aborted = "interrupted";
    options.signal?.addEventListener("abort", onAbort);

    const deadlineNs = plan.durationMs >= 0 ? plan.durationMs * 1e6 : -1;
    for (let i = 0; i < workerCount; i++) {
      const worker = new Worker(workerUrl, { type: "module" });
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => onMessage(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        onMessage({ type: "fatal", workerIndex: i, message: event.message, stack: "" });
      };
      const init: WorkerInit = {
        type: "init",
        workerIndex: i,
        threads: threads[i],
        control,
        baseEpochMs: -1,
        totalOps: plan.totalOps,
        deadlineNs,
        schedule: plan.schedule === null
          ? null
          : { opsPerSec: plan.schedule.opsPerSec, startNs: 0 },
        opNames: plan.opNames,
        mix: plan.mix,
        population: plan.population,
        target: plan.target,
        errors: plan.errors,
        seed: plan.seed,
      };
      worker.postMessage(init);
      workers.push(worker);
    }
    startupTimer = setTimeout(() => {
      stop(`Workers did not start within ${plan.startTimeoutMs} ms`);
    }, plan.startTimeoutMs);
    if (aborted !== null) stop(aborted);
  });
}
