import assert from "node:assert/strict";
import { OptionError, UsageError } from "../../../lib/errors.ts";
import { isSyntheticHost, parseNodeTarget } from "../../../lib/cql/options/node_target.ts";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";

Deno.test("isSyntheticHost() takes synthetic and synthetic:SPEC in any case, not host names", () => {
  for (const host of ["synthetic", "SYNTHETIC", "synthetic:uniform(1..5)", "synthetic(1..5)"]) {
    assert.equal(isSyntheticHost(host), true, host);
  }
  for (const host of ["synthetic-1.example.com", "synthetics.example.com", "synthetic01", "db"]) {
    assert.equal(isSyntheticHost(host), false, host);
  }
});

Deno.test("parseStressArgs() keeps a real -node host whose name starts with synthetic", () => {
  // Before, synthetic-1.example.com was taken for the synthetic target and refused.
  const settings = parseStressArgs([
    "write",
    "n=10",
    "-node",
    "synthetic-1.example.com,synthetics.example.com:9043",
  ]);
  assert.deepEqual(settings.target, { kind: "hosts" });
  assert.deepEqual(settings.node.hosts, ["synthetic-1.example.com", "synthetics.example.com:9043"]);
  // Its port is checked as any host's is.
  assert.throws(
    () => parseStressArgs(["write", "n=10", "-node", "synthetic-1.example.com:0"]),
    OptionError,
  );
});

Deno.test("parseNodeTarget() still parses and checks the synthetic spellings", () => {
  assert.equal(parseNodeTarget(["Synthetic:fixed(5)"], null).kind, "synthetic");
  assert.throws(() => parseNodeTarget(["synthetic(1..5)"], null), UsageError);
  assert.throws(() => parseNodeTarget(["synthetic:errors(2)"], null), UsageError);
});
