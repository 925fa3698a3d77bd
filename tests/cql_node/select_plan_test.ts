// compileSelect(): aggregates, SELECT DISTINCT's checks and LIMIT values, as Cassandra 5.0
// answers them.
import assert from "node:assert/strict";
import {
  assertCqlError,
  columnNames,
  type EngineFixture,
  engineFixture,
  intRows,
  INVALID,
} from "./_engine_fixture.ts";

function fixture(): EngineFixture {
  const f = engineFixture();
  f.run("CREATE TABLE t (p int, c int, s int static, v int, PRIMARY KEY (p, c))");
  for (let p = 1; p <= 3; p++) {
    for (let c = 1; c <= 25; c++) f.run(`INSERT INTO t (p, c, v) VALUES (${p}, ${c}, 0)`);
  }
  return f;
}

Deno.test("compileSelect() counts every row whatever the LIMIT, which applies to the result row", () => {
  const f = fixture();
  for (const pageSize of [0, 10]) {
    assert.deepEqual(intRows(f.run("SELECT count(*) FROM t LIMIT 10", { pageSize })), [[75]]);
    assert.deepEqual(intRows(f.run("SELECT count(*) FROM t WHERE p = 1 LIMIT 1", { pageSize })), [
      [25],
    ]);
  }
  assertCqlError(
    () => f.run("SELECT count(*) FROM t LIMIT 0"),
    INVALID,
    "LIMIT must be strictly positive",
  );
});

Deno.test("compileSelect() returns each count column with its name or alias", () => {
  const f = fixture();
  const result = f.run("SELECT count(*) AS n, count(1) FROM t WHERE p = 1");
  assert.deepEqual(columnNames(result), ["n", "count"]);
  assert.deepEqual(intRows(result), [[25, 25]]);
  const warned = f.run("SELECT count(*) FROM t WHERE p IN (1, 2)");
  assert.deepEqual(intRows(warned), [[50]]);
  assert.deepEqual(warned.kind === "rows" && warned.warnings, [
    "Aggregation query used on multiple partition keys (IN restriction)",
  ]);
});

Deno.test("compileSelect() refuses SELECT DISTINCT of other than partition key and static columns", () => {
  const f = fixture();
  const cases: [string, string][] = [
    [
      "SELECT DISTINCT c FROM t",
      "SELECT DISTINCT queries must only request partition key columns and/or static columns (not c)",
    ],
    [
      "SELECT DISTINCT p, v FROM t WHERE p = 1",
      "SELECT DISTINCT queries must only request partition key columns and/or static columns (not v)",
    ],
    [
      "SELECT DISTINCT * FROM t",
      "SELECT DISTINCT queries must only request partition key columns and/or static columns (not c)",
    ],
    [
      "SELECT DISTINCT s FROM t",
      "SELECT DISTINCT queries must request all the partition key columns (missing p)",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
  f.run("UPDATE t SET s = 7 WHERE p = 2");
  assert.deepEqual(intRows(f.run("SELECT DISTINCT s FROM t WHERE p = 2")), [[7]]);
  assert.deepEqual(intRows(f.run("SELECT DISTINCT p, s FROM t")).length, 3);
});

Deno.test("compileSelect() reads a null LIMIT as Cassandra does, an unset one as none", () => {
  const f = fixture();
  for (const clause of ["LIMIT ?", "PER PARTITION LIMIT ?"]) {
    const cql = `SELECT c FROM t WHERE p = ? ${clause}`;
    assertCqlError(
      () => f.run(cql, { values: [1, null], prepare: true }),
      INVALID,
      "Invalid null value of limit",
    );
    assert.equal(intRows(f.run(cql, { values: [1, undefined], prepare: true })).length, 25);
  }
});
