/**
 * The typed messages between the main thread and the load Workers, and the layout of
 * the shared control block.
 *
 * The control block is a SharedArrayBuffer: an Int32Array of flags (stop, sample epoch)
 * followed by a BigInt64Array cycle counter that Workers claim ranges from with one
 * `Atomics.add` per batch.
 *
 * @module
 */

import type { RetryBackoffSpec } from "../core/retry_backoff.ts";
import type { DistributionSpec } from "../units/distribution_spec.ts";
import type { SyntheticTargetSpec, TargetSpec } from "./target.ts";
import type { OpSample } from "../stats/op_recorder.ts";
import type { TickerLink } from "./slot_dispatcher.ts";
import type { WorkerLoaderSample } from "../stats/loader_verdict.ts";

/**
 * Index of the stop flag in the control block's Int32Array: 0 runs, any other value stops;
 * {@linkcode STOP_FAILURE} says an op failure that was not ignored set it.
 */
export const CONTROL_STOP = 0;
/** The stop flag's value when a Worker stops the run at an op failure not ignored. */
export const STOP_FAILURE = 2;
/** Index of the sample epoch: the main thread bumps it to ask for an interval sample. */
export const CONTROL_EPOCH = 1;
/** Number of Int32 slots before the cycle counter. */
export const CONTROL_INT32_SLOTS = 4;
/** Byte offset of the BigInt64 cycle counter. */
export const CONTROL_CYCLE_OFFSET = CONTROL_INT32_SLOTS * 4;
/** Total size of the control block in bytes. */
export const CONTROL_BYTES = CONTROL_CYCLE_OFFSET + 8;

/** How the population seed of an op is derived from its cycle number. */
export type PopulationPlan =
  | {
    /** Sequential seeds `lo..hi`, wrapping. */
    readonly kind: "seq";
    /** The first seed. */
    readonly lo: number;
    /** The last seed. */
    readonly hi: number;
  }
  | {
    /** Seeds drawn from a distribution, seeded by the cycle number. */
    readonly kind: "dist";
    /** The distribution. */
    readonly distribution: DistributionSpec;
  };

/** How the op loops handle a failed op (`-errors`). Structured-cloneable. */
export interface ErrorPlan {
  /** Tries per op (retries + 1, at least 1). */
  readonly tries: number;
  /** Count an op that failed every try and go on, instead of ending the run. */
  readonly ignore: boolean;
  /**
   * The wait between two tries of an op, or null to retry at once.
   *
   * @default {null}
   */
  readonly backoff?: RetryBackoffSpec | null;
}

/** What one Worker needs to run its share of a run. Structured-cloneable. */
export interface WorkerInit<Spec extends TargetSpec = SyntheticTargetSpec> {
  /** Message type. */
  readonly type: "init";
  /** This Worker's index, 0-based. */
  readonly workerIndex: number;
  /**
   * The number of Workers of the run, so that a target can take its share of a shared job (the
   * token ranges of a ring).
   *
   * @default {1}
   */
  readonly workers?: number;
  /** The number of concurrent op loops in this Worker. */
  readonly threads: number;
  /** The shared control block (see the module docs). */
  readonly control: SharedArrayBuffer;
  /**
   * The epoch milliseconds that time 0 of the run refers to (shared by all Workers). The
   * main thread sends -1 in `init` and the real value in {@linkcode WorkerStart}, once every
   * Worker is ready, so Worker start-up is not measured as queueing delay.
   */
  readonly baseEpochMs: number;
  /** Total op count to run across all Workers, or -1 when the run stops by time or by flag. */
  readonly totalOps: number;
  /** When to stop at the latest, in ns since `baseEpochMs`, or -1 for no deadline. */
  readonly deadlineNs: number;
  /** The shared schedule of `throttle=`/`fixed=`, or null for a closed loop. */
  readonly schedule: { readonly opsPerSec: number; readonly startNs: number } | null;
  /**
   * The Worker's slot ticker (a thread the main thread started; its port is transferred), or
   * null: a scheduled run then waits for its slots on timers.
   */
  readonly ticker?: TickerLink | null;
  /** The op type names (console names such as `WRITE`), sorted. */
  readonly opNames: readonly string[];
  /** For more than one op type: the weight of each (same order) and the clustering distribution. */
  readonly mix: {
    readonly weights: readonly number[];
    readonly clustering: DistributionSpec;
  } | null;
  /** How seeds are derived from cycles. */
  readonly population: PopulationPlan;
  /** The target to build in the Worker. */
  readonly target: Spec;
  /** Error handling: tries per op, whether failures are ignored, the wait between tries. */
  readonly errors: ErrorPlan;
  /** The run's base seed; each Worker derives its own from it. */
  readonly seed: number;
}

/** Starts the op loops once every Worker is ready: time 0 of the run is `baseEpochMs`. */
export interface WorkerStart {
  /** Message type. */
  readonly type: "start";
  /** The epoch milliseconds of time 0 (replaces `WorkerInit.baseEpochMs`). */
  readonly baseEpochMs: number;
}

/** Main thread -> Worker messages: `init`, then `start` after every Worker said `ready`. */
export type MainMessage = WorkerInit<TargetSpec> | WorkerStart;

/** The Worker has built its target and waits for `start`. */
export interface WorkerReady {
  /** Message type. */
  readonly type: "ready";
  /** The Worker's index. */
  readonly workerIndex: number;
}

/** One interval's samples from one Worker, one per op type (same order as `opNames`). */
export interface WorkerSample {
  /** Message type. */
  readonly type: "sample";
  /** The Worker's index. */
  readonly workerIndex: number;
  /** The epoch this sample answers. */
  readonly epoch: number;
  /** The samples, one per op type. */
  readonly samples: OpSample[];
  /** The Worker's loader figures so far (for the live verdict). */
  readonly loader?: WorkerLoaderSample;
}

/** The Worker's last message: its final samples and how it ended. */
export interface WorkerDone {
  /** Message type. */
  readonly type: "done";
  /** The Worker's index. */
  readonly workerIndex: number;
  /** The samples since the last interval, one per op type. */
  readonly samples: OpSample[];
  /** The first failure message of an op that was not ignored, or null. */
  readonly failure: string | null;
  /** What the Worker measured of itself (absent from Workers that do not measure it). */
  readonly loader?: WorkerLoaderSample;
}

/** A line the Worker wants printed on stderr (an op error, as cassandra-stress prints them). */
export interface WorkerLog {
  /** Message type. */
  readonly type: "log";
  /** The line. */
  readonly line: string;
}

/** A fatal error inside the Worker (a bug or a target that could not be built). */
export interface WorkerFatal {
  /** Message type. */
  readonly type: "fatal";
  /** The Worker's index. */
  readonly workerIndex: number;
  /** The error message. */
  readonly message: string;
  /** The stack, if any. */
  readonly stack: string;
}

/** Worker -> main thread messages. */
export type WorkerMessage = WorkerReady | WorkerSample | WorkerDone | WorkerLog | WorkerFatal;
