// Writes as Cassandra 5.0 applies and checks them: an empty non-frozen collection is no value,
// USING TTL and TIMESTAMP values are checked, and a conditional write needs a serial level.
import assert from "node:assert/strict";
import {
  assertCqlError,
  type EngineFixture,
  engineFixture,
  intRows,
  INVALID,
} from "./_engine_fixture.ts";

function collections(): EngineFixture {
  const f = engineFixture();
  f.run(
    "CREATE TABLE c (k int PRIMARY KEY, m map<text, int>, l list<int>, s set<int>, " +
      "fl frozen<list<int>>)",
  );
  return f;
}

/** The cells of row `k` of table `c`, as hex (null when absent). */
function cells(f: EngineFixture, k: number): (string | null)[] | null {
  const result = f.run(`SELECT m, l, s, fl FROM c WHERE k = ${k}`);
  if (result.kind !== "rows" || result.rows.length === 0) return null;
  return result.rows[0].map((cell) =>
    cell === null ? null : Array.from(cell, (b) => b.toString(16).padStart(2, "0")).join("")
  );
}

Deno.test("compileInsert() and compileUpdate() store an empty collection as no value", () => {
  const f = collections();
  const empty = "00000000";
  f.run("INSERT INTO c (k, m, l, s, fl) VALUES (1, {}, [], {}, [])");
  // The row exists (INSERT sets its marker); a frozen collection keeps its empty value.
  assert.deepEqual(cells(f, 1), [null, null, null, empty]);
  f.run("INSERT INTO c (k, m, l, s) VALUES (2, {'a': 1}, [1], {1})");
  f.run("UPDATE c SET m = {}, l = [], s = {} WHERE k = 2");
  assert.deepEqual(cells(f, 2), [null, null, null, null]);
  // An UPDATE writes no row marker: a row of empty collections is no row.
  f.run("UPDATE c SET m = {}, l = [] WHERE k = 5");
  assert.deepEqual(cells(f, 5), null);
  f.run("INSERT INTO c (k, m, l, s) VALUES (?, ?, ?, ?)", {
    values: [3, new Uint8Array(4), new Uint8Array(4), new Uint8Array(4)],
    prepare: true,
  });
  assert.deepEqual(cells(f, 3), [null, null, null, null]);
  // Removing the last element by index or key leaves no value either.
  f.run("UPDATE c SET l = [5], m = {'a': 1} WHERE k = 4");
  f.run("UPDATE c SET l[0] = null, m['a'] = null WHERE k = 4");
  assert.deepEqual(cells(f, 4), null);
});

Deno.test("compileUsing() checks TTL and timestamp values as Cassandra does", () => {
  const f = engineFixture();
  f.run("CREATE TABLE t (k int PRIMARY KEY, v int)");
  const cases: [string, (number | null)[], string][] = [
    [
      "INSERT INTO t (k, v) VALUES (1, 1) USING TTL -1",
      [],
      "A TTL must be greater or equal to 0, but was -1",
    ],
    [
      "INSERT INTO t (k, v) VALUES (1, 1) USING TTL 630720001",
      [],
      "ttl is too large. requested (630720001) maximum (630720000)",
    ],
    [
      "UPDATE t USING TTL ? SET v = 1 WHERE k = 1",
      [-5],
      "A TTL must be greater or equal to 0, but was -5",
    ],
    [
      "INSERT INTO t (k, v) VALUES (1, 1) USING TIMESTAMP ?",
      [null],
      "Invalid null value of timestamp",
    ],
  ];
  for (const [cql, values, message] of cases) {
    assertCqlError(() => f.run(cql, { values, prepare: values.length > 0 }), INVALID, message);
  }
  assert.deepEqual(intRows(f.run("SELECT k FROM t")), []);
  // The largest TTL, no TTL (0 or null) and an unset one are accepted.
  f.run("INSERT INTO t (k, v) VALUES (1, 1) USING TTL 630720000");
  f.run("INSERT INTO t (k, v) VALUES (2, 2) USING TTL ?", { values: [null], prepare: true });
  f.run("INSERT INTO t (k, v) VALUES (3, 3) USING TTL ?", { values: [undefined], prepare: true });
  f.run("INSERT INTO t (k, v) VALUES (4, 4) USING TTL 0 AND TIMESTAMP 5");
});

Deno.test("checkConsistency() refuses a conditional write at a serial level that is not serial", () => {
  const f = engineFixture();
  f.run("CREATE TABLE t (k int PRIMARY KEY, v int)");
  const message =
    "Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL";
  for (const level of [0x0001, 0x0004]) {
    assertCqlError(
      () => f.run("INSERT INTO t (k, v) VALUES (1, 1) IF NOT EXISTS", { serialConsistency: level }),
      INVALID,
      message,
    );
  }
  for (const level of [0x0008, 0x0009]) {
    f.run("INSERT INTO t (k, v) VALUES (1, 1) IF NOT EXISTS", { serialConsistency: level });
  }
  // A write without a condition does not use its serial level.
  f.run("INSERT INTO t (k, v) VALUES (2, 2)", { serialConsistency: 0x0001 });
});
