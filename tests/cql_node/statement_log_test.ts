import assert from "node:assert/strict";
import { CqlEngine } from "../../lib/cql_node/engine/cql_engine.ts";
import { CqlError } from "../../lib/cql_node/protocol/cql_error.ts";
import { StatementLog } from "../../lib/cql_node/engine/statement_log.ts";
import { stressKey, stressValue, withNode } from "./_driver_fixture.ts";

const NONE = { values: [], pageSize: 0, pagingState: null };

function newEngine(statementLogTexts?: number): CqlEngine {
  return new CqlEngine({
    node: {
      address: "127.0.0.1",
      port: 9042,
      clusterName: "Test",
      datacenter: "datacenter1",
      rack: "rack1",
      releaseVersion: "4.0.11",
      hostId: "8d3ec2b4-0f2c-4a43-9d35-4c5e3b9f1a22",
      tokens: ["0"],
    },
    clockMs: () => 0,
    randomBytes: (n) => new Uint8Array(n),
    statementLogTexts,
  });
}

function int(n: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, n);
  return bytes;
}

const KS =
  "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";
const TABLE = "CREATE TABLE ks.t (k int PRIMARY KEY, v int)";

Deno.test("StatementLog.counter() returns one live counter per text", () => {
  const log = new StatementLog();
  const a = log.counter("SELECT 1");
  assert.equal(log.counter("SELECT 1"), a);
  a.executed += 3;
  log.counter("SELECT 2").queried++;
  assert.deepEqual([...log.statements], [
    ["SELECT 1", { prepared: 0, executed: 3, queried: 0, batched: 0 }],
    ["SELECT 2", { prepared: 0, executed: 0, queried: 1, batched: 0 }],
  ]);
  // The map is a snapshot: changing it changes nothing.
  (log.statements.get("SELECT 1") as { executed: number }).executed = 99;
  assert.equal(log.statements.get("SELECT 1")!.executed, 3);
});

Deno.test("StatementLog keeps at most maxTexts texts and counts the rest as overflow", () => {
  const log = new StatementLog({ maxTexts: 2 });
  log.counter("a").prepared++;
  log.counter("b").batched++;
  log.counter("c").queried++;
  log.counter("d").executed += 2;
  log.counter("a").executed++; // a kept text still counts
  assert.deepEqual(log.entries(), [
    { text: "a", kind: "prepare", count: 1 },
    { text: "a", kind: "execute", count: 1 },
    { text: "b", kind: "batch", count: 1 },
  ]);
  assert.equal(log.overflowCount, 3);
  assert.throws(() => new StatementLog({ maxTexts: -1 }), RangeError);
  assert.throws(() => new StatementLog({ maxTexts: 1.5 }), RangeError);
});

Deno.test("StatementLog.reset() zeroes counts, and held counters keep counting", () => {
  const log = new StatementLog({ maxTexts: 1 });
  const held = log.counter("a");
  held.executed = 5;
  log.counter("b").queried++;
  log.reset();
  assert.deepEqual(log.entries(), []);
  assert.equal(log.statements.size, 0);
  assert.equal(log.overflowCount, 0);
  held.executed++;
  assert.deepEqual(log.entries(), [{ text: "a", kind: "execute", count: 1 }]);
});

Deno.test("CqlEngine.statementLog counts PREPARE, EXECUTE, QUERY and BATCH by exact text", () => {
  const engine = newEngine();
  const session = {};
  engine.query(KS, NONE, session);
  engine.query(TABLE, NONE, session);
  const insertText = "INSERT INTO ks.t (k, v) VALUES (?, ?)";
  const insert = engine.prepare(insertText, session);
  assert.equal(engine.prepare(insertText, session), insert); // cached, still counted
  for (let k = 0; k < 3; k++) insert.run({ ...NONE, values: [int(k), int(k)] }, session);
  const select = "SELECT v FROM ks.t WHERE k = 1";
  engine.query(select, NONE, session);
  engine.query(select, NONE, session);
  engine.batch("logged", [
    { statement: insert, values: [int(7), int(7)] },
    { statement: insert, values: [int(8), int(8)] },
  ], session);
  // A BATCH statement text counts once, as what it arrived as; its parts do not count.
  const batchText = "BEGIN BATCH INSERT INTO ks.t (k, v) VALUES (9, 9); " +
    "INSERT INTO ks.t (k, v) VALUES (10, 10); APPLY BATCH";
  engine.query(batchText, NONE, session);
  assert.throws(() => engine.query("SELEC nonsense", NONE, session), CqlError);
  assert.deepEqual(engine.statementLog.entries(), [
    { text: KS, kind: "query", count: 1 },
    { text: TABLE, kind: "query", count: 1 },
    { text: insertText, kind: "prepare", count: 2 },
    { text: insertText, kind: "execute", count: 3 },
    { text: insertText, kind: "batch", count: 2 },
    { text: select, kind: "query", count: 2 },
    { text: batchText, kind: "query", count: 1 },
    { text: "SELEC nonsense", kind: "query", count: 1 },
  ]);
});

Deno.test("CqlEngine.statementLog keeps counting a prepared text across a schema change", () => {
  const engine = newEngine(3);
  const session = {};
  engine.query(KS, NONE, session);
  engine.query(TABLE, NONE, session);
  const text = "SELECT v FROM ks.t WHERE k = ?";
  engine.prepare(text, session).run({ ...NONE, values: [int(1)] }, session);
  engine.query("CREATE TABLE ks.u (k int PRIMARY KEY)", NONE, session); // the 4th text
  engine.query("DROP TABLE ks.u", NONE, session); // evicts prepared statements
  engine.prepare(text, session).run({ ...NONE, values: [int(1)] }, session);
  assert.deepEqual(engine.statementLog.statements.get(text), {
    prepared: 2,
    executed: 2,
    queried: 0,
    batched: 0,
  });
  assert.equal(engine.statementLog.overflowCount, 2);
});

const COLUMNS = ["C0", "C1", "C2", "C3", "C4"].map((c) => `"${c}"`);
const CREATE_KEYSPACE1 =
  `CREATE KEYSPACE IF NOT EXISTS "keyspace1" WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor' : '1'} AND durable_writes = true;`;
const CREATE_STANDARD1 = "CREATE TABLE IF NOT EXISTS keyspace1.standard1 (key blob PRIMARY KEY \n" +
  COLUMNS.map((c) => `, ${c} blob\n`).join("").slice(0, -1) +
  ") WITH compression = {'sstable_compression' : 'SnappyCompressor'}" +
  " AND compaction = { 'class' : 'LeveledCompactionStrategy', 'sstable_size_in_mb' : '160'};";
const WRITE = `UPDATE "standard1" SET ${COLUMNS.map((c) => `${c} = ?`).join(",")} WHERE KEY=?`;

Deno.test("CqlServer.statements shows what a driver sent: prepared writes, batches, queries", async () => {
  await withNode({}, async ({ server, client }) => {
    await client.execute(CREATE_KEYSPACE1);
    await client.execute(CREATE_STANDARD1);
    await client.execute('USE "keyspace1"');
    server.resetStatementLog();
    const n = 25;
    for (let i = 0; i < n; i++) {
      const params = [0, 1, 2, 3, 4].map((c) => stressValue(i, c));
      await client.execute(WRITE, [...params, stressKey(i)], { prepare: true });
    }
    const one = [0, 1, 2, 3, 4].map((c) => stressValue(99, c));
    await client.batch([
      { query: WRITE, params: [...one, stressKey(98)] },
      { query: WRITE, params: [...one, stressKey(99)] },
    ], { prepare: true });
    assert.deepEqual(server.statements.get(WRITE), {
      prepared: 1,
      executed: n,
      queried: 0,
      batched: 2,
    });
    assert.deepEqual(server.statementLog().filter((e) => e.text === WRITE), [
      { text: WRITE, kind: "prepare", count: 1 },
      { text: WRITE, kind: "execute", count: n },
      { text: WRITE, kind: "batch", count: 2 },
    ]);
    assert.equal(server.statementLogOverflow, 0);
  });
});

Deno.test("CqlServer keeps the statements a BATCH sends by text out of the prepared cache", async () => {
  // The Python driver binds a BatchStatement's simple statements on the client: every batch
  // sends new texts, which must neither fill the prepared cache nor count as PREPARE.
  await withNode({}, async ({ server, client }) => {
    await client.execute(KS);
    await client.execute(TABLE);
    const preparedBefore = server.engine.preparedCount;
    server.resetStatementLog();
    for (let i = 0; i < 20; i++) {
      await client.batch([
        `INSERT INTO ks.t (k, v) VALUES (${2 * i}, ${i})`,
        `INSERT INTO ks.t (k, v) VALUES (${2 * i + 1}, ${i})`,
      ], { prepare: false });
    }
    const count = await client.execute("SELECT count(*) FROM ks.t");
    assert.equal(Number(count.rows[0]["count"]), 40);
    assert.equal(server.engine.preparedCount, preparedBefore);
    assert.deepEqual(server.statements.get("INSERT INTO ks.t (k, v) VALUES (6, 3)"), {
      prepared: 0,
      executed: 0,
      queried: 0,
      batched: 1,
    });
    assert.deepEqual(
      server.statementLog().filter((e) => e.kind === "prepare"),
      [],
    );
  });
});

Deno.test("CqlServer keeps -schema compression and compaction, normalised in system_schema.tables", async () => {
  await withNode({}, async ({ server, client }) => {
    await client.execute(CREATE_KEYSPACE1);
    await client.execute(CREATE_STANDARD1);
    await client.execute(
      "CREATE TABLE keyspace1.plain (k int PRIMARY KEY) WITH compression = {}",
    );
    const rows = await client.execute(
      "SELECT table_name, compaction, compression FROM system_schema.tables " +
        "WHERE keyspace_name = 'keyspace1'",
    );
    const byName = new Map(rows.rows.map((r) => [r["table_name"], r]));
    assert.deepEqual(byName.get("standard1")!["compaction"], {
      class: "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
      max_threshold: "32",
      min_threshold: "4",
      sstable_size_in_mb: "160",
    });
    assert.deepEqual(byName.get("standard1")!["compression"], {
      chunk_length_in_kb: "16",
      class: "org.apache.cassandra.io.compress.SnappyCompressor",
    });
    assert.deepEqual(byName.get("plain")!["compression"], { enabled: "false" });
    // The driver's own schema metadata reads the same rows.
    const meta = await client.metadata.getTable("keyspace1", "standard1");
    assert.equal(
      meta?.compactionClass,
      "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
    );
    // The node's schema, as given.
    assert.deepEqual(server.describeTable("keyspace1", "standard1"), {
      keyspace: "keyspace1",
      table: "standard1",
      replication: {
        class: "org.apache.cassandra.locator.SimpleStrategy",
        replication_factor: "1",
      },
      columns: [
        { name: "key", type: "blob", kind: "partition_key" },
        ...["C0", "C1", "C2", "C3", "C4"].map((name) => ({ name, type: "blob", kind: "regular" })),
      ],
      partitionKey: ["key"],
      clustering: [],
      options: {
        compression: { sstable_compression: "SnappyCompressor" },
        compaction: { class: "LeveledCompactionStrategy", sstable_size_in_mb: "160" },
      },
    });
    assert.equal(server.describeTable("keyspace1", "nope"), undefined);
  });
});
