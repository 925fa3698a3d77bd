import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatCtime,
  formatFixed,
  formatJavaDate,
  groupThousands,
} from "../../lib/report/_java_format.ts";

Deno.test("formatFixed() rounds half up on the shortest decimal as Java does", () => {
  const cases: [number, number, string][] = [
    [1.45, 1, "1.5"], // toFixed gives 1.4
    [1.25, 1, "1.3"],
    [0.05, 1, "0.1"],
    [99.95, 1, "100.0"],
    [123456.5, 0, "123457"],
    [1e-7, 3, "0.000"],
    [1e21, 1, "1000000000000000000000.0"],
    [-0.04, 1, "-0.0"],
    [0, 5, "0.00000"],
    [NaN, 1, "NaN"],
    [Infinity, 0, "Infinity"],
  ];
  for (const [value, digits, expected] of cases) {
    assert.equal(formatFixed(value, digits), expected, `${value} to ${digits}`);
  }
});

Deno.test("formatFixed() is within half a unit of the value", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      fc.integer({ min: 0, max: 5 }),
      (value, digits) => {
        const text = formatFixed(value, digits);
        assert.ok(
          Math.abs(Number(text) - value) <=
            0.5 * 10 ** -digits * (1 + 1e-9) + Math.abs(value) * 1e-15,
        );
        assert.equal(text.split(".")[1]?.length ?? 0, digits);
      },
    ),
    { numRuns: 300, seed: 4242 },
  );
});

Deno.test("groupThousands() inserts commas in the integer part only", () => {
  assert.equal(groupThousands("1234567.8912"), "1,234,567.8912");
  assert.equal(groupThousands("-1000"), "-1,000");
  assert.equal(groupThousands("999"), "999");
  assert.equal(groupThousands("NaN"), "NaN");
});

Deno.test("formatJavaDate() and formatCtime() print the fixed-offset date", () => {
  const timeMs = Date.UTC(2024, 10, 6, 14, 34, 21);
  assert.equal(formatJavaDate(timeMs, 60, "CET"), "Wed Nov 06 15:34:21 CET 2024");
  assert.equal(formatCtime(Date.UTC(2020, 9, 5, 1, 2, 3), 0), "Mon Oct  5 01:02:03 2020");
});
