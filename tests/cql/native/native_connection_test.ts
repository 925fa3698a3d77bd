// NativeConnection against the embedded node: the handshake (v5 asked, v4 agreed; v3 when asked),
// PasswordAuthenticator, TLS, 10,000 pipelined writes read back byte for byte, batches, paging,
// timeouts, errors, and a node that drops its connections.
import assert from "node:assert/strict";
import { NativeConnection } from "../../../lib/cql/driver/native_connection.ts";
import { CqlServer, type CqlServerOptions } from "../../../lib/cql_node/driver/cql_server.ts";
import { EncodedValues, UNSET } from "../../../lib/cql/native/frame_buffer.ts";
import { RowsResult } from "../../../lib/cql/native/rows_result.ts";
import { BATCH_TYPE, CONSISTENCY } from "../../../lib/protocol/protocol_codes.ts";
import { parseDistribution } from "../../../lib/units/parse_distribution.ts";
import { makeTestCertificates } from "../../cql_node/_tls_fixture.ts";

const ONE = { consistency: CONSISTENCY.ONE };
const KEYSPACE =
  "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";
const STANDARD1 =
  `CREATE TABLE IF NOT EXISTS ks.standard1 (key blob PRIMARY KEY, "C0" blob, "C1" blob, "C2" blob, "C3" blob, "C4" blob)`;
const WRITE = `UPDATE "standard1" SET "C0" = ?,"C1" = ?,"C2" = ?,"C3" = ?,"C4" = ? WHERE KEY=?`;
const READ = `SELECT "C0","C1","C2","C3","C4" FROM "standard1" WHERE KEY=?`;

async function withServer(
  options: CqlServerOptions,
  fn: (server: CqlServer) => Promise<void>,
): Promise<void> {
  const server = await CqlServer.start({ port: 0, ...options });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

async function withConnection(
  server: CqlServer,
  options: Partial<Parameters<typeof NativeConnection.open>[0]>,
  fn: (connection: NativeConnection) => Promise<void>,
): Promise<void> {
  const connection = await NativeConnection.open({
    host: "127.0.0.1",
    port: server.port,
    ...options,
  });
  try {
    await fn(connection);
  } finally {
    await connection.close();
  }
}

async function createStandard1(connection: NativeConnection): Promise<void> {
  await connection.query(KEYSPACE, [], ONE);
  await connection.query(STANDARD1, [], ONE);
}

/** Op i's key (10 bytes) and five 34-byte columns, all derived from i. */
function rowOf(i: number): Uint8Array[] {
  const key = new TextEncoder().encode(i.toString(16).padStart(10, "0"));
  const columns = [0, 1, 2, 3, 4].map((c) =>
    new Uint8Array(34).map((_, b) => (i * 7 + c * 13 + b) & 0xff)
  );
  return [...columns, key];
}

Deno.test("v5 asked, v4 agreed with the embedded node; v3 when asked for", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (c) => {
      assert.equal(c.protocolVersion, 4);
      const supported = await c.supported();
      assert.deepEqual(supported.PROTOCOL_VERSIONS, ["3/v3", "4/v4"]);
    });
    await withConnection(server, { maxProtocolVersion: 3 }, async (c) => {
      assert.equal(c.protocolVersion, 3);
      await createStandard1(c);
      const write = await c.prepare(`UPDATE ks.standard1 SET "C0" = ? WHERE key = ?`);
      await c.execute(write, [new Uint8Array([1]), new Uint8Array([2])], ONE);
      const read = await c.prepare(`SELECT "C0" FROM ks.standard1 WHERE key = ?`);
      const rows = await c.execute(read, [new Uint8Array([2])], ONE) as RowsResult;
      assert.deepEqual([...rows.cell(0, 0)!], [1]);
    });
  });
});

Deno.test("10,000 pipelined writes, 64 in flight, read back byte for byte", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (setup) => await createStandard1(setup));
    await withConnection(server, { keyspace: "ks", maxInFlight: 64 }, async (c) => {
      const write = await c.prepare(WRITE);
      assert.deepEqual(write.partitionKeyIndexes, [5]);
      const read = await c.prepare(READ);
      assert.deepEqual(read.resultColumns!.map((column) => column.name), [
        "C0",
        "C1",
        "C2",
        "C3",
        "C4",
      ]);
      const total = 10_000;
      let next = 0;
      let most = 0;
      const lane = async (op: (i: number) => Promise<void>) => {
        while (next < total) {
          const i = next++;
          await op(i);
          most = Math.max(most, c.inFlight);
        }
      };
      const lanes = (op: (i: number) => Promise<void>) =>
        Promise.all(Array.from({ length: 64 }, () => lane(op)));
      await lanes(async (i) => {
        const result = await c.execute(write, rowOf(i), { consistency: CONSISTENCY.LOCAL_ONE });
        assert.equal(result.kind, "void");
      });
      assert.ok(most > 1 && most <= 64, `in flight at most ${most}`);
      next = 0;
      await lanes(async (i) => {
        const row = rowOf(i);
        const rows = await c.execute(read, [row[5]], ONE) as RowsResult;
        assert.equal(rows.rowCount, 1);
        for (let col = 0; col < 5; col++) {
          assert.ok(rows.cellEquals(0, col, row[col]), `row ${i} C${col}`);
        }
      });
      assert.equal(c.inFlight, 0);
    });
  });
});

/** Row i (rowOf) in its wire form, into `out`. */
function encodeRowInto(out: EncodedValues, i: number): EncodedValues {
  let at = 0;
  for (const value of rowOf(i)) {
    out.view.setInt32(at, value.length);
    out.bytes.set(value, at + 4);
    at += 4 + value.length;
  }
  out.count = 6;
  out.length = at;
  return out;
}

Deno.test("encoded values go back to their owner only when the connection is done with them", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (setup) => await createStandard1(setup));
    // 4 streams, so most of the 300 writes wait in the queue with their values unsent: a
    // buffer handed back too early would be refilled with another row before it is sent.
    await withConnection(server, { keyspace: "ks", maxInFlight: 4 }, async (c) => {
      const write = await c.prepare(WRITE);
      const pool: EncodedValues[] = [];
      const lent = new Set<EncodedValues>();
      const handBacks = new Map<EncodedValues, number>();
      let returned = 0;
      const giveBack = (values: EncodedValues) => {
        assert.ok(lent.delete(values), "values handed back twice");
        handBacks.set(values, (handBacks.get(values) ?? 0) + 1);
        returned++;
        pool.push(values);
      };
      let next = 0;
      // 16 writers on 4 streams: each takes a returned buffer for its next row.
      const writer = async () => {
        while (next < 300) {
          const i = next++;
          let values = pool.pop();
          if (values === undefined) {
            values = new EncodedValues(6 * 4 + 5 * 34 + 10);
            values.onSettled = giveBack;
          }
          lent.add(values);
          const before = handBacks.get(values) ?? 0;
          await c.execute(write, encodeRowInto(values, i), ONE);
          assert.ok(
            (handBacks.get(values) ?? 0) > before,
            `write ${i} resolved before its values came back`,
          );
        }
      };
      await Promise.all(Array.from({ length: 16 }, writer));
      assert.equal(returned, 300);
      assert.ok(pool.length > 4 && pool.length <= 16, `${pool.length} buffers made`);
      const read = await c.prepare(READ);
      for (let i = 0; i < 300; i++) {
        const row = rowOf(i);
        const rows = await c.execute(read, [row[5]], ONE) as RowsResult;
        for (let col = 0; col < 5; col++) assert.ok(rows.cellEquals(0, col, row[col]), `row ${i}`);
      }
      // A closed connection refuses the request and hands its values back at once.
      const values = encodeRowInto(new EncodedValues(6 * 4 + 5 * 34 + 10), 0);
      values.onSettled = giveBack;
      lent.add(values);
      await c.close();
      await assert.rejects(c.execute(write, values, ONE));
      assert.equal(returned, 301);
    });
  });
});

Deno.test("PasswordAuthenticator: the right credentials open, wrong or none do not", async () => {
  const credentials = { user: "cassandra", password: "s3cret" };
  await withServer({ credentials }, async (server) => {
    await withConnection(server, { credentials }, async (c) => {
      assert.equal(
        (await c.query("SELECT release_version FROM system.local", [], ONE)).kind,
        "rows",
      );
    });
    await assert.rejects(
      NativeConnection.open({
        host: "127.0.0.1",
        port: server.port,
        credentials: { ...credentials, password: "x" },
      }),
      (error: Error & { code?: number }) => error.name === "ResponseError" && error.code === 0x0100,
    );
    await assert.rejects(
      NativeConnection.open({ host: "127.0.0.1", port: server.port }),
      /requires authentication .* no credentials were given/,
    );
  });
});

Deno.test("TLS: the node's CA verifies it; a client trusting another CA is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_native_tls_" });
  try {
    const certs = await makeTestCertificates(dir);
    await Deno.mkdir(`${dir}/other`);
    const other = await makeTestCertificates(`${dir}/other`);
    const tls = {
      caPem: certs.caPem,
      certPem: null,
      keyPem: null,
      checkHostname: true,
      ciphers: null,
    };
    await withServer(
      { tls: { certFile: certs.certFile, keyFile: certs.keyFile } },
      async (server) => {
        await withConnection(server, { tls }, async (c) => {
          assert.equal(
            (await c.query("SELECT cluster_name FROM system.local", [], ONE)).kind,
            "rows",
          );
        });
        await withConnection(server, { tls: { ...tls, checkHostname: false } }, async (c) => {
          assert.equal((await c.query("SELECT key FROM system.local", [], ONE)).kind, "rows");
        });
        await assert.rejects(
          NativeConnection.open({
            host: "127.0.0.1",
            port: server.port,
            tls: { ...tls, caPem: other.caPem },
          }),
          (error: Error) =>
            error.name === "NativeConnectionError" &&
            /Cannot connect to 127\.0\.0\.1/.test(error.message),
        );
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batches: logged and unlogged of prepared statements and texts, counter batches", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (c) => {
      await createStandard1(c);
      await c.query('CREATE TABLE ks.counter1 (key blob PRIMARY KEY, "C0" counter)', [], ONE);
      const write = await c.prepare(`UPDATE ks.standard1 SET "C0" = ? WHERE key = ?`);
      const key = (n: number) => new Uint8Array([n]);
      for (const type of [BATCH_TYPE.logged, BATCH_TYPE.unlogged]) {
        const result = await c.batch(type, [
          { statement: write, values: [key(10 + type), key(1)] },
          { statement: `UPDATE ks.standard1 SET "C1" = 0x0a WHERE key = 0x02`, values: [] },
          { statement: write, values: [key(30 + type), key(3)] },
        ], { ...ONE, timestampUs: 1_000_000 + type });
        assert.deepEqual(result, { kind: "void" });
      }
      const add = await c.prepare(`UPDATE ks.counter1 SET "C0" = "C0" + ? WHERE key = ?`);
      const long = (n: number) => new Uint8Array([0, 0, 0, 0, 0, 0, 0, n]);
      await c.batch(BATCH_TYPE.counter, [
        { statement: add, values: [long(2), key(1)] },
        { statement: add, values: [long(3), key(1)] },
      ], ONE);
      const rows = await c.query(`SELECT key, "C0", "C1" FROM ks.standard1`, [], ONE) as RowsResult;
      const byKey = new Map(
        Array.from({ length: rows.rowCount }, (_, r) => [rows.cell(r, 0)![0], r]),
      );
      assert.deepEqual([...rows.cell(byKey.get(1)!, 1)!], [11]);
      assert.deepEqual([...rows.cell(byKey.get(3)!, 1)!], [31]);
      assert.deepEqual([...rows.cell(byKey.get(2)!, 2)!], [10]);
      const counter = await c.query(
        `SELECT "C0" FROM ks.counter1 WHERE key = 0x01`,
        [],
        ONE,
      ) as RowsResult;
      assert.deepEqual([...counter.cell(0, 0)!], [0, 0, 0, 0, 0, 0, 0, 5]);
    });
  });
});

Deno.test("values: null clears a column, unset leaves it as it was", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (c) => {
      await createStandard1(c);
      const write = await c.prepare(`UPDATE ks.standard1 SET "C0" = ?, "C1" = ? WHERE key = ?`);
      const key = new Uint8Array([9]);
      await c.execute(write, [new Uint8Array([1]), new Uint8Array([2]), key], ONE);
      await c.execute(write, [UNSET, null, key], ONE);
      const rows = await c.query(`SELECT "C0", "C1" FROM ks.standard1 WHERE key = 0x09`, [], ONE);
      assert.ok(rows instanceof RowsResult);
      assert.deepEqual([...rows.cell(0, 0)!], [1]);
      assert.equal(rows.cell(0, 1), null);
    });
  });
});

Deno.test("paging: pages of 10 rows and the paging state bring back all 25", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (c) => {
      await c.query(KEYSPACE, [], ONE);
      await c.query("CREATE TABLE ks.wide (k int, c int, PRIMARY KEY (k, c))", [], ONE);
      const insert = await c.prepare("INSERT INTO ks.wide (k, c) VALUES (1, ?)");
      await Promise.all(
        Array.from(
          { length: 25 },
          (_, i) => c.execute(insert, [new Uint8Array([0, 0, 0, i])], ONE),
        ),
      );
      const select = await c.prepare("SELECT c FROM ks.wide WHERE k = 1");
      const seen: number[] = [];
      let pagingState: Uint8Array | null = null;
      let pages = 0;
      do {
        const page = await c.execute(select, [], {
          ...ONE,
          pageSize: 10,
          pagingState,
        }) as RowsResult;
        for (let r = 0; r < page.rowCount; r++) seen.push(page.cell(r, 0)![3]);
        pagingState = page.pagingState;
        pages++;
      } while (pagingState !== null);
      assert.equal(pages, 3);
      assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => i));
    });
  });
});

Deno.test("errors: Unavailable in the driver's words, a bad keyspace, a syntax error", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (c) => {
      await c.query(
        "CREATE KEYSPACE rf2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
        [],
        ONE,
      );
      await c.query("CREATE TABLE rf2.t (k int PRIMARY KEY)", [], ONE);
      await assert.rejects(
        c.query("SELECT * FROM rf2.t", [], { consistency: CONSISTENCY.ALL }),
        (error: Error & { code?: number }) =>
          error.name === "ResponseError" && error.code === 0x1000 &&
          error.message ===
            "Not enough replicas available for query at consistency ALL (2 required but only 1 alive)",
      );
      await assert.rejects(c.query("SELEC", [], ONE), { name: "ResponseError" });
      assert.equal(c.isClosed, false);
    });
    await assert.rejects(
      NativeConnection.open({ host: "127.0.0.1", port: server.port, keyspace: "nope" }),
      (error: Error & { code?: number }) => error.name === "ResponseError" && error.code === 0x2200,
    );
  });
});

Deno.test("a slow node: the request times out alone; a node that drops connections fails them", async () => {
  await withServer({}, async (server) => {
    await withConnection(server, {}, async (c) => {
      await createStandard1(c);
      const read = await c.prepare(`SELECT key FROM ks.standard1 WHERE key = ?`);
      server.setFaults({ latencyUs: parseDistribution("fixed(400000)") });
      await assert.rejects(
        c.execute(read, [new Uint8Array([1])], { ...ONE, timeoutMs: 100 }),
        /did not reply before timeout 100 ms/,
      );
      server.setFaults({ latencyUs: null });
      assert.equal((await c.execute(read, [new Uint8Array([1])], ONE)).kind, "rows");
      for (let i = 0; i < 100 && c.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(c.inFlight, 0, "the late answer freed the stream id");
      const pending = Array.from({ length: 5 }, () => c.execute(read, [new Uint8Array([1])], ONE));
      server.setFaults({ dropRate: 1 });
      const dropped = c.execute(read, [new Uint8Array([1])], ONE);
      await Promise.allSettled(pending);
      await assert.rejects(dropped, /closed by the server/);
      await c.closed;
      server.setFaults({ dropRate: 0 });
    });
  });
});
