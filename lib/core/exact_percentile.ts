/**
 * The exact nearest-rank percentile of sorted values: the reference for histogram tests.
 *
 * @module
 */

/** HdrHistogramJS's `ulp`: the gap to the next double above `x`, for `x > 0`. */
function ulp(x: number): number {
  return Math.pow(2, Math.floor(Math.log2(x)) - 52);
}

/**
 * The value at `percentile` of sorted values by the nearest-rank definition HdrHistogram uses:
 * the value at rank `ceil(percentile / 100 * n)` (1-based, at least 1, so percentile 0 gives
 * the minimum and 100 the maximum). Like HdrHistogramJS it takes one ulp off before rounding
 * up, so that `0.07 * 100 = 7.000000000000001` still counts as rank 7, and percentiles above
 * 100 count as 100.
 *
 * @param sortedValues The values in ascending order (not checked).
 * @param percentile The percentile, `0 ..= 100`.
 * @returns The value at that rank.
 * @throws {RangeError} If `sortedValues` is empty or `percentile` is negative or NaN.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactPercentile } from "./exact_percentile.ts";
 *
 * const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
 * assert.equal(exactPercentile(values, 0), 10);
 * assert.equal(exactPercentile(values, 50), 50);
 * assert.equal(exactPercentile(values, 51), 60);
 * assert.equal(exactPercentile(values, 100), 100);
 * ```
 */
export function exactPercentile(sortedValues: ArrayLike<number>, percentile: number): number {
  const n = sortedValues.length;
  if (n === 0) {
    throw new RangeError("Cannot compute percentile: the values are empty, expected at least one");
  }
  if (!(percentile >= 0)) {
    throw new RangeError(
      `Cannot compute percentile: percentile is "${percentile}", expected 0 to 100`,
    );
  }
  const fpCount = (Math.min(percentile, 100) / 100) * n;
  const rank = fpCount > 0 ? Math.max(Math.ceil(fpCount - ulp(fpCount)), 1) : 1;
  return sortedValues[Math.min(rank, n) - 1];
}
