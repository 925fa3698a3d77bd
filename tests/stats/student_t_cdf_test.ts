import assert from "node:assert/strict";
import fc from "fast-check";
import { studentTCdf } from "../../lib/stats/student_t_cdf.ts";

const FC_SEED = 20_240_801;

function twoSided(t: number, df: number): number {
  return 2 * studentTCdf(-Math.abs(t), df);
}

Deno.test("studentTCdf() matches the critical values of the t table", async (t) => {
  // [t, df, two-sided p]: the classic t-table entries (rounded to 3 decimals there).
  const table: [number, number, number][] = [
    [2.228, 10, 0.05],
    [12.706, 1, 0.05],
    [4.303, 2, 0.05],
    [2.086, 20, 0.05],
    [1.812, 10, 0.1],
    [3.169, 10, 0.01],
    [2.750, 30, 0.01],
    [1.960, 1e6, 0.05],
    [2.576, 1e6, 0.01],
  ];
  for (const [value, df, p] of table) {
    await t.step(`t=${value}, df=${df} gives p=${p}`, () => {
      assert.ok(Math.abs(twoSided(value, df) - p) < 2e-4, String(twoSided(value, df)));
    });
  }
});

Deno.test("studentTCdf() equals the closed forms for 1 and 2 degrees of freedom", () => {
  fc.assert(
    fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), (t) => {
      const cauchy = 0.5 + Math.atan(t) / Math.PI;
      const df2 = 0.5 + t / (2 * Math.sqrt(2 + t * t));
      assert.ok(Math.abs(studentTCdf(t, 1) - cauchy) < 1e-12);
      assert.ok(Math.abs(studentTCdf(t, 2) - df2) < 1e-12);
    }),
    { numRuns: 500, seed: FC_SEED },
  );
});

Deno.test("studentTCdf() is symmetric and increasing in t", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -50, max: 50, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      fc.double({ min: 0.5, max: 500, noNaN: true }),
      (t, step, df) => {
        assert.ok(Math.abs(studentTCdf(t, df) + studentTCdf(-t, df) - 1) < 1e-12);
        assert.ok(studentTCdf(t + step, df) >= studentTCdf(t, df) - 1e-15);
      },
    ),
    { numRuns: 500, seed: FC_SEED },
  );
});

Deno.test("studentTCdf() keeps the precision of tiny tail probabilities", () => {
  // With df = 1, P(T <= -t) = atan(1 / t) / pi, about 3.2e-7 at t = 1e6.
  const exact = Math.atan(1e-6) / Math.PI;
  assert.ok(Math.abs(studentTCdf(-1e6, 1) / exact - 1) < 1e-9);
  assert.ok(twoSided(40, 8) > 0 && twoSided(40, 8) < 1e-9);
});

Deno.test("studentTCdf() handles the edges", () => {
  assert.equal(studentTCdf(0, 7), 0.5);
  assert.equal(studentTCdf(Infinity, 3), 1);
  assert.equal(studentTCdf(-Infinity, 3), 0);
  assert.ok(Number.isNaN(studentTCdf(1, 0)));
  assert.ok(Number.isNaN(studentTCdf(1, -2)));
  assert.ok(Number.isNaN(studentTCdf(NaN, 2)));
});
