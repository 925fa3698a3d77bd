import assert from "node:assert/strict";
import fc from "fast-check";
import { OptionError } from "../../lib/errors.ts";
import { MAX_DURATION_MS, parseDuration } from "../../lib/units/parse_duration.ts";

Deno.test("parseDuration() converts each unit to milliseconds", () => {
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("10M"), 600_000);
  assert.equal(parseDuration("2h"), 7_200_000);
});

Deno.test("parseDuration() reads a bare number only with bareUnit", () => {
  assert.equal(parseDuration("5", "interval", { bareUnit: "s" }), 5000);
  assert.throws(() => parseDuration("5"), OptionError);
});

Deno.test("parseDuration() rejects units that are not allowed", () => {
  assert.throws(() => parseDuration("500ms", "duration", { units: ["s", "m", "h"] }), OptionError);
  assert.throws(() => parseDuration("10d"), OptionError);
});

Deno.test("parseDuration() rejects a negative value and zero", () => {
  assert.throws(() => parseDuration("-5s"), OptionError);
  assert.throws(() => parseDuration("0s"), OptionError);
  assert.equal(parseDuration("0s", "d", { allowZero: true }), 0);
});

Deno.test("parseDuration() refuses what a timer cannot wait (over 2^31 - 1 ms)", () => {
  assert.equal(parseDuration("596h"), 596 * 3_600_000);
  assert.equal(parseDuration(`${MAX_DURATION_MS}ms`), MAX_DURATION_MS);
  assert.throws(
    () => parseDuration(`${MAX_DURATION_MS + 1}ms`),
    /is too long, expected at most 596h/,
  );
  assert.throws(() => parseDuration("720h", "write duration"), /"720h" is too long/);
});

Deno.test("parseDuration() round trips every unit", () => {
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  fc.assert(
    fc.property(
      fc.constantFrom("ms", "s", "m", "h").chain((unit: keyof typeof units) =>
        fc.tuple(
          fc.constant(unit),
          fc.integer({ min: 1, max: Math.floor(MAX_DURATION_MS / units[unit]) }),
        )
      ),
      ([unit, value]) => {
        assert.equal(parseDuration(`${value}${unit}`), value * units[unit]);
      },
    ),
    { numRuns: 500, seed: 7 },
  );
});
