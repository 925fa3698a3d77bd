/**
 * What the engine runs and what it reports: {@linkcode RunPlan} in, {@linkcode IntervalReport}
 * per interval, {@linkcode RunResult} at the end.
 *
 * @module
 */

import type { LoaderFigures } from "../stats/loader_verdict.ts";
import type { DistributionSpec } from "../units/distribution_spec.ts";
import type { OpWindow } from "../stats/op_window.ts";
import type { ErrorPlan, PopulationPlan } from "./protocol.ts";
import type { SyntheticTargetSpec, TargetSpec } from "./target.ts";

/**
 * Everything the engine needs to run one measured phase. `Spec` is the kind of target the
 * Worker entry (`RunOptions.workerUrl`) builds; the default entry builds synthetic ones.
 */
export interface RunPlan<Spec extends TargetSpec = SyntheticTargetSpec> {
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
  readonly target: Spec;
  /** Tries per op, whether failures are ignored and the back-off between tries. */
  readonly errors: ErrorPlan;
  /** The base seed. */
  readonly seed: number;
  /** The sampling interval in milliseconds. */
  readonly intervalMs: number;
  /**
   * How long to wait for Workers to finish their in-flight ops after a stop, in ms (after an
   * interruption, 2 s at most).
   */
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
  /**
   * The loader's figures from the start of the run to this interval, merged over the Workers
   * (for a live verdict), or null until every Worker sent its own. Merged when called, so a
   * run without a live page pays nothing for it.
   */
  readonly loader: () => LoaderFigures | null;
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
  /** What the Workers measured of themselves, for the loader verdict (null: none reported). */
  readonly loader: LoaderFigures | null;
}

/** Callbacks and controls of a run. */
export interface RunOptions {
  /**
   * Called after each interval, with merged data. The report's `windows` are reset and reused
   * for the next interval once it returns: read them, do not keep them.
   */
  onInterval?: (report: IntervalReport) => void;
  /** Called with lines a Worker wants on stderr. */
  onLog?: (line: string) => void;
  /** Aborting it stops the run gracefully (`aborted: "interrupted"`). */
  signal?: AbortSignal;
  /**
   * The Worker entry that builds the plan's target (a file that calls `serveTargetWorker`).
   * Default: `lib/engine/synthetic_worker.ts`, which builds synthetic targets only.
   */
  workerUrl?: string;
}
