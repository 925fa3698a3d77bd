// Deletions kept as Apache Cassandra 5.0.6 keeps them: a range DELETE (`c > ?`, `c >= ? AND
// c < ?`, a clustering prefix, IN, a tuple slice) hides the older writes into its range that come
// after it, and only those; a cell deletion hides older writes to its cell even once its row has
// nothing live left; and Cassandra 5.0's `maxwritetime()` and its errors for `writetime(l[0])`.
// Every expected answer was observed on a one-node Cassandra 5.0.6 (`deno task cassandra`; also
// compared side by side in tests/cassandra/range_delete_test.ts); the old node let those writes
// in, answered a syntax error for `writetime(l[0])` and refused `maxwritetime()`.
import assert from "node:assert/strict";
import { answerText } from "./_answer_text.ts";
import { assertCqlError, type EngineFixture, engineFixture, INVALID } from "./_engine_fixture.ts";

function fixture(): EngineFixture {
  const f = engineFixture(() => 1_800_000_000_000);
  f.run(
    "CREATE TABLE t (k int, c int, c2 int, v int, s int static, l list<int>, m map<int, int>, " +
      "PRIMARY KEY (k, c, c2))",
  );
  f.run(
    "CREATE TABLE r (k int, c int, v int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)",
  );
  f.run("CREATE TABLE p (k int PRIMARY KEY, v int, w int)");
  return f;
}

function rows(f: EngineFixture, cql: string): string {
  return answerText(f.run(cql)).rows;
}

function runAll(f: EngineFixture, statements: string[]): void {
  for (const statement of statements) f.run(statement);
}

Deno.test("DELETE of a range hides older writes into it that come later", async (t) => {
  const f = fixture();
  await t.step("c > ?: older writes inside hidden, newer ones and those outside kept", () => {
    runAll(f, [
      "INSERT INTO t (k, c, c2, v) VALUES (1, 1, 1, 1) USING TIMESTAMP 10",
      "INSERT INTO t (k, c, c2, v) VALUES (1, 5, 1, 1) USING TIMESTAMP 10",
      "DELETE FROM t USING TIMESTAMP 20 WHERE k = 1 AND c > 2",
      "INSERT INTO t (k, c, c2, v) VALUES (1, 3, 1, 3) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (1, 6, 1, 6) USING TIMESTAMP 25",
      "INSERT INTO t (k, c, c2, v) VALUES (1, 2, 1, 2) USING TIMESTAMP 15",
      "UPDATE t USING TIMESTAMP 20 SET v = 7 WHERE k = 1 AND c = 4 AND c2 = 1",
    ]);
    assert.equal(rows(f, "SELECT c, c2, v FROM t WHERE k = 1"), "1, 1, 1 / 2, 1, 2 / 6, 1, 6");
  });
  await t.step("c >= ? AND c < ? on a partition that did not exist", () => {
    runAll(f, [
      "DELETE FROM t USING TIMESTAMP 20 WHERE k = 2 AND c >= 1 AND c < 3",
      "INSERT INTO t (k, c, c2, v) VALUES (2, 1, 1, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (2, 3, 1, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (2, 2, 9, 1) USING TIMESTAMP 20",
      "INSERT INTO t (k, c, c2, v) VALUES (2, 0, 1, 1) USING TIMESTAMP 15",
    ]);
    assert.equal(rows(f, "SELECT c, c2, v FROM t WHERE k = 2"), "0, 1, 1 / 3, 1, 1");
  });
  await t.step("a range deletion that empties its partition deletes no more", () => {
    runAll(f, [
      "INSERT INTO t (k, c, c2, v) VALUES (3, 1, 1, 1) USING TIMESTAMP 10",
      "DELETE FROM t USING TIMESTAMP 20 WHERE k = 3 AND c >= 1",
      "INSERT INTO t (k, c, c2, v) VALUES (3, 0, 1, 1) USING TIMESTAMP 15",
      "UPDATE t USING TIMESTAMP 15 SET s = 5 WHERE k = 3",
    ]);
    assert.equal(rows(f, "SELECT c, c2, v, s FROM t WHERE k = 3"), "0, 1, 1, 5");
  });
  await t.step("a clustering prefix, a slice after it, IN and a tuple slice", () => {
    runAll(f, [
      "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND c = 1",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 1, 2, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 2, 2, 1) USING TIMESTAMP 15",
      "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND c = 3 AND c2 > 5",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 3, 5, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 3, 6, 1) USING TIMESTAMP 15",
      "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND c IN (7, 8)",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 8, 6, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 9, 6, 1) USING TIMESTAMP 15",
      "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND (c, c2) > (10, 5) AND (c, c2) <= (11, 1)",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 10, 5, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 10, 6, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 11, 1, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (4, 11, 2, 1) USING TIMESTAMP 15",
    ]);
    assert.equal(
      rows(f, "SELECT c, c2, v FROM t WHERE k = 4"),
      "2, 2, 1 / 3, 5, 1 / 9, 6, 1 / 10, 5, 1 / 11, 2, 1",
    );
  });
  await t.step("without USING TIMESTAMP, and on a descending clustering column", () => {
    runAll(f, [
      "DELETE FROM t WHERE k = 5 AND c > 0",
      "INSERT INTO t (k, c, c2, v) VALUES (5, 1, 1, 1) USING TIMESTAMP 15",
      "INSERT INTO t (k, c, c2, v) VALUES (5, 1, 2, 1)",
      "DELETE FROM r USING TIMESTAMP 20 WHERE k = 1 AND c > 2 AND c <= 4",
      "INSERT INTO r (k, c, v) VALUES (1, 2, 1) USING TIMESTAMP 15",
      "INSERT INTO r (k, c, v) VALUES (1, 3, 1) USING TIMESTAMP 15",
      "INSERT INTO r (k, c, v) VALUES (1, 4, 1) USING TIMESTAMP 15",
      "INSERT INTO r (k, c, v) VALUES (1, 5, 1) USING TIMESTAMP 15",
    ]);
    assert.equal(rows(f, "SELECT c, c2, v FROM t WHERE k = 5"), "1, 2, 1");
    assert.equal(rows(f, "SELECT c, v FROM r WHERE k = 1"), "5, 1 / 2, 1");
  });
  await t.step("a range deletion newer than its partition's deletion", () => {
    runAll(f, [
      "DELETE FROM r USING TIMESTAMP 30 WHERE k = 2 AND c < 5",
      "DELETE FROM r USING TIMESTAMP 20 WHERE k = 2",
      "INSERT INTO r (k, c, v) VALUES (2, 1, 1) USING TIMESTAMP 25",
      "INSERT INTO r (k, c, v) VALUES (2, 6, 1) USING TIMESTAMP 25",
    ]);
    assert.equal(rows(f, "SELECT c, v FROM r WHERE k = 2"), "6, 1");
  });
  await t.step("TRUNCATE forgets them", () => {
    f.run("TRUNCATE r");
    f.run("INSERT INTO r (k, c, v) VALUES (2, 1, 1) USING TIMESTAMP 25");
    assert.equal(rows(f, "SELECT c, v FROM r WHERE k = 2"), "1, 1");
  });
});

Deno.test("DELETE of cells hides older writes to them once the row has nothing live", () => {
  const f = fixture();
  runAll(f, [
    "UPDATE t USING TIMESTAMP 10 SET v = 1 WHERE k = 6 AND c = 1 AND c2 = 1",
    "DELETE v FROM t USING TIMESTAMP 20 WHERE k = 6 AND c = 1 AND c2 = 1",
    "UPDATE t USING TIMESTAMP 15 SET v = 2 WHERE k = 6 AND c = 1 AND c2 = 1",
    "DELETE v FROM t USING TIMESTAMP 20 WHERE k = 7 AND c = 1 AND c2 = 1",
    "UPDATE t USING TIMESTAMP 15 SET v = 2 WHERE k = 7 AND c = 1 AND c2 = 1",
    "INSERT INTO t (k, c, c2) VALUES (7, 1, 1) USING TIMESTAMP 16",
    "UPDATE t USING TIMESTAMP 17 SET v = 3 WHERE k = 7 AND c = 1 AND c2 = 1",
    "UPDATE t USING TIMESTAMP 21 SET v = 4 WHERE k = 7 AND c = 1 AND c2 = 2",
    "UPDATE t USING TIMESTAMP 10 SET s = 1 WHERE k = 8",
    "DELETE s FROM t USING TIMESTAMP 20 WHERE k = 8",
    "UPDATE t USING TIMESTAMP 15 SET s = 2 WHERE k = 8",
    "UPDATE p USING TIMESTAMP 10 SET v = 1, w = 1 WHERE k = 1",
    "DELETE v, w FROM p USING TIMESTAMP 20 WHERE k = 1",
    "UPDATE p USING TIMESTAMP 15 SET v = 2 WHERE k = 1",
    "UPDATE p USING TIMESTAMP 25 SET w = 2 WHERE k = 1",
  ]);
  assert.equal(rows(f, "SELECT c, c2, v FROM t WHERE k = 6"), "");
  assert.equal(
    rows(f, "SELECT c, c2, v, writetime(v) FROM t WHERE k = 7"),
    "1, 1, null, null / 1, 2, 4, 21",
  );
  assert.equal(rows(f, "SELECT s FROM t WHERE k = 8"), "");
  assert.equal(rows(f, "SELECT k, v, w FROM p"), "1, null, 2");
});

Deno.test("maxwritetime() answers, writetime() of a list element is refused", () => {
  const f = fixture();
  f.run("UPDATE t USING TIMESTAMP 10 SET l = [1, 2], v = 3 WHERE k = 9 AND c = 1 AND c2 = 1");
  const answer = answerText(
    f.run("SELECT maxwritetime(v), maxwritetime(s) AS x, maxwritetime(l), maxwritetime(m) FROM t"),
  );
  assert.equal(
    answer.columns,
    "maxwritetime(v) bigint, x bigint, maxwritetime(l) bigint, maxwritetime(m) bigint",
  );
  assert.equal(answer.rows, "10, null, 10, null");
  const list = "Element selection is only allowed on sets and maps, but l is a list";
  assertCqlError(() => f.run("SELECT writetime(l[0]) FROM t"), INVALID, list);
  assertCqlError(() => f.run("SELECT ttl(l[0]) FROM t"), INVALID, list);
  assertCqlError(() => f.run("SELECT maxwritetime(l[0]) FROM t"), INVALID, list);
  assertCqlError(
    () => f.run("SELECT writetime(l[0..1]) FROM t"),
    INVALID,
    "Slice selection is only allowed on sets and maps, but l is a list",
  );
  assertCqlError(
    () => f.run("SELECT maxwritetime(k) FROM t"),
    INVALID,
    "Cannot use selection function maxwritetime on PRIMARY KEY part k",
  );
});
