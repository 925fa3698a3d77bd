/**
 * The interface every target adapter implements (synthetic, CQL, PostgreSQL, HTTP, disk),
 * and the serialisable description a Worker uses to build its own adapter.
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";
import type { CqlTargetSpec } from "../cql/driver/cql_target.ts";

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
   * @returns A promise that settles when the operation completed, or `undefined`.
   */
  op(kind: number, seed: number): Promise<void> | undefined;
  /** Releases what the adapter holds (connections, timers). */
  close(): Promise<void>;
}

/** The synthetic target: no server, ops complete after a latency drawn from `latencyUs`. */
export interface SyntheticTargetSpec {
  /** The kind. */
  readonly kind: "synthetic";
  /** The latency of one op in microseconds, or null for zero latency (complete at once). */
  readonly latencyUs: DistributionSpec | null;
  /** The probability (0..1) that an op fails, for error-path tests. */
  readonly errorRate: number;
}

/** A description of a target that can be sent to a Worker (structured-cloneable). */
export type TargetSpec = SyntheticTargetSpec | CqlTargetSpec;
