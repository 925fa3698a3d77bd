import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import {
  type Client,
  createClient,
  encodeStringMap,
  RawConnection,
  stressKey,
  stressValue,
  waitFor,
  withNode,
  withTimeout,
} from "./_driver_fixture.ts";

const { types } = cassandra;
const CODES = types.responseErrorCodes;
const COLUMNS = ["C0", "C1", "C2", "C3", "C4"];
const QUOTED = COLUMNS.map((c) => `"${c}"`);

const CREATE_KEYSPACE1 =
  `CREATE KEYSPACE IF NOT EXISTS "keyspace1" WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor' : '1'} AND durable_writes = true;`;
const CREATE_STANDARD1 = "CREATE TABLE IF NOT EXISTS standard1 (key blob PRIMARY KEY \n" +
  QUOTED.map((c) => `, ${c} blob\n`).join("").slice(0, -1) + ") WITH compression = {};";
const CREATE_COUNTER1 = "CREATE TABLE IF NOT EXISTS counter1 (key blob PRIMARY KEY,\n" +
  QUOTED.map((c) => `, ${c} counter\n`).join("") + ") WITH compression = {};";

const WRITE = `UPDATE "standard1" SET ${QUOTED.map((c) => `${c} = ?`).join(",")} WHERE KEY=?`;
const READ = `SELECT ${QUOTED.join(",")} FROM "standard1" WHERE KEY=?`;
const READ_STAR = `SELECT * FROM "standard1" WHERE KEY=?`;
const COUNTER_WRITE = `UPDATE counter1 SET ${
  QUOTED.map((c) => `${c}=${c}+?`).join(",")
} WHERE KEY=?`;
const COUNTER_READ = `SELECT * FROM "counter1" WHERE KEY=?`;

/** Keyspace metadata fields the driver sets but its typings leave out. */
interface KeyspaceInfo {
  strategy: string;
  strategyOptions: Record<string, string>;
  durableWrites: boolean;
}

/** `Metadata.checkSchemaAgreement()` exists in driver 4.8 but not in its typings. */
function checkSchemaAgreement(client: Client): Promise<boolean> {
  return (client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> })
    .checkSchemaAgreement();
}

/** `ResultSet.info.isSchemaInAgreement`, set for schema-changing statements. */
function inAgreement(result: cassandra.types.ResultSet): unknown {
  return (result.info as unknown as { isSchemaInAgreement?: boolean }).isSchemaInAgreement;
}

async function createStressSchema(client: Client): Promise<void> {
  await client.execute(CREATE_KEYSPACE1);
  await client.execute(`USE "keyspace1"`);
  await client.execute(CREATE_STANDARD1);
  await client.execute(CREATE_COUNTER1);
}

/** Runs `fn`, expecting it to reject, and returns the error. */
async function rejection(fn: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await fn();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new assert.AssertionError({ message: "Expected a rejection, but the call resolved" });
}

/** Asserts that `fn` rejects with a ResponseError carrying `code`. */
async function assertResponseError(
  fn: () => Promise<unknown>,
  code: number,
  message?: RegExp,
): Promise<Record<string, unknown>> {
  const error = await rejection(fn);
  assert.equal(error.name, "ResponseError", String(error));
  assert.equal(
    error.code,
    code,
    `expected code 0x${code.toString(16)}, got 0x${Number(error.code).toString(16)}: ${error}`,
  );
  if (message) assert.match(String(error.message), message);
  return error;
}

function eachRowAll(
  client: Client,
  query: string,
  params: unknown[],
  options: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, unknown>[] = [];
    client.eachRow(
      query,
      params,
      options,
      (_n: number, row: Record<string, unknown>) => rows.push(row),
      (err?: Error) => (err ? reject(err) : resolve(rows)),
    );
  });
}

async function streamAll(
  client: Client,
  query: string,
  params: unknown[],
  options: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const stream = client.stream(query, params, options) as unknown as AsyncIterable<
    Record<string, unknown>
  >;
  for await (const row of stream) rows.push(row);
  return rows;
}

async function manualPages(
  client: Client,
  query: string,
  params: unknown[],
  fetchSize: number,
): Promise<{ rows: Record<string, unknown>[]; pageSizes: number[] }> {
  const rows: Record<string, unknown>[] = [];
  const pageSizes: number[] = [];
  let pageState: string | undefined = undefined;
  do {
    const result: cassandra.types.ResultSet = await client.execute(query, params, {
      prepare: true,
      fetchSize,
      pageState,
    });
    pageSizes.push(result.rows.length);
    rows.push(...result.rows);
    pageState = result.pageState ?? undefined;
    assert.ok(pageSizes.length <= 100, "too many pages");
  } while (pageState);
  return { rows, pageSizes };
}

function shuffled(n: number, seed: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

Deno.test("driver creates the cassandra-stress schema and reads it back from metadata", async () => {
  await withNode({}, async ({ client }) => {
    await createStressSchema(client);
    assert.equal(client.keyspace, "keyspace1");
    // The typings omit strategyOptions and durableWrites, which the driver does set.
    const ks = client.metadata.keyspaces["keyspace1"] as unknown as KeyspaceInfo | undefined;
    assert.ok(ks, "keyspace1 missing from client.metadata.keyspaces");
    assert.equal(ks.strategy, "org.apache.cassandra.locator.SimpleStrategy");
    assert.equal(ks.strategyOptions.replication_factor, "1");
    assert.equal(ks.durableWrites, true);

    const standard1 = await client.metadata.getTable("keyspace1", "standard1");
    assert.ok(standard1, "getTable(keyspace1, standard1) returned null");
    // Columns come in system_schema.columns order: by column name, bytewise ("C0" < "key").
    assert.deepEqual(standard1.columns.map((c) => c.name), [...COLUMNS, "key"]);
    assert.deepEqual(standard1.partitionKeys.map((c) => c.name), ["key"]);
    assert.deepEqual(standard1.clusteringKeys, []);
    for (const column of standard1.columns) assert.equal(column.type.code, types.dataTypes.blob);

    const counter1 = await client.metadata.getTable("keyspace1", "counter1");
    assert.ok(counter1, "getTable(keyspace1, counter1) returned null");
    assert.deepEqual(counter1.columns.map((c) => c.name), [...COLUMNS, "key"]);
    assert.deepEqual(counter1.partitionKeys.map((c) => c.name), ["key"]);
    assert.equal(counter1.columnsByName["key"].type.code, types.dataTypes.blob);
    for (const name of COLUMNS) {
      assert.equal(counter1.columnsByName[name].type.code, types.dataTypes.counter);
    }

    // One node in datacenter1 that owns every token: replicas of any key are that node.
    const hosts = client.hosts.values();
    assert.equal(hosts.length, 1);
    assert.equal(hosts[0].datacenter, "datacenter1");
    const replicas = client.getReplicas("keyspace1", stressKey(1));
    assert.deepEqual(replicas.map((h) => h.address), [hosts[0].address]);

    // The IF NOT EXISTS forms are idempotent, as cassandra-stress runs them on every start.
    await createStressSchema(client);
  });
});

Deno.test("driver writes and reads cassandra-stress rows, prepared and unprepared", async () => {
  await withNode({}, async ({ client }) => {
    await createStressSchema(client);
    for (const prepare of [true, false]) {
      const base = prepare ? 0 : 100;
      for (let i = base; i < base + 20; i++) {
        const values = COLUMNS.map((_, c) => stressValue(i, c));
        await client.execute(WRITE, [...values, stressKey(i)], { prepare });
      }
      for (let i = base; i < base + 20; i++) {
        const expected = COLUMNS.map((_, c) => stressValue(i, c));
        const read = await client.execute(READ, [stressKey(i)], { prepare });
        assert.equal(read.rows.length, 1);
        assert.deepEqual(read.columns.map((c) => c.name), COLUMNS);
        assert.deepEqual(COLUMNS.map((c) => read.rows[0][c]), expected);
        const star = await client.execute(READ_STAR, [stressKey(i)], { prepare });
        assert.equal(star.rows.length, 1);
        assert.deepEqual(star.columns.map((c) => c.name), ["key", ...COLUMNS]);
        assert.deepEqual(star.rows[0]["key"], stressKey(i));
        assert.deepEqual(COLUMNS.map((c) => star.rows[0][c]), expected);
      }
      const missing = await client.execute(READ, [stressKey(999_999)], { prepare });
      assert.equal(missing.rows.length, 0);
      const missingStar = await client.execute(READ_STAR, [Buffer.from("nope")], { prepare });
      assert.equal(missingStar.rows.length, 0);
    }
    // An overwrite replaces the cells; a null bind deletes one.
    const fresh = COLUMNS.map((_, c) => stressValue(7, c + 10));
    await client.execute(WRITE, [...fresh.slice(0, 4), null, stressKey(7)], { prepare: true });
    const read = await client.execute(READ, [stressKey(7)], { prepare: true });
    assert.deepEqual(COLUMNS.map((c) => read.rows[0][c]), [...fresh.slice(0, 4), null]);
  });
});

Deno.test("driver counter updates accumulate, including negative deltas", async () => {
  await withNode({}, async ({ client }) => {
    await createStressSchema(client);
    const key = stressKey(1);
    const deltas = [[1, 2, 3, 4, 5], [10, 10, 10, 10, 10], [-20, 0, -13, 1, -100]];
    for (const row of deltas) {
      await client.execute(COUNTER_WRITE, [...row, key], { prepare: true });
    }
    const read = await client.execute(COUNTER_READ, [key], { prepare: true });
    assert.equal(read.rows.length, 1);
    assert.deepEqual(read.columns.map((c) => c.name), ["key", ...COLUMNS]);
    assert.deepEqual(
      COLUMNS.map((c) => read.rows[0][c]?.toString()),
      ["-9", "12", "0", "15", "-85"],
    );
    // Unprepared, with a Long value (the driver encodes it as bigint, the counter's wire form).
    const long = types.Long.fromString("9000000000");
    await client.execute(
      `UPDATE counter1 SET "C0"="C0"+? WHERE KEY=?`,
      [long, key],
      { hints: ["counter", "blob"] },
    );
    const again = await client.execute(COUNTER_READ, [key], { prepare: false });
    assert.equal(again.rows[0]["C0"].toString(), "8999999991");
    assert.ok(again.rows[0]["C0"] instanceof types.Long);
    const none = await client.execute(COUNTER_READ, [stressKey(2)], { prepare: true });
    assert.equal(none.rows.length, 0);
  });
});

Deno.test("driver batches: logged, unlogged and counter; counters rejected in a logged batch", async () => {
  await withNode({}, async ({ client }) => {
    await createStressSchema(client);
    const write = (i: number) => ({
      query: WRITE,
      params: [...COLUMNS.map((_, c) => stressValue(i, c)), stressKey(i)],
    });
    await client.batch([write(1), write(2), write(3)], { prepare: true });
    await client.batch([write(4), write(5)], { prepare: true, logged: false });
    await client.batch([write(6), write(7)], { prepare: false, logged: false });
    for (let i = 1; i <= 7; i++) {
      const read = await client.execute(READ, [stressKey(i)], { prepare: true });
      assert.equal(read.rows.length, 1, `row ${i}`);
      assert.deepEqual(
        COLUMNS.map((c) => read.rows[0][c]),
        COLUMNS.map((_, c) => stressValue(i, c)),
      );
    }

    const bump = (key: number, by: number) => ({
      query: COUNTER_WRITE,
      params: [by, by, by, by, by, stressKey(key)],
    });
    await client.batch([bump(1, 5), bump(1, 6), bump(2, -1)], { prepare: true, counter: true });
    const one = await client.execute(COUNTER_READ, [stressKey(1)], { prepare: true });
    assert.deepEqual(COLUMNS.map((c) => one.rows[0][c].toString()), Array(5).fill("11"));
    const two = await client.execute(COUNTER_READ, [stressKey(2)], { prepare: true });
    assert.deepEqual(COLUMNS.map((c) => two.rows[0][c].toString()), Array(5).fill("-1"));

    // Cassandra: "Cannot include a counter statement in a logged batch" (InvalidRequest).
    await assertResponseError(
      () => client.batch([bump(3, 1)], { prepare: true }),
      CODES.invalid,
      /counter/i,
    );
    // A counter batch may not hold non-counter statements either.
    await assertResponseError(
      () => client.batch([write(8), bump(3, 1)], { prepare: true, counter: true }),
      CODES.invalid,
    );
    const three = await client.execute(COUNTER_READ, [stressKey(3)], { prepare: true });
    assert.equal(three.rows.length, 0, "a rejected batch must not apply anything");
  });
});

Deno.test("driver pages through 10,000 clustering rows and 10,000 partitions", async () => {
  await withNode({ limitMs: 40000 }, async ({ client }) => {
    await client.execute(
      "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute("CREATE TABLE ks.wide (k int, c int, v text, PRIMARY KEY (k, c))");
    await client.execute("CREATE TABLE ks.narrow (k int PRIMARY KEY, v int)");
    const wideMeta = await client.metadata.getTable("ks", "wide");
    assert.deepEqual(wideMeta?.partitionKeys.map((c) => c.name), ["k"]);
    assert.deepEqual(wideMeta?.clusteringKeys.map((c) => c.name), ["c"]);
    const N = 10_000;
    // Clustering rows go in in a shuffled order, so the order read back comes from the node.
    const order = shuffled(N, 42);
    const insertWide = "INSERT INTO ks.wide (k, c, v) VALUES (?, ?, ?)";
    for (let at = 0; at < N; at += 500) {
      const queries = order.slice(at, at + 500).map((c) => ({
        query: insertWide,
        params: [1, c, `v${c}`],
      }));
      await client.batch(queries, { prepare: true, logged: false });
    }
    await cassandra.concurrent.executeConcurrent(
      client,
      "INSERT INTO ks.narrow (k, v) VALUES (?, ?)",
      order.map((k) => [k, k * 2]),
      { concurrencyLevel: 64 },
    );

    const wide = "SELECT c, v FROM ks.wide WHERE k = ?";
    const checkWide = (rows: Record<string, unknown>[], how: string) => {
      assert.equal(rows.length, N, `${how}: row count`);
      for (let i = 0; i < N; i++) {
        if (rows[i].c !== i || rows[i].v !== `v${i}`) {
          assert.fail(`${how}: row ${i} is ${JSON.stringify(rows[i])}, expected c=${i}`);
        }
      }
    };
    const options = { prepare: true, fetchSize: 1000, autoPage: true };
    checkWide(await eachRowAll(client, wide, [1], options), "eachRow");
    checkWide(await streamAll(client, wide, [1], options), "stream");
    const manual = await manualPages(client, wide, [1], 1000);
    checkWide(manual.rows, "pageState");
    assert.ok(manual.pageSizes.length >= 10 && manual.pageSizes.length <= 11);
    assert.ok(manual.pageSizes.slice(0, -1).every((n) => n === 1000), String(manual.pageSizes));
    // A page that ends inside the partition; DESC order pages backwards.
    const desc = await manualPages(client, `${wide} ORDER BY c DESC`, [1], 777);
    assert.deepEqual(desc.rows.map((r) => r.c), Array.from({ length: N }, (_, i) => N - 1 - i));

    const narrow = "SELECT k, v FROM ks.narrow";
    const checkNarrow = (rows: Record<string, unknown>[], how: string) => {
      assert.equal(rows.length, N, `${how}: row count`);
      const seen = new Uint8Array(N);
      for (const row of rows) {
        const k = row.k as number;
        assert.equal(row.v, k * 2);
        assert.equal(seen[k], 0, `${how}: key ${k} seen twice`);
        seen[k] = 1;
      }
    };
    const viaEachRow = await eachRowAll(client, narrow, [], options);
    checkNarrow(viaEachRow, "eachRow");
    const viaStream = await streamAll(client, narrow, [], options);
    checkNarrow(viaStream, "stream");
    const viaPages = await manualPages(client, narrow, [], 1000);
    checkNarrow(viaPages.rows, "pageState");
    // Unprepared QUERY frames page too, here with pages that end mid-way.
    const unprepared = await eachRowAll(client, narrow, [], {
      prepare: false,
      fetchSize: 333,
      autoPage: true,
    });
    checkNarrow(unprepared, "unprepared eachRow");
    assert.deepEqual(unprepared.map((r) => r.k), viaEachRow.map((r) => r.k));
    // A full scan is in token order, so every traversal sees the same sequence.
    assert.deepEqual(viaStream.map((r) => r.k), viaEachRow.map((r) => r.k));
    assert.deepEqual(viaPages.rows.map((r) => r.k), viaEachRow.map((r) => r.k));
  });
});

Deno.test("driver authenticates with PlainTextAuthProvider and rejects bad credentials", async () => {
  const credentials = { user: "cassandra", password: "s3cret" };
  await withNode({
    server: { credentials },
    client: { authProvider: new cassandra.auth.PlainTextAuthProvider("cassandra", "s3cret") },
  }, async ({ server, client, track }) => {
    const result = await client.execute("SELECT release_version FROM system.local");
    assert.equal(result.rows.length, 1);
    assert.equal(typeof result.rows[0].release_version, "string");

    const wrong = track(createClient(server, {
      authProvider: new cassandra.auth.PlainTextAuthProvider("cassandra", "wrong"),
    }));
    const error = await rejection(() => wrong.connect());
    assert.equal(error.name, "NoHostAvailableError", String(error));
    const inner = Object.values(error.innerErrors as Record<string, Error>);
    assert.equal(inner.length, 1);
    assert.equal(inner[0].name, "AuthenticationError", String(inner[0]));
    // Cassandra: "Provided username cassandra and/or password are incorrect" (code 0x0100).
    assert.match(inner[0].message, /username|password|credentials/i);
    const additional = (inner[0] as unknown as { additionalInfo?: { code?: number } })
      .additionalInfo;
    assert.equal(additional?.code, CODES.badCredentials);

    const anonymous = track(createClient(server));
    const noAuth = await rejection(() => anonymous.connect());
    assert.equal(noAuth.name, "NoHostAvailableError", String(noAuth));
    const noAuthInner = Object.values(noAuth.innerErrors as Record<string, Error>);
    assert.equal(noAuthInner[0].name, "AuthenticationError", String(noAuthInner[0]));
  });
});

Deno.test("driver re-prepares transparently after the node answers UNPREPARED", async () => {
  await withNode({}, async ({ server, client }) => {
    await client.execute(
      "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    const create = "CREATE TABLE ks.t (k int PRIMARY KEY, v text)";
    await client.execute(create);
    const insert = "INSERT INTO ks.t (k, v) VALUES (?, ?)";
    await client.execute(insert, [1, "one"], { prepare: true });
    const select = "SELECT v FROM ks.t WHERE k = ?";
    const first = await client.execute(select, [1], { prepare: true });
    assert.equal(first.rows[0].v, "one");
    assert.ok(server.engine.preparedCount >= 2);

    await client.execute("DROP TABLE ks.t");
    assert.equal(server.engine.preparedCount, 0, "DROP TABLE must evict prepared statements");
    await client.execute(create);
    await client.execute("INSERT INTO ks.t (k, v) VALUES (1, 'uno')");
    // The driver still holds the old id: EXECUTE gets UNPREPARED, the driver re-prepares.
    const second = await client.execute(select, [1], { prepare: true });
    assert.equal(second.rows[0].v, "uno");
    assert.equal(server.engine.preparedCount, 1);
    // The same inside a BATCH: the node names the unknown id, the driver re-prepares it.
    await client.batch([{ query: insert, params: [2, "dos"] }], { prepare: true });
    assert.equal(server.engine.preparedCount, 2);
    const third = await client.execute(select, [2], { prepare: true });
    assert.equal(third.rows[0].v, "dos");

    // A raw EXECUTE with an id the node never saw answers ERROR 0x2500 carrying that id.
    const raw = await RawConnection.open(server.port);
    try {
      await raw.send(0x01, encodeStringMap({ CQL_VERSION: "3.0.0" }), { stream: 1 });
      const ready = await withTimeout(raw.read(), { limitMs: 5000, what: "READY" });
      assert.equal(ready.opcode, 0x02);
      assert.equal(ready.version, 0x84);
      assert.equal(ready.stream, 1);
      const id = new Uint8Array(16).fill(0xab);
      const body = new Uint8Array(2 + id.length + 3);
      body[1] = id.length;
      body.set(id, 2);
      body[2 + id.length + 1] = 0x01; // consistency ONE
      await raw.send(0x0a, body, { stream: 7 });
      const error = await withTimeout(raw.read(), { limitMs: 5000, what: "ERROR" });
      assert.equal(error.opcode, 0x00);
      assert.equal(error.stream, 7);
      const view = new DataView(error.body.buffer, error.body.byteOffset);
      assert.equal(view.getInt32(0), 0x2500);
      const messageLength = view.getUint16(4);
      const idAt = 6 + messageLength;
      assert.equal(view.getUint16(idAt), id.length);
      assert.deepEqual(error.body.slice(idAt + 2, idAt + 2 + id.length), id);
    } finally {
      raw.close();
    }
  });
});

Deno.test("driver metadata follows schema changes made by another client", async () => {
  await withNode({ limitMs: 30000 }, async ({ server, client, track }) => {
    const other = track(createClient(server));
    await other.connect();
    const replication = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    const started = performance.now();
    const created = await other.execute(`CREATE KEYSPACE ks_b WITH replication = ${replication}`);
    assert.ok(performance.now() - started < 2000, "DDL waited too long for schema agreement");
    assert.equal(inAgreement(created), true);
    assert.equal(await checkSchemaAgreement(client), true);
    assert.ok(
      await waitFor(() => "ks_b" in client.metadata.keyspaces),
      "client A never saw keyspace ks_b created by client B",
    );

    await other.execute("CREATE TABLE ks_b.t (k int PRIMARY KEY, v1 int)");
    const before = await client.metadata.getTable("ks_b", "t");
    assert.deepEqual(before?.columns.map((c) => c.name), ["k", "v1"]);
    // The cached table must be invalidated by the pushed event, not by a re-read.
    await other.execute("DROP TABLE ks_b.t");
    await other.execute("CREATE TABLE ks_b.t (k int PRIMARY KEY, v2 text)");
    let columns: string[] = [];
    const refreshed = await waitFor(() => {
      client.metadata.getTable("ks_b", "t").then((t) => {
        columns = t?.columns.map((c) => c.name) ?? [];
      }, () => {});
      return columns.includes("v2");
    });
    assert.ok(refreshed, `client A still sees columns ${JSON.stringify(columns)}`);

    const dropStarted = performance.now();
    const dropped = await other.execute("DROP KEYSPACE ks_b");
    assert.ok(performance.now() - dropStarted < 2000, "DROP waited too long for agreement");
    assert.equal(inAgreement(dropped), true);
    assert.ok(
      await waitFor(() => !("ks_b" in client.metadata.keyspaces)),
      "client A never saw keyspace ks_b dropped by client B",
    );
    assert.equal(await checkSchemaAgreement(client), true);
  });
});

const ALL_TYPES = `CREATE TABLE ks.all_types (
  k int, c int, i int, bi bigint, si smallint, ti tinyint, b boolean, f float, d double,
  t text, a ascii, vi varint, de decimal, ts timestamp, u uuid, tu timeuuid, ip inet, bl blob,
  li list<int>, st set<text>, mp map<text,int>, PRIMARY KEY (k, c))`;
const TYPE_COLUMNS = [
  "i",
  "bi",
  "si",
  "ti",
  "b",
  "f",
  "d",
  "t",
  "a",
  "vi",
  "de",
  "ts",
  "u",
  "tu",
  "ip",
  "bl",
  "li",
  "st",
  "mp",
];

function typedValues(): unknown[] {
  return [
    -123456,
    types.Long.fromString("9007199254740993"),
    -32768,
    127,
    true,
    1.5,
    Math.PI,
    "héllo wörld ✓",
    "plain ascii",
    types.Integer.fromString("-123456789012345678901234567890"),
    types.BigDecimal.fromString("12345.6789"),
    new Date("2020-01-02T03:04:05.678Z"),
    types.Uuid.fromString("01234567-89ab-cdef-0123-456789abcdef"),
    types.TimeUuid.fromString("50554d6e-29bb-11e5-b345-feff819cdc9f"),
    types.InetAddress.fromString("127.1.2.3"),
    Buffer.from([0xca, 0xfe, 0x00, 0xff]),
    [3, 1, 2],
    ["b", "a", "c", "a"],
    { y: -2, x: 1 },
  ];
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `0x${value.toString("hex")}`;
  if (Array.isArray(value)) return value.map(normalise);
  if (
    value instanceof types.Long || value instanceof types.Integer ||
    value instanceof types.BigDecimal || value instanceof types.Uuid ||
    value instanceof types.InetAddress
  ) {
    return `${value.constructor.name}:${value.toString()}`;
  }
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

function expectedRow(): Record<string, unknown> {
  const values = typedValues();
  const row: Record<string, unknown> = {};
  TYPE_COLUMNS.forEach((name, i) => (row[name] = normalise(values[i])));
  row.st = ["a", "b", "c"]; // a set comes back sorted and without duplicates
  row.mp = { x: 1, y: -2 };
  row.mpKeys = ["x", "y"];
  return row;
}

/** The row's typed columns, normalised; map keys are listed too, as a map comes back sorted. */
function actualRow(row: Record<string, unknown>): Record<string, unknown> {
  const out = Object.fromEntries(TYPE_COLUMNS.map((name) => [name, normalise(row[name])]));
  out.mpKeys = row.mp === null ? null : Object.keys(row.mp as object);
  return out;
}

const CREATE_KS =
  "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";

/** Runs `fn` against a node holding keyspace `ks` and table `ks.all_types`. */
function withTypesTable(fn: (client: Client) => Promise<void>): Promise<void> {
  return withNode({}, async ({ client }) => {
    await client.execute(CREATE_KS);
    await client.execute(ALL_TYPES);
    await fn(client);
  });
}

const INSERT_TYPES = `INSERT INTO ks.all_types (k, c, ${TYPE_COLUMNS.join(", ")}) VALUES (?, ?, ${
  TYPE_COLUMNS.map(() => "?").join(", ")
})`;
const SELECT_TYPES = `SELECT ${TYPE_COLUMNS.join(", ")} FROM ks.all_types WHERE k = ? AND c = ?`;

Deno.test("driver round-trips many types through prepared binds", async () => {
  await withTypesTable(async (client) => {
    // The node's bind metadata tells the driver every type.
    await client.execute(INSERT_TYPES, [1, 0, ...typedValues()], { prepare: true });
    const prepared = await client.execute(SELECT_TYPES, [1, 0], { prepare: true });
    assert.deepEqual(
      prepared.columns.map((c) => c.type.code),
      [
        "int",
        "bigint",
        "smallint",
        "tinyint",
        "boolean",
        "float",
        "double",
        "varchar", // Cassandra reports text columns as varchar (0x000D)
        "ascii",
        "varint",
        "decimal",
        "timestamp",
        "uuid",
        "timeuuid",
        "inet",
        "blob",
        "list",
        "set",
        "map",
      ].map((name) => types.dataTypes[name as keyof typeof types.dataTypes]),
    );
    assert.ok(prepared.rows[0].tu instanceof types.TimeUuid);
    assert.deepEqual(actualRow(prepared.rows[0]), expectedRow());

    // Nulls and missing cells come back as null.
    await client.execute("INSERT INTO ks.all_types (k, c) VALUES (?, ?)", [4, 0], {
      prepare: true,
    });
    const empty = await client.execute(SELECT_TYPES, [4, 0], { prepare: true });
    for (const name of TYPE_COLUMNS) assert.equal(empty.rows[0][name], null, name);
  });
});

Deno.test("driver round-trips many types through hinted binds and literals", async () => {
  await withTypesTable(async (client) => {
    const hints = [
      "int",
      "int",
      "int",
      "bigint",
      "smallint",
      "tinyint",
      "boolean",
      "float",
      "double",
      "text",
      "ascii",
      "varint",
      "decimal",
      "timestamp",
      "uuid",
      "timeuuid",
      "inet",
      "blob",
      "list<int>",
      "set<text>",
      "map<text,int>",
    ];
    await client.execute(INSERT_TYPES, [2, 0, ...typedValues()], { hints });
    const hinted = await client.execute(SELECT_TYPES, [2, 0], { hints: ["int", "int"] });
    assert.deepEqual(actualRow(hinted.rows[0]), expectedRow());

    await client.execute(`INSERT INTO ks.all_types (k, c, ${TYPE_COLUMNS.join(", ")}) VALUES (
      3, 0, -123456, 9007199254740993, -32768, 127, true, 1.5, ${Math.PI}, 'héllo wörld ✓',
      'plain ascii', -123456789012345678901234567890, 12345.6789, '2020-01-02 03:04:05.678+0000',
      01234567-89ab-cdef-0123-456789abcdef, 50554d6e-29bb-11e5-b345-feff819cdc9f, '127.1.2.3',
      0xcafe00ff, [3, 1, 2], {'b', 'a', 'c', 'a'}, {'y': -2, 'x': 1})`);
    const literal = await client.execute("SELECT * FROM ks.all_types WHERE k = 3 AND c = 0");
    assert.deepEqual(actualRow(literal.rows[0]), expectedRow());
  });
});

Deno.test("driver INSERT IF NOT EXISTS reports [applied] and the existing row", async () => {
  await withTypesTable(async (client) => {
    const lwt = "INSERT INTO ks.all_types (k, c, i) VALUES (?, ?, ?) IF NOT EXISTS";
    const applied = await client.execute(lwt, [5, 0, 50], { prepare: true });
    assert.equal(applied.rows[0]["[applied]"], true);
    assert.equal(applied.wasApplied(), true);
    const notApplied = await client.execute(lwt, [5, 0, 51], { prepare: true });
    assert.equal(notApplied.rows[0]["[applied]"], false);
    assert.equal(notApplied.wasApplied(), false);
    const kept = await client.execute("SELECT i FROM ks.all_types WHERE k = 5 AND c = 0");
    assert.equal(kept.rows[0].i, 50, "a failed IF NOT EXISTS must not write");
    // Cassandra returns [applied] = false followed by the existing row's columns.
    assert.equal(notApplied.rows[0].k, 5);
    assert.equal(notApplied.rows[0].i, 50, "a failed IF NOT EXISTS returns the existing row");
  });
});

Deno.test("driver DELETE of a cell and a row, then TRUNCATE", async () => {
  await withTypesTable(async (client) => {
    for (const k of [5, 6]) {
      await client.execute("INSERT INTO ks.all_types (k, c, i, t) VALUES (?, 0, ?, 'x')", [k, k], {
        prepare: true,
      });
    }
    await client.execute("DELETE i FROM ks.all_types WHERE k = ? AND c = ?", [5, 0], {
      prepare: true,
    });
    const cellGone = await client.execute("SELECT k, i, t FROM ks.all_types WHERE k = 5");
    assert.equal(cellGone.rows.length, 1);
    assert.equal(cellGone.rows[0].i, null);
    assert.equal(cellGone.rows[0].t, "x");
    await client.execute("DELETE FROM ks.all_types WHERE k = ? AND c = ?", [5, 0], {
      prepare: true,
    });
    assert.equal((await client.execute("SELECT * FROM ks.all_types WHERE k = 5")).rows.length, 0);
    assert.equal((await client.execute("SELECT * FROM ks.all_types")).rows.length, 1);
    await client.execute("TRUNCATE ks.all_types");
    assert.equal((await client.execute("SELECT * FROM ks.all_types")).rows.length, 0);
    await client.execute("INSERT INTO ks.all_types (k, c) VALUES (7, 0)");
    assert.equal((await client.execute("SELECT * FROM ks.all_types")).rows.length, 1);
  });
});

Deno.test("driver SELECT with IN, clustering ranges, ORDER BY DESC and LIMIT", async () => {
  await withTypesTable(async (client) => {
    for (const k of [1, 2, 3, 4]) {
      await client.execute("INSERT INTO ks.all_types (k, c) VALUES (?, 0)", [k], { prepare: true });
    }
    const inRows = await client.execute(
      "SELECT k FROM ks.all_types WHERE k IN (1, 2, 3, 5, 99)",
    );
    assert.deepEqual(inRows.rows.map((r) => r.k).sort(), [1, 2, 3]);
    const inBound = await client.execute("SELECT k FROM ks.all_types WHERE k IN ?", [[1, 4]], {
      prepare: true,
    });
    assert.deepEqual(inBound.rows.map((r) => r.k).sort(), [1, 4]);
    const inMarkers = await client.execute(
      "SELECT k FROM ks.all_types WHERE k IN (?, ?, ?)",
      [2, 3, 42],
      { prepare: true },
    );
    assert.deepEqual(inMarkers.rows.map((r) => r.k).sort(), [2, 3]);
    // IN values form a set: a repeated partition key yields its rows once.
    const inRepeated = await client.execute("SELECT k FROM ks.all_types WHERE k IN (2, 2, 3)");
    assert.deepEqual(inRepeated.rows.map((r) => r.k).sort(), [2, 3]);

    for (const c of shuffled(10, 7)) {
      await client.execute("INSERT INTO ks.all_types (k, c, i) VALUES (10, ?, ?)", [c, c * 10], {
        prepare: true,
      });
    }
    const cs = async (where: string, params: unknown[] = []) =>
      (await client.execute(`SELECT c FROM ks.all_types WHERE k = 10 ${where}`, params, {
        prepare: true,
      })).rows.map((r) => r.c);
    assert.deepEqual(await cs(""), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await cs("AND c > ? AND c <= ?", [3, 7]), [4, 5, 6, 7]);
    assert.deepEqual(await cs("AND c >= ? AND c < ?", [3, 5]), [3, 4]);
    assert.deepEqual(await cs("AND c > 8"), [9]);
    assert.deepEqual(await cs("AND c < 0"), []);
    assert.deepEqual(await cs("AND c <= 1"), [0, 1]);
    // Clustering IN returns rows in clustering order, each once; DESC reverses it.
    assert.deepEqual(await cs("AND c IN (7, 2, 5)"), [2, 5, 7]);
    assert.deepEqual(await cs("AND c IN (7, 2, 7)"), [2, 7]);
    assert.deepEqual(await cs("AND c IN ? ORDER BY c DESC", [[2, 7, 5]]), [7, 5, 2]);
    assert.deepEqual(await cs("ORDER BY c DESC"), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.deepEqual(await cs("AND c >= 2 AND c < 6 ORDER BY c DESC"), [5, 4, 3, 2]);
    assert.deepEqual(await cs("LIMIT 3"), [0, 1, 2]);
    assert.deepEqual(await cs("ORDER BY c DESC LIMIT ?", [2]), [9, 8]);
    assert.deepEqual(
      (await client.execute("SELECT k, c FROM ks.all_types LIMIT 5")).rows.length,
      5,
    );
  });
});

Deno.test("driver binds named markers from a values object", async () => {
  await withTypesTable(async (client) => {
    await client.execute("INSERT INTO ks.all_types (k, c, i) VALUES (10, 3, 30)");
    const named = await client.execute(
      "SELECT i FROM ks.all_types WHERE k = :k AND c = :c",
      { c: 3, k: 10 },
      { prepare: true },
    );
    assert.deepEqual(named.rows.map((r) => r.i), [30]);
    // Unprepared: the driver sends the values with their names (QUERY flag 0x40).
    const unprepared = await client.execute(
      "SELECT i FROM ks.all_types WHERE k = :key AND c = :ck",
      { ck: 3, key: 10 },
      // Hints by name are supported (utils.adaptNamedParamsWithHints) but not in the typings.
      { hints: { key: "int", ck: "int" } } as unknown as cassandra.QueryOptions,
    );
    assert.deepEqual(unprepared.rows.map((r) => r.i), [30]);
    // Prepared: the driver maps the object through the PREPARED metadata's marker names.
    await client.execute(
      "UPDATE ks.all_types SET t = :text WHERE k = :key AND c = :ck",
      { ck: 3, text: "named", key: 10 },
      { prepare: true },
    );
    const read = await client.execute("SELECT t FROM ks.all_types WHERE k = 10 AND c = 3");
    assert.equal(read.rows[0].t, "named");
  });
});

Deno.test("driver surfaces syntax, invalid-request and already-exists errors", async () => {
  await withNode({}, async ({ client }) => {
    await createStressSchema(client);
    await assertResponseError(() => client.execute("SELEC * FROM standard1"), CODES.syntaxError);
    await assertResponseError(
      () => client.execute("SELECT * FROM standard1 WHERE"),
      CODES.syntaxError,
    );
    await assertResponseError(
      () => client.execute("SELECT * FROM keyspace1.nope"),
      CODES.invalid,
      /^table nope does not exist$/,
    );
    await assertResponseError(
      () =>
        client.execute("SELECT * FROM nope WHERE key = ?", [Buffer.from("a")], { prepare: true }),
      CODES.invalid,
      /^table nope does not exist$/,
    );
    const exists = await assertResponseError(
      () =>
        client.execute(
          "CREATE KEYSPACE keyspace1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        ),
      CODES.alreadyExists,
    );
    assert.equal(exists.keyspace, "keyspace1");
    const tableExists = await assertResponseError(
      () => client.execute("CREATE TABLE standard1 (key blob PRIMARY KEY)"),
      CODES.alreadyExists,
    );
    assert.equal(tableExists.keyspace, "keyspace1");
    assert.equal(tableExists.table, "standard1");

    await client.execute("CREATE TABLE ints (k int PRIMARY KEY, v int)");
    // Without a hint a JS number goes out as an 8-byte double: Cassandra answers
    // "Expected 4 or 0 byte int (8)".
    await assertResponseError(
      () => client.execute("SELECT * FROM ints WHERE k = ?", [1]),
      CODES.invalid,
      /Expected 4 or 0 byte int \(8\)/,
    );
    await assertResponseError(
      () => client.execute("INSERT INTO ints (k, v) VALUES (?, ?)", [1, 2], { hints: ["int"] }),
      CODES.invalid,
    );
    // The connection is still usable after errors.
    await client.execute("INSERT INTO ints (k, v) VALUES (?, ?)", [1, 2], {
      hints: ["int", "int"],
    });
    const ok = await client.execute("SELECT v FROM ints WHERE k = ?", [1], { hints: ["int"] });
    assert.equal(ok.rows[0].v, 2);
  });
});
