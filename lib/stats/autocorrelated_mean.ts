/**
 * The mean of a time series and its standard error, corrected for autocorrelation.
 *
 * @module
 */

/** The mean of a series with its autocorrelation-corrected standard error. */
export interface AutocorrelatedMean {
  /** The number of values. */
  n: number;
  /** The arithmetic mean (NaN for an empty series). */
  mean: number;
  /** The sample standard deviation (Bessel-corrected; NaN below 2 values). */
  stdDev: number;
  /**
   * The lag-1 autocorrelation of the series, clamped to [0, 0.99] (0 for a constant series
   * or below 3 values). Negative values are clamped to 0 so the correction never claims more
   * independent values than there are.
   */
  lag1Autocorrelation: number;
  /** The effective number of independent values, n (1 - ρ) / (1 + ρ), at least 2. */
  effectiveN: number;
  /** The standard error of the mean, `stdDev / sqrt(effectiveN)` (NaN below 2 values). */
  stdErr: number;
}

/** The largest lag-1 autocorrelation used: keeps the effective size positive. */
const MAX_AUTOCORRELATION = 0.99;

/**
 * Estimates the mean of a series of per-interval values and its standard error, inflated for
 * the autocorrelation between neighbouring intervals.
 *
 * Intervals of a load test are not independent: a slow phase of the target (a compaction, a
 * GC pause, a noisy neighbour) spans several intervals. Treating them as independent
 * understates the error of the mean and makes every small difference look significant.
 * Following Wilks (Statistical Methods in the Atmospheric Sciences), the series is modelled as
 * AR(1) with lag-1 autocorrelation ρ, whose variance of the mean equals that of
 * n_eff = n (1 - ρ) / (1 + ρ) independent values. (latte estimates the autocorrelation
 * time by batch means instead; the AR(1) form needs only a handful of intervals.)
 *
 * @param values The series, oldest first.
 * @returns The mean, standard deviation, ρ, n_eff and the standard error.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { autocorrelatedMean } from "./autocorrelated_mean.ts";
 * // Alternating values are negatively correlated: ρ is clamped to 0, n_eff = n.
 * const alternating = autocorrelatedMean([1, 3, 1, 3, 1, 3, 1, 3]);
 * assert.equal(alternating.mean, 2);
 * assert.equal(alternating.effectiveN, 8);
 * // A slow drift is strongly autocorrelated: far fewer effective values.
 * const drift = autocorrelatedMean([1, 2, 3, 4, 5, 6, 7, 8]);
 * assert.ok(drift.lag1Autocorrelation > 0.5);
 * assert.ok(drift.effectiveN < 3);
 * assert.ok(drift.stdErr > drift.stdDev / Math.sqrt(8));
 * ```
 */
export function autocorrelatedMean(values: readonly number[]): AutocorrelatedMean {
  const n = values.length;
  if (n === 0) {
    return { n, mean: NaN, stdDev: NaN, lag1Autocorrelation: 0, effectiveN: 0, stdErr: NaN };
  }
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / n;
  let squares = 0;
  let lagProducts = 0;
  for (let i = 0; i < n; i++) {
    const deviation = values[i] - mean;
    squares += deviation * deviation;
    if (i > 0) lagProducts += deviation * (values[i - 1] - mean);
  }
  if (n < 2) {
    return { n, mean, stdDev: NaN, lag1Autocorrelation: 0, effectiveN: n, stdErr: NaN };
  }
  const stdDev = Math.sqrt(squares / (n - 1));
  const rho = n < 3 || squares === 0
    ? 0
    : Math.min(MAX_AUTOCORRELATION, Math.max(0, lagProducts / squares));
  const effectiveN = Math.min(n, Math.max(2, (n * (1 - rho)) / (1 + rho)));
  return {
    n,
    mean,
    stdDev,
    lag1Autocorrelation: rho,
    effectiveN,
    stdErr: stdDev / Math.sqrt(effectiveN),
  };
}
