/**
 * Private helper: the standard normal quantile function (inverse CDF), accurate to a few
 * ulps, for the cold paths of `distribution.ts` (construction and `inverseCumProb`).
 *
 * @module
 */

const INV_SQRT_PI = 0.5641895835477563;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * The complementary error function: a positive-term series for `x < 2.5` (no cancellation
 * inside the sum) and a continued fraction, evaluated backwards, above it.
 *
 * @param x Any number.
 * @returns `erfc(x)`.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - 2 * INV_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (x > 27.3) return 0;
  let fraction = x;
  for (let k = 120; k >= 1; k--) fraction = x + k / 2 / fraction;
  return (INV_SQRT_PI * Math.exp(-x * x)) / fraction;
}

/** Solves `Phi(x) = p` for `0 < p < 0.5` by Halley steps from a rational first guess. */
function lowerQuantile(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  // Abramowitz and Stegun 26.2.23 (absolute error below 4.5e-4) as the starting point.
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
      (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 10; i++) {
    const f = 0.5 * erfc(-x * Math.SQRT1_2) - p;
    const r = f / (INV_SQRT_2PI * Math.exp(-0.5 * x * x));
    const dx = r / (1 + 0.5 * x * r);
    x -= dx;
    if (Math.abs(dx) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/**
 * The standard normal quantile: the `x` with `P(Z <= x) = p`.
 *
 * @param p A probability in `[0, 1]`.
 * @returns `-Infinity` for 0, `Infinity` for 1, `NaN` outside `[0, 1]`.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (p === 0.5) return 0;
  return p < 0.5 ? lowerQuantile(p) : -lowerQuantile(1 - p);
}
