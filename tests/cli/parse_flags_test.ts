import assert from "node:assert/strict";
import {
  joinNegativeValues,
  parseFlags,
  parsePort,
  parsePositive,
} from "../../lib/cli/parse_flags.ts";
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

Deno.test("parsePositive() takes decimal notation only: no blanks, hex, binary or unsafe integers", () => {
  assert.equal(parsePositive("SECONDS", "2.5"), 2.5);
  assert.equal(parsePositive("SECONDS", ".5"), 0.5);
  assert.equal(parsePositive("--workers", "1e3", { integer: true }), 1000);
  for (const text of [" 5", "5 ", "0x10", "0b1", "0o7", "+5", "Infinity", "1e400", "", "1.5.2"]) {
    assert.throws(() => parsePositive("SECONDS", text), UsageError, JSON.stringify(text));
  }
  assert.throws(() => parsePositive("--seed", "1e20", { integer: true }), UsageError);
});

Deno.test("parsePort() takes digits only: an empty value is no port 0, and 0x50 no port 80", () => {
  assert.equal(parsePort("--tcp-port", "0", { allowZero: true }), 0);
  assert.equal(parsePort("--tcp-port", "65535"), 65535);
  for (const text of ["", " 80", "80 ", "0x50", "8e1", "80.0", "65536", "-1", undefined]) {
    assert.throws(
      () => parsePort("--tcp-port", text, { allowZero: true }),
      /expected a port 0\.\.65535/,
      String(text),
    );
  }
});

// Regression: an unknown flag got Node's advice ("To specify a positional argument starting with
// a '-', place it at the end of the command after '--' ...") and no word of the flags there are.
Deno.test("parseFlags() names the nearest flag to an unknown one, else the command's help", () => {
  const spec = { output: { type: "string" as const }, json: { type: "string" as const } };
  const refused = (args: string[]) => {
    try {
      parseFlags("merge", args, spec);
    } catch (error) {
      assert.ok(error instanceof UsageError);
      return error.message;
    }
    assert.fail(`${args.join(" ")} was taken`);
  };
  assert.equal(
    refused(["--ouput", "x"]),
    'Cannot parse the arguments of "merge": unknown option "--ouput", expected --output',
  );
  assert.equal(
    refused(["--jsn", "x"]),
    'Cannot parse the arguments of "merge": unknown option "--jsn", expected --json',
  );
  assert.equal(
    refused(["--bogus"]),
    'Cannot parse the arguments of "merge": unknown option "--bogus", expected an option of ' +
      '"stress merge --help"',
  );
  assert.equal(
    refused(["-x"]),
    'Cannot parse the arguments of "merge": unknown option "-x", expected an option of ' +
      '"stress merge --help"',
  );
  // Other refusals keep parseArgs' own words.
  assert.match(refused(["--output"]), /Option '--output <value>' argument missing/);
});
