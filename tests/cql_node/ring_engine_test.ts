// What a ring needs of each node's engine: schema changes handed to `onDdl` and run elsewhere
// with `applyDdl` (the schemas stay in step), system.peers rows, the per-table tally of reads and
// writes with the tokens written, and the ring's tokens.
import assert from "node:assert/strict";
import { CqlEngine } from "../../lib/cql_node/engine/cql_engine.ts";
import { RequestTally } from "../../lib/cql_node/engine/request_tally.ts";
import { murmur3PartitionToken } from "../../lib/core/murmur3_token.ts";
import { encodePartitionKey } from "../../lib/cql_node/engine/_keys.ts";
import { ringTokens } from "../../lib/cql_node/server/ring_tokens.ts";
import { CqlError } from "../../lib/cql_node/protocol/cql_error.ts";
import { TEST_NODE } from "./_engine_fixture.ts";

const NONE = { values: [], pageSize: 0, pagingState: null };

function engine(options: { tally?: RequestTally; onDdl?: (q: string, k?: string) => void } = {}) {
  return new CqlEngine({
    node: {
      ...TEST_NODE,
      peers: [{
        address: "127.0.0.2",
        port: 9042,
        datacenter: "datacenter1",
        rack: "rack2",
        releaseVersion: "5.0.6",
        hostId: "9d3ec2b4-0f2c-4a43-9d35-4c5e3b9f1a22",
        tokens: ["100", "200"],
      }],
    },
    clockMs: () => 0,
    randomBytes: (n) => new Uint8Array(n),
    ...options,
  });
}

const int = (n: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, n);
  return bytes;
};
const text = (s: string) => new TextEncoder().encode(s);

Deno.test("CqlEngine onDdl gets each schema change and TRUNCATE, not USE nor a failed statement", () => {
  const seen: [string, string | undefined][] = [];
  const node = engine({ onDdl: (query, keyspace) => seen.push([query, keyspace]) });
  const session = {};
  const ks =
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";
  node.query(ks, NONE, session);
  node.query("USE ks", NONE, session);
  node.query("CREATE TABLE t (k int PRIMARY KEY, v int)", NONE, session);
  node.query("TRUNCATE t", NONE, session);
  assert.throws(() => node.query("CREATE TABLE t (k int PRIMARY KEY)", NONE, session), CqlError);
  assert.deepEqual(seen, [
    [ks, undefined],
    ["CREATE TABLE t (k int PRIMARY KEY, v int)", "ks"],
    ["TRUNCATE t", "ks"],
  ]);
});

Deno.test("CqlEngine.applyDdl() keeps two engines' schemas and versions in step", () => {
  const other = engine();
  const node = engine({ onDdl: (query, keyspace) => other.applyDdl(query, keyspace) });
  const session = {};
  assert.equal(node.schema.version, other.schema.version);
  node.query(
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    NONE,
    session,
  );
  node.query("USE ks", NONE, session);
  node.query("CREATE TABLE t (k int PRIMARY KEY, v int)", NONE, session);
  node.query("INSERT INTO t (k, v) VALUES (1, 1)", NONE, session);
  assert.equal(node.schema.version, other.schema.version);
  assert.deepEqual(other.schema.describeTable("ks", "t"), node.schema.describeTable("ks", "t"));
  // Rows stay where they were written.
  assert.equal(node.schema.keyspaces.get("ks")!.tables.get("t")!.store.rowCount, 1);
  assert.equal(other.schema.keyspaces.get("ks")!.tables.get("t")!.store.rowCount, 0);
  // The statement log of the other engine did not count the replayed statements.
  assert.equal(other.statementLog.entries().length, 0);
});

Deno.test("system.peers and system.peers_v2 list the node's peers", () => {
  const node = engine();
  const session = {};
  const rows = (cql: string) => {
    const result = node.query(cql, NONE, session);
    assert.equal(result.kind, "rows");
    return result.kind === "rows" ? result : null!;
  };
  const v1 = rows("SELECT peer, rack, tokens, schema_version FROM system.peers");
  assert.equal(v1.rows.length, 1);
  assert.deepEqual([...v1.rows[0][0]!], [127, 0, 0, 2]);
  assert.equal(new TextDecoder().decode(v1.rows[0][1]!), "rack2");
  const v2 = rows("SELECT native_address, native_port FROM system.peers_v2");
  assert.deepEqual([...v2.rows[0][0]!], [127, 0, 0, 2]);
  assert.equal(new DataView(v2.rows[0][1]!.buffer, v2.rows[0][1]!.byteOffset).getInt32(0), 9042);
});

Deno.test("RequestTally counts reads and writes per table, batches statement by statement, and keeps the tokens written", () => {
  const tally = new RequestTally({ keepWriteTokens: true });
  const node = engine({ tally });
  const session = {};
  node.query(
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    NONE,
    session,
  );
  node.query("USE ks", NONE, session);
  node.query("CREATE TABLE t (k int PRIMARY KEY, v int)", NONE, session);
  node.query("CREATE TABLE c (a text, b int, v int, PRIMARY KEY ((a, b)))", NONE, session);
  const insert = node.prepare("INSERT INTO t (k, v) VALUES (?, ?)", session);
  for (const k of [1, 2, 2]) insert.run({ ...NONE, values: [int(k), int(0)] }, session);
  node.query("SELECT * FROM t WHERE k = 1", NONE, session);
  node.batch("logged", [
    { statement: insert, values: [int(3), int(0)] },
    {
      statement: node.prepare("INSERT INTO c (a, b, v) VALUES (?, ?, 0)", session),
      values: [text("x"), int(7)],
    },
  ], session);
  const counts = tally.tables().filter((entry) => entry.keyspace === "ks");
  const tokensOf = (...keys: Uint8Array[][]) =>
    keys.map((parts) => murmur3PartitionToken(encodePartitionKey(parts))).sort((
      a,
      b,
    ) => (a < b ? -1 : 1));
  assert.deepEqual(counts, [
    {
      keyspace: "ks",
      table: "t",
      reads: 1,
      writes: 4,
      writeTokens: tokensOf([int(1)], [int(2)], [int(3)]),
    },
    { keyspace: "ks", table: "c", reads: 0, writes: 1, writeTokens: tokensOf([text("x"), int(7)]) },
  ]);
  tally.reset();
  assert.deepEqual(tally.tables(), []);
  const plain = new RequestTally();
  engine({ tally: plain }).query("SELECT * FROM system.local", NONE, {});
  assert.deepEqual(plain.tables(), [
    { keyspace: "system", table: "local", reads: 1, writes: 0, writeTokens: [] },
  ]);
});

Deno.test("ringTokens() spaces the tokens evenly and deals them to the nodes in turn", () => {
  const tokens = ringTokens(3, 4);
  assert.deepEqual(tokens.map((t) => t.length), [4, 4, 4]);
  const all = tokens.flatMap((node, i) => node.map((t) => ({ token: BigInt(t), node: i })))
    .sort((a, b) => (a.token < b.token ? -1 : 1));
  assert.deepEqual(all.map((t) => t.node), [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const step = 2n ** 64n / 12n;
  for (let i = 1; i < all.length; i++) {
    const gap = all[i].token - all[i - 1].token;
    assert.ok(gap === step || gap === step + 1n, `gap ${gap}`);
  }
  assert.ok(all[0].token > -(2n ** 63n) && all.at(-1)!.token < 2n ** 63n);
  assert.throws(() => ringTokens(0, 1), RangeError);
  assert.throws(() => ringTokens(3, 1.5), RangeError);
});

Deno.test("CqlEngine on a ring warns of a replication factor above the ring's nodes, not above one", () => {
  const node = engine();
  const warningsOf = (query: string): string[] => {
    const result = node.query(query, NONE, {});
    return result.kind === "schemaChange" ? result.warnings ?? [] : [];
  };
  const simple = (ks: string, rf: number) =>
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`;
  // Two nodes: this one and its peer.
  assert.deepEqual(warningsOf(simple("two", 2)), []);
  assert.deepEqual(warningsOf(simple("three", 3)), [
    "Your replication factor 3 for keyspace three is higher than the number of nodes 2",
  ]);
  const nts =
    "CREATE KEYSPACE nts WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}";
  assert.deepEqual(warningsOf(nts), [
    "Your replication factor 3 for keyspace nts is higher than the number of nodes 2 for datacenter datacenter1",
  ]);
});

Deno.test("CqlEngine on a ring counts its nodes as live replicas: QUORUM at replication factor 2 or 3", () => {
  const QUORUM = 0x0004;
  const ALL = 0x0005;
  const LOCAL_QUORUM = 0x0006;
  const write = (node: CqlEngine, ks: string, consistency: number) =>
    node.query(`INSERT INTO ${ks}.t (k, v) VALUES (1, 1)`, { ...NONE, consistency }, {});
  const unavailable = (run: () => unknown, required: number, alive: number) =>
    assert.throws(run, (error: unknown) =>
      error instanceof CqlError &&
      error.message.startsWith("Cannot achieve consistency level") &&
      error.details.required === required && error.details.received === alive);
  const setUp = (node: CqlEngine, ks: string, replication: string) => {
    node.query(`CREATE KEYSPACE ${ks} WITH replication = ${replication}`, NONE, {});
    node.query(`CREATE TABLE ${ks}.t (k int PRIMARY KEY, v int)`, NONE, {});
  };
  // Two nodes: this one and its peer, both up.
  const ring = engine();
  setUp(ring, "rf2", "{'class': 'SimpleStrategy', 'replication_factor': 2}");
  write(ring, "rf2", QUORUM);
  write(ring, "rf2", ALL);
  setUp(ring, "rf3", "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
  write(ring, "rf3", QUORUM);
  write(ring, "rf3", LOCAL_QUORUM);
  unavailable(() => write(ring, "rf3", ALL), 3, 2);
  // One node alone, as Cassandra answers with one node up.
  const alone = new CqlEngine({
    node: TEST_NODE,
    clockMs: () => 0,
    randomBytes: (n) => new Uint8Array(n),
  });
  setUp(alone, "rf2", "{'class': 'SimpleStrategy', 'replication_factor': 2}");
  unavailable(() => write(alone, "rf2", QUORUM), 2, 1);
});
