import assert from "node:assert/strict";
import { OptionError } from "../../lib/errors.ts";
import { parseRate } from "../../lib/units/parse_rate.ts";

Deno.test("parseRate() reads N/s", () => {
  assert.equal(parseRate("0/s"), 0);
  assert.equal(parseRate("9000/s"), 9000);
  assert.equal(parseRate("10K/s"), 10_000);
});

Deno.test("parseRate() rejects a rate without /s", () => {
  for (const text of ["1000", "1000/m", "/s", "-1/s", "1.5/s"]) {
    assert.throws(() => parseRate(text, "-rate fixed"), OptionError, text);
  }
});
