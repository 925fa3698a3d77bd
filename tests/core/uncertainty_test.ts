import assert from "node:assert/strict";
import fc from "fast-check";
import { Uncertainty } from "../../lib/core/uncertainty.ts";

const FC_SEED = 777;
const DEFAULT_RULE = { targetStderr: 0.02, minIntervals: 30, maxIntervals: 200 };

Deno.test("Uncertainty.stderr matches cassandra-stress's stderr column", () => {
  // Row rates and stderr values of three intervals of a published cassandra-stress run.
  const uncertainty = new Uncertainty();
  assert.equal(uncertainty.stderr, 0);
  uncertainty.add(42991);
  assert.equal(uncertainty.stderr.toFixed(5), "0.00000");
  uncertainty.add(43857);
  assert.equal(uncertainty.stderr.toFixed(5), "0.00705");
  uncertainty.add(47283);
  assert.equal(uncertainty.stderr.toFixed(5), "0.02393");
  assert.equal(uncertainty.count, 3);
});

Deno.test("Uncertainty.stderr is about 0, never NaN, for equal rates", () => {
  // For most of these the one-pass variance rounds below 0 at some count (sqrt would be NaN).
  for (const rate of [0.1, 0.3, 1 / 3, 0.7, 1e-3, 12345.678]) {
    const uncertainty = new Uncertainty();
    for (let i = 0; i < 50; i++) {
      uncertainty.add(rate);
      assert.ok(
        uncertainty.stderr >= 0 && uncertainty.stderr < 1e-6,
        `${rate}: ${uncertainty.stderr}`,
      );
    }
  }
});

Deno.test("Uncertainty.shouldStop() waits for minIntervals even when stderr is low", () => {
  const uncertainty = new Uncertainty();
  assert.equal(uncertainty.shouldStop(DEFAULT_RULE), false);
  for (let i = 0; i < 29; i++) {
    uncertainty.add(1000 + (i % 2));
    assert.equal(uncertainty.shouldStop(DEFAULT_RULE), false, `interval ${i + 1}`);
  }
  uncertainty.add(1000);
  assert.equal(uncertainty.shouldStop(DEFAULT_RULE), true);
});

Deno.test("Uncertainty.shouldStop() stops at maxIntervals when stderr stays high", () => {
  const uncertainty = new Uncertainty();
  const rule = { targetStderr: 0.001, minIntervals: 3, maxIntervals: 10 };
  for (let i = 0; i < 9; i++) {
    uncertainty.add(i % 2 === 0 ? 100 : 1000);
    assert.equal(uncertainty.shouldStop(rule), false, `interval ${i + 1}`);
  }
  uncertainty.add(100);
  assert.ok(uncertainty.stderr > 0.001);
  assert.equal(uncertainty.shouldStop(rule), true);
});

Deno.test("Uncertainty.shouldStop() needs stderr strictly below the target", () => {
  const uncertainty = new Uncertainty();
  uncertainty.add(42991);
  uncertainty.add(43857);
  const stderr = uncertainty.stderr;
  assert.equal(
    uncertainty.shouldStop({ targetStderr: stderr, minIntervals: 1, maxIntervals: 9 }),
    false,
  );
  assert.equal(
    uncertainty.shouldStop({ targetStderr: stderr * 1.0001, minIntervals: 1, maxIntervals: 9 }),
    true,
  );
});

Deno.test("Uncertainty property: stderr is the population stdev over sqrt(n) over the mean", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 1, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 100 }),
      (rates) => {
        const uncertainty = new Uncertainty();
        for (const rate of rates) uncertainty.add(rate);
        const n = rates.length;
        const mean = rates.reduce((a, b) => a + b, 0) / n;
        const variance = rates.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
        const expected = Math.sqrt(variance) / Math.sqrt(n) / mean;
        // The one-pass sum of squares loses digits when the spread is tiny; compare absolutely.
        assert.ok(
          Math.abs(uncertainty.stderr - expected) < 1e-6,
          `${uncertainty.stderr} ${expected}`,
        );
        assert.equal(uncertainty.count, n);
      },
    ),
    { numRuns: 300, seed: FC_SEED },
  );
});
