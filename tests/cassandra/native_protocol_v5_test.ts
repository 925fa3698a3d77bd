// Our own native protocol client (NativeConnection) against real Apache Cassandra 5.0 nodes:
// protocol v5 with its segment framing (checksums, values larger than a segment both ways),
// pipelined writes read back byte for byte, batches, paging, Unavailable in cassandra-driver's
// words, v4 when asked, and PasswordAuthenticator over TLS on the secure node.
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
    ...options,
  });
  try {
    await fn(connection);
  } finally {
    await connection.close();
  }
}

async function createKeyspace(c: NativeConnection, ks: string, rf = 1): Promise<void> {
  await c.query(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
    [],
    ONE,
  );
}

Deno.test("v5 with Cassandra 5.0: pipelined writes read back, values larger than a segment", async () => {
  const ks = uniqueKeyspace("native5");
  await withConnection({}, async (c) => {
    assert.equal(c.protocolVersion, 5);
    assert.ok((await c.supported()).PROTOCOL_VERSIONS.some((v) => v.startsWith("5/")));
    await createKeyspace(c, ks);
    await c.query(`CREATE TABLE ${ks}.t (k blob PRIMARY KEY, v blob)`, [], ONE);
  });
  await withConnection({ keyspace: ks, maxInFlight: 64 }, async (c) => {
    const write = await c.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    assert.equal(write.resultMetadataId?.length, 16);
    const read = await c.prepare("SELECT v FROM t WHERE k = ?");
    const key = (i: number) => new Uint8Array([i >>> 8, i & 0xff]);
    const value = (i: number) => new Uint8Array(40).map((_, b) => (i + b) & 0xff);
    const total = 2000;
    await Promise.all(
      Array.from({ length: total }, (_, i) => c.execute(write, [key(i), value(i)], ONE)),
    );
    const reads = await Promise.all(
      Array.from({ length: total }, (_, i) => c.execute(read, [key(i)], ONE)),
    ) as RowsResult[];
    reads.forEach((rows, i) =>
      assert.ok(rows.rowCount === 1 && rows.cellEquals(0, 0, value(i)), `row ${i}`)
    );
    // 300 kB in and out: runs of non-self-contained segments both ways.
    const big = new Uint8Array(300_000).map((_, b) => (b * 7) & 0xff);
    assert.deepEqual(await c.execute(write, [key(60000), big], ONE), { kind: "void" });
    const back = await c.execute(read, [key(60000)], ONE) as RowsResult;
    assert.ok(back.cellEquals(0, 0, big));
    assert.equal(c.inFlight, 0);
  });
});

Deno.test("v5 batches, paging and Unavailable; v4 when asked", async () => {
  const ks = uniqueKeyspace("native5b");
  await withConnection({}, async (c) => {
    await createKeyspace(c, ks);
    await c.query(`CREATE TABLE ${ks}.wide (k int, c int, v blob, PRIMARY KEY (k, c))`, [], ONE);
    const insert = await c.prepare(`INSERT INTO ${ks}.wide (k, c, v) VALUES (1, ?, ?)`);
    const int = (n: number) => new Uint8Array([0, 0, n >>> 8, n & 0xff]);
    for (const type of [BATCH_TYPE.logged, BATCH_TYPE.unlogged]) {
      const entries = Array.from({ length: 15 }, (_, i) => ({
        statement: insert,
        values: [int(type * 15 + i), int(i)],
      }));
      assert.deepEqual(await c.batch(type, entries, ONE), { kind: "void" });
    }
    const select = await c.prepare(`SELECT c FROM ${ks}.wide WHERE k = 1`);
    const seen: number[] = [];
    let pagingState: Uint8Array | null = null;
    do {
      const page = await c.execute(select, [], { ...ONE, pageSize: 7, pagingState }) as RowsResult;
      for (let r = 0; r < page.rowCount; r++) seen.push(page.cell(r, 0)![3]);
      pagingState = page.pagingState;
    } while (pagingState !== null);
    assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => i));
    const rf2 = uniqueKeyspace("native5rf");
    await createKeyspace(c, rf2, 2);
    await c.query(`CREATE TABLE ${rf2}.t (k int PRIMARY KEY)`, [], ONE);
    await assert.rejects(
      c.query(`SELECT * FROM ${rf2}.t WHERE k = 1`, [], { consistency: CONSISTENCY.ALL }),
      (error: Error & { code?: number }) =>
        error.name === "ResponseError" && error.code === 0x1000 &&
        error.message ===
          "Not enough replicas available for query at consistency ALL (2 required but only 1 alive)",
    );
    await c.query(`DROP KEYSPACE ${rf2}`, [], ONE);
  });
  await withConnection({ maxProtocolVersion: 4, keyspace: ks }, async (c) => {
    assert.equal(c.protocolVersion, 4);
    const rows = await c.query("SELECT COUNT(*) FROM wide", [], ONE) as RowsResult;
    assert.deepEqual([...rows.cell(0, 0)!], [0, 0, 0, 0, 0, 0, 0, 30]);
  });
});

Deno.test("v5 over TLS with PasswordAuthenticator on the secure node; a wrong password refused", async () => {
  const caPem = await Deno.readTextFile(secure.certPem!);
  const tls = { caPem, certPem: null, keyPem: null, checkHostname: true, ciphers: null };
  const options = { host: secure.host, port: secure.port, connectTimeoutMs: 20_000, tls };
  const c = await NativeConnection.open({ ...options, credentials: secure.credentials });
  try {
    assert.equal(c.protocolVersion, 5);
    const rows = await c.query("SELECT release_version FROM system.local", [], ONE) as RowsResult;
    assert.match(new TextDecoder().decode(rows.cell(0, 0)!), /^5\.0\./);
  } finally {
    await c.close();
  }
  await assert.rejects(
    NativeConnection.open({
      ...options,
      credentials: { user: secure.credentials!.user, password: "wrong" },
    }),
    (error: Error & { code?: number }) => error.name === "ResponseError" && error.code === 0x0100,
  );
});

Deno.test("-mode protocolVersion=5: the ops speak v5, cassandra-driver's control connection v4", async () => {
  const ks = uniqueKeyspace("v5run");
  for (const command of ["write", "read"]) {
    const run = await runStress(plain, [
      command,
      "n=2000",
      "-mode",
      "native",
      "cql3",
      "prepared",
      "protocolVersion=5",
      "-rate",
      "threads=16",
      "-schema",
      `keyspace=${ks}`,
    ]);
    assert.equal(run.code, 0, run.err.join("\n"));
    assert.ok(
      run.out.some((line) => /Data Path: native .*protocol v5/.test(line)),
      run.out.join("\n"),
    );
    assert.equal(resultNumber(run.out, "Total partitions"), 2000);
    assert.equal(resultNumber(run.out, "Total errors"), 0);
  }
});
