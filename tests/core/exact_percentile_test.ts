import assert from "node:assert/strict";
import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { exactPercentile } from "../../lib/core/exact_percentile.ts";

const FC_SEED = 99;

Deno.test("exactPercentile() returns the nearest-rank value", async (t) => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const cases: [number, number][] = [
    [0, 1],
    [0.0001, 1],
    [10, 1],
    [10.0001, 2],
    [50, 5],
    [90, 9],
    [99, 10],
    [100, 10],
    [250, 10],
  ];
  for (const [percentile, expected] of cases) {
    await t.step(`p${percentile} is ${expected}`, () => {
      assert.equal(exactPercentile(values, percentile), expected);
    });
  }
});

Deno.test("exactPercentile() takes one ulp off as HdrHistogram does", () => {
  // 7 / 100 * 100 = 7.000000000000001 in doubles; plain ceil would give rank 8.
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(exactPercentile(values, 7), 7);
  assert.equal(exactPercentile(new Float64Array(values), 7), 7);
});

Deno.test("exactPercentile() rejects empty values and a negative percentile", () => {
  assert.throws(
    () => exactPercentile([], 50),
    (error: unknown) =>
      error instanceof RangeError &&
      error.message === "Cannot compute percentile: the values are empty, expected at least one",
  );
  assert.throws(() => exactPercentile([1], -1), RangeError);
  assert.throws(() => exactPercentile([1], NaN), RangeError);
});

Deno.test("exactPercentile property: equals HdrHistogram for values it stores exactly", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 2047 }), { minLength: 1, maxLength: 300 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (values, percentile) => {
        const histogram = hdr.build({
          lowestDiscernibleValue: 1,
          highestTrackableValue: 3_600_000_000_000,
          numberOfSignificantValueDigits: 3,
          useWebAssembly: false,
        });
        for (const value of values) histogram.recordValue(value);
        const sorted = Float64Array.from(values).sort();
        assert.equal(
          exactPercentile(sorted, percentile),
          histogram.getValueAtPercentile(percentile),
        );
      },
    ),
    { numRuns: 300, seed: FC_SEED },
  );
});

Deno.test("exactPercentile property: at least p% of values are at or below the result", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 200 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (values, percentile) => {
        const sorted = Float64Array.from(values).sort();
        const result = exactPercentile(sorted, percentile);
        const atOrBelow = sorted.filter((v) => v <= result).length;
        const below = sorted.filter((v) => v < result).length;
        const wanted = (percentile / 100) * sorted.length;
        assert.ok(atOrBelow >= wanted - 1e-9 * sorted.length);
        assert.ok(below < Math.max(wanted, 1));
      },
    ),
    { numRuns: 300, seed: FC_SEED },
  );
});
