import assert from "node:assert/strict";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";
import { formatSettingsDump } from "../../../lib/cql/report/settings_dump.ts";
import {
  compareSplit,
  formatDifferences,
  readRecorded,
  RECORDED_DIR,
  recordedArgs,
  splitOutput,
} from "../../cassandra/_compare_output.ts";

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
    "  Fail fast setting: false",
    "  Tries: 10",
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
      "  Fail fast setting: true",
      "  Tries: 5",
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
    "  Fail fast setting: false",
    "  Tries: 10",
  ]);
});

Deno.test("formatSettingsDump() prints a search without auto as the fork: no thread count", () => {
  const rate = (line: string) => {
    const lines = dump(line).split("\n");
    return lines.slice(lines.indexOf("Rate:") + 1, lines.indexOf("Population:"));
  };
  assert.deepEqual(rate("read n=10 -rate threads>=4 threads<=64"), [
    "  Auto: false",
    "  Thread Count: -1",
    "  OpsPer Sec: 0",
  ]);
  assert.deepEqual(rate("read n=10 -rate threads>=4 auto"), [
    "  Auto: true",
    "  Min Threads: 4",
    "  Max Threads: 1000",
  ]);
});

Deno.test("formatSettingsDump() prints the connections, protocol version and hosts the run uses", () => {
  const settings = parseStressArgs(["write"]);
  assert.ok(formatSettingsDump(settings).includes("  Connections Per Host: 8\n"));
  const ours = formatSettingsDump(settings, { connectionsPerHost: 2, protocolVersion: 3 });
  assert.ok(ours.includes("  Connections Per Host: 2\n"));
  assert.ok(ours.includes("  Protocol Version: V3\n"));
  // protocolVersion=5 is what the native path speaks; cassandra-driver falls back to 4.
  const v5 = (client: string) =>
    formatSettingsDump(
      parseStressArgs(["write", "-mode", "native", "cql3", "protocolVersion=5", client]),
      { protocolVersion: 4 },
    );
  assert.ok(v5("client=native").includes("  Protocol Version: V5\n"));
  assert.ok(v5("client=driver").includes("  Protocol Version: V4\n"));
  assert.ok(
    formatSettingsDump(settings, { nodes: ["node1.example", "node2.example"] })
      .includes("  Nodes: [node1.example, node2.example]\n"),
  );
  // A given connectionsPerHost= is printed as given (the Workers share it).
  const given = parseStressArgs(["write", "-mode", "native", "cql3", "connectionsPerHost=3"]);
  assert.ok(
    formatSettingsDump(given, { connectionsPerHost: 2 }).includes("  Connections Per Host: 3\n"),
  );
});

Deno.test("formatSettingsDump() prints every section, key and value of the recorded fork runs", async (t) => {
  const names = (await Array.fromAsync(Deno.readDir(RECORDED_DIR)))
    .map((entry) => entry.name)
    .filter((name) => /^\d\d-.*\.txt$/.test(name))
    .map((name) => name.slice(0, -4))
    .sort();
  let compared = 0;
  for (const name of names) {
    const recorded = splitOutput(readRecorded(name));
    // 19 is a usage error (-add is no option group): no dump.
    if (recorded.settings.length === 0) continue;
    await t.step(name, () => {
      const args = recordedArgs(name, { node: ["-node", "127.0.0.1"] });
      const text = formatSettingsDump(parseStressArgs(args));
      const differences = compareSplit(recorded, splitOutput(text))
        .filter((d) => d.part === "settings");
      assert.deepEqual(differences.map((d) => d.where), [], formatDifferences(differences));
    });
    compared++;
  }
  assert.equal(compared, 19);
});
