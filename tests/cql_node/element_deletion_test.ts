// `DELETE m[key], l[index], s[element] FROM ...`: deleting elements of collections as Apache
// Cassandra 5.0.6 does (the values left, prepared metadata and refusals, with the list index
// bound error). Every expected answer was observed on a one-node Cassandra 5.0.6
// (`deno task cassandra`) given the same statements through the Python driver; the old node
// refused `m[` as a syntax error.
import assert from "node:assert/strict";
import { answerText } from "./_answer_text.ts";
import { assertCqlError, type EngineFixture, engineFixture, INVALID } from "./_engine_fixture.ts";
import { formatCqlType } from "../../lib/cql_node/values/cql_type.ts";

function tables(): EngineFixture {
  const f = engineFixture();
  f.run(
    "CREATE TABLE w (k int PRIMARY KEY, v int, l list<int>, s set<int>, m map<int, text>, " +
      "fl frozen<list<int>>, fm frozen<map<int, int>>, fs frozen<set<int>>)",
  );
  f.run(
    "INSERT INTO w (k, v, l, s, m, fl) VALUES (1, 1, [10, 20], {1, 2, 3}, {1: 'a', 2: 'b'}, [1])",
  );
  f.run(
    "CREATE TABLE w2 (k int, c int, v int, t int, l list<int>, sl list<int> static, " +
      "sm map<int, int> static, PRIMARY KEY (k, c))",
  );
  f.run(
    "INSERT INTO w2 (k, c, v, t, l, sl, sm) VALUES (1, 1, 1, 1, [1, 2, 3], [7, 8], {1: 1, 2: 2})",
  );
  return f;
}

function rowsOf(f: EngineFixture, cql: string): string {
  return answerText(f.run(cql)).rows;
}

Deno.test("compileElementDeletions() deletes map keys, list indexes and set elements", () => {
  const f = tables();
  f.run("DELETE m[1] FROM w WHERE k = 1");
  f.run("DELETE m[9] FROM w WHERE k = 1");
  f.run("DELETE l[0] FROM w WHERE k = 1");
  f.run("DELETE s[2] FROM w WHERE k = 1");
  f.run("DELETE s[9] FROM w WHERE k = 1");
  assert.equal(rowsOf(f, "SELECT l, s, m FROM w WHERE k = 1"), "[20], {1, 3}, {2: 'b'}");
  // A map or set element of a row that does not exist is no error.
  f.run("DELETE m[1] FROM w WHERE k = 2");
  f.run("DELETE s[1] FROM w WHERE k = 2");
  f.run("DELETE l[0], v FROM w WHERE k = 1");
  f.run("DELETE m[?] FROM w WHERE k = ?", { values: [2, 1], prepare: true });
  // The row stays: it was INSERTed.
  assert.equal(
    rowsOf(f, "SELECT * FROM w WHERE k = 1"),
    "1, [1], null, null, null, null, {1, 3}, null",
  );
  assert.equal(rowsOf(f, "SELECT * FROM w WHERE k = 2"), "");
  // Static collections, with the clustering key or without.
  f.run("DELETE sl[0] FROM w2 WHERE k = 1");
  f.run("DELETE sm[1] FROM w2 WHERE k = 1");
  f.run("DELETE l[1], sl[0] FROM w2 WHERE k = 1 AND c = 1");
  assert.equal(rowsOf(f, "SELECT * FROM w2"), "1, 1, null, {2: 2}, [1, 3], 1, 1");
  f.run(
    "BEGIN BATCH DELETE l[0] FROM w2 WHERE k = 1 AND c = 1; DELETE sm[2] FROM w2 WHERE k = 1; " +
      "APPLY BATCH",
  );
  assert.equal(rowsOf(f, "SELECT * FROM w2"), "1, 1, null, null, [3], 1, 1");
  // An UPDATEd row goes with its last cell.
  f.run("UPDATE w2 SET l = [5] WHERE k = 3 AND c = 1");
  f.run("DELETE l[0] FROM w2 WHERE k = 3 AND c = 1");
  assert.equal(rowsOf(f, "SELECT * FROM w2 WHERE k = 3"), "");
  f.run("INSERT INTO w2 (k, c, l) VALUES (2, 1, [4])");
  assert.equal(rowsOf(f, "DELETE l[0] FROM w2 WHERE k = 2 AND c = 1 IF EXISTS"), "true");
  assert.equal(rowsOf(f, "SELECT * FROM w2 WHERE k = 2"), "2, 1, null, null, null, null, null");
});

Deno.test("compileElementDeletions() names its markers idx(l), key(m) and value(s)", () => {
  const f = tables();
  for (
    const [cql, name] of [
      ["DELETE m[?] FROM ks.w WHERE k = ?", "key(m) int"],
      ["DELETE l[?] FROM ks.w WHERE k = ?", "idx(l) int"],
      ["DELETE s[?] FROM ks.w WHERE k = ?", "value(s) int"],
    ]
  ) {
    const binds = f.engine.prepare(cql, {}).binds;
    assert.deepEqual(binds.map((spec) => `${spec.name} ${formatCqlType(spec.type)}`), [
      name,
      "k int",
    ]);
  }
});

Deno.test("compileElementDeletions() refuses what Cassandra refuses", () => {
  const f = tables();
  f.run("DELETE l[0] FROM w WHERE k = 1");
  const cases: [string, string][] = [
    ["DELETE l[9] FROM w WHERE k = 1", "List index 9 out of bound, list has size 1"],
    ["DELETE l[-1] FROM w WHERE k = 1", "List index -1 out of bound, list has size 1"],
    ["DELETE v[1] FROM w WHERE k = 1", "Invalid deletion operation for non collection column v"],
    [
      "DELETE fl[0] FROM w WHERE k = 1",
      "Invalid deletion operation for frozen collection column fl",
    ],
    [
      "DELETE fm[0] FROM w WHERE k = 1",
      "Invalid deletion operation for frozen collection column fm",
    ],
    [
      "DELETE fs[0] FROM w WHERE k = 1",
      "Invalid deletion operation for frozen collection column fs",
    ],
    ["DELETE l['a'] FROM w WHERE k = 1", 'Invalid STRING constant (a) for "idx(l)" of type int'],
    ["DELETE m['a'] FROM w WHERE k = 1", 'Invalid STRING constant (a) for "key(m)" of type int'],
    ["DELETE l[null] FROM w WHERE k = 1", "Invalid null value for list index"],
    ["DELETE m[null] FROM w WHERE k = 1", "Invalid null map key"],
    ["DELETE s[null] FROM w WHERE k = 1", "Invalid null set element"],
    ["DELETE l[0] FROM w WHERE k = 2", "Attempted to delete an element from a list which is null"],
    ["DELETE nope[1] FROM w WHERE k = 1", "Undefined column name nope in table ks.w"],
    [
      "DELETE k[1] FROM w WHERE k = 1",
      "Invalid identifier k for deletion (should not be a PRIMARY KEY part)",
    ],
    [
      "DELETE l[0] FROM w WHERE k = 1 AND v = 1",
      "Non PRIMARY KEY columns found in where clause: v ",
    ],
    [
      "DELETE FROM w2 WHERE k = 1 AND c = 1 AND v = 1 AND t = 2",
      "Non PRIMARY KEY columns found in where clause: t, v ",
    ],
    ["DELETE l[1] FROM w2 WHERE k = 1", "Range deletions are not supported for specific columns"],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
  // `l[0][1]` is no deletion: FROM is expected after `l[0]`.
  assertCqlError(
    () => f.run("DELETE l[0][1] FROM w WHERE k = 3"),
    0x2000,
    "line 1:11 mismatched input '[' expecting K_FROM (DELETE l[0][[]...)",
  );
});
