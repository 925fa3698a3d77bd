import assert from "node:assert/strict";
import { formatElapsed } from "../../lib/checkout/format_elapsed.ts";

Deno.test("formatElapsed() prints milliseconds below a second and seconds from a second on", () => {
  assert.equal(formatElapsed(4.75), "4.75 ms");
  assert.equal(formatElapsed(0.004), "0.00 ms");
  assert.equal(formatElapsed(999.99), "999.99 ms");
  assert.equal(formatElapsed(999.996), "1.00 s");
  assert.equal(formatElapsed(1000), "1.00 s");
  assert.equal(formatElapsed(83_456), "83.46 s");
});
