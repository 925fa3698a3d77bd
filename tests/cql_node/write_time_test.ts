// Write timestamps and TTLs as Apache Cassandra 5.0.6 keeps them: the cell with the higher
// timestamp wins whatever the arrival order (at equal timestamps a tombstone, then an expiring
// cell, then the later expiry, then the greater value), DELETE ... USING TIMESTAMP shadows older
// writes only (also those that come after it), TTLs expire (USING TTL and default_time_to_live),
// and the writetime()/ttl() selectors. Every expected answer was observed on a one-node
// Cassandra 5.0.6 (`deno task cassandra`) given the same statements through the Python driver;
// the old node applied writes in arrival order, never expired a TTL and refused the selectors.
import { answerText } from "./_answer_text.ts";
import assert from "node:assert/strict";
import { assertCqlError, type EngineFixture, engineFixture, INVALID } from "./_engine_fixture.ts";

/** An engine on a clock the test moves, with table t (clustered, with a static column). */
function fixture(): EngineFixture & { clock: { ms: number } } {
  const clock = { ms: 1_800_000_000_000 };
  const f = engineFixture(() => clock.ms);
  f.run(
    "CREATE TABLE t (k int, c int, v int, w text, l list<int>, fl frozen<list<int>>, " +
      "s int static, PRIMARY KEY (k, c))",
  );
  return { ...f, clock };
}

function rows(f: EngineFixture, cql: string): string {
  return answerText(f.run(cql)).rows;
}

Deno.test("USING TIMESTAMP: the higher timestamp wins whatever the arrival order", async (t) => {
  const f = fixture();
  await t.step("an older write after a newer one is dropped", () => {
    f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 10) USING TIMESTAMP 100");
    f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 20) USING TIMESTAMP 50");
    assert.equal(rows(f, "SELECT v, writetime(v), ttl(v) FROM t WHERE k = 1"), "10, 100, null");
  });
  await t.step("at an equal timestamp the greater value wins", () => {
    f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 5) USING TIMESTAMP 100");
    assert.equal(rows(f, "SELECT v, writetime(v) FROM t WHERE k = 1"), "10, 100");
    f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 30) USING TIMESTAMP 100");
    assert.equal(rows(f, "SELECT v, writetime(v) FROM t WHERE k = 1"), "30, 100");
  });
  await t.step("at an equal timestamp an expiring cell wins, then the later expiry", () => {
    f.run("INSERT INTO t (k, c, v) VALUES (8, 1, 1) USING TIMESTAMP 1 AND TTL 100");
    f.run("INSERT INTO t (k, c, v) VALUES (8, 1, 2) USING TTL 200 AND TIMESTAMP 1");
    assert.equal(rows(f, "SELECT v, ttl(v) FROM t WHERE k = 8 AND c = 1"), "2, 200");
    f.run("INSERT INTO t (k, c, v) VALUES (8, 2, 1) USING TIMESTAMP 1 AND TTL 100");
    f.run("INSERT INTO t (k, c, v) VALUES (8, 2, 2) USING TIMESTAMP 1");
    assert.equal(rows(f, "SELECT v, ttl(v) FROM t WHERE k = 8 AND c = 2"), "1, 100");
    f.run("INSERT INTO t (k, c, v) VALUES (8, 3, 2) USING TIMESTAMP 1");
    f.run("INSERT INTO t (k, c, v) VALUES (8, 3, 1) USING TIMESTAMP 1 AND TTL 100");
    assert.equal(rows(f, "SELECT v, ttl(v) FROM t WHERE k = 8 AND c = 3"), "1, 100");
  });
  await t.step("a static cell keeps its newest write", () => {
    f.run("UPDATE t USING TIMESTAMP 100 SET s = 1 WHERE k = 7");
    f.run("UPDATE t USING TIMESTAMP 90 SET s = 2 WHERE k = 7");
    assert.equal(rows(f, "SELECT s, writetime(s) FROM t WHERE k = 7"), "1, 100");
  });
  await t.step("negative and the largest timestamps; Long.MIN_VALUE is refused", () => {
    f.run("INSERT INTO t (k, c, v) VALUES (5, 1, 1) USING TIMESTAMP -5");
    f.run("INSERT INTO t (k, c, v) VALUES (5, 2, 1) USING TIMESTAMP 9223372036854775807");
    assertCqlError(
      () => f.run("INSERT INTO t (k, c, v) VALUES (5, 3, 1) USING TIMESTAMP -9223372036854775808"),
      INVALID,
      "Out of bound timestamp, must be in [-9223372036854775807, 9223372036854775807]",
    );
    assert.equal(
      rows(f, "SELECT c, writetime(v) FROM t WHERE k = 5"),
      "1, -5 / 2, 9223372036854775807",
    );
  });
});

Deno.test("DELETE USING TIMESTAMP shadows older writes, also later ones, not newer", async (t) => {
  const f = fixture();
  f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 10) USING TIMESTAMP 100");
  await t.step("a row deletion", () => {
    f.run("DELETE FROM t USING TIMESTAMP 200 WHERE k = 1 AND c = 1");
    assert.equal(rows(f, "SELECT * FROM t"), "");
    f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 7) USING TIMESTAMP 150");
    f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 8) USING TIMESTAMP 200");
    assert.equal(rows(f, "SELECT * FROM t"), "");
    f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 9) USING TIMESTAMP 201");
    f.run("DELETE FROM t USING TIMESTAMP 180 WHERE k = 1 AND c = 1");
    assert.equal(rows(f, "SELECT k, c, v, writetime(v) FROM t"), "1, 1, 9, 201");
  });
  await t.step("a cell deletion, and a null written", () => {
    f.run("DELETE v FROM t USING TIMESTAMP 300 WHERE k = 1 AND c = 1");
    f.run("UPDATE t USING TIMESTAMP 250 SET v = 3 WHERE k = 1 AND c = 1");
    assert.equal(rows(f, "SELECT k, c, v, writetime(v) FROM t"), "1, 1, null, null");
    f.run("INSERT INTO t (k, c, v) VALUES (4, 1, null) USING TIMESTAMP 50");
    f.run("UPDATE t USING TIMESTAMP 40 SET v = 4 WHERE k = 4 AND c = 1");
    f.run("UPDATE t USING TIMESTAMP 50 SET v = 4 WHERE k = 4 AND c = 1");
    assert.equal(rows(f, "SELECT k, c, v FROM t WHERE k = 4"), "4, 1, null");
  });
  await t.step("a partition deletion", () => {
    f.run("INSERT INTO t (k, c, v) VALUES (2, 1, 1) USING TIMESTAMP 10");
    f.run("INSERT INTO t (k, c, v) VALUES (2, 2, 1) USING TIMESTAMP 30");
    f.run("DELETE FROM t USING TIMESTAMP 20 WHERE k = 2");
    f.run("INSERT INTO t (k, c, v) VALUES (2, 3, 1) USING TIMESTAMP 15");
    assert.equal(rows(f, "SELECT k, c, v FROM t WHERE k = 2"), "2, 2, 1");
  });
  await t.step("a range deletion leaves the newer rows", () => {
    f.run("INSERT INTO t (k, c, v) VALUES (3, 1, 1) USING TIMESTAMP 10");
    f.run("INSERT INTO t (k, c, v) VALUES (3, 2, 1) USING TIMESTAMP 30");
    f.run("INSERT INTO t (k, c, v) VALUES (3, 5, 1) USING TIMESTAMP 10");
    f.run("DELETE FROM t USING TIMESTAMP 20 WHERE k = 3 AND c < 4");
    assert.equal(rows(f, "SELECT k, c, v FROM t WHERE k = 3"), "3, 2, 1 / 3, 5, 1");
  });
});

Deno.test("BATCH: one timestamp for its statements, its own or theirs", () => {
  const f = fixture();
  f.run(
    "BEGIN BATCH USING TIMESTAMP 77 INSERT INTO t (k, c, v) VALUES (6, 1, 1); " +
      "INSERT INTO t (k, c, v) VALUES (6, 2, 2); APPLY BATCH",
  );
  f.run(
    "BEGIN BATCH INSERT INTO t (k, c, v) VALUES (6, 3, 1) USING TIMESTAMP 5; " +
      "INSERT INTO t (k, c, v) VALUES (6, 4, 2) USING TIMESTAMP 6; APPLY BATCH",
  );
  f.run(
    "BEGIN BATCH INSERT INTO t (k, c, v) VALUES (6, 5, 1) USING TTL 100; " +
      "INSERT INTO t (k, c, v) VALUES (6, 6, 2); APPLY BATCH",
  );
  assert.equal(
    rows(f, "SELECT c, writetime(v) FROM t WHERE k = 6 AND c < 5"),
    "1, 77 / 2, 77 / 3, 5 / 4, 6",
  );
  assert.equal(rows(f, "SELECT c, ttl(v) FROM t WHERE k = 6 AND c > 4"), "5, 100 / 6, null");
  const both = rows(f, "SELECT writetime(v) FROM t WHERE k = 6 AND c IN (5, 6)").split(" / ");
  assert.equal(both[0], both[1]);
});

Deno.test("USING TTL and default_time_to_live expire on the node's clock", async (t) => {
  const f = fixture();
  await t.step("ttl() counts down; TTL 0 is none", () => {
    f.run("INSERT INTO t (k, c, v, w) VALUES (2, 1, 1, 'a') USING TTL 100");
    assert.equal(rows(f, "SELECT ttl(v), ttl(w) FROM t WHERE k = 2"), "100, 100");
    f.clock.ms += 30_000;
    assert.equal(rows(f, "SELECT ttl(v), ttl(w) FROM t WHERE k = 2"), "70, 70");
    f.run("UPDATE t USING TTL 50 SET v = 2 WHERE k = 2 AND c = 1");
    assert.equal(rows(f, "SELECT ttl(v), ttl(w) FROM t WHERE k = 2"), "50, 70");
    f.run("UPDATE t USING TTL 0 SET v = 2 WHERE k = 2 AND c = 1");
    assert.equal(rows(f, "SELECT ttl(v), ttl(w) FROM t WHERE k = 2"), "null, 70");
  });
  await t.step("a row goes with its marker and cells; cells written without TTL stay", () => {
    f.run("INSERT INTO t (k, c, v) VALUES (3, 1, 1) USING TTL 2");
    f.run("UPDATE t SET w = 'x' WHERE k = 3 AND c = 1");
    f.run("INSERT INTO t (k, c, v) VALUES (4, 1, 1) USING TTL 2");
    f.run("INSERT INTO t (k, c) VALUES (5, 1) USING TTL 2");
    f.run("UPDATE t USING TTL 2 SET v = 1 WHERE k = 6 AND c = 1");
    f.run("UPDATE t SET w = 'y' WHERE k = 6 AND c = 1");
    assert.equal(rows(f, "SELECT k FROM t WHERE k IN (3, 4, 5, 6)"), "3 / 4 / 5 / 6");
    f.clock.ms += 2_500;
    assert.equal(
      rows(f, "SELECT k, c, v, w, ttl(w) FROM t WHERE k IN (3, 4, 5, 6)"),
      "3, 1, null, 'x', null / 6, 1, null, 'y', null",
    );
    assert.equal(rows(f, "SELECT count(*) FROM t WHERE k IN (4, 5)"), "0");
  });
  await t.step("a table's default_time_to_live", () => {
    f.run("CREATE TABLE d (k int PRIMARY KEY, v int) WITH default_time_to_live = 100");
    f.run("INSERT INTO d (k, v) VALUES (1, 1)");
    f.run("INSERT INTO d (k, v) VALUES (2, 2) USING TTL 0");
    f.run("INSERT INTO d (k, v) VALUES (3, 3) USING TTL 10");
    assert.equal(rows(f, "SELECT k, ttl(v) FROM d"), "1, 100 / 2, null / 3, 10");
    f.clock.ms += 10_000;
    assert.equal(rows(f, "SELECT k, ttl(v) FROM d"), "1, 90 / 2, null");
    f.clock.ms += 90_000;
    assert.equal(rows(f, "SELECT k, ttl(v) FROM d"), "2, null");
  });
});

Deno.test("writetime() and ttl(): result columns and Cassandra's refusals", async (t) => {
  const f = fixture();
  f.run(
    "INSERT INTO t (k, c, v, fl, s) VALUES (1, 1, 1, [3], 5) USING TIMESTAMP 10 AND TTL 1000",
  );
  await t.step("names, types and values", () => {
    const answer = answerText(
      f.run("SELECT writetime(fl), ttl(fl), writetime(s), ttl(s), WRITETIME(v) AS wt FROM t"),
    );
    assert.equal(
      answer.columns,
      "writetime(fl) bigint, ttl(fl) int, writetime(s) bigint, ttl(s) int, wt bigint",
    );
    assert.equal(answer.rows, "10, 1000, 10, 1000, 10");
    assert.equal(rows(f, "SELECT writetime(w), ttl(w) FROM t"), "null, null");
    assert.equal(rows(f, "SELECT DISTINCT k, writetime(s) FROM t"), "1, 10");
    assert.equal(rows(f, "SELECT writetime(v), count(*) FROM t"), "10, 1");
  });
  await t.step("refused", () => {
    for (const [selector, column] of [["writetime", "k"], ["writetime", "c"], ["ttl", "k"]]) {
      assertCqlError(
        () => f.run(`SELECT ${selector}(${column}) FROM t`),
        INVALID,
        `Cannot use selection function ${selector} on PRIMARY KEY part ${column}`,
      );
    }
    assertCqlError(
      () => f.run("SELECT writetime(nope) FROM t"),
      INVALID,
      "Undefined column name nope in table ks.t",
    );
    assertCqlError(
      () => f.run("SELECT DISTINCT k, writetime(v) FROM t"),
      INVALID,
      "SELECT DISTINCT queries must only request partition key columns and/or static columns (not v)",
    );
  });
  await t.step("counters: no USING TIMESTAMP or TTL, a write time from the node", () => {
    f.run("CREATE TABLE ct (k int PRIMARY KEY, n counter)");
    assertCqlError(
      () => f.run("UPDATE ct USING TIMESTAMP 5 SET n = n + 1 WHERE k = 1"),
      INVALID,
      "Cannot provide custom timestamp for counter updates",
    );
    assertCqlError(
      () => f.run("UPDATE ct USING TTL 5 SET n = n + 1 WHERE k = 1"),
      INVALID,
      "Cannot provide custom TTL for counter updates",
    );
    assertCqlError(
      () => f.run("DELETE FROM ct USING TIMESTAMP 5 WHERE k = 1"),
      INVALID,
      "Cannot provide custom timestamp for counter updates",
    );
    f.run("UPDATE ct SET n = n + 1 WHERE k = 1");
    const [written, ttl] = rows(f, "SELECT writetime(n), ttl(n) FROM ct").split(", ");
    assert.ok(Number(written) >= f.clock.ms * 1000, written);
    assert.equal(ttl, "null");
  });
});

Deno.test("CqlEngine gives writes increasing timestamps, or the request's", () => {
  const f = fixture();
  f.run("INSERT INTO t (k, c, v) VALUES (1, 1, 1)");
  f.run("INSERT INTO t (k, c, v) VALUES (1, 2, 1)");
  const [a, b] = rows(f, "SELECT writetime(v) FROM t WHERE k = 1").split(" / ").map(BigInt);
  assert.equal(a, BigInt(f.clock.ms) * 1000n);
  assert.equal(b, a + 1n);
  const session = {};
  f.engine.query("USE ks", { values: [], pageSize: 0, pagingState: null }, session);
  const insert = f.engine.prepare("INSERT INTO t (k, c, v) VALUES (1, 3, 1)", session);
  insert.run({ values: [], pageSize: 0, pagingState: null, timestamp: 42n }, session);
  assert.equal(rows(f, "SELECT writetime(v) FROM t WHERE k = 1 AND c = 3"), "42");
});
