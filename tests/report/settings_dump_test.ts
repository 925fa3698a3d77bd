import assert from "node:assert/strict";
import { parseStressArgs } from "../../lib/options/parse_stress_args.ts";
import { formatSettingsDump } from "../../lib/report/settings_dump.ts";

function dump(line: string): string {
  return formatSettingsDump(parseStressArgs(line.split(" ")));
}

Deno.test("formatSettingsDump() prints the defaults of write", async (t) => {
  const text = dump("write n=1000000");
  assert.ok(text.includes("  Count: 1,000,000\n"));
  assert.ok(text.includes("  Thread Count: 200\n"));
  assert.ok(text.endsWith("\n\n"));
  await t.assertSnapshot(text);
});

Deno.test("formatSettingsDump() prints a read with its Gaussian population", async (t) => {
  const text = dump("read duration=30m cl=QUORUM");
  assert.ok(
    text.includes(
      "  Distribution: Gaussian:  min=1,max=1000000,mean=500000.500000,stdev=166666.500000\n",
    ),
  );
  assert.ok(text.includes("  Count: -1\n  Duration: 30 MINUTES\n"));
  await t.assertSnapshot(text);
});

Deno.test("formatSettingsDump() prints mixed ratios and clustering", async (t) => {
  const text = dump("mixed ratio(write=1,read=3) n=100k");
  assert.ok(text.includes("  Command Ratios: {READ=3.0, WRITE=1.0}\n"));
  assert.ok(text.includes("  Command Clustering Distribution: clustering=GAUSSIAN(1..10)\n"));
  await t.assertSnapshot(text);
});

Deno.test("formatSettingsDump() prints many options", async (t) => {
  const text = dump(
    "counter_write n=2500000 no-warmup cl=LOCAL_QUORUM add=~uniform(1..10) keysize=16 " +
      "-rate threads=32 fixed=5000/s -pop seq=1..1M no-wrap read-lookback=exp(1..100) " +
      "-insert partitions=fixed(4) select-ratio=uniform(1..10)/10 batchtype=logged " +
      "-col n=uniform(2..4) size=gaussian(10..100,3) slice timestamp=1234 " +
      "-errors retries=2 ignore -log file=out.log interval=500ms level=verbose no-summary " +
      "-mode user=cassandra password=secret compression=lz4 protocolVersion=4 " +
      "requestTimeout=3000 maxPending=64 -node 127.0.0.1,127.0.0.2 whitelist datacenter=dc1 " +
      "-schema replication(strategy=NetworkTopologyStrategy,dc1=3) keyspace=ks " +
      "compaction(strategy=LeveledCompactionStrategy,sstable_size_in_mb=160) " +
      "-transport truststore=/t.jks -port native=9043 -graph file=g.html revision=r1 title=T " +
      "-tokenrange wrap split-factor=4",
  );
  assert.ok(text.includes("  Password: *suppressed*\n"));
  assert.ok(text.includes("  Counter Increment Distibution: add=~uniform(1..10)\n"));
  assert.ok(
    text.includes(
      "  Size Distribution: Gaussian:  min=10,max=100,mean=55.000000,stdev=15.000000\n",
    ),
  );
  await t.assertSnapshot(text);
});

Deno.test("formatSettingsDump() leaves Columns out for user", () => {
  const text = dump("user profile=a.yaml ops(insert=1,q=2) n=10");
  assert.ok(!text.includes("Columns:"));
  assert.ok(text.includes("  Command Ratios: {insert=1.0, q=2.0}\n"));
});

/** The lines of the `Errors:` section, heading included. */
function errorsBlock(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf("Errors:");
  const end = lines.indexOf("Log:");
  assert.ok(start > 0 && end > start, "Errors: comes before Log:");
  return lines.slice(start, end);
}

Deno.test("formatSettingsDump() prints no retry back-off lines for the default immediate retries", () => {
  assert.deepEqual(errorsBlock(dump("write n=10")), [
    "Errors:",
    "  Ignore: false",
    "  Tries: 10",
    "  Fail fast setting: false",
  ]);
});

Deno.test("formatSettingsDump() prints the Scylla fork's -errors settings", () => {
  assert.deepEqual(
    errorsBlock(
      dump(
        "write n=10 -errors retries=4 fail-fast delay-policy=linear min-delay-ms=1500 " +
          "max-delay-ms=30000",
      ),
    ),
    [
      "Errors:",
      "  Ignore: false",
      "  Tries: 5",
      "  Fail fast setting: true",
      "  RetryPolicy: linear",
      "  Minimum Delay: 1,500 MILLISECONDS",
      "  Maximum Delay: 30,000 MILLISECONDS",
    ],
  );
  // A constant delay has no maximum line; no delay at all has no policy lines (as Scylla).
  assert.deepEqual(
    errorsBlock(dump("write n=10 -errors delay-policy=constant min-delay-ms=10")).slice(4),
    ["  RetryPolicy: constant", "  Minimum Delay: 10 MILLISECONDS"],
  );
  assert.deepEqual(errorsBlock(dump("write n=10 -errors ignore min-delay-ms=0")), [
    "Errors:",
    "  Ignore: true",
    "  Tries: 10",
    "  Fail fast setting: false",
  ]);
});
