// -mode maxPending= below the threads a Worker runs: ops wait for a connection slot, as the Java
// driver queues them, instead of failing with BusyConnectionError (run 18 of the real
// cassandra-stress uses connectionsPerHost=2 maxPending=64; with more threads than 2 x 64 ours
// failed every op the pool could not take).
import assert from "node:assert/strict";
import { queryNode, runAgainst, startNode } from "./_cql_run.ts";

Deno.test("maxPending=4 with 64 threads on one connection: every op waits its turn, none fails", async () => {
  const node = await startNode();
  try {
    const run = await runAgainst(node, [
      "write",
      "n=3000",
      "no-warmup",
      "-rate",
      "threads=64",
      "-mode",
      "native",
      "cql3",
      "connectionsPerHost=1",
      "maxPending=4",
    ]);
    assert.equal(run.code, 0, [...run.out.slice(-20), ...run.err.slice(0, 5)].join("\n"));
    assert.ok(run.out.includes("Total errors              :          0 [WRITE: 0]"));
    const rows = await queryNode(node, "SELECT key FROM keyspace1.standard1");
    assert.equal(rows.length, 3000);
  } finally {
    await node.close();
  }
});
