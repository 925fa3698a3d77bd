// The ScyllaDB fork's (3.19) -errors skip-unsupported-columns and -node rack=: command lines in
// the shape ScyllaDB's cluster tests run them (the options they append, loopback nodes) parse,
// and the help's Usage lines list both, which is where those tests look for them.
import assert from "node:assert/strict";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";
import { formatHelp } from "../../../lib/cql/options/help_text.ts";
import { formatSettingsDump } from "../../../lib/cql/report/settings_dump.ts";
import { splitCommandLine } from "./_shell_words.ts";
import { OptionError } from "../../../lib/errors.ts";

/** A write as a cluster test runs it: no-warmup, keyspace, hdrfile and the appended options. */
const WRITE = "cassandra-stress write no-warmup cl=QUORUM n=20971520 -schema keyspace=keyspace1 " +
  "'replication(strategy=NetworkTopologyStrategy,replication_factor=3)' -mode cql3 native " +
  "-rate threads=80 -pop seq=1..20971520 -col 'n=FIXED(10) size=FIXED(512)' " +
  "-log hdrfile=hdrh-cs-write-l0-c0-k1.hdr interval=5";

Deno.test("parseStressArgs() accepts the fork's -errors skip-unsupported-columns", () => {
  const plain = parseStressArgs(splitCommandLine(`${WRITE} -errors skip-unsupported-columns`));
  assert.equal(plain.errors.skipUnsupportedColumns, true);
  assert.equal(plain.errors.ignore, false);
  assert.equal(plain.errors.tries, 10);
  // Put in front of the -errors the command line already has, as the cluster tests do.
  const profile = new URL("../../testdata/profiles/keyvalue.yaml", import.meta.url).pathname;
  const user = parseStressArgs(splitCommandLine(
    `cassandra-stress user no-warmup profile=${profile} 'ops(insert=1)' cl=QUORUM ` +
      "duration=30m -mode cql3 native -rate threads=10 " +
      "-errors skip-unsupported-columns ignore retries=50",
  ));
  assert.equal(user.errors.skipUnsupportedColumns, true);
  assert.equal(user.errors.ignore, true);
  assert.equal(user.errors.retries, 50);
  assert.equal(parseStressArgs(splitCommandLine(WRITE)).errors.skipUnsupportedColumns, false);
});

Deno.test("parseStressArgs() accepts the fork's -node rack= and prints it in the dump", () => {
  const settings = parseStressArgs(
    splitCommandLine(`${WRITE} -node datacenter=us-east rack=us-east-1a 127.0.0.1,127.0.0.2`),
  );
  assert.deepEqual(settings.node, {
    hosts: ["127.0.0.1", "127.0.0.2"],
    file: null,
    whitelist: false,
    datacenter: "us-east",
    rack: "us-east-1a",
    loadBalance: null,
  });
  const dump = formatSettingsDump(settings);
  assert.ok(dump.includes("  Datacenter: us-east\n  Rack: us-east-1a\n  Load Balance: auto\n"));
  const plain = formatSettingsDump(parseStressArgs(splitCommandLine(`${WRITE} -node 127.0.0.1`)));
  assert.ok(plain.includes("  Datacenter: null\n  Rack: null\n"));
});

Deno.test("parseStressArgs() takes the fork's -node loadbalance= by each of its names, and the dump says which", () => {
  const policyOf = (value: string) =>
    parseStressArgs(splitCommandLine(`${WRITE} -node loadbalance=${value} 127.0.0.1`)).node
      .loadBalance;
  for (const name of ["rr", "roundrobin", "round-robin", "Round-Robin"]) {
    assert.equal(policyOf(name), "ROUND_ROBIN");
  }
  for (const name of ["dc", "dc-aware"]) assert.equal(policyOf(name), "DC_AWARE");
  for (const name of ["rack", "RACK-AWARE"]) assert.equal(policyOf(name), "RACK_AWARE");
  const dump = formatSettingsDump(
    parseStressArgs(splitCommandLine(`${WRITE} -node loadbalance=rr 127.0.0.1`)),
  );
  assert.ok(dump.includes("  Rack: null\n  Load Balance: ROUND_ROBIN\n"), dump);
  assert.throws(
    () => policyOf("random"),
    (error) =>
      error instanceof OptionError &&
      error.message ===
        'Cannot parse option "-node loadbalance": "random" is not a load balancing policy, ' +
          "expected round-robin (rr), dc-aware (dc) or rack-aware (rack)",
  );
});

Deno.test("formatHelp() Usage lines list skip-unsupported-columns and rack=", () => {
  const usage = (group: string): string =>
    formatHelp(group).split("\n").find((line) => line.startsWith("Usage:")) ?? "";
  // The cluster tests append skip-unsupported-columns when `help -errors | grep "^Usage:"` has it.
  const flags = [...usage("-errors").matchAll(/ *\[([\w-]+?)[=?]*\] */g)].map((m) => m[1]);
  assert.ok(flags.includes("skip-unsupported-columns"), usage("-errors"));
  assert.ok(usage("-node").includes("[rack=RACK]"), usage("-node"));
  assert.ok(usage("-node").includes("[loadbalance=POLICY]"), usage("-node"));
});
