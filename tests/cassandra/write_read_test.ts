// write, read (validating), mixed, counter_write and counter_read against the real node, through
// main(), with the rows counted in the node.
import assert from "node:assert/strict";
import {
  cassandraNodes,
  countRows,
  resultNumber,
  runStress,
  uniqueKeyspace,
} from "./_cassandra_node.ts";

const { plain } = cassandraNodes();

Deno.test("write n=5000 stores 5000 rows that read n=5000 validates with 0 errors", async () => {
  const ks = uniqueKeyspace("wr");
  const write = await runStress(plain, [
    "write",
    "n=5000",
    "-rate",
    "threads=16",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assert.equal(write.code, 0, write.err.join("\n"));
  assert.equal(resultNumber(write.out, "Total partitions"), 5000);
  assert.equal(resultNumber(write.out, "Total errors"), 0);
  assert.equal(await countRows(plain, ks, "standard1"), 5000);
  const read = await runStress(plain, [
    "read",
    "n=5000",
    "-rate",
    "threads=16",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assert.equal(read.code, 0, read.err.join("\n"));
  assert.equal(resultNumber(read.out, "Total partitions"), 5000);
  assert.equal(resultNumber(read.out, "Total errors"), 0);
});

Deno.test("read of keys never written fails as cassandra-stress fails", async () => {
  const ks = uniqueKeyspace("rmiss");
  const write = await runStress(plain, ["write", "n=100", "-schema", `keyspace=${ks}`]);
  assert.equal(write.code, 0, write.err.join("\n"));
  const read = await runStress(plain, [
    "read",
    "n=200",
    "-pop",
    "seq=1001..1200",
    "-rate",
    "threads=2",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assert.notEqual(read.code, 0);
  assert.match(read.err.join("\n") + read.out.join("\n"), /Data returned was not validated/);
});

Deno.test("mixed with ratio and clustering writes and reads against the node", async () => {
  const ks = uniqueKeyspace("mixed");
  const write = await runStress(plain, ["write", "n=2000", "-schema", `keyspace=${ks}`]);
  assert.equal(write.code, 0, write.err.join("\n"));
  const mixed = await runStress(plain, [
    "mixed",
    "ratio(write=1,read=3)",
    "clustering=GAUSSIAN(1..5)",
    "n=4000",
    "-pop",
    "seq=1..2000",
    "-rate",
    "threads=8",
    "-schema",
    `keyspace=${ks}`,
  ]);
  assert.equal(mixed.code, 0, mixed.err.join("\n"));
  assert.equal(resultNumber(mixed.out, "Total errors"), 0);
  const opRate = mixed.out.find((line) => line.startsWith("Op rate"))!;
  assert.match(opRate, /\[READ: [\d,]+ op\/s, WRITE: [\d,]+ op\/s\]/);
});

Deno.test("counter_write then counter_read validate 2000 counters", async () => {
  const ks = uniqueKeyspace("ctr");
  const write = await runStress(plain, ["counter_write", "n=2000", "-schema", `keyspace=${ks}`]);
  assert.equal(write.code, 0, write.err.join("\n"));
  assert.equal(await countRows(plain, ks, "counter1"), 2000);
  const read = await runStress(plain, ["counter_read", "n=2000", "-schema", `keyspace=${ks}`]);
  assert.equal(read.code, 0, read.err.join("\n"));
  assert.equal(resultNumber(read.out, "Total errors"), 0);
});
