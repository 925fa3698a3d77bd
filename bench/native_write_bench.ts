// Prepared single-row writes through our own native protocol client (NativeConnection) to the
// embedded CQL node in another process (`stress serve --port 0`, so its CPU is not counted):
// N rows of cassandra-stress's default shape (10-byte blob key, five 34-byte blob columns,
// `UPDATE "standard1" SET "C0" = ?,...,"C4" = ? WHERE KEY=?`), C requests in flight on one
// connection, nothing recorded per op. Prints one JSON line: ops, seconds, ops/s, client CPU
// µs per op (user + system of this process over the timed loop) and peak RSS of this process.
// Issue 20 measured 1.7 µs/op and 45 MB for a minimal EXECUTE loop on the same node.
// `fresh`: new value buffers per op, as the driver path's target makes them (default: each lane
// reuses its own). `node=HOST:PORT`: a running node instead (e.g. `deno task cassandra`, protocol
// v5), written in keyspace `native_write_bench`, dropped at the end. `v4`: protocol v4 at most.
// `lz4`: LZ4 compression (v5 segments or v4 frame bodies; the embedded node speaks v4 and
// answers uncompressed).
//
//   deno run -A bench/native_write_bench.ts [N=300000] [C=64] [fresh] [v4] [lz4] [node=HOST:PORT]
// deno-lint-ignore-file no-console
import process from "node:process";
import { NativeConnection } from "../lib/cql/driver/native_connection.ts";
import { CONSISTENCY } from "../lib/protocol/protocol_codes.ts";
import { startServeNode } from "./_serve_node.ts";

const numbers = Deno.args.filter((arg) => /^\d+$/.test(arg)).map(Number);
const total = numbers[0] ?? 300_000;
const inFlight = numbers[1] ?? 64;
const fresh = Deno.args.includes("fresh");
const node = Deno.args.find((arg) => arg.startsWith("node="))?.slice("node=".length) ?? null;
const maxProtocolVersion = Deno.args.includes("v4") ? 4 : 5;
const compression = Deno.args.includes("lz4") ? "lz4" : "none";
const KEYSPACE = node === null ? "keyspace1" : "native_write_bench";
const WARMUP = 20_000;
const KEY_BYTES = 10;
const COLUMN_BYTES = 34;
const COLUMNS = 5;
const WRITE = `UPDATE "standard1" SET "C0" = ?,"C1" = ?,"C2" = ?,"C3" = ?,"C4" = ? WHERE KEY=?`;

/** Peak resident set of this process, MB (VmHWM). */
function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** One lane's values: five 34-byte columns then the 10-byte key, views of one buffer. */
class LaneValues {
  readonly buffer = new Uint8Array(KEY_BYTES + COLUMNS * COLUMN_BYTES);
  readonly values: Uint8Array[] = [];

  constructor() {
    for (let c = 0; c < COLUMNS; c++) {
      const at = KEY_BYTES + c * COLUMN_BYTES;
      this.values.push(this.buffer.subarray(at, at + COLUMN_BYTES));
    }
    this.values.push(this.buffer.subarray(0, KEY_BYTES));
  }

  /** Fills in op i's key (its number, big-endian) and column bytes. */
  fill(i: number): Uint8Array[] {
    const b = this.buffer;
    b[6] = i >>> 24;
    b[7] = (i >>> 16) & 0xff;
    b[8] = (i >>> 8) & 0xff;
    b[9] = i & 0xff;
    b.fill((i * 5) & 0xff, KEY_BYTES);
    return this.values;
  }
}

/** Op i's values in fresh buffers, as the driver path of the CQL target makes them. */
function freshValues(i: number): Uint8Array[] {
  return new LaneValues().fill(i);
}

async function writeRows(
  connection: NativeConnection,
  from: number,
  to: number,
): Promise<void> {
  const prepared = await connection.prepare(WRITE);
  const options = { consistency: CONSISTENCY.LOCAL_ONE };
  let next = from;
  const lane = async (): Promise<void> => {
    // A lane's op settles before its next starts, so its buffers can be reused (the connection
    // copies values when it sends, and again only when it must re-prepare and resend).
    const lane = new LaneValues();
    while (next < to) {
      const i = next++;
      await connection.execute(prepared, fresh ? freshValues(i) : lane.fill(i), options);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

const served = node === null ? await startServeNode() : null;
const host = node === null ? "127.0.0.1" : node.slice(0, node.lastIndexOf(":"));
const port = served?.port ?? Number(node!.slice(node!.lastIndexOf(":") + 1));
try {
  const admin = await NativeConnection.open({ host, port });
  const one = { consistency: CONSISTENCY.ONE };
  await admin.query(
    `CREATE KEYSPACE IF NOT EXISTS "${KEYSPACE}" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}`,
    [],
    one,
  );
  await admin.query(
    `CREATE TABLE IF NOT EXISTS "${KEYSPACE}".standard1 (key blob PRIMARY KEY, "C0" blob, "C1" blob, "C2" blob, "C3" blob, "C4" blob)`,
    [],
    one,
  );
  const connection = await NativeConnection.open({
    host,
    port,
    keyspace: KEYSPACE,
    maxProtocolVersion,
    compression,
  });
  await writeRows(connection, 0, WARMUP);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await writeRows(connection, WARMUP, WARMUP + total);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await connection.close();
  if (node !== null) await admin.query(`DROP KEYSPACE "${KEYSPACE}"`, [], one);
  await admin.close();
  console.log(JSON.stringify({
    node: node ?? "embedded (stress serve, another process)",
    ops: total,
    inFlight,
    values: fresh ? "fresh per op" : "reused per lane",
    protocolVersion: connection.protocolVersion,
    compression,
    seconds: Number(seconds.toFixed(3)),
    opsPerSec: Math.round(total / seconds),
    clientCpuUsPerOp: Number(((cpu.user + cpu.system) / total).toFixed(2)),
    userUsPerOp: Number((cpu.user / total).toFixed(2)),
    systemUsPerOp: Number((cpu.system / total).toFixed(2)),
    peakRssMb: Number(peakRssMb().toFixed(1)),
  }));
} finally {
  if (served !== null) {
    served.process.kill("SIGTERM");
    await served.process.status;
  }
}
