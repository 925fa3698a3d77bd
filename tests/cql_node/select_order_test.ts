// ORDER BY as Cassandra 5.0 checks and answers it: the clustering columns in declared order, all
// in their declared direction or all reversed; rows of an IN on the partition key sorted together,
// never paged.
import assert from "node:assert/strict";
import {
  assertCqlError,
  type EngineFixture,
  engineFixture,
  intRows,
  INVALID,
} from "./_engine_fixture.ts";

const NOT_DECLARED_ORDER = "Order by currently only supports the ordering of columns following " +
  "their declared order in the PRIMARY KEY";

function mixed(): EngineFixture {
  const fixture = engineFixture();
  fixture.run(
    "CREATE TABLE t (p int, c int, d int, v int, PRIMARY KEY (p, c, d)) " +
      "WITH CLUSTERING ORDER BY (c DESC, d ASC)",
  );
  for (const [c, d] of [[1, 1], [1, 2], [2, 1], [2, 2]]) {
    fixture.run(`INSERT INTO t (p, c, d, v) VALUES (1, ${c}, ${d}, 0)`);
  }
  return fixture;
}

const cd = (fixture: EngineFixture, cql: string) =>
  intRows(fixture.run(cql)).map(([c, d]) => `${c}/${d}`);

Deno.test("selectOrder() reads in or against the clustering order, as the ORDER BY says", () => {
  const fixture = mixed();
  const table = ["2/1", "2/2", "1/1", "1/2"];
  const reversed = table.toReversed();
  assert.deepEqual(cd(fixture, "SELECT c, d FROM t WHERE p = 1"), table);
  assert.deepEqual(cd(fixture, "SELECT c, d FROM t WHERE p = 1 ORDER BY c DESC, d ASC"), table);
  assert.deepEqual(cd(fixture, "SELECT c, d FROM t WHERE p = 1 ORDER BY c ASC, d DESC"), reversed);
  assert.deepEqual(cd(fixture, "SELECT c, d FROM t WHERE p = 1 ORDER BY c ASC"), reversed);
  // A column restricted by = may be left out; the next one then sets the direction.
  assert.deepEqual(cd(fixture, "SELECT c, d FROM t WHERE p = 1 AND c = 2 ORDER BY d DESC"), [
    "2/2",
    "2/1",
  ]);
  // Cassandra keys the ORDER BY by column: a column named twice takes its last direction.
  assert.deepEqual(cd(fixture, "SELECT c, d FROM t WHERE p = 1 ORDER BY c DESC, c ASC"), reversed);
});

Deno.test("selectOrder() refuses an ORDER BY against the declared order or directions", () => {
  const fixture = mixed();
  const cases: [string, string][] = [
    ["ORDER BY c ASC, d ASC", "Unsupported order by relation"],
    ["ORDER BY c DESC, d DESC", "Unsupported order by relation"],
    ["ORDER BY d DESC", NOT_DECLARED_ORDER],
    ["AND c IN (1, 2) ORDER BY d ASC", NOT_DECLARED_ORDER],
    ["ORDER BY d ASC, c DESC", NOT_DECLARED_ORDER],
    [
      "ORDER BY v ASC",
      "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v",
    ],
    ["ORDER BY x ASC", "Undefined column name x in table ks.t"],
  ];
  for (const [tail, message] of cases) {
    const cql = `SELECT c, d FROM t WHERE p = 1 ${tail}`;
    assertCqlError(() => fixture.run(cql), INVALID, message);
  }
  assertCqlError(
    () => fixture.run("SELECT c, d FROM t ORDER BY c DESC"),
    INVALID,
    "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
  );
});

Deno.test("selectOrder() sorts the rows of an IN on the partition key together, unpaged", () => {
  const fixture = engineFixture();
  fixture.run("CREATE TABLE t (p int, c int, PRIMARY KEY (p, c))");
  for (const [p, c] of [[100, 5], [101, 3], [101, 7], [102, 1]]) {
    fixture.run(`INSERT INTO t (p, c) VALUES (${p}, ${c})`);
  }
  const cs = (cql: string) => intRows(fixture.run(cql)).map(([c]) => c);
  assert.deepEqual(cs("SELECT c FROM t WHERE p IN (100, 101) ORDER BY c ASC"), [3, 5, 7]);
  assert.deepEqual(cs("SELECT c FROM t WHERE p IN (100, 101, 102) ORDER BY c DESC"), [7, 5, 3, 1]);
  // LIMIT applies after the sort.
  assert.deepEqual(cs("SELECT c FROM t WHERE p IN (100, 101, 102) ORDER BY c ASC LIMIT 2"), [1, 3]);
  assert.deepEqual(cs("SELECT c FROM t WHERE p IN (100, 101)"), [5, 3, 7]);
});

Deno.test("selectOrder() refuses to page an IN on the partition key with ORDER BY", () => {
  const fixture = engineFixture();
  fixture.run("CREATE TABLE t (p int, c int, PRIMARY KEY (p, c))");
  fixture.run("INSERT INTO t (p, c) VALUES (1, 1)");
  const message = "Cannot page queries with both ORDER BY and a IN restriction on the partition " +
    "key; you must either remove the ORDER BY or the IN and sort client side, or disable paging " +
    "for this query";
  for (
    const cql of [
      "SELECT c FROM t WHERE p IN (1, 2) ORDER BY c ASC",
      "SELECT c FROM t WHERE p IN (1) ORDER BY c DESC",
    ]
  ) {
    assertCqlError(() => fixture.run(cql, { pageSize: 100 }), INVALID, message);
  }
  // A single partition named by = pages with ORDER BY.
  const page = fixture.run("SELECT c FROM t WHERE p = 1 ORDER BY c DESC", { pageSize: 100 });
  assert.deepEqual(intRows(page), [[1]]);
});
