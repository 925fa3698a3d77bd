/**
 * The synthetic target: operations that complete after a latency drawn from a
 * distribution, with no server behind them, so the whole engine can be exercised
 * anywhere.
 *
 * @module
 */

import { createDistribution, type Distribution } from "../core/distribution.ts";
import { Prng } from "../core/prng.ts";
import type { SyntheticTargetSpec, Target } from "./target.ts";
import { DelayQueue } from "./delay_queue.ts";

const RESOLVED: Promise<void> = Promise.resolve();

/** The error a synthetic op fails with when `errorRate` says so. */
export class SyntheticOpError extends Error {
  /** Creates the error. */
  constructor() {
    super("Synthetic operation failed as configured by errors=");
    this.name = "SyntheticOpError";
  }
}

/**
 * A target whose ops complete after a latency drawn (in microseconds) from a
 * distribution. Latencies are served by a {@linkcode DelayQueue} (timers for the bulk,
 * event-loop polling for the last 1.5 ms, so sub-millisecond latencies are honoured); zero
 * latency completes on the next microtask, so the op loop still awaits every op as it
 * would against a real server.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { SyntheticTarget } from "./synthetic_target.ts";
 * const target = new SyntheticTarget({ kind: "synthetic", latencyUs: null, errorRate: 0 }, 1);
 * assert.equal(await target.op(0, 1), undefined);
 * await target.close();
 * ```
 */
export class SyntheticTarget implements Target {
  #latency: Distribution | null;
  #prng: Prng;
  #errorRate: number;
  #queue = new DelayQueue();

  /**
   * Creates the target.
   *
   * @param spec The latency distribution and error rate.
   * @param seed The seed of this target's PRNG (one per Worker).
   */
  constructor(spec: SyntheticTargetSpec, seed: number) {
    this.#prng = new Prng(seed);
    this.#latency = spec.latencyUs === null ? null : createDistribution(spec.latencyUs, this.#prng);
    this.#errorRate = spec.errorRate;
  }

  /**
   * Runs one synthetic operation.
   *
   * @param _kind Ignored: every op type behaves the same.
   * @param _seed Ignored.
   * @returns A promise settling after the latency (an already resolved one for zero latency).
   */
  op(_kind: number, _seed: number): Promise<void> | undefined {
    const fail = this.#errorRate > 0 && this.#prng.nextDouble() < this.#errorRate;
    const latencyUs = this.#latency === null ? 0 : this.#latency.next();
    if (latencyUs <= 0) {
      return fail ? Promise.reject(new SyntheticOpError()) : RESOLVED;
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.add(latencyUs / 1000, fail ? () => reject(new SyntheticOpError()) : resolve);
    });
  }

  /**
   * Drops pending completions.
   *
   * @returns A promise that resolves at once.
   */
  close(): Promise<void> {
    this.#queue.close();
    return Promise.resolve();
  }
}
