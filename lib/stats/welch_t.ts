/**
 * Welch's two-sample t-test on two means given with their standard errors.
 *
 * @module
 */

import { studentTCdf } from "./student_t_cdf.ts";

/** A mean, its standard error and the (effective) number of values behind it. */
export interface MeanWithError {
  /** The mean. */
  mean: number;
  /** The standard error of the mean. */
  stdErr: number;
  /** The number of independent values behind the mean (an effective size may be fractional). */
  effectiveN: number;
}

/** The outcome of {@linkcode welchTTest}. */
export interface WelchTTest {
  /** The t statistic, (b - a) / sqrt(seA² + seB²) (±Infinity when both errors are 0). */
  t: number;
  /** The Welch–Satterthwaite degrees of freedom (NaN when both errors are 0). */
  df: number;
  /** The two-sided p-value: the chance of a difference at least this large if the means are equal. */
  pValue: number;
}

/**
 * Tests whether two means differ, without assuming equal variances (Welch's t-test, as latte
 * does), and returns the two-sided p-value from the Student-t CDF.
 *
 * Pass standard errors and effective sizes already corrected for autocorrelation (see
 * `autocorrelatedMean`); then the test holds for interval series too. When both errors are 0
 * the means are exact: the p-value is 1 if they are equal and 0 otherwise.
 *
 * @param a The first mean.
 * @param b The second mean.
 * @returns t, the degrees of freedom and the two-sided p-value.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { welchTTest } from "./welch_t.ts";
 * const close = welchTTest(
 *   { mean: 10, stdErr: 1, effectiveN: 20 },
 *   { mean: 10.5, stdErr: 1, effectiveN: 20 },
 * );
 * assert.ok(close.pValue > 0.5);
 * const far = welchTTest(
 *   { mean: 10, stdErr: 0.2, effectiveN: 20 },
 *   { mean: 12, stdErr: 0.2, effectiveN: 20 },
 * );
 * assert.ok(far.pValue < 1e-6);
 * assert.ok(far.t > 0);
 * ```
 */
export function welchTTest(a: MeanWithError, b: MeanWithError): WelchTTest {
  const varianceA = a.stdErr * a.stdErr;
  const varianceB = b.stdErr * b.stdErr;
  const variance = varianceA + varianceB;
  const difference = b.mean - a.mean;
  if (variance === 0) {
    if (difference === 0) return { t: 0, df: NaN, pValue: 1 };
    return { t: difference > 0 ? Infinity : -Infinity, df: NaN, pValue: 0 };
  }
  const t = difference / Math.sqrt(variance);
  const df = (variance * variance) /
    ((varianceA * varianceA) / Math.max(a.effectiveN - 1, 1) +
      (varianceB * varianceB) / Math.max(b.effectiveN - 1, 1));
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  return { t, df, pValue };
}
