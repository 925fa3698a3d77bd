import assert from "node:assert/strict";
import fc from "fast-check";
import { validatedRows } from "../../../lib/cql/user/validated_rows.ts";

/** Every row's positions, in the sorted iteration order (the last level fastest). */
function allRows(sizes: readonly number[]): number[][] {
  let rows: number[][] = [[]];
  for (const size of sizes) {
    rows = rows.flatMap((row) => Array.from({ length: size }, (_, i) => [...row, i]));
  }
  return rows;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

Deno.test("validatedRows() is the rows whose prefix lies between the bounds (property)", () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    fc.nat(),
    fc.boolean(),
    fc.boolean(),
    fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    (sizes, depthSeed, inclusiveStart, inclusiveEnd, picks) => {
      const depth = 1 + (depthSeed % sizes.length);
      const deepest = depth === sizes.length;
      // Above the deepest level cassandra-stress only asks for `>= lower AND < upper`.
      const incStart = deepest ? inclusiveStart : true;
      const incEnd = deepest ? inclusiveEnd : false;
      let lower = sizes.slice(0, depth).map((size, d) => picks[d] % size);
      let upper = sizes.slice(0, depth).map((size, d) => picks[d + 3] % size);
      if (compare(lower, upper) > 0) [lower, upper] = [upper, lower];
      const { from, to } = validatedRows(sizes, {
        lower,
        upper,
        inclusiveStart: incStart,
        inclusiveEnd: incEnd,
      });
      const want = allRows(sizes).flatMap((row, i) => {
        const prefix = row.slice(0, depth);
        const afterLower = incStart ? compare(prefix, lower) >= 0 : compare(prefix, lower) > 0;
        const beforeUpper = incEnd ? compare(prefix, upper) <= 0 : compare(prefix, upper) < 0;
        return afterLower && beforeUpper ? [i] : [];
      });
      assert.deepEqual(
        Array.from({ length: to - from }, (_, i) => from + i),
        want,
        `${sizes} ${lower} ${upper} ${incStart} ${incEnd}`,
      );
    },
  ));
});

Deno.test("validatedRows() of depth 0 is the whole partition", () => {
  const all = { lower: [], upper: [], inclusiveStart: true, inclusiveEnd: true };
  assert.deepEqual(validatedRows([3, 4], all), { from: 0, to: 12 });
  assert.deepEqual(validatedRows([], all), { from: 0, to: 1 });
});
