import assert from "node:assert/strict";
import fc from "fast-check";
import { OptionError } from "../../lib/errors.ts";
import { parseCount } from "../../lib/units/parse_count.ts";

Deno.test("parseCount() reads k, m, b suffixes in either case", () => {
  assert.equal(parseCount("1k"), 1000);
  assert.equal(parseCount("200M"), 200_000_000);
  assert.equal(parseCount("2b"), 2_000_000_000);
  assert.equal(parseCount("0"), 0);
});

Deno.test("parseCount() reads scientific notation", () => {
  assert.equal(parseCount("1e6"), 1_000_000);
  assert.equal(parseCount("2.5E3"), 2500);
  assert.throws(() => parseCount("1.5e0"), OptionError);
});

Deno.test("parseCount() rejects a negative value unless allowed", () => {
  assert.throws(() => parseCount("-5"), OptionError);
  assert.equal(parseCount("-5", "bound", { allowNegative: true }), -5);
});

Deno.test("parseCount() rejects junk and overflow with the option name", () => {
  assert.throws(
    () => parseCount("ten", "n"),
    (error: unknown) =>
      error instanceof OptionError && error.option === "n" && error.value === "ten",
  );
  for (const text of ["", "1x", "1kk", "k", "1e400", "99999999999999999b"]) {
    assert.throws(() => parseCount(text), OptionError, text);
  }
});

Deno.test("parseCount() round trips numbers written with each suffix", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9_000_000 }),
      fc.constantFrom(["", 1], ["k", 1e3], ["M", 1e6], ["e3", 1e3]),
      (value, [suffix, multiplier]) => {
        assert.equal(parseCount(`${value}${suffix}`), value * (multiplier as number));
      },
    ),
    { numRuns: 500, seed: 99 },
  );
});
