/**
 * The cumulative distribution function of Student's t distribution.
 *
 * @module
 */

import { regularizedIncompleteBeta } from "./_incomplete_beta.ts";

/**
 * The CDF of Student's t distribution with `df` degrees of freedom at `t`: P(T ≤ t).
 *
 * Computed from the regularized incomplete beta function: in the tails P(T ≤ -|t|) =
 * I_x(df/2, 1/2) / 2 with x = df / (df + t²), so small tail probabilities keep their
 * precision (take a two-sided p-value as `2 * studentTCdf(-Math.abs(t), df)`); near 0 from
 * P(|T| ≤ |t|) = I_y(1/2, df/2) with y = t² / (df + t²).
 *
 * @param t The point.
 * @param df The degrees of freedom, positive (need not be an integer).
 * @returns The probability, in [0, 1]; NaN when `t` or `df` is NaN or `df` is not positive.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentTCdf } from "./student_t_cdf.ts";
 * // With one degree of freedom t is Cauchy: P(T <= 1) = 3/4.
 * assert.ok(Math.abs(studentTCdf(1, 1) - 0.75) < 1e-12);
 * // The two-sided 5% critical value for 10 degrees of freedom is 2.228.
 * assert.ok(Math.abs(2 * studentTCdf(-2.228, 10) - 0.05) < 1e-4);
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tSquared = t * t;
  if (tSquared < df) {
    // Near the centre, P(|T| <= |t|) = I_y(1/2, df/2) with y = t² / (df + t²) keeps the
    // precision that 1 - x would lose.
    const central = 0.5 * regularizedIncompleteBeta(tSquared / (df + tSquared), 0.5, df / 2);
    return t < 0 ? 0.5 - central : 0.5 + central;
  }
  const lowerTail = 0.5 * regularizedIncompleteBeta(df / (df + tSquared), df / 2, 0.5);
  return t < 0 ? lowerTail : 1 - lowerTail;
}
