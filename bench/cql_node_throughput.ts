// Prepared single-row writes from cassandra-driver to the embedded CQL node over loopback.
// Starts `stress serve --port 0` as a child process, writes N rows of the default
// cassandra-stress shape (10-byte key, five 34-byte blob columns) with C requests in flight,
// and prints ops/s and CPU time per op of the node (from /proc) and of the driver (this
// process), and their ratio. The node must cost less CPU per op than the driver.
//
//   deno run -A bench/cql_node_throughput.ts [N=200000] [C=128]
// deno-lint-ignore-file no-console
import cassandra from "cassandra-driver";
import process from "node:process";
import { startServeNode } from "./_serve_node.ts";

const total = Number(Deno.args[0] ?? 200_000);
const inFlight = Number(Deno.args[1] ?? 128);
const TICKS_PER_SEC = 100;

function cpuSecondsOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC; // utime + stime
}

const { process: child, port } = await startServeNode();
const client = new cassandra.Client({
  contactPoints: [`127.0.0.1:${port}`],
  localDataCenter: "datacenter1",
  pooling: { maxRequestsPerConnection: 32768 },
});
try {
  await client.connect();
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS "keyspace1" WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor' : '1'} AND durable_writes = true`,
  );
  await client.execute(
    `CREATE TABLE IF NOT EXISTS keyspace1.standard1 (key blob PRIMARY KEY, "C0" blob, "C1" blob, "C2" blob, "C3" blob, "C4" blob) WITH compression = {}`,
  );
  const query =
    `UPDATE keyspace1."standard1" SET "C0" = ?,"C1" = ?,"C2" = ?,"C3" = ?,"C4" = ? WHERE KEY=?`;
  const value = (i: number, c: number) => Buffer.alloc(34, (i + c) & 0xff);
  const key = (i: number) => Buffer.from(i.toString(16).padStart(10, "0").slice(0, 10));
  // Warm up (prepares the statement, JIT).
  for (let i = 0; i < 2000; i += 1) {
    await client.execute(query, [0, 1, 2, 3, 4].map((c) => value(i, c)).concat(key(i)), {
      prepare: true,
    });
  }
  const nodeCpu0 = cpuSecondsOf(child.pid);
  const selfCpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      await client.execute(query, [0, 1, 2, 3, 4].map((c) => value(i, c)).concat(key(i)), {
        prepare: true,
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const selfCpu = process.cpuUsage(selfCpu0);
  const nodeCpu = cpuSecondsOf(child.pid) - nodeCpu0;
  const driverUsPerOp = (selfCpu.user + selfCpu.system) / total;
  const nodeUsPerOp = (nodeCpu * 1e6) / total;
  console.log(`writes:           ${total} prepared single-row UPDATEs, ${inFlight} in flight`);
  console.log(`throughput:       ${Math.round(total / seconds)} ops/s`);
  console.log(`driver CPU / op:  ${driverUsPerOp.toFixed(1)} µs (this process)`);
  console.log(`node CPU / op:    ${nodeUsPerOp.toFixed(1)} µs (stress serve, from /proc)`);
  console.log(`node/driver:      ${(nodeUsPerOp / driverUsPerOp).toFixed(2)}`);
} finally {
  await client.shutdown();
  child.kill("SIGTERM");
  await child.status;
}
