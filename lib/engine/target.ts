/**
 * The interface a target adapter implements for the engine (the synthetic target here, the CQL
 * target in `lib/cql/driver/`), and the serialisable description a Worker builds its own adapter
 * from. The engine never looks inside a spec: the Worker entry a run names (`workerUrl`) does.
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";

/**
 * A target adapter as one Worker sees it: `op(kind, seed)` runs one operation of the
 * given kind (an index into the run's op names) for the given population seed.
 *
 * `op` may return `undefined` when the operation completed synchronously; the op loop
 * still measures it. It rejects (or throws) when the operation failed.
 */
export interface Target {
  /**
   * Runs one operation.
   *
   * @param kind The index of the op type in the run's op names.
   * @param seed The population seed (which partition key) of this operation.
   * @param more Further seeds for an op over several partitions (a profile's insert of
   *   `partitions: uniform(1..5)`): each one taken counts against the run's total, as
   *   cassandra-stress's `n=` counts partitions. A retry of the op gets the same seeds back.
   * @returns A promise that settles when the operation completed, or `undefined`. It may
   * resolve with what the op touched ({@linkcode OpCount}); with anything else (nothing, or a
   * value of the target's own, such as a driver's result passed through without a wrapper),
   * the op counts one partition and one row.
   */
  op(kind: number, seed: number, more: SeedSource): Promise<unknown> | undefined;
  /**
   * Whether an op loop may run an op of this kind now. False ends the loop, as a
   * cassandra-stress thread stops when its op has nothing left to do (a token range query
   * without `-tokenrange wrap`, once every range was read). Without this method, always true.
   *
   * @param kind The index of the op type.
   * @returns Whether the op can run.
   */
  ready?(kind: number): boolean;
  /** Releases what the adapter holds (connections, timers). */
  close(): Promise<void>;
}

/** The further seeds of one op, taken from the run's cycles as the op asks for them. */
export interface SeedSource {
  /**
   * The op's `index`-th further seed (0-based), taken from the run on first use.
   *
   * @param index Which further seed.
   * @returns The seed, or -1 when the run has no cycle left (the op is cut to what it got).
   */
  seed(index: number): number;
}

/**
 * What one op touched, as cassandra-stress counts it for its `pk/s` and `row/s` columns (an
 * insert of a profile writes several partitions and rows; a query reads some rows).
 */
export interface OpCount {
  /** Partitions the op wrote or read. */
  readonly partitions: number;
  /** Rows the op wrote or read. */
  readonly rows: number;
}

/** What an op that resolves with anything but an {@linkcode OpCount} counts. */
const ONE_OF_EACH: OpCount = { partitions: 1, rows: 1 };

/**
 * What an op counts, from what it resolved with: an {@linkcode OpCount} as it is, anything else
 * (nothing, a driver's result) as one partition and one row.
 *
 * @param result What the op's promise resolved with.
 * @returns The count.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { opCountOf } from "./target.ts";
 *
 * assert.deepEqual(opCountOf({ partitions: 3, rows: 12 }), { partitions: 3, rows: 12 });
 * assert.deepEqual(opCountOf(undefined), { partitions: 1, rows: 1 });
 * ```
 */
export function opCountOf(result: unknown): OpCount {
  return typeof result === "object" && result !== null &&
      typeof (result as OpCount).partitions === "number"
    ? result as OpCount
    : ONE_OF_EACH;
}

/**
 * What a failed op counts: the `opCount` its error carries (a `user` query that failed counts
 * nothing, a failed insert the partitions and rows it tried to write, as cassandra-stress
 * counts them), else one partition and one row.
 *
 * @param error What the op failed with.
 * @returns The count.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { failedOpCountOf } from "./target.ts";
 *
 * const error = Object.assign(new Error("no table"), { opCount: { partitions: 0, rows: 0 } });
 * assert.deepEqual(failedOpCountOf(error), { partitions: 0, rows: 0 });
 * assert.deepEqual(failedOpCountOf(new Error("timeout")), { partitions: 1, rows: 1 });
 * ```
 */
export function failedOpCountOf(error: unknown): OpCount {
  return opCountOf((error as { opCount?: unknown } | null)?.opCount);
}

/**
 * A description of a target that can be sent to a Worker (structured-cloneable). Each wing
 * extends it with its own fields; `kind` tells the Worker entry which adapter to build.
 */
export interface TargetSpec {
  /** Which adapter the Worker builds. */
  readonly kind: string;
}

/** The synthetic target: no server, ops complete after a latency drawn from `latencyUs`. */
export interface SyntheticTargetSpec extends TargetSpec {
  /** The kind. */
  readonly kind: "synthetic";
  /** The latency of one op in microseconds, or null for zero latency (complete at once). */
  readonly latencyUs: DistributionSpec | null;
  /** The probability (0..1) that an op fails, for error-path tests. */
  readonly errorRate: number;
}
