import assert from "node:assert/strict";
import { CqlEngine, type ExecResult } from "../../lib/cql_node/engine/cql_engine.ts";
import { CqlError } from "../../lib/cql_node/protocol/cql_error.ts";

function engine(): { run: (cql: string) => ExecResult; node: CqlEngine; session: object } {
  const node = new CqlEngine({
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
  });
  const session = {};
  const none = { values: [], pageSize: 0, pagingState: null };
  return { run: (cql) => node.query(cql, none, session), node, session };
}

function ints(result: ExecResult): number[] {
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return [];
  return result.rows.map((row) => new DataView(row[0]!.buffer, row[0]!.byteOffset).getInt32(0));
}

function setUp() {
  const { run } = engine();
  run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  run("USE ks");
  run("CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))");
  for (let c = 1; c <= 6; c++) run(`INSERT INTO t (k, c, v) VALUES (1, ${c}, ${c * 10})`);
  return run;
}

Deno.test("CqlEngine deletes several clustering ranges of one partition (IN, slices)", () => {
  const run = setUp();
  run("DELETE FROM t WHERE k = 1 AND c IN (5, 2, 3)");
  assert.deepEqual(ints(run("SELECT c FROM t WHERE k = 1")), [1, 4, 6]);
  run("DELETE FROM t WHERE k = 1 AND c > 1 AND c <= 4");
  assert.deepEqual(ints(run("SELECT c FROM t WHERE k = 1")), [1, 6]);
  run("DELETE FROM t WHERE k = 1");
  assert.deepEqual(ints(run("SELECT c FROM t")), []);
});

Deno.test("CqlEngine rejects deleting cells or conditionally without the full primary key", () => {
  const run = setUp();
  for (
    const cql of [
      "DELETE v FROM t WHERE k = 1",
      "DELETE FROM t WHERE k = 1 IF EXISTS",
      "DELETE FROM t WHERE c = 1",
    ]
  ) {
    assert.throws(() => run(cql), CqlError, cql);
  }
  assert.deepEqual(ints(run("SELECT c FROM t WHERE k = 1")), [1, 2, 3, 4, 5, 6]);
});

Deno.test("CqlEngine applies UPDATE ... IF EXISTS only to existing rows", () => {
  const run = setUp();
  const missed = run("UPDATE t SET v = 0 WHERE k = 2 AND c = 1 IF EXISTS");
  assert.equal(missed.kind === "rows" && missed.rows[0][0]![0], 0);
  assert.deepEqual(ints(run("SELECT c FROM t WHERE k = 2")), []);
  const hit = run("UPDATE t SET v = 7 WHERE k = 1 AND c = 1 IF EXISTS");
  assert.equal(hit.kind === "rows" && hit.rows[0][0]![0], 1);
  assert.deepEqual(ints(run("SELECT v FROM t WHERE k = 1 AND c = 1")), [7]);
});

Deno.test("CqlEngine rejects the compaction and compression options Cassandra rejects", () => {
  const { run } = engine();
  run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  const cases: [string, number, RegExp][] = [
    ["compaction = {'class': 'NopeStrategy'}", 0x2300, /compaction strategy class/],
    ["compaction = {'min_threshold': '4'}", 0x2300, /Missing sub-option 'class'/],
    ["compaction = 'LeveledCompactionStrategy'", 0x2000, /should be a map/],
    ["compression = {'class': 'NopeCompressor'}", 0x2300, /Could not create Compression/],
    ["compression = {'chunk_length_in_kb': '64'}", 0x2300, /Missing sub-option 'class'/],
    ["compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': '48'}", 0x2300, /power of 2/],
  ];
  for (const [options, code, message] of cases) {
    assert.throws(() => run(`CREATE TABLE ks.t (k int PRIMARY KEY) WITH ${options}`), (error) => {
      assert.ok(error instanceof CqlError, options);
      assert.equal(error.code, code, options);
      assert.match(error.message, message);
      return true;
    });
  }
  // Nothing was created; fully qualified classes are taken on trust, as Cassandra loads them.
  run(
    "CREATE TABLE ks.t (k int PRIMARY KEY) WITH compaction = {'class': 'com.example.Custom'} " +
      "AND compression = {'class': 'ZstdCompressor', 'chunk_length_kb': '64', 'enabled': 'true'}",
  );
  const row = run(
    "SELECT compaction, compression FROM system_schema.tables " +
      "WHERE keyspace_name = 'ks' AND table_name = 't'",
  );
  assert.equal(row.kind, "rows");
  if (row.kind !== "rows") return;
  const text = (bytes: Uint8Array | null) => new TextDecoder().decode(bytes!);
  // frozen<map<text, text>>: [n] then [len][key][len][value]...
  const pairs = (bytes: Uint8Array | null) => {
    const view = new DataView(bytes!.buffer, bytes!.byteOffset);
    const out: Record<string, string> = {};
    let at = 4;
    for (let i = 0; i < view.getInt32(0); i++) {
      const kLen = view.getInt32(at);
      const key = text(bytes!.subarray(at + 4, at + 4 + kLen));
      at += 4 + kLen;
      const vLen = view.getInt32(at);
      out[key] = text(bytes!.subarray(at + 4, at + 4 + vLen));
      at += 4 + vLen;
    }
    return out;
  };
  assert.deepEqual(pairs(row.rows[0][0]), {
    class: "com.example.Custom",
    max_threshold: "32",
    min_threshold: "4",
  });
  assert.deepEqual(pairs(row.rows[0][1]), {
    chunk_length_in_kb: "64",
    class: "org.apache.cassandra.io.compress.ZstdCompressor",
  });
});

Deno.test("CqlEngine prepares IN lists and tuple slices with each marker named for its column", () => {
  const { run, node, session } = engine();
  run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  run("USE ks");
  run("CREATE TABLE s (k int, a int, b int, v int, PRIMARY KEY (k, a, b))");
  for (const k of [1, 2, 3]) {
    for (const a of [1, 2]) {
      for (const b of [1, 2, 3]) run(`INSERT INTO s (k, a, b, v) VALUES (${k}, ${a}, ${b}, ${k})`);
    }
  }
  const int = (n: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setInt32(0, n);
    return bytes;
  };
  const execute = (cql: string, values: number[]) => {
    const prepared = node.prepare(cql, session);
    const result = prepared.run(
      { values: values.map(int), pageSize: 0, pagingState: null },
      session,
    );
    return {
      names: prepared.binds.map((bind) => bind.name),
      rows: result.kind === "rows" ? result.rows : [],
    };
  };
  // As Cassandra names them (cassandra-stress binds a profile query's markers by these names).
  const byKeys = execute("SELECT v FROM s WHERE k IN (?, ?)", [3, 1]);
  assert.deepEqual(byKeys.names, ["k", "k"]);
  assert.equal(byKeys.rows.length, 12);
  const slice = execute("SELECT a, b FROM s WHERE k = ? AND (a, b) > (?, ?)", [2, 1, 2]);
  assert.deepEqual(slice.names, ["k", "a", "b"]);
  assert.deepEqual(
    slice.rows.map((row) =>
      row.map((cell) => new DataView(cell!.buffer, cell!.byteOffset).getInt32(0))
    ),
    [[1, 3], [2, 1], [2, 2], [2, 3]],
  );
  const between = execute("SELECT a FROM s WHERE k = ? AND (a, b) >= (?, ?) AND (a, b) < (?, ?)", [
    2,
    1,
    3,
    2,
    2,
  ]);
  assert.deepEqual(between.names, ["k", "a", "b", "a", "b"]);
  assert.equal(between.rows.length, 2);
  const list = node.prepare("SELECT v FROM s WHERE k IN ?", session);
  assert.deepEqual(list.binds.map((bind) => bind.name), ["in(k)"]);
});

Deno.test("CqlEngine.prepare() types a marker inside a function call by the function's argument", () => {
  const { run, node, session } = engine();
  run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  run("USE ks");
  run("CREATE TABLE b (k blob, c timeuuid, v int, PRIMARY KEY (k, c))");
  const specs = (cql: string) =>
    node.prepare(cql, session).binds.map((bind) => [
      bind.name,
      bind.type.kind === "native" ? bind.type.name : bind.type.kind,
    ]);
  assert.deepEqual(specs("SELECT v FROM b WHERE k = intAsBlob(?) AND c > minTimeuuid(?)"), [
    ["arg0(system.intasblob)", "int"],
    ["arg0(system.mintimeuuid)", "timestamp"],
  ]);
  assert.deepEqual(specs("INSERT INTO b (k, c, v) VALUES (?, maxTimeuuid(:t), blobAsInt(?))"), [
    ["k", "blob"],
    ["t", "timestamp"],
    ["arg0(system.blobasint)", "blob"],
  ]);
});
