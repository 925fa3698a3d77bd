// Several restrictions on one primary key column, and null or unset clustering bounds, refused as
// Cassandra 5.0 refuses them (they were answered by the last restriction, or failed as a bug).
import assert from "node:assert/strict";
import {
  assertCqlError,
  type EngineFixture,
  engineFixture,
  intRows,
  INVALID,
} from "./_engine_fixture.ts";

function fixture(): EngineFixture {
  const f = engineFixture();
  f.run("CREATE TABLE t (p int, c int, d int, v int, PRIMARY KEY (p, c, d))");
  for (let p = 1; p <= 2; p++) {
    for (let c = 1; c <= 9; c++) f.run(`INSERT INTO t (p, c, d, v) VALUES (${p}, ${c}, 0, 0)`);
  }
  return f;
}

Deno.test("checkRestrictionMerge() refuses a key column restricted twice", () => {
  const f = fixture();
  const cases: [string, string][] = [
    ["p = 1 AND p = 2", "p cannot be restricted by more than one relation if it includes an Equal"],
    [
      "p = 1 AND p IN (1, 2)",
      "p cannot be restricted by more than one relation if it includes an Equal",
    ],
    [
      "p IN (1, 2) AND p = 1",
      "p cannot be restricted by more than one relation if it includes a IN",
    ],
    [
      "p = 1 AND c = 3 AND c = 4",
      "c cannot be restricted by more than one relation if it includes an Equal",
    ],
    [
      "p = 1 AND c IN (1, 2) AND c = 9",
      "c cannot be restricted by more than one relation if it includes a IN",
    ],
    [
      "p = 1 AND c = 3 AND c > 1",
      "c cannot be restricted by more than one relation if it includes an Equal",
    ],
    [
      "p = 1 AND c > 1 AND c = 3",
      'Column "c" cannot be restricted by both an equality and an inequality relation',
    ],
    ["p = 1 AND c > 7 AND c > 3", "More than one restriction was found for the start bound on c"],
    ["p = 1 AND c >= 7 AND c > 3", "More than one restriction was found for the start bound on c"],
    ["p = 1 AND c < 2 AND c <= 5", "More than one restriction was found for the end bound on c"],
    [
      "p = 1 AND (c) > (1) AND (c) > (2)",
      "More than one restriction was found for the start bound on c",
    ],
    [
      "p = 1 AND (c, d) = (1, 0) AND c = 1",
      "c cannot be restricted by more than one relation if it includes an Equal",
    ],
    [
      "p = 1 AND (c, d) > (1, 0) AND (c, d) >= (2, 0)",
      "More than one restriction was found for the start bound on c ,d",
    ],
  ];
  for (const [where, message] of cases) {
    assertCqlError(() => f.run(`SELECT c FROM t WHERE ${where}`), INVALID, message);
  }
  assertCqlError(
    () => f.run("DELETE FROM t WHERE p = 1 AND c > 1 AND c > 2"),
    INVALID,
    "More than one restriction was found for the start bound on c",
  );
  assertCqlError(
    () => f.run("UPDATE t SET v = 1 WHERE p = 1 AND p = 2 AND c = 1 AND d = 0"),
    INVALID,
    "p cannot be restricted by more than one relation if it includes an Equal",
  );
});

Deno.test("checkRestrictionMerge() keeps a lower and an upper bound as one slice", () => {
  const f = fixture();
  const cs = (where: string) => intRows(f.run(`SELECT c FROM t WHERE ${where}`)).map(([c]) => c);
  assert.deepEqual(cs("p = 1 AND c > 1 AND c < 5"), [2, 3, 4]);
  assert.deepEqual(cs("p = 1 AND c <= 5 AND c >= 4"), [4, 5]);
  assert.deepEqual(cs("p = 1 AND (c, d) > (7, 0) AND c < 9"), [8]);
});

Deno.test("compileWhere() refuses a null or unset clustering bound", () => {
  const f = fixture();
  const cases: [string, (number | null | undefined)[], string][] = [
    [
      "SELECT c FROM t WHERE p = 1 AND c > null",
      [],
      "Invalid null value in condition for column c",
    ],
    [
      "SELECT c FROM t WHERE p = ? AND c > ?",
      [1, null],
      "Invalid null value in condition for column c",
    ],
    ["SELECT c FROM t WHERE p = ? AND c <= ?", [1, undefined], "Invalid unset value for column c"],
    [
      "SELECT c FROM t WHERE p = ? AND c < ? AND c > ?",
      [1, null, 3],
      "Invalid null value in condition for column c",
    ],
    [
      "SELECT c FROM t WHERE p = ? AND (c, d) > (?, ?)",
      [1, 3, null],
      "Invalid null value in condition for column d",
    ],
    [
      "SELECT c FROM t WHERE p = ? AND (c, d) = (?, ?)",
      [1, 3, null],
      "Invalid null value for column d",
    ],
    [
      "DELETE FROM t WHERE p = ? AND c > ?",
      [1, null],
      "Invalid null value in condition for column c",
    ],
    ["DELETE FROM t WHERE p = ? AND c >= ?", [1, undefined], "Invalid unset value for column c"],
    // A whole IN list: unset names the column, null the IN (Cassandra 5.0.6's two messages).
    ["SELECT c FROM t WHERE p IN ?", [undefined], "Invalid unset value for column p"],
    ["SELECT c FROM t WHERE p IN ?", [null], "Invalid null value for IN restriction on p"],
  ];
  for (const [cql, values, message] of cases) {
    for (const prepare of [false, true]) {
      assertCqlError(() => f.run(cql, { values, prepare }), INVALID, message);
    }
  }
  // Nothing was deleted.
  assert.equal(intRows(f.run("SELECT c FROM t WHERE p = 1")).length, 9);
});

Deno.test("checkRestrictionMerge() refuses clustering restrictions out of order, as Cassandra 5.0.6 words it", () => {
  const f = fixture();
  // Worded as Cassandra 5.0.6 answered these shapes (testdata/cassandra_5_data_answers.json).
  const cases: [string, string][] = [
    [
      "SELECT c FROM t WHERE p = 1 AND c > 1 AND d = 0",
      'Clustering column "d" cannot be restricted (preceding column "c" is restricted by a non-EQ relation)',
    ],
    [
      "SELECT c FROM t WHERE p = 1 AND d = 0 AND c > 1",
      'PRIMARY KEY column "d" cannot be restricted (preceding column "c" is restricted by a non-EQ relation)',
    ],
    [
      "SELECT c FROM t WHERE p = 1 AND d > 0",
      'PRIMARY KEY column "d" cannot be restricted as preceding column "c" is not restricted',
    ],
    [
      "DELETE FROM t WHERE p = 1 AND d = 0",
      'PRIMARY KEY column "d" cannot be restricted as preceding column "c" is not restricted',
    ],
    [
      "SELECT c FROM t WHERE p = 1 AND (d, c) > (0, 1)",
      "Clustering columns must appear in the PRIMARY KEY order in multi-column relations: " +
      "(d, c) > (0, 1)",
    ],
    [
      "SELECT c FROM t WHERE p = 1 AND (d) > (0) ALLOW FILTERING",
      "Multi-column slice restrictions cannot be used for filtering.",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
});

Deno.test("compileWhere() filters rows by a slice after an unrestricted column with ALLOW FILTERING", () => {
  const f = fixture();
  f.run("INSERT INTO t (p, c, d, v) VALUES (1, 2, 5, 0)");
  const rows = (where: string) => intRows(f.run(`SELECT c, d FROM t WHERE ${where}`));
  assert.deepEqual(rows("p = 1 AND d > 0 ALLOW FILTERING"), [[2, 5]]);
  assert.deepEqual(rows("p = 1 AND c > 1 AND d > 0 ALLOW FILTERING"), [[2, 5]]);
  assert.deepEqual(rows("p = 1 AND c < 3 AND d = 0 ALLOW FILTERING"), [[1, 0], [2, 0]]);
});
