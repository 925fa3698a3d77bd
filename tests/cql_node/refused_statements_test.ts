// Statements the embedded node refuses as Apache Cassandra 5.0.6 refused them: `!=` in a WHERE
// clause, a value tuple of the wrong size, a BATCH's own TTL and misplaced timestamps, INSERTs
// whose columns and values do not match, a batch mixing kinds of condition on one row, and
// operations a column's type does not take. Every expected message was observed on a one-node
// Cassandra 5.0.6 (`deno task cassandra`) given the same statement through the Python driver.
import assert from "node:assert/strict";
import {
  assertCqlError,
  type EngineFixture,
  engineFixture,
  intRows,
  INVALID,
} from "./_engine_fixture.ts";

/** Runs each statement and asserts Cassandra 5.0.6's Invalid message for it. */
function assertRefused(f: EngineFixture, cases: [string, string][]): void {
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
}

function tables(): EngineFixture {
  const f = engineFixture();
  f.run("CREATE TABLE cw (k int, c int, v int, s int static, PRIMARY KEY (k, c))");
  f.run(
    "CREATE TABLE w (k int PRIMARY KEY, v int, t text, s set<int>, m map<int, text>, " +
      "tu tuple<int, int>)",
  );
  f.run("CREATE TABLE ct (k int PRIMARY KEY, n counter)");
  f.run("INSERT INTO cw (k, c, v) VALUES (1, 1, 1)");
  f.run("INSERT INTO cw (k, c, v) VALUES (1, 2, 2)");
  return f;
}

Deno.test("compileWhere() refuses != in a WHERE clause", () => {
  const f = tables();
  // The old node filtered rows by these relations instead.
  assertRefused(f, [
    ["SELECT * FROM cw WHERE v != 1 ALLOW FILTERING", 'Unsupported "!=" relation: v != 1'],
    ["SELECT * FROM cw WHERE k = 1 AND c != 1", 'Unsupported "!=" relation: c != 1'],
    ["SELECT * FROM cw WHERE k = 1 AND v = 1 AND c != 1", 'Unsupported "!=" relation: c != 1'],
    ["SELECT * FROM cw WHERE k != 1", 'Unsupported "!=" relation: k != 1'],
    ["SELECT * FROM cw WHERE s != 1 ALLOW FILTERING", 'Unsupported "!=" relation: s != 1'],
    ["SELECT * FROM cw WHERE nope != 1", 'Unsupported "!=" relation: nope != 1'],
    ["SELECT * FROM cw WHERE v != 'a'", "Unsupported \"!=\" relation: v != 'a'"],
    ["SELECT * FROM cw WHERE token(k) != 1", 'Unsupported "!=" relation: token(k) != 1'],
    ["SELECT * FROM cw WHERE (c) != (1)", 'Unsupported "!=" relation: (c) != (1)'],
    ["SELECT * FROM cw WHERE (c, v) != (1, 2)", 'Unsupported "!=" relation: (c, v) != (1, 2)'],
    ["DELETE FROM cw WHERE k = 1 AND c != 1", 'Unsupported "!=" relation: c != 1'],
    ["UPDATE cw SET v = 1 WHERE k = 1 AND c != 1", 'Unsupported "!=" relation: c != 1'],
  ]);
  assertCqlError(
    () => f.run("SELECT * FROM cw WHERE v != ? ALLOW FILTERING", { values: [1], prepare: true }),
    INVALID,
    'Unsupported "!=" relation: v != ?',
  );
  // In an IF condition it is taken.
  f.run("UPDATE w SET v = 1 WHERE k = 1 IF v != 1");
});

Deno.test("compileWhere() refuses a value tuple of another size than its columns", () => {
  const f = tables();
  // The old node answered rows for these.
  assertRefused(f, [
    [
      "SELECT * FROM cw WHERE k = 1 AND (c) > (1, 2)",
      "Expected 1 elements in value tuple, but got 2: (1, 2)",
    ],
    [
      "SELECT * FROM cw WHERE k = 1 AND (c) = (1, 2)",
      "Expected 1 elements in value tuple, but got 2: (1, 2)",
    ],
    [
      "SELECT * FROM cw WHERE k = 1 AND (c) < (?, ?)",
      "Expected 1 elements in value tuple, but got 2: (?, ?)",
    ],
  ]);
  f.run("CREATE TABLE t2 (k int, c int, d int, PRIMARY KEY (k, c, d))");
  assertRefused(f, [[
    "SELECT * FROM t2 WHERE k = 1 AND (c, d) > (1)",
    "Expected 2 elements in value tuple, but got 1: (1)",
  ]]);
});

Deno.test("checkBatchUsing() refuses a BATCH's TTL and its timestamp where Cassandra does", () => {
  const f = tables();
  const insert = "INSERT INTO w (k, v) VALUES (11, 1)";
  assertRefused(f, [
    [
      `BEGIN BATCH USING TTL 5 ${insert}; APPLY BATCH`,
      "Global TTL on the BATCH statement is not supported.",
    ],
    [
      `BEGIN BATCH USING TIMESTAMP 4 AND TTL 5 ${insert}; APPLY BATCH`,
      "Global TTL on the BATCH statement is not supported.",
    ],
    [
      `BEGIN BATCH USING TIMESTAMP 5 ${insert} USING TIMESTAMP 6; APPLY BATCH`,
      "Timestamp must be set either on BATCH or individual statements",
    ],
    [
      `BEGIN BATCH USING TIMESTAMP 5 DELETE FROM w USING TIMESTAMP 3 WHERE k = 1; APPLY BATCH`,
      "Timestamp must be set either on BATCH or individual statements",
    ],
    [
      `BEGIN BATCH USING TIMESTAMP 5 INSERT INTO w (k, v) VALUES (12, 1) IF NOT EXISTS; ` +
      "APPLY BATCH",
      "Cannot provide custom timestamp for conditional BATCH",
    ],
    [
      "BEGIN COUNTER BATCH USING TIMESTAMP 5 UPDATE ct SET n = n + 1 WHERE k = 1; APPLY BATCH",
      "Cannot provide custom timestamp for counter BATCH",
    ],
    [
      "BEGIN BATCH USING TIMESTAMP 5 UPDATE ct SET n = n + 1 WHERE k = 1; APPLY BATCH",
      "Cannot provide custom timestamp for a BATCH containing counters",
    ],
    // The tables are looked up first.
    [
      "BEGIN BATCH USING TTL 5 INSERT INTO nope (k) VALUES (1); APPLY BATCH",
      "table nope does not exist",
    ],
  ]);
  assert.deepEqual(intRows(f.run("SELECT k FROM w")), []);
  // A timestamp on the batch alone, or with a statement's TTL, is taken.
  f.run(`BEGIN BATCH USING TIMESTAMP 5 ${insert} USING TTL 6; APPLY BATCH`);
  assert.deepEqual(intRows(f.run("SELECT k, v FROM w")), [[11, 1]]);
});

Deno.test("compileInsert() refuses unmatched and duplicate columns as an invalid query", () => {
  const f = tables();
  // The old node answered a syntax error for an unmatched count.
  assertRefused(f, [
    ["INSERT INTO w (k, v) VALUES (1)", "Unmatched column names/values"],
    ["INSERT INTO w (k) VALUES (1, 2)", "Unmatched column names/values"],
    ["BEGIN BATCH INSERT INTO w (k, v) VALUES (1); APPLY BATCH", "Unmatched column names/values"],
    ["INSERT INTO w (k, v, v) VALUES (1, 2, 3)", "The column names contains duplicates"],
    ["INSERT INTO w (k, nope, nope) VALUES (1, 2, 3)", "The column names contains duplicates"],
    [
      "INSERT INTO ct (k, n) VALUES (1)",
      "INSERT statements are not allowed on counter tables, use UPDATE instead",
    ],
  ]);
  assertCqlError(
    () => f.run("INSERT INTO w (k, v) VALUES (?)", { values: [1], prepare: true }),
    INVALID,
    "Unmatched column names/values",
  );
});

Deno.test("applyConditionalBatch() refuses a batch mixing kinds of condition on one row", () => {
  const f = tables();
  const batch = (...statements: string[]) => `BEGIN BATCH ${statements.join("; ")}; APPLY BATCH`;
  const notExists = "INSERT INTO w (k, v) VALUES (8, 1) IF NOT EXISTS";
  const exists = "UPDATE w SET t = 'a' WHERE k = 8 IF EXISTS";
  const column = "UPDATE w SET v = 2 WHERE k = 8 IF v = 1";
  const notExistsMessage = "Cannot mix IF conditions and IF NOT EXISTS for the same row";
  const existsMessage = "Cannot mix IF conditions and IF EXISTS for the same row";
  const bothMessage = "Cannot mix IF EXISTS and IF NOT EXISTS conditions for the same row";
  // The old node applied the first two and tested the others.
  assertRefused(f, [
    [batch(notExists, "UPDATE w SET t = 'a' WHERE k = 8 IF t = null"), notExistsMessage],
    [batch(column, notExists), notExistsMessage],
    [batch(column, exists), existsMessage],
    // Cassandra 5.0.6 names IF NOT EXISTS when column conditions follow IF EXISTS.
    [batch(exists, column), notExistsMessage],
    [batch(exists, notExists), bothMessage],
    [batch(notExists, exists), bothMessage],
    [batch("DELETE FROM w WHERE k = 8 IF EXISTS", notExists), bothMessage],
    [
      batch(
        "INSERT INTO cw (k, c, v) VALUES (1, 3, 1) IF NOT EXISTS",
        "UPDATE cw SET v = 2 WHERE k = 1 AND c = 3 IF v = null",
      ),
      notExistsMessage,
    ],
    [
      batch(
        "INSERT INTO cw (k, s) VALUES (1, 1) IF NOT EXISTS",
        "UPDATE cw SET s = 2 WHERE k = 1 IF s = null",
      ),
      notExistsMessage,
    ],
  ]);
  assert.deepEqual(intRows(f.run("SELECT k FROM w")), []);
  // One kind twice on a row, or kinds on different rows (a row and the static row), is taken.
  f.run(batch(notExists, "INSERT INTO w (k, t) VALUES (8, 'b') IF NOT EXISTS"));
  f.run(
    batch(
      "INSERT INTO cw (k, c, v) VALUES (1, 5, 1) IF NOT EXISTS",
      "UPDATE cw SET v = 2, s = 3 WHERE k = 1 AND c = 5 IF s = null",
    ),
  );
  assert.deepEqual(intRows(f.run("SELECT k, v FROM w")), [[8, 1]]);
  assert.deepEqual(intRows(f.run("SELECT c, s, v FROM cw WHERE k = 1 AND c = 5")), [[5, 3, 2]]);
});

Deno.test("compileAssignment() names the refused operation as Cassandra 5.0.6 does", () => {
  const f = tables();
  assertRefused(f, [
    // The old node wrote `v = v + ?` for each of these.
    [
      "UPDATE w SET v = v + 1 WHERE k = 5",
      "Invalid operation (v = v + 1) for non counter column v",
    ],
    ["UPDATE w SET v += 1 WHERE k = 5", "Invalid operation (v = v + 1) for non counter column v"],
    [
      "UPDATE w SET v = v - 1 WHERE k = 5",
      "Invalid operation (v = v - 1) for non counter column v",
    ],
    [
      "UPDATE w SET t = t + 'a' WHERE k = 5",
      "Invalid operation (t = t + 'a') for non counter column t",
    ],
    [
      "UPDATE w SET tu = tu + (1, 2) WHERE k = 1",
      "Invalid operation (tu = tu + (1, 2)) for tuple column tu",
    ],
    // A prepend to what is not a list, which the old node took as an append to a set or map.
    ["UPDATE w SET v = 1 + v WHERE k = 5", "Invalid operation (v = 1 - v) for non list column v"],
    [
      "UPDATE w SET t = 'x' + t WHERE k = 5",
      "Invalid operation (t = 'x' - t) for non list column t",
    ],
    [
      "UPDATE w SET s = {1} + s WHERE k = 5",
      "Invalid operation (s = {1} - s) for non list column s",
    ],
    [
      "UPDATE w SET m = {1: 'a'} + m WHERE k = 5",
      "Invalid operation (m = {1: 'a'} - m) for non list column m",
    ],
    ["UPDATE ct SET n = 1 + n WHERE k = 1", "Invalid operation (n = 1 - n) for non list column n"],
  ]);
  assertCqlError(
    () => f.run("UPDATE w SET s = ? + s WHERE k = 5", { values: [null], prepare: true }),
    INVALID,
    "Invalid operation (s = ? - s) for non list column s",
  );
  assert.deepEqual(intRows(f.run("SELECT k FROM w")), []);
});
