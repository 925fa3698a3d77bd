import assert from "node:assert/strict";
import { OptionError } from "../../../lib/errors.ts";
import { formatHelp } from "../../../lib/cql/options/help_text.ts";
import { OPTION_GROUPS } from "../../../lib/cql/options/parse_stress_args.ts";

Deno.test("formatHelp() lists commands, groups, other commands and extensions", () => {
  const text = formatHelp();
  for (
    const word of [
      "write",
      "counter_read",
      "user",
      "print",
      "simulate SECONDS",
      "analyze N [-- STRESS-ARGS]",
      "-node synthetic[:DIST]",
      "-log json=FILE",
      "-log prometheus=[HOST:]PORT",
      "-log web=[HOST:]PORT",
      "--dry-run",
      ...OPTION_GROUPS,
    ]
  ) {
    assert.ok(text.includes(word), word);
  }
});

Deno.test("formatHelp() has a page for every command and group with defaults", () => {
  for (
    const topic of [
      "write",
      "read",
      "mixed",
      "counter_write",
      "counter_read",
      "user",
      "help",
      "print",
      "version",
      ...OPTION_GROUPS,
    ]
  ) {
    assert.ok(formatHelp(topic).length > 20, topic);
  }
  assert.ok(formatHelp("-rate").includes("threads<=1000"));
  assert.ok(formatHelp("rate").includes("threads>=4"));
  assert.ok(formatHelp("-col").includes("size=FIXED(34)"));
  assert.ok(formatHelp("-errors").includes("retries=9"));
  assert.ok(formatHelp("insert").startsWith("write:"));
  assert.ok(formatHelp("-log").includes("interval=1s"));
  assert.ok(formatHelp("-port").includes("native=9042"));
});

Deno.test("formatHelp() rejects an unknown topic", () => {
  assert.throws(() => formatHelp("-bogus"), OptionError);
  assert.throws(() => formatHelp("nope"), OptionError);
});

Deno.test("formatHelp('-node') lists every kind of node: hosts, synthetic and embedded", () => {
  const text = formatHelp("-node");
  for (const word of ["h1,h2,...", "synthetic[:DIST]", "embedded", "file=PATH"]) {
    assert.ok(text.includes(word), `help -node does not mention ${word}`);
  }
});
