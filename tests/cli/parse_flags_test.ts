import assert from "node:assert/strict";
import { joinNegativeValues, parseFlags } from "../../lib/cli/parse_flags.ts";
import { UsageError } from "../../lib/errors.ts";

const spec = {
  threads: { type: "string" },
  threshold: { type: "string" },
  init: { type: "boolean" },
} as const;

Deno.test("parseFlags() takes a negative number after a string flag as its value, as --flag=-N", () => {
  for (const value of ["-3", "-1s", "-0.5", "-5%", "-.5"]) {
    const separate = parseFlags("simulate", ["2", "--threads", value], spec);
    const joined = parseFlags("simulate", ["2", `--threads=${value}`], spec);
    assert.deepEqual(separate, joined, value);
    assert.equal(separate.values.threads, value);
  }
});

Deno.test("parseFlags() still refuses a flag after a string flag, and leaves booleans and -- alone", () => {
  // `-x` is no number: the flag has no value, as before.
  assert.throws(() => parseFlags("simulate", ["--threads", "-x"], spec), UsageError);
  assert.throws(() => parseFlags("simulate", ["--init", "-3"], spec), UsageError);
  assert.deepEqual(joinNegativeValues(["--", "--threads", "-3"], spec), ["--", "--threads", "-3"]);
  // A flag named as an inherited property is no string flag.
  assert.deepEqual(joinNegativeValues(["--constructor", "-3"], spec), ["--constructor", "-3"]);
});
