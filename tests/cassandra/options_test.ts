// cassandra-stress option groups against the real node, through main(): -schema read back from
// system_schema, -col counts and sizes in the stored rows, -pop, -rate throttle= and fixed=, -mode,
// cl=, the auto thread search, uncertainty mode, -graph and the HDR log read back.
import assert from "node:assert/strict";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import {
  cassandraNodes,
  countRows,
  queryCassandra,
  resultNumber,
  runStress,
  uniqueKeyspace,
} from "./_cassandra_node.ts";

const { plain } = cassandraNodes();

function assertOk(run: { code: number; out: string[]; err: string[] }): void {
  assert.equal(run.code, 0, [...run.out.slice(-25), ...run.err].join("\n"));
  assert.equal(run.out.at(-1), "END");
}

Deno.test("-schema replication, keyspace, compaction and compression land in system_schema", async () => {
  const ks = uniqueKeyspace("schema");
  const run = await runStress(plain, [
    "write",
    "n=200",
    "-schema",
    `keyspace=${ks}`,
    "replication(strategy=NetworkTopologyStrategy,datacenter1=1)",
    "compaction(strategy=LeveledCompactionStrategy,sstable_size_in_mb=64)",
    "compression=LZ4Compressor",
  ]);
  assertOk(run);
  const [space] = await queryCassandra(
    plain,
    "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
    [ks],
  );
  assert.deepEqual({ ...space.get("replication") }, {
    class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
    datacenter1: "1",
  });
  const [table] = await queryCassandra(
    plain,
    "SELECT compaction, compression FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'standard1'",
    [ks],
  );
  const compaction = { ...table.get("compaction") };
  assert.equal(compaction.class, "org.apache.cassandra.db.compaction.LeveledCompactionStrategy");
  assert.equal(compaction.sstable_size_in_mb, "64");
  assert.equal(
    { ...table.get("compression") }.class,
    "org.apache.cassandra.io.compress.LZ4Compressor",
  );
});

Deno.test("-col n= and size= give the stored rows that many columns of that size", async () => {
  const ks = uniqueKeyspace("cols");
  const run = await runStress(plain, [
    "write",
    "n=300",
    "-col",
    "n=FIXED(3)",
    "size=FIXED(16)",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assertOk(run);
  const columns = await queryCassandra(
    plain,
    "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'standard1'",
    [ks],
  );
  assert.deepEqual(columns.map((c) => c.get("column_name")).sort(), ["C0", "C1", "C2", "key"]);
  const rows = await queryCassandra(plain, `SELECT key, "C0", "C1", "C2" FROM ${ks}.standard1`);
  assert.equal(rows.length, 300);
  for (const row of rows) {
    assert.equal(row.get("key").length, 10);
    for (const name of ["C0", "C1", "C2"]) assert.equal(row.get(name).length, 16);
  }
});

Deno.test("-pop seq= writes exactly its keys; dist= reads within them", async () => {
  const ks = uniqueKeyspace("pop");
  const write = await runStress(plain, [
    "write",
    "n=500",
    "-pop",
    "seq=1..500",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assertOk(write);
  assert.equal(await countRows(plain, ks), 500);
  const read = await runStress(plain, [
    "read",
    "n=800",
    "-pop",
    "dist=GAUSSIAN(1..500)",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assertOk(read);
  assert.equal(resultNumber(read.out, "Total errors"), 0);
});

Deno.test("-rate throttle= and fixed= hold the op rate to their schedule", async () => {
  const ks = uniqueKeyspace("rate");
  for (const mode of ["throttle=400/s", "fixed=400/s"]) {
    const run = await runStress(plain, [
      "write",
      "n=800",
      "no-warmup",
      "-rate",
      "threads=8",
      mode,
      "-schema",
      `keyspace=${ks}`,
    ]);
    assertOk(run);
    // 800 ops at 400/s: the schedule allows 2 s; the rate can be lower on a slow node, never higher.
    const opRate = resultNumber(run.out, "Op rate");
    assert.ok(opRate <= 440 && opRate >= 200, `${mode}: ${opRate} op/s`);
    assert.ok(run.out.includes(`  OpsPer Sec: 400`), `${mode}: no OpsPer Sec line`);
  }
});

Deno.test("-mode protocolVersion= and connectionsPerHost= are used against the node", async () => {
  const ks = uniqueKeyspace("mode");
  for (const version of ["3", "4"]) {
    const run = await runStress(plain, [
      "write",
      "n=300",
      "-mode",
      "native",
      "cql3",
      `protocolVersion=${version}`,
      "connectionsPerHost=2",
      "maxPending=64",
      "-schema",
      `keyspace=${ks}`,
    ]);
    assertOk(run);
  }
});

Deno.test("cl= levels a one-node cluster serves succeed; cl=ALL at factor 2 fails every op", async () => {
  const ks = uniqueKeyspace("cl");
  for (const cl of ["ONE", "QUORUM", "ALL", "LOCAL_QUORUM", "LOCAL_ONE", "ANY"]) {
    const run = await runStress(plain, ["write", "n=100", `cl=${cl}`, "-schema", `keyspace=${ks}`]);
    assertOk(run);
    assert.ok(run.out.includes(`  Consistency Level: ${cl}`));
  }
  const rf2 = uniqueKeyspace("cl2");
  const failing = await runStress(plain, [
    "write",
    "n=200",
    "cl=ALL",
    "-errors",
    "ignore",
    "-rate",
    "threads=4",
    "-schema",
    `keyspace=${rf2}`,
    "replication(factor=2)",
  ]);
  assert.equal(failing.code, 0, failing.err.join("\n"));
  assert.equal(resultNumber(failing.out, "Total errors"), 200);
});

Deno.test("the auto thread search with n= runs its first step and prints the table, as run 12 does", async () => {
  const ks = uniqueKeyspace("auto");
  const write = await runStress(plain, ["write", "n=1000", "-schema", `keyspace=${ks}`]);
  assertOk(write);
  const run = await runStress(plain, [
    "read",
    "n=2000",
    "-pop",
    "seq=1..1000",
    "-rate",
    "threads>=4",
    "threads<=64",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assertOk(run);
  // The real cassandra-stress (recorded run 12, n=20000) runs 4 threads once with a count.
  assert.deepEqual(run.out.filter((l) => /^Running /.test(l)), [
    "Running with 4 threadCount",
    "Running READ with 4 threads for 2000 iteration",
  ]);
  const table = run.out.slice(run.out.findIndex((l) => /^\s+id, type\s+total ops/.test(l)) + 1);
  assert.match(table[0], /^4 threadCount, READ,\s+2000,/);
  assert.match(table[1], /^4 threadCount, total,\s+2000,/);
  assert.equal(resultNumber(run.out, "Total errors"), 0);
});

Deno.test("uncertainty mode stops by its rule against the node", async () => {
  const ks = uniqueKeyspace("unc");
  const run = await runStress(plain, [
    "write",
    "err<0.5",
    "n>2",
    "n<5",
    "no-warmup",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assertOk(run);
  assert.ok(resultNumber(run.out, "Total partitions") > 0);
});

Deno.test("-log hdrfile= and -graph file= hold what the run measured", async () => {
  const ks = uniqueKeyspace("logs");
  const dir = await Deno.makeTempDir();
  try {
    const run = await runStress(plain, [
      "write",
      "n=3000",
      "no-warmup",
      "-rate",
      "threads=8",
      "fixed=1500/s",
      "-log",
      `hdrfile=${dir}/w.hdr`,
      "interval=1s",
      "-graph",
      `file=${dir}/w.html`,
      "title=real",
      "revision=r1",
      "-schema",
      `keyspace=${ks}`,
    ]);
    assertOk(run);
    const log = readHdrLog(await Deno.readTextFile(`${dir}/w.hdr`), "w.hdr");
    const tags = new Set(log.intervals.map((i) => i.tag));
    assert.deepEqual([...tags].sort(), ["WRITE-rt", "WRITE-st", "WRITE-wt"]);
    const count = (tag: string) =>
      log.intervals.filter((i) => i.tag === tag).reduce((n, i) => n + i.histogram.totalCount, 0);
    assert.equal(count("WRITE-st"), 3000);
    assert.equal(count("WRITE-rt"), 3000);
    const html = await Deno.readTextFile(`${dir}/w.html`);
    assert.match(html, /real/);
    assert.match(html, /r1/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
