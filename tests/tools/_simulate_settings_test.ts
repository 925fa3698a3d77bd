import assert from "node:assert/strict";
import { parseSimulateSettings } from "../../lib/tools/_simulate_settings.ts";
import { UsageError } from "../../lib/errors.ts";
import { MAX_DURATION_MS } from "../../lib/units/parse_duration.ts";

Deno.test("parseSimulateSettings() takes --interval up to what a timer can wait", () => {
  const longest = parseSimulateSettings(["1", "--interval", String(MAX_DURATION_MS)]);
  assert.equal(longest?.intervalMs, MAX_DURATION_MS);
  // Longer, the interval timer would fire at once, every millisecond, with a warning each time.
  assert.throws(
    () => parseSimulateSettings(["1", "--interval", "99999999999"]),
    new UsageError(
      'Cannot parse --interval: "99999999999" is too long, expected at most 2147483647 ' +
        "(596 h, what a timer can wait)",
    ),
  );
});
