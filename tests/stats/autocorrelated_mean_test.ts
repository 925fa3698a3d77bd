import assert from "node:assert/strict";
import fc from "fast-check";
import { Prng } from "../../lib/core/prng.ts";
import { autocorrelatedMean } from "../../lib/stats/autocorrelated_mean.ts";

const FC_SEED = 41_771;

/** An AR(1) series x[i] = phi x[i-1] + e[i], e standard normal, started at its stationary law. */
function ar1(n: number, phi: number, seed: number): number[] {
  const prng = new Prng(seed);
  const values: number[] = [];
  let x = prng.nextGaussian() / Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    values.push(x);
    x = phi * x + prng.nextGaussian();
  }
  return values;
}

function shuffled(values: readonly number[], seed: number): number[] {
  const prng = new Prng(seed);
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.nextDouble() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

Deno.test("autocorrelatedMean() computes a small series by hand", () => {
  // Deviations -1.5 -0.5 0.5 1.5: squares 5, lag products 0.75 - 0.25 + 0.75 = 1.25.
  const result = autocorrelatedMean([1, 2, 3, 4]);
  assert.equal(result.n, 4);
  assert.equal(result.mean, 2.5);
  assert.ok(Math.abs(result.stdDev - Math.sqrt(5 / 3)) < 1e-12);
  assert.ok(Math.abs(result.lag1Autocorrelation - 0.25) < 1e-12);
  assert.ok(Math.abs(result.effectiveN - (4 * 0.75) / 1.25) < 1e-12);
  assert.ok(Math.abs(result.stdErr - Math.sqrt(5 / 3) / Math.sqrt(2.4)) < 1e-12);
});

Deno.test("autocorrelatedMean() finds the autocorrelation of an AR(1) series", () => {
  // phi = 0.9: n_eff = n (1 - 0.9) / (1 + 0.9) = n / 19, about 105 of 2000.
  const result = autocorrelatedMean(ar1(2000, 0.9, 7));
  assert.ok(result.lag1Autocorrelation > 0.85 && result.lag1Autocorrelation < 0.95);
  assert.ok(result.effectiveN > 60 && result.effectiveN < 170, String(result.effectiveN));
});

Deno.test("autocorrelatedMean() keeps nearly every value of an independent series", () => {
  const result = autocorrelatedMean(ar1(1000, 0, 11));
  assert.ok(result.lag1Autocorrelation < 0.1);
  assert.ok(result.effectiveN > 800);
});

Deno.test("autocorrelatedMean() gives an AR(1) series a larger error than its shuffle", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const series = ar1(60, 0.9, seed);
      const ordered = autocorrelatedMean(series);
      const mixed = autocorrelatedMean(shuffled(series, seed + 1));
      // Same values: same mean and deviation, only the order (and so n_eff) differs.
      assert.ok(Math.abs(ordered.mean - mixed.mean) < 1e-9);
      assert.ok(Math.abs(ordered.stdDev - mixed.stdDev) < 1e-9);
      assert.ok(ordered.effectiveN < mixed.effectiveN);
      assert.ok(ordered.stdErr > 1.5 * mixed.stdErr);
    }),
    { numRuns: 100, seed: FC_SEED },
  );
});

Deno.test("autocorrelatedMean() never claims more than n or fewer than 2 effective values", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 }),
      (values) => {
        const result = autocorrelatedMean(values);
        assert.ok(result.effectiveN <= values.length && result.effectiveN >= 2);
        assert.ok(result.lag1Autocorrelation >= 0 && result.lag1Autocorrelation <= 0.99);
        assert.ok(result.stdErr >= result.stdDev / Math.sqrt(values.length) - 1e-9);
      },
    ),
    { numRuns: 300, seed: FC_SEED },
  );
});

Deno.test("autocorrelatedMean() handles constant, single and empty series", () => {
  const constant = autocorrelatedMean([5, 5, 5, 5]);
  assert.deepEqual(
    [constant.mean, constant.stdDev, constant.stdErr, constant.lag1Autocorrelation],
    [5, 0, 0, 0],
  );
  const single = autocorrelatedMean([3]);
  assert.equal(single.mean, 3);
  assert.ok(Number.isNaN(single.stdErr));
  const empty = autocorrelatedMean([]);
  assert.ok(Number.isNaN(empty.mean));
  assert.equal(empty.effectiveN, 0);
});
