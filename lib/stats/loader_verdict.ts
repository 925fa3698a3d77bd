/**
 * Whether the load generator itself was the limit of a run: each Worker measures its own
 * limits while it runs (how late it released ops that waited for their slot, its thread's CPU,
 * how late a probe timer fired, how much of the time its threads had an op in flight), and
 * the run is judged `ok` or `limited` with the reasons and the figures.
 *
 * - `limited` when more than 1% of the ops that waited for their slot started over 1 ms after
 *   it (the loader was late, not the server: an op that starts late because every thread was
 *   still waiting for the server is queueing, and shows in the response time) and at least 100
 *   did (fewer cannot tell 1% apart: one late op of four is 25%; they get a note), when a Worker's
 *   thread used 90% of a core or more, or when the probe timer's p99 lateness is 10 ms or more
 *   (over fewer than 100 firings, a short run whose p99 is its worst pause, only when the
 *   firings were late by 10% of the run or more, summed; else a note).
 * - A closed-model run whose threads had an op in flight 99% of the time or more gets a note:
 *   its rate was set by the number of threads (the loader's concurrency) and the server's
 *   latency together. That alone is not `limited`: a closed loop is always busy.
 *
 * @module
 */

import { type HistogramExport, LatencyHistogram } from "./latency_histogram.ts";
import { EXIT_CODES } from "../errors.ts";

/** What one Worker measured of itself over a run (structured-cloneable). */
export interface WorkerLoaderSample {
  /** Lateness (ns) of the ops released after waiting for their slot (scheduled runs). */
  readonly dispatch: HistogramExport;
  /** How many of those started more than 1 ms after their slot. */
  readonly dispatchLate: number;
  /** CPU seconds of the Worker's thread over the run (NaN: unknown). */
  readonly cpuSec: number;
  /** Wall seconds of the run, as the Worker saw it. */
  readonly wallSec: number;
  /** Lateness (ns) of each firing of the Worker's probe timer. */
  readonly loopDelay: HistogramExport;
  /** Nanoseconds its threads had an op in flight, summed over threads. */
  readonly busyNs: number;
  /** Its threads (closed-model loops). */
  readonly threads: number;
  /**
   * Nanoseconds its loops were running, summed (users that start one after another): the
   * busy share's denominator. Default: threads times the run's wall time.
   */
  readonly aliveNs?: number;
}

/** The run's figures, merged over its Workers (JSON-friendly). */
export interface LoaderFigures {
  /** Whether the run followed a rate schedule (`throttle=`, `fixed=`). */
  readonly scheduled: boolean;
  /** Ops released after waiting for their slot: how many, the p50 and p99 lateness (ms), and the share over 1 ms. */
  readonly dispatch: {
    readonly ops: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly lateShare: number;
  } | null;
  /** Each Worker thread's CPU, as a share of one core (null: unknown). */
  readonly workerCpu: readonly (number | null)[];
  /**
   * The probe timer's lateness, ms: its p99 and max; how often it fired, and the share of the
   * Workers' wall time its firings were late by, summed (when known).
   */
  readonly eventLoopDelayMs: {
    readonly p99: number;
    readonly max: number;
    readonly firings?: number;
    readonly lateShare?: number;
  };
  /** The share of thread time with an op in flight (closed model), or null when scheduled. */
  readonly threadsBusy: number | null;
  /** The threads of every Worker (the users of a load test). */
  readonly threads: number;
  /** What the loops are called in the verdict: `threads` (default) or `users`. */
  readonly loops?: LoaderLoops;
}

/**
 * What a run's loops are: cassandra-stress `threads`, the `users` of a load test, the `workers`
 * of a query run (one connection each), or the `writers` of a disk client (one process each).
 */
export type LoaderLoops = "threads" | "users" | "workers" | "writers";

/**
 * Per kind of loop: what it has in flight, whose CPU is judged, what else sets the rate, and
 * whose event loop the probe timed. A disk client's writers are processes of their own: the
 * probe times the client, whose lateness delays heartbeats and samples but not one write, so it
 * is shown and not judged.
 */
interface LoopWords {
  readonly inFlight: string;
  readonly cpu: string;
  readonly target: string;
  readonly loop: string;
  /** Whether the probed event loop's delay can hold up the ops (then it is judged). */
  readonly loopJudged: boolean;
}

const SERVER_LOOP = { target: "server", loop: "event loop", loopJudged: true } as const;

/** `all 8 threads`, or `the one thread`. */
function everyOne(count: number, loops: LoaderLoops): string {
  return count === 1 ? `the one ${loops.slice(0, -1)}` : `all ${count} ${loops}`;
}

const WORDS: Readonly<Record<LoaderLoops, LoopWords>> = {
  threads: { inFlight: "an op", cpu: "Worker", ...SERVER_LOOP },
  users: { inFlight: "a request", cpu: "Worker", ...SERVER_LOOP },
  workers: { inFlight: "a query", cpu: "Worker", ...SERVER_LOOP },
  writers: {
    inFlight: "a write",
    cpu: "writer",
    target: "disk",
    loop: "client event loop",
    loopJudged: false,
  },
};

/** The judgement of a run. */
export interface LoaderVerdict {
  /** `ok`, or `limited` when the loader was a limit. */
  readonly verdict: "ok" | "limited";
  /** Why it was limited (empty when `ok`). */
  readonly reasons: readonly string[];
  /** What else a reader should know. */
  readonly notes: readonly string[];
  /** The figures judged. */
  readonly figures: LoaderFigures;
}

/** An op that started this much after its slot is late. */
export const LATE_NS = 1e6;
const LATE_SHARE_LIMIT = 0.01;
/** The fewest ops that waited for their slot whose late share is judged. */
const MIN_JUDGED_OPS = 100;
const CPU_LIMIT = 0.9;
const LOOP_DELAY_LIMIT_MS = 10;
/** The fewest probe firings whose p99 is judged as such (fewer: by their late share). */
const MIN_JUDGED_FIRINGS = 100;
/** The share of the run the probe's firings may be late by, summed, when they are too few. */
const LOOP_LATE_SHARE_LIMIT = 0.1;
const BUSY_NOTE = 0.99;
/**
 * A thread's CPU comes in clock ticks of 10 ms: over a shorter run than this its share is not
 * measured (a 4 ms run that was charged one tick would read 250% of a core).
 */
const MIN_CPU_WALL_SEC = 0.5;

const ms = (ns: number) => ns / 1e6;
const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

/**
 * Merges the Workers' samples into the run's figures.
 *
 * @param samples One per Worker that finished.
 * @param scheduled Whether the run followed a rate schedule.
 * @param loops What the run's loops are called in the verdict (threads by default).
 * @returns The figures.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "./latency_histogram.ts";
 * import { mergeLoaderSamples } from "./loader_verdict.ts";
 *
 * const empty = new LatencyHistogram().exportCounts();
 * const sample = {
 *   dispatch: empty, dispatchLate: 0, cpuSec: 0.5, wallSec: 10, loopDelay: empty,
 *   busyNs: 0, threads: 4,
 * };
 * const figures = mergeLoaderSamples([sample], true);
 * assert.deepEqual(figures.workerCpu, [0.05]);
 * assert.equal(figures.threadsBusy, null);
 * ```
 */
export function mergeLoaderSamples(
  samples: readonly WorkerLoaderSample[],
  scheduled: boolean,
  loops: LoaderLoops = "threads",
): LoaderFigures {
  const dispatch = new LatencyHistogram();
  const loop = new LatencyHistogram();
  let late = 0;
  let busyNs = 0;
  let threadNs = 0;
  let threads = 0;
  let wallSec = 0;
  for (const sample of samples) {
    wallSec += sample.wallSec;
    dispatch.addExport(sample.dispatch);
    loop.addExport(sample.loopDelay);
    late += sample.dispatchLate;
    busyNs += sample.busyNs;
    threadNs += sample.aliveNs ?? sample.threads * sample.wallSec * 1e9;
    threads += sample.threads;
  }
  const ops = dispatch.totalCount;
  return {
    scheduled,
    dispatch: !scheduled ? null : {
      ops,
      p50Ms: ops === 0 ? 0 : ms(dispatch.valueAtPercentile(50)),
      p99Ms: ops === 0 ? 0 : ms(dispatch.valueAtPercentile(99)),
      lateShare: ops === 0 ? 0 : late / ops,
    },
    workerCpu: samples.map((s) =>
      Number.isFinite(s.cpuSec) && s.wallSec >= MIN_CPU_WALL_SEC
        ? Math.min(1, s.cpuSec / s.wallSec)
        : null
    ),
    eventLoopDelayMs: {
      p99: loop.totalCount === 0 ? 0 : ms(loop.valueAtPercentile(99)),
      max: loop.totalCount === 0 ? 0 : ms(loop.maxNs),
      firings: loop.totalCount,
      lateShare: wallSec <= 0 ? 0 : (loop.meanNs * loop.totalCount) / 1e9 / wallSec,
    },
    threadsBusy: scheduled || threadNs === 0 ? null : Math.min(1, busyNs / threadNs),
    threads,
    ...(loops === "threads" ? {} : { loops }),
  };
}

/** A reason when over 1% of the ops that waited for their slot were late, a note when too few waited. */
function judgeLateness(
  dispatch: NonNullable<LoaderFigures["dispatch"]>,
  reasons: string[],
  notes: string[],
): void {
  if (dispatch.lateShare <= LATE_SHARE_LIMIT) return;
  if (dispatch.ops < MIN_JUDGED_OPS) {
    const late = Math.round(dispatch.lateShare * dispatch.ops);
    notes.push(
      `${late} of the ${dispatch.ops} ops that waited for their slot started more than 1 ms ` +
        `after it, too few to judge`,
    );
    return;
  }
  reasons.push(
    `${percent(dispatch.lateShare)} of the ops started more than 1 ms after their slot ` +
      `(p99 ${dispatch.p99Ms.toFixed(2)} ms late)`,
  );
}

/**
 * A reason when the probe timer's p99 lateness is over the limit; a note instead when it fired
 * too few times for a p99 (a short run: its p99 is its worst firing, a start-up pause) and its
 * lateness was a small share of the run (a loop that never yields is judged at one firing).
 */
function judgeLoopDelay(
  loop: LoaderFigures["eventLoopDelayMs"],
  reasons: string[],
  notes: string[],
): void {
  const { firings, lateShare } = loop;
  if (
    firings !== undefined && firings < MIN_JUDGED_FIRINGS && lateShare !== undefined &&
    lateShare < LOOP_LATE_SHARE_LIMIT
  ) {
    notes.push(
      `its event loop was late by ${loop.p99.toFixed(1)} ms at p99 over only ${firings} ` +
        `probe firings (${percent(lateShare)} of the run), too few to judge`,
    );
    return;
  }
  reasons.push(`its event loop was late by ${loop.p99.toFixed(1)} ms at p99`);
}

/**
 * Judges a run's figures.
 *
 * @param figures From {@linkcode mergeLoaderSamples}.
 * @returns `ok` or `limited`, the reasons and notes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeLoader } from "./loader_verdict.ts";
 *
 * const verdict = judgeLoader({
 *   scheduled: true,
 *   dispatch: { ops: 1000, p50Ms: 0.02, p99Ms: 3, lateShare: 0.05 },
 *   workerCpu: [0.2],
 *   eventLoopDelayMs: { p99: 1, max: 4 },
 *   threadsBusy: null,
 *   threads: 32,
 * });
 * assert.equal(verdict.verdict, "limited");
 * assert.match(verdict.reasons[0], /5\.0% of the ops started more than 1 ms after their slot/);
 * ```
 */
export function judgeLoader(figures: LoaderFigures): LoaderVerdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const { dispatch, eventLoopDelayMs: loop } = figures;
  if (dispatch !== null) judgeLateness(dispatch, reasons, notes);
  figures.workerCpu.forEach((share, i) => {
    if (share !== null && share >= CPU_LIMIT) {
      reasons.push(
        `${WORDS[figures.loops ?? "threads"].cpu} ${i} used ${percent(share)} of a core`,
      );
    }
  });
  if (loop.p99 >= LOOP_DELAY_LIMIT_MS && WORDS[figures.loops ?? "threads"].loopJudged) {
    judgeLoopDelay(loop, reasons, notes);
  }
  const loops = figures.loops ?? "threads";
  const { inFlight: what, target } = WORDS[loops];
  if (figures.threadsBusy !== null && figures.threadsBusy >= BUSY_NOTE) {
    notes.push(
      `${everyOne(figures.threads, loops)} had ${what} in flight ${percent(figures.threadsBusy)} ` +
        `of the time: the rate was set by the number of ${loops} and the ${target}'s latency`,
    );
  }
  return { verdict: reasons.length === 0 ? "ok" : "limited", reasons, notes, figures };
}

/**
 * The verdict as one line: the word, the reasons or the figures, and the notes.
 *
 * @param verdict The verdict.
 * @returns The line (no line break).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLoaderVerdict } from "./loader_verdict.ts";
 *
 * const line = formatLoaderVerdict({
 *   verdict: "ok",
 *   reasons: [],
 *   notes: [],
 *   figures: {
 *     scheduled: true,
 *     dispatch: { ops: 1000, p50Ms: 0.02, p99Ms: 0.3, lateShare: 0 },
 *     workerCpu: [0.12],
 *     eventLoopDelayMs: { p99: 1.2, max: 3 },
 *     threadsBusy: null,
 *     threads: 32,
 *   },
 * });
 * assert.equal(
 *   line,
 *   "Loader: ok (slot lateness p50 0.02 ms, p99 0.30 ms, 0.0% over 1 ms; Worker CPU 12%; event loop delay p99 1.2 ms)",
 * );
 * ```
 */
export function formatLoaderVerdict(verdict: LoaderVerdict): string {
  const { figures } = verdict;
  const parts: string[] = [];
  if (figures.dispatch !== null) {
    const d = figures.dispatch;
    parts.push(
      `slot lateness p50 ${d.p50Ms.toFixed(2)} ms, p99 ${d.p99Ms.toFixed(2)} ms, ` +
        `${percent(d.lateShare)} over 1 ms`,
    );
  }
  // One "unknown" when no Worker's share is known (a run under 0.5 s), not one per Worker.
  const known = figures.workerCpu.some((share) => share !== null);
  const cpu = known
    ? figures.workerCpu.map((share) => share === null ? "unknown" : percent(share)).join(", ")
    : "unknown";
  parts.push(`${WORDS[figures.loops ?? "threads"].cpu} CPU ${cpu}`);
  const loop = WORDS[figures.loops ?? "threads"].loop;
  parts.push(`${loop} delay p99 ${figures.eventLoopDelayMs.p99.toFixed(1)} ms`);
  const head = verdict.verdict === "ok"
    ? `Loader: ok (${parts.join("; ")})`
    : `Loader: limited: ${verdict.reasons.join("; ")} (${parts.join("; ")})`;
  return verdict.notes.length === 0 ? head : `${head}; note: ${verdict.notes.join("; ")}`;
}

/**
 * The exit code the verdict asks for: 4 (`EXIT_CODES.loaderLimited`) when the loader was a limit
 * and the user asked for it (`-loader fail-if-limited`, `--fail-if-limited`), else 0.
 *
 * @param verdict The run's verdict, or null when there was none.
 * @param failIfLimited Whether `limited` is to fail the run.
 * @returns 4 or 0.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeLoader, loaderExitCode } from "./loader_verdict.ts";
 * const limited = judgeLoader({
 *   scheduled: false, dispatch: null, workerCpu: [0.97], eventLoopDelayMs: { p99: 1, max: 2 },
 *   threadsBusy: null, threads: 1,
 * });
 * assert.equal(loaderExitCode(limited, true), 4);
 * assert.equal(loaderExitCode(limited, false), 0);
 * assert.equal(loaderExitCode(null, true), 0);
 * ```
 */
export function loaderExitCode(verdict: LoaderVerdict | null, failIfLimited: boolean): number {
  return verdict?.verdict === "limited" && failIfLimited ? EXIT_CODES.loaderLimited : 0;
}
