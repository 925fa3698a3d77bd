// Aggregates in SELECT (`min`, `max`, `sum`, `avg`, `count` over a column, beside `count(*)` and
// plain columns) as Apache Cassandra 5.0.6 answers them: result names and types, values, the
// warning of an aggregate without a partition key, and refusals. Every expected answer was
// observed on a one-node Cassandra 5.0.6 (`deno task cassandra`) given the same statements
// through the Python driver; the old embedded node refused all of these selectors.
import assert from "node:assert/strict";
import { answerText } from "./_answer_text.ts";
import {
  assertCqlError,
  type EngineFixture,
  engineFixture,
  INVALID,
  type RunOptions,
} from "./_engine_fixture.ts";

/** The SyntaxException error code. */
const SYNTAX = 0x2000;

const NO_KEY = "Aggregation query used without partition key";

function tables(): EngineFixture {
  const f = engineFixture();
  f.run(
    "CREATE TABLE a (k int, c int, v int, b bigint, f float, d double, vi varint, de decimal, " +
      "t text, sm smallint, ti tinyint, ts timestamp, u uuid, bo boolean, s int static, " +
      "l list<int>, PRIMARY KEY (k, c))",
  );
  f.run("CREATE TABLE e (k int, c int, v int, PRIMARY KEY (k, c))");
  f.run(
    "INSERT INTO a (k, c, v, b, f, d, vi, de, t, sm, ti, bo) " +
      "VALUES (1, 1, 7, 10, 1.5, 2.5, 100, 1.25, 'x', 3, 4, true)",
  );
  f.run(
    "INSERT INTO a (k, c, v, b, f, d, vi, de, t, sm, ti, bo) " +
      "VALUES (1, 2, 2, 20, 2.25, 3.5, 200, 2.5, 'b', 5, 6, false)",
  );
  f.run(
    "INSERT INTO a (k, c, v, b, f, d, vi, de, t) VALUES (1, 3, 4, 30, 3.0, 4.0, 300, 3.125, 'zz')",
  );
  f.run("INSERT INTO a (k, c) VALUES (1, 4)");
  f.run("INSERT INTO a (k, c, v, b) VALUES (2, 1, 2147483647, 9223372036854775807)");
  f.run("INSERT INTO a (k, c, v, b) VALUES (2, 2, 1, 1)");
  return f;
}

/** [statement, `name type, ...`, `value, ...`, warnings?] as the real node answered. */
type Case = [string, string, string, string[]?];

function assertAnswers(f: EngineFixture, cases: Case[], options: RunOptions = {}): void {
  for (const [cql, columns, rows, warnings = []] of cases) {
    const answer = answerText(f.run(cql, options));
    assert.deepEqual(answer, { columns, rows, warnings }, cql);
  }
}

Deno.test("selectOutputs() names and types aggregates over columns as Cassandra does", () => {
  const f = tables();
  assertAnswers(f, [
    ["SELECT max(v) FROM a WHERE k = 1", "system.max(v) int", "7"],
    [
      "SELECT min(v), max(v), sum(v), avg(v), count(v) FROM a WHERE k = 1",
      "system.min(v) int, system.max(v) int, system.sum(v) int, system.avg(v) int, " +
      "system.count(v) bigint",
      "2, 7, 13, 4, 3",
    ],
    [
      "SELECT MAX(v), Min(v), SUM(v), AVG(v), COUNT(v), COUNT(*), count(1) FROM a WHERE k = 1",
      "system.max(v) int, system.min(v) int, system.sum(v) int, system.avg(v) int, " +
      "system.count(v) bigint, count bigint, count bigint",
      "7, 2, 13, 4, 3, 4, 4",
    ],
    ["SELECT max(v) AS m, count(*) AS n FROM a WHERE k = 1", "m int, n bigint", "7, 4"],
    [
      'SELECT system.max(v), "max"(v), count("v"), system.count(v) FROM a WHERE k = 1',
      "system.max(v) int, system.max(v) int, system.count(v) bigint, system.count(v) bigint",
      "7, 7, 3, 3",
    ],
    ["SELECT max(v) AS x, min(v) AS x FROM a WHERE k = 1", "x int, x int", "7, 2"],
    [
      "SELECT count(0), count(-1), count(100), count('a'), count(1.5) FROM a WHERE k = 1",
      "count bigint, count bigint, count bigint, count bigint, count bigint",
      "4, 4, 4, 4, 4",
    ],
    [
      "SELECT min(t), max(t), count(t), min(bo), max(bo), count(ts) FROM a WHERE k = 1",
      "system.min(t) text, system.max(t) text, system.count(t) bigint, " +
      "system.min(bo) boolean, system.max(bo) boolean, system.count(ts) bigint",
      "'b', 'zz', 3, false, true, 0",
    ],
    [
      "SELECT min(k), max(c), sum(k), sum(c), count(k), count(c) FROM a WHERE k = 1",
      "system.min(k) int, system.max(c) int, system.sum(k) int, system.sum(c) int, " +
      "system.count(k) bigint, system.count(c) bigint",
      "1, 4, 4, 10, 4, 4",
    ],
    [
      "SELECT min(s), max(s), sum(s), count(s), max(l), count(l), min(u) FROM a WHERE k = 1",
      "system.min(s) int, system.max(s) int, system.sum(s) int, system.count(s) bigint, " +
      "system.max(l) list<int>, system.count(l) bigint, system.min(u) uuid",
      "null, null, 0, 0, null, 0, null",
    ],
  ]);
});

Deno.test("aggregateColumn() sums and averages each numeric type as Cassandra does", () => {
  const f = tables();
  assertAnswers(f, [
    [
      "SELECT sum(b), avg(b), min(b), max(b), count(b) FROM a WHERE k = 1",
      "system.sum(b) bigint, system.avg(b) bigint, system.min(b) bigint, system.max(b) bigint, " +
      "system.count(b) bigint",
      "60, 20, 10, 30, 3",
    ],
    [
      "SELECT sum(f), avg(f), min(f), max(f), sum(d), avg(d) FROM a WHERE k = 1",
      "system.sum(f) float, system.avg(f) float, system.min(f) float, system.max(f) float, " +
      "system.sum(d) double, system.avg(d) double",
      "6.75, 2.25, 1.5, 3, 10, 3.3333333333333335",
    ],
    [
      "SELECT sum(vi), avg(vi), sum(de), avg(de), min(de), max(de) FROM a WHERE k = 1",
      "system.sum(vi) varint, system.avg(vi) varint, system.sum(de) decimal, " +
      "system.avg(de) decimal, system.min(de) decimal, system.max(de) decimal",
      // The decimal average is a running average, rounded at each step: not 2.292.
      "600, 200, 6.875, 2.288, 1.25, 3.125",
    ],
    [
      "SELECT sum(sm), avg(sm), sum(ti), avg(ti), min(sm), max(ti) FROM a WHERE k = 1",
      "system.sum(sm) smallint, system.avg(sm) smallint, system.sum(ti) tinyint, " +
      "system.avg(ti) tinyint, system.min(sm) smallint, system.max(ti) tinyint",
      "8, 4, 10, 5, 3, 6",
    ],
    // Sums wrap in their type; averages of integers do not overflow and truncate.
    [
      "SELECT sum(v), avg(v), sum(b), avg(b) FROM a WHERE k = 2",
      "system.sum(v) int, system.avg(v) int, system.sum(b) bigint, system.avg(b) bigint",
      "-2147483648, 1073741824, -9223372036854775808, 4611686018427387904",
    ],
  ]);
  f.run("CREATE TABLE ct (k int, c int, n counter, PRIMARY KEY (k, c))");
  f.run("UPDATE ct SET n = n + 5 WHERE k = 1 AND c = 1");
  f.run("UPDATE ct SET n = n + 8 WHERE k = 1 AND c = 2");
  assertAnswers(f, [[
    "SELECT sum(n), avg(n), min(n), max(n), count(n) FROM ct WHERE k = 1",
    "system.sum(n) counter, system.avg(n) counter, system.min(n) counter, " +
    "system.max(n) counter, system.count(n) bigint",
    "13, 6, 5, 8, 2",
  ]]);
});

Deno.test("aggregateColumn() computes float, double and decimal edge cases as Cassandra", () => {
  const f = tables();
  f.run("INSERT INTO a (k, c, f, d) VALUES (3, 1, 0.1, 0.1)");
  f.run("INSERT INTO a (k, c, f, d) VALUES (3, 2, 0.2, 0.2)");
  f.run("INSERT INTO a (k, c, f, d) VALUES (3, 3, 0.3, 0.3)");
  f.run(
    "INSERT INTO a (k, c, f, d, v, b, vi, de) " +
      "VALUES (3, 4, 3.4028235e38, 1.7e308, -7, -7, -7, -0.5)",
  );
  f.run(
    "INSERT INTO a (k, c, f, d, v, b, vi, de) VALUES (3, 5, 3.4028235e38, 1.7e308, 2, 2, 2, 0.25)",
  );
  f.run("INSERT INTO a (k, c, f, d) VALUES (4, 1, NaN, Infinity)");
  f.run("INSERT INTO a (k, c, f, d) VALUES (4, 2, 1.0, -Infinity)");
  for (const [c, de] of [[1, "1"], [2, "2"], [3, "2"]]) {
    f.run(`INSERT INTO a (k, c, de) VALUES (5, ${c}, ${de})`);
  }
  f.run("INSERT INTO a (k, c, de) VALUES (7, 1, 1E+3)");
  f.run("INSERT INTO a (k, c, de) VALUES (7, 2, 1.5)");
  assertAnswers(f, [
    // Kahan's summation: 0.6, not 0.6000000000000001.
    [
      "SELECT sum(f), avg(f), sum(d), avg(d) FROM a WHERE k = 3 AND c < 4",
      "system.sum(f) float, system.avg(f) float, system.sum(d) double, system.avg(d) double",
      "0.6000000238418579, 0.20000000298023224, 0.6, 0.19999999999999998",
    ],
    // A double sum that overflows averages in BigDecimal at the scale of 1.7E308.
    [
      "SELECT sum(f), avg(f), sum(d), avg(d), avg(v), avg(b), avg(vi), avg(de), sum(de) " +
      "FROM a WHERE k = 3",
      "system.sum(f) float, system.avg(f) float, system.sum(d) double, system.avg(d) double, " +
      "system.avg(v) int, system.avg(b) bigint, system.avg(vi) varint, system.avg(de) decimal, " +
      "system.sum(de) decimal",
      "Infinity, 1.3611293865541154e+38, Infinity, 7e+307, -2, -2, -2, -0.12, -0.25",
    ],
    [
      "SELECT sum(f), avg(f), sum(d), avg(d), min(f), max(f), min(d), max(d) FROM a WHERE k = 4",
      "system.sum(f) float, system.avg(f) float, system.sum(d) double, system.avg(d) double, " +
      "system.min(f) float, system.max(f) float, system.min(d) double, system.max(d) double",
      "NaN, NaN, NaN, NaN, 1, NaN, -Infinity, Infinity",
    ],
    [
      "SELECT avg(de), sum(de) FROM a WHERE k = 5",
      "system.avg(de) decimal, system.sum(de) decimal",
      "1, 5",
    ],
    [
      "SELECT avg(de), sum(de), min(de), max(de) FROM a WHERE k = 7",
      "system.avg(de) decimal, system.sum(de) decimal, system.min(de) decimal, " +
      "system.max(de) decimal",
      "500.8, 1001.5, 1.5, 1E+3",
    ],
  ]);
});

Deno.test("aggregateColumn() answers no rows with zero sums and null extremes", () => {
  const f = tables();
  assertAnswers(f, [
    [
      "SELECT sum(v), avg(v), min(v), max(v), count(v), count(*) FROM a WHERE k = 9",
      "system.sum(v) int, system.avg(v) int, system.min(v) int, system.max(v) int, " +
      "system.count(v) bigint, count bigint",
      "0, 0, null, null, 0, 0",
    ],
    [
      "SELECT sum(vi), avg(vi), sum(de), avg(de), sum(f), avg(d), min(t) FROM a WHERE k = 9",
      "system.sum(vi) varint, system.avg(vi) varint, system.sum(de) decimal, " +
      "system.avg(de) decimal, system.sum(f) float, system.avg(d) double, system.min(t) text",
      "0, 0, 0, 0, 0, 0, null",
    ],
    ["SELECT max(v) FROM e", "system.max(v) int", "null", [NO_KEY]],
    [
      "SELECT sum(v), avg(v), count(v) FROM e",
      "system.sum(v) int, system.avg(v) int, system.count(v) bigint",
      "0, 0, 0",
      [NO_KEY],
    ],
  ]);
});

Deno.test("selectOutputs() gives plain columns beside aggregates the first row's values", () => {
  const f = tables();
  assertAnswers(f, [
    ["SELECT k, max(v) FROM a WHERE k = 1", "k int, system.max(v) int", "1, 7"],
    ["SELECT max(v), v FROM a WHERE k = 1", "system.max(v) int, v int", "7, 7"],
    ["SELECT k, count(*) FROM a WHERE k = 1", "k int, count bigint", "1, 4"],
    ["SELECT c, v, count(*) FROM a", "c int, v int, count bigint", "1, 7, 6", [NO_KEY]],
    ["SELECT k, max(v) FROM a WHERE k = 9", "k int, system.max(v) int", "null, null"],
    ["SELECT k, c, count(*) FROM a WHERE k = 9", "k int, c int, count bigint", "null, null, 0"],
    [
      "SELECT c, max(v) FROM a WHERE k = 1 ORDER BY c DESC",
      "c int, system.max(v) int",
      "4, 7",
    ],
    ["SELECT c, max(v) FROM a WHERE k = 1 AND c > 1", "c int, system.max(v) int", "2, 4"],
    [
      "SELECT t, count(t) FROM a WHERE k = 1 AND c > 3",
      "t text, system.count(t) bigint",
      "null, 0",
    ],
  ]);
});

Deno.test("compileSelect() warns of an aggregate over every partition or an IN", () => {
  const f = tables();
  const IN = "Aggregation query used on multiple partition keys (IN restriction)";
  assertAnswers(f, [
    ["SELECT max(v) FROM a", "system.max(v) int", "2147483647", [NO_KEY]],
    [
      "SELECT max(v), sum(b) FROM a",
      "system.max(v) int, system.sum(b) bigint",
      "2147483647, -9223372036854775748",
      [NO_KEY],
    ],
    ["SELECT max(v) FROM a WHERE v > 1 ALLOW FILTERING", "system.max(v) int", "2147483647", [
      NO_KEY,
    ]],
    ["SELECT max(v) FROM a WHERE c = 1 ALLOW FILTERING", "system.max(v) int", "2147483647", [
      NO_KEY,
    ]],
    ["SELECT max(v) FROM a WHERE k IN (1, 2)", "system.max(v) int", "2147483647", [IN]],
    ["SELECT DISTINCT max(k) FROM a", "system.max(k) int", "2", [NO_KEY]],
    // A token range is a partition key restriction: no warning, for count(*) neither.
    ["SELECT max(v) FROM a WHERE token(k) > 0", "system.max(v) int", "null"],
    ["SELECT count(*) FROM a WHERE token(k) > 0", "count bigint", "0"],
    ["SELECT max(v) FROM a WHERE k = 1 LIMIT 1", "system.max(v) int", "7"],
    ["SELECT max(v) FROM a WHERE k = 1 AND v > 2 ALLOW FILTERING", "system.max(v) int", "7"],
  ]);
  // One page whatever the page size, prepared or not.
  assertAnswers(f, [["SELECT max(v) FROM a", "system.max(v) int", "2147483647", [NO_KEY]]], {
    pageSize: 1,
  });
  assertAnswers(f, [[
    "SELECT max(v), count(*) FROM a WHERE k = ?",
    "system.max(v) int, " +
    "count bigint",
    "null, 0",
  ]], { values: [9], prepare: true });
  assert.equal(f.run("SELECT count(v) FROM a", { pageSize: 1 }).kind, "rows");
});

Deno.test("aggregateColumn() refuses what Cassandra refuses", () => {
  const f = tables();
  const sum = "system.sum : (decimal) -> decimal, system.sum : (counter) -> counter, " +
    "system.sum : (tinyint) -> tinyint, system.sum : (int) -> int, " +
    "system.sum : (double) -> double, system.sum : (smallint) -> smallint, " +
    "system.sum : (bigint) -> bigint, system.sum : (varint) -> varint, " +
    "system.sum : (float) -> float";
  const avg = "system.avg : (bigint) -> bigint, system.avg : (int) -> int, " +
    "system.avg : (tinyint) -> tinyint, system.avg : (double) -> double, " +
    "system.avg : (counter) -> counter, system.avg : (float) -> float, " +
    "system.avg : (varint) -> varint, system.avg : (decimal) -> decimal, " +
    "system.avg : (smallint) -> smallint";
  const noSum =
    `Invalid call to function sum, none of its type signatures match (known type signatures: ${sum})`;
  const noAvg =
    `Invalid call to function avg, none of its type signatures match (known type signatures: ${avg})`;
  const cases: [string, string][] = [
    [
      "SELECT max(v, b) FROM a WHERE k = 1",
      "Invalid number of arguments for function system.max(any)",
    ],
    ["SELECT max() FROM a WHERE k = 1", "Invalid number of arguments for function system.max(any)"],
    [
      "SELECT system.min(v, b) FROM a WHERE k = 1",
      "Invalid number of arguments for function system.min(any)",
    ],
    [
      "SELECT count(v, b) FROM a WHERE k = 1",
      "Invalid number of arguments in call to function system.count: 1 required but 2 provided",
    ],
    [
      "SELECT count() FROM a WHERE k = 1",
      "Invalid number of arguments in call to function system.count: 1 required but 0 provided",
    ],
    ["SELECT sum(t) FROM a WHERE k = 1", noSum],
    ["SELECT sum(v, b) FROM a WHERE k = 1", noSum],
    ["SELECT sum() FROM a WHERE k = 1", noSum],
    ["SELECT sum(bo) FROM a WHERE k = 1", noSum],
    ["SELECT sum(l) FROM a WHERE k = 1", noSum],
    ["SELECT avg(t) FROM a WHERE k = 1", noAvg],
    ["SELECT avg(u) FROM a WHERE k = 1", noAvg],
    ["SELECT avg(v, b) FROM a WHERE k = 1", noAvg],
    [
      "SELECT system.sum(t) FROM a WHERE k = 1",
      noSum.replace("function sum", "function system.sum"),
    ],
    [
      "SELECT sum(ts) FROM a WHERE k = 1",
      "Ambiguous call to function sum (can be matched by following signatures: " +
      "system.sum : (bigint) -> bigint, system.sum : (varint) -> varint): use type casts to disambiguate",
    ],
    [
      "SELECT system.avg(ts) FROM a WHERE k = 1",
      "Ambiguous call to function system.avg (can be matched by following signatures: " +
      "system.avg : (bigint) -> bigint, system.avg : (varint) -> varint): use type casts to disambiguate",
    ],
    ["SELECT max(nope) FROM a WHERE k = 1", "Undefined column name nope in table ks.a"],
    [
      "SELECT max(v) FROM a WHERE k = 1 PER PARTITION LIMIT 1",
      "PER PARTITION LIMIT is not allowed with aggregate queries.",
    ],
    [
      "SELECT max(s) FROM a WHERE k = 1 AND c = 1",
      "Cannot restrict clustering columns when selecting only static columns",
    ],
    ["SELECT max(v) FROM a LIMIT 0", "LIMIT must be strictly positive"],
    [
      "SELECT max(v) FROM a WHERE c = 1",
      "Cannot execute this query as it might involve data filtering and thus may have " +
      "unpredictable performance. If you want to execute this query despite the performance " +
      "unpredictability, use ALLOW FILTERING",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
  // The syntax errors of a star outside count(*).
  const syntax: [string, string][] = [
    [
      "SELECT max(*) FROM a WHERE k = 1",
      "line 1:11 mismatched input '*' expecting ')' (SELECT max([*]...)",
    ],
    [
      'SELECT "count"(*) FROM a WHERE k = 1',
      `line 1:15 mismatched input '*' expecting ')' (SELECT "count"([*]...)`,
    ],
  ];
  for (const [cql, message] of syntax) assertCqlError(() => f.run(cql), SYNTAX, message);
});
