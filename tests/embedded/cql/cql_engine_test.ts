import assert from "node:assert/strict";
import { CqlEngine, type ExecResult } from "../../../lib/embedded/cql/cql_engine.ts";
import { CqlError } from "../../../lib/embedded/cql/cql_error.ts";

function engine(): { run: (cql: string) => ExecResult } {
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
  return { run: (cql) => node.query(cql, none, session) };
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
