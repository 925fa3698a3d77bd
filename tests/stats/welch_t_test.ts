import assert from "node:assert/strict";
import { studentTCdf } from "../../lib/stats/student_t_cdf.ts";
import { welchTTest } from "../../lib/stats/welch_t.ts";

Deno.test("welchTTest() uses the Welch-Satterthwaite degrees of freedom", () => {
  // Equal errors 1 and sizes 11: df = (1 + 1)^2 / (1/10 + 1/10) = 20.
  const result = welchTTest(
    { mean: 0, stdErr: 1, effectiveN: 11 },
    { mean: 2.086 * Math.SQRT2, stdErr: 1, effectiveN: 11 },
  );
  assert.ok(Math.abs(result.df - 20) < 1e-9);
  assert.ok(Math.abs(result.t - 2.086) < 1e-9);
  assert.ok(Math.abs(result.pValue - 0.05) < 2e-4, String(result.pValue));
});

Deno.test("welchTTest() weighs the degrees of freedom toward the noisier mean", () => {
  // Only b's error counts: df = (n_b - 1).
  const result = welchTTest(
    { mean: 0, stdErr: 1e-9, effectiveN: 1000 },
    { mean: 3, stdErr: 1, effectiveN: 6 },
  );
  assert.ok(Math.abs(result.df - 5) < 1e-6);
  assert.ok(Math.abs(result.pValue - 2 * studentTCdf(-3, 5)) < 1e-9);
});

Deno.test("welchTTest() is symmetric in its two means", () => {
  const a = { mean: 10, stdErr: 0.7, effectiveN: 8 };
  const b = { mean: 12, stdErr: 0.4, effectiveN: 15 };
  const ab = welchTTest(a, b);
  const ba = welchTTest(b, a);
  assert.equal(ab.t, -ba.t);
  assert.equal(ab.pValue, ba.pValue);
  assert.ok(ab.t > 0);
});

Deno.test("welchTTest() treats means without error as exact", () => {
  const same = welchTTest(
    { mean: 4, stdErr: 0, effectiveN: 5 },
    { mean: 4, stdErr: 0, effectiveN: 5 },
  );
  assert.equal(same.pValue, 1);
  const different = welchTTest(
    { mean: 4, stdErr: 0, effectiveN: 5 },
    { mean: 5, stdErr: 0, effectiveN: 5 },
  );
  assert.deepEqual([different.pValue, different.t], [0, Infinity]);
});
