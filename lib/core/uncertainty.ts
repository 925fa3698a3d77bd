/**
 * The stop rule of cassandra-stress's uncertainty mode (`err<0.02 n>30 n<200`).
 *
 * @module
 */

/** Options of {@linkcode Uncertainty.shouldStop}, the `err<`, `n>` and `n<` of the command. */
export interface UncertaintyStopOptions {
  /** Stop once {@linkcode Uncertainty.stderr} is below this (`err<`, default 0.02 in c-s). */
  targetStderr: number;
  /** Never stop on `targetStderr` before this many intervals (`n>`, default 30 in c-s). */
  minIntervals: number;
  /** Always stop at this many intervals (`n<`, default 200 in c-s). */
  maxIntervals: number;
}

/**
 * The row rate cassandra-stress's uncertainty rule is fed for an interval: its rows over its
 * length less its longest latency (`TimingInterval.adjustedRowRate`), so an interval whose
 * slowest op held a thread counts as shorter. When that latency is the whole interval or more
 * (where cassandra-stress divides by zero or a negative time), the plain row rate.
 *
 * @param rows The interval's rows.
 * @param lengthSec Its length in seconds.
 * @param maxLatencySec Its longest latency in seconds (response time with `fixed=`, else
 * service time), 0 without ops.
 * @returns Rows per second.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { adjustedRowRate } from "./uncertainty.ts";
 * assert.equal(adjustedRowRate(900, 1, 0.1), 1000);
 * assert.equal(adjustedRowRate(900, 1, 2), 900);
 * ```
 */
export function adjustedRowRate(rows: number, lengthSec: number, maxLatencySec: number): number {
  const adjusted = lengthSec - maxLatencySec;
  return rows / (adjusted > 0 ? adjusted : lengthSec);
}

/**
 * Tracks the per-interval row rates of a run and the relative standard error of their mean,
 * exactly as cassandra-stress's `Uncertainty` does: with the population standard deviation
 * `stdev = sqrt(sumSquares / n - mean^2)`, `stderr = (stdev / sqrt(n)) / mean`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Uncertainty } from "./uncertainty.ts";
 *
 * const uncertainty = new Uncertainty();
 * uncertainty.add(42991);
 * uncertainty.add(43857);
 * assert.equal(uncertainty.stderr.toFixed(5), "0.00705");
 * assert.equal(
 *   uncertainty.shouldStop({ targetStderr: 0.02, minIntervals: 2, maxIntervals: 200 }),
 *   true,
 * );
 * ```
 */
export class Uncertainty {
  #count = 0;
  #sum = 0;
  #sumSquares = 0;
  #stderr = 0;

  /**
   * Adds one interval's measurement.
   *
   * @param rowsPerSec The interval's row rate (cassandra-stress feeds the row rate over the
   * interval less its longest latency: {@linkcode adjustedRowRate}).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { Uncertainty } from "./uncertainty.ts";
   *
   * const uncertainty = new Uncertainty();
   * uncertainty.add(100);
   * assert.equal(uncertainty.count, 1);
   * assert.equal(uncertainty.stderr, 0);
   * ```
   */
  add(rowsPerSec: number): void {
    this.#count++;
    this.#sum += rowsPerSec;
    this.#sumSquares += rowsPerSec * rowsPerSec;
    const mean = this.#sum / this.#count;
    // cassandra-stress takes the square root as is; rounding can make the variance of equal
    // values a tiny negative number, which it turns into NaN. Clamp it to 0 instead.
    const variance = this.#sumSquares / this.#count - mean * mean;
    const stdev = Math.sqrt(variance > 0 ? variance : 0);
    this.#stderr = stdev / Math.sqrt(this.#count) / mean;
  }

  /**
   * The standard error of the mean rate relative to the mean (0 before the first interval, as
   * in cassandra-stress's first `stderr` column; `NaN` while the mean is 0).
   *
   * @returns A fraction, e.g. 0.02 for 2%.
   */
  get stderr(): number {
    return this.#stderr;
  }

  /**
   * The number of intervals added.
   *
   * @returns A count.
   */
  get count(): number {
    return this.#count;
  }

  /**
   * Whether the run should stop: at least one interval was added, and either the count has
   * reached `maxIntervals`, or it has reached `minIntervals` and `stderr < targetStderr`.
   *
   * @param options The target and the interval bounds.
   * @returns True when the run should stop.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { Uncertainty } from "./uncertainty.ts";
   *
   * const uncertainty = new Uncertainty();
   * const rule = { targetStderr: 0.02, minIntervals: 3, maxIntervals: 5 };
   * uncertainty.add(1000);
   * uncertainty.add(1000);
   * assert.equal(uncertainty.shouldStop(rule), false); // too few intervals
   * uncertainty.add(1000);
   * assert.equal(uncertainty.shouldStop(rule), true);
   * ```
   */
  shouldStop(options: UncertaintyStopOptions): boolean {
    if (this.#count === 0) return false;
    if (this.#count >= options.maxIntervals) return true;
    return this.#count >= options.minIntervals && this.#stderr < options.targetStderr;
  }
}
