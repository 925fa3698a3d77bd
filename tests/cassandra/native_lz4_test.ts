// LZ4 compression of our own native protocol client (NativeConnection) against real Apache
// Cassandra 5.0: v5 with compressed segments (compressible and incompressible values, one larger
// than a segment both ways, batches) and v4 with compressed frame bodies, everything read back
// byte for byte; TLS and PasswordAuthenticator on the secure node; then a whole `write`/`read`
// run with -mode compression=lz4 on the native path, with no compression warning.
import assert from "node:assert/strict";
import { NativeConnection } from "../../lib/cql/driver/native_connection.ts";
import type { RowsResult } from "../../lib/cql/native/rows_result.ts";
import { BATCH_TYPE, CONSISTENCY } from "../../lib/protocol/protocol_codes.ts";
import { cassandraNodes, resultNumber, runStress, uniqueKeyspace } from "./_cassandra_node.ts";

const { plain, secure } = cassandraNodes();
const ONE = { consistency: CONSISTENCY.ONE };

async function withConnection(
  options: Partial<Parameters<typeof NativeConnection.open>[0]>,
  fn: (connection: NativeConnection) => Promise<void>,
): Promise<void> {
  const connection = await NativeConnection.open({
    host: plain.host,
    port: plain.port,
    connectTimeoutMs: 20_000,
    compression: "lz4",
    ...options,
  });
  try {
    await fn(connection);
  } finally {
    await connection.close();
  }
}

/** A value that compresses well (i's pattern repeated) or not at all (xorshift noise). */
function valueOf(i: number, size: number, compressible: boolean): Uint8Array {
  if (compressible) return new Uint8Array(size).map((_, b) => (i + (b % 16)) & 0xff);
  let x = (i * 2654435761 + 1) >>> 0 || 1;
  return new Uint8Array(size).map(() => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
}

/** Writes `total` rows (pipelined), reads each back, then one larger than a v5 segment. */
async function writeAndReadBack(c: NativeConnection, ks: string, total: number): Promise<void> {
  const write = await c.prepare(`INSERT INTO ${ks}.t (k, v) VALUES (?, ?)`);
  const read = await c.prepare(`SELECT v FROM ${ks}.t WHERE k = ?`);
  const key = (i: number) => new Uint8Array([i >>> 8, i & 0xff]);
  const value = (i: number) => valueOf(i, 40 + (i % 200), i % 3 !== 0);
  await Promise.all(
    Array.from({ length: total }, (_, i) => c.execute(write, [key(i), value(i)], ONE)),
  );
  const reads = await Promise.all(
    Array.from({ length: total }, (_, i) => c.execute(read, [key(i)], ONE)),
  ) as RowsResult[];
  reads.forEach((rows, i) =>
    assert.ok(rows.rowCount === 1 && rows.cellEquals(0, 0, value(i)), `row ${i}`)
  );
  for (const [k, compressible] of [[60000, true], [60001, false]] as const) {
    const big = valueOf(k, 300_000, compressible);
    assert.deepEqual(await c.execute(write, [key(k), big], ONE), { kind: "void" });
    const back = await c.execute(read, [key(k)], ONE) as RowsResult;
    assert.ok(back.cellEquals(0, 0, big), `${compressible ? "" : "in"}compressible 300 kB`);
  }
  assert.equal(c.inFlight, 0);
}

Deno.test("v5 with lz4 segments: Cassandra lists lz4; writes, batches and 300 kB values read back", async () => {
  const ks = uniqueKeyspace("lz4v5");
  await withConnection({}, async (c) => {
    assert.equal(c.protocolVersion, 5);
    assert.ok((await c.supported()).COMPRESSION.includes("lz4"));
    await c.query(
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      [],
      ONE,
    );
    await c.query(`CREATE TABLE ${ks}.t (k blob PRIMARY KEY, v blob)`, [], ONE);
    await writeAndReadBack(c, ks, 2000);
    const insert = await c.prepare(`INSERT INTO ${ks}.t (k, v) VALUES (?, ?)`);
    const entries = Array.from({ length: 20 }, (_, i) => ({
      statement: insert,
      values: [new Uint8Array([0xee, i]), valueOf(i, 500, true)],
    }));
    assert.deepEqual(await c.batch(BATCH_TYPE.unlogged, entries, ONE), { kind: "void" });
    const rows = await c.query(
      `SELECT COUNT(*) FROM ${ks}.t WHERE k IN (0xee00, 0xee13)`,
      [],
      ONE,
    ) as RowsResult;
    assert.deepEqual([...rows.cell(0, 0)!], [0, 0, 0, 0, 0, 0, 0, 2]);
  });
});

Deno.test("v4 with lz4 frame bodies: writes and 300 kB values read back", async () => {
  const ks = uniqueKeyspace("lz4v4");
  await withConnection({ maxProtocolVersion: 4 }, async (c) => {
    assert.equal(c.protocolVersion, 4);
    await c.query(
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      [],
      ONE,
    );
    await c.query(`CREATE TABLE ${ks}.t (k blob PRIMARY KEY, v blob)`, [], ONE);
  });
  // A fresh connection: USE and everything after it compressed from the first request on.
  await withConnection({ maxProtocolVersion: 4, keyspace: ks }, async (c) => {
    await writeAndReadBack(c, ks, 2000);
  });
});

Deno.test("lz4 over TLS with PasswordAuthenticator, v5 and v4: the login goes compressed too", async () => {
  const caPem = await Deno.readTextFile(secure.certPem!);
  const tls = { caPem, certPem: null, keyPem: null, checkHostname: true, ciphers: null };
  for (const maxProtocolVersion of [5, 4] as const) {
    const c = await NativeConnection.open({
      host: secure.host,
      port: secure.port,
      connectTimeoutMs: 20_000,
      tls,
      credentials: secure.credentials,
      compression: "lz4",
      maxProtocolVersion,
    });
    try {
      assert.equal(c.protocolVersion, maxProtocolVersion);
      const rows = await c.query("SELECT release_version FROM system.local", [], ONE) as RowsResult;
      assert.match(new TextDecoder().decode(rows.cell(0, 0)!), /^5\.0\./);
    } finally {
      await c.close();
    }
  }
});

Deno.test("write and read with -mode compression=lz4 on the native path: no warning, no errors", async () => {
  const ks = uniqueKeyspace("lz4run");
  for (const command of ["write", "read"]) {
    const run = await runStress(plain, [
      command,
      "n=3000",
      "-mode",
      "native",
      "cql3",
      "compression=lz4",
      "-rate",
      "threads=16",
      "-schema",
      `keyspace=${ks}`,
    ]);
    assert.equal(run.code, 0, run.err.join("\n"));
    assert.ok(!run.err.some((line) => line.includes("compression")), run.err.join("\n"));
    assert.ok(run.out.some((line) => line.trim() === "Compression: LZ4"));
    assert.equal(resultNumber(run.out, "Total partitions"), 3000);
    assert.equal(resultNumber(run.out, "Total errors"), 0);
  }
});
