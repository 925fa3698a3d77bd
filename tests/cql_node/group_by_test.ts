// GROUP BY in SELECT as Apache Cassandra 5.0.6 answers it: groups on a prefix of the primary key,
// aggregates per group and plain columns from each group's first row, LIMIT and PER PARTITION
// LIMIT counting groups, pages of page-size groups, ORDER BY, ALLOW FILTERING, the warnings and
// the refusals. Every expected answer was observed on a one-node Cassandra 5.0.6
// (`deno task cassandra`) given the same statements through the Python driver (paged ones with
// that fetch size); the old embedded node refused GROUP BY as a syntax error.
import assert from "node:assert/strict";
import { answerText, pages } from "./_answer_text.ts";
import { assertCqlError, type EngineFixture, engineFixture, INVALID } from "./_engine_fixture.ts";

/** The SyntaxException error code. */
const SYNTAX = 0x2000;

const NO_KEY = "Aggregation query used without partition key";
const IN = "Aggregation query used on multiple partition keys (IN restriction)";

function tables(): EngineFixture {
  const f = engineFixture();
  f.run("CREATE TABLE t (k int, c1 int, c2 int, v int, s int static, PRIMARY KEY (k, c1, c2))");
  f.run("CREATE TABLE p (k1 int, k2 int, c int, v int, PRIMARY KEY ((k1, k2), c))");
  f.run(
    "CREATE TABLE d (k int, c1 int, c2 int, v int, PRIMARY KEY (k, c1, c2)) " +
      "WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)",
  );
  f.run("CREATE TABLE n (k int PRIMARY KEY, v int)");
  for (
    const row of [
      "t (k, c1, c2, v, s) VALUES (1, 1, 1, 10, 100)",
      "t (k, c1, c2, v) VALUES (1, 1, 2, 11)",
      "t (k, c1, c2, v) VALUES (1, 2, 1, 12)",
      "t (k, c1, c2, v) VALUES (1, 2, 2, 13)",
      "t (k, c1, c2, v) VALUES (1, 3, 1, 14)",
      "t (k, c1, c2, v, s) VALUES (2, 1, 1, 20, 200)",
      "t (k, c1, c2, v) VALUES (2, 1, 2, 21)",
      "t (k, c1, c2, v) VALUES (2, 2, 1, 22)",
      "t (k, c1, c2) VALUES (3, 1, 1)",
      "t (k, s) VALUES (4, 400)",
      "p (k1, k2, c, v) VALUES (1, 1, 1, 1)",
      "p (k1, k2, c, v) VALUES (1, 1, 2, 2)",
      "p (k1, k2, c, v) VALUES (1, 2, 1, 3)",
      "d (k, c1, c2, v) VALUES (1, 1, 1, 1)",
      "d (k, c1, c2, v) VALUES (1, 1, 2, 2)",
      "d (k, c1, c2, v) VALUES (1, 2, 1, 3)",
      "d (k, c1, c2, v) VALUES (1, 2, 2, 4)",
      "n (k, v) VALUES (1, 1)",
      "n (k, v) VALUES (2, 2)",
      "n (k, v) VALUES (3, 3)",
    ]
  ) f.run(`INSERT INTO ${row}`);
  return f;
}

/** [statement, `name type, ...`, rows as `value, ...` joined by ` / `, warnings?]. */
type Case = [string, string, string, string[]?];

function assertAnswers(f: EngineFixture, cases: Case[]): void {
  for (const [cql, columns, rows, warnings = []] of cases) {
    assert.deepEqual(answerText(f.run(cql)), { columns, rows, warnings }, cql);
  }
}

Deno.test("groupedPage() answers a group's aggregates and its first row's columns", () => {
  const f = tables();
  assertAnswers(f, [
    [
      "SELECT k, c1, count(*), max(v) FROM t GROUP BY k",
      "k int, c1 int, count bigint, system.max(v) int",
      "1, 1, 5, 14 / 2, 1, 3, 22 / 4, null, 1, null / 3, 1, 1, null",
      [NO_KEY],
    ],
    [
      "SELECT k, c1, c2, v, count(*), max(v), s FROM t GROUP BY k, c1",
      "k int, c1 int, c2 int, v int, count bigint, system.max(v) int, s int",
      "1, 1, 1, 10, 2, 11, 100 / 1, 2, 1, 12, 2, 13, 100 / 1, 3, 1, 14, 1, 14, 100 / " +
      "2, 1, 1, 20, 2, 21, 200 / 2, 2, 1, 22, 1, 22, 200 / 4, null, null, null, 1, null, 400 / " +
      "3, 1, 1, null, 1, null, null",
      [NO_KEY],
    ],
    [
      "SELECT * FROM t GROUP BY k, c1",
      "k int, c1 int, c2 int, s int, v int",
      "1, 1, 1, 100, 10 / 1, 2, 1, 100, 12 / 1, 3, 1, 100, 14 / 2, 1, 1, 200, 20 / " +
      "2, 2, 1, 200, 22 / 4, null, null, 400, null / 3, 1, 1, null, null",
      [NO_KEY],
    ],
    [
      "SELECT k, count(*) FROM t GROUP BY k, c1, c2",
      "k int, count bigint",
      "1, 1 / 1, 1 / 1, 1 / 1, 1 / 1, 1 / 2, 1 / 2, 1 / 2, 1 / 4, 1 / 3, 1",
      [NO_KEY],
    ],
    [
      "SELECT k, c1, count(*) FROM t WHERE k = 1 GROUP BY c1",
      "k int, c1 int, count bigint",
      "1, 1, 2 / 1, 2, 2 / 1, 3, 1",
    ],
    [
      "SELECT k, c1, count(*) FROM t WHERE k = 1 group by K",
      "k int, c1 int, count bigint",
      "1, 1, 5",
    ],
    ["SELECT k, c1 FROM t WHERE k = 1 GROUP BY c1", "k int, c1 int", "1, 1 / 1, 2 / 1, 3"],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k = 1 AND c1 = 2 GROUP BY k, c2",
      "k int, c1 int, c2 int, count bigint",
      "1, 2, 1, 1 / 1, 2, 2, 1",
    ],
    [
      "SELECT k, count(*) FROM t WHERE k = 1 AND c1 IN (1) GROUP BY c2",
      "k int, count bigint",
      "1, 1 / 1, 1",
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k = 1 AND c1 IN (1, 3) GROUP BY c1",
      "k int, c1 int, c2 int, count bigint",
      "1, 1, 1, 2 / 1, 3, 1, 1",
    ],
    [
      "SELECT k, max(v), min(v), sum(v), avg(v), count(v) FROM t WHERE k IN (1, 2, 3) GROUP BY k",
      "k int, system.max(v) int, system.min(v) int, system.sum(v) int, system.avg(v) int, " +
      "system.count(v) bigint",
      "1, 14, 10, 60, 12, 5 / 2, 22, 20, 63, 21, 3 / 3, null, null, 0, 0, 0",
      [IN],
    ],
    [
      "SELECT k1, k2, count(*) FROM p GROUP BY k1, k2",
      "k1 int, k2 int, count bigint",
      "1, 2, 1 / 1, 1, 2",
      [NO_KEY],
    ],
    ["SELECT k, count(*) AS n FROM t WHERE token(k) > 0 GROUP BY k", "k int, n bigint", "3, 1"],
    // A partition of a static row only is a group of one row; no rows, no groups.
    [
      "SELECT k, c1, s, count(*), count(v) FROM t WHERE k = 4 GROUP BY k, c1",
      "k int, c1 int, s int, count bigint, system.count(v) bigint",
      "4, null, 400, 1, 0",
    ],
    ["SELECT count(*) FROM t WHERE k = 5 GROUP BY k", "count bigint", ""],
    [
      "SELECT DISTINCT k, s FROM t GROUP BY k",
      "k int, s int",
      "1, 100 / 2, 200 / 4, 400 / 3, null",
      [NO_KEY],
    ],
    ["SELECT DISTINCT k FROM t GROUP BY k LIMIT 2", "k int", "1 / 2", [NO_KEY]],
  ]);
});

Deno.test("groupedPage() counts groups for LIMIT, PER PARTITION LIMIT and ORDER BY", () => {
  const f = tables();
  const cols = "k int, c1 int, count bigint";
  const cols2 = "k int, c1 int, c2 int, count bigint";
  assertAnswers(f, [
    ["SELECT k, c1, count(*) FROM t GROUP BY k, c1 LIMIT 3", cols, "1, 1, 2 / 1, 2, 2 / 1, 3, 1", [
      NO_KEY,
    ]],
    [
      "SELECT k, c1, count(*) FROM t GROUP BY k, c1 PER PARTITION LIMIT 1",
      cols,
      "1, 1, 2 / 2, 1, 2 / 4, null, 1 / 3, 1, 1",
      [NO_KEY],
    ],
    [
      "SELECT k, c1, count(*) FROM t GROUP BY k, c1 PER PARTITION LIMIT 2 LIMIT 3",
      cols,
      "1, 1, 2 / 1, 2, 2 / 2, 1, 2",
      [NO_KEY],
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k = 1 GROUP BY c1 ORDER BY c1 DESC",
      cols2,
      "1, 3, 1, 1 / 1, 2, 2, 2 / 1, 1, 2, 2",
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k = 1 GROUP BY c1 ORDER BY c1 DESC LIMIT 2",
      cols2,
      "1, 3, 1, 1 / 1, 2, 2, 2",
    ],
    // With an IN on the partition key, ORDER BY sorts the groups by their first rows.
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k IN (1, 2) GROUP BY k, c1 ORDER BY c1 DESC",
      cols2,
      "1, 3, 1, 1 / 1, 2, 2, 2 / 2, 2, 1, 1 / 1, 1, 2, 2 / 2, 1, 2, 2",
      [IN],
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k IN (1, 2) GROUP BY k, c1 ORDER BY c1 ASC",
      cols2,
      "1, 1, 1, 2 / 2, 1, 1, 2 / 1, 2, 1, 2 / 2, 2, 1, 1 / 1, 3, 1, 1",
      [IN],
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k IN (1, 2) GROUP BY k ORDER BY c1 DESC",
      cols2,
      "1, 3, 1, 5 / 2, 2, 1, 3",
      [IN],
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k IN (1, 2) GROUP BY k, c1 ORDER BY c1 DESC LIMIT 2",
      cols2,
      "1, 3, 1, 1 / 1, 2, 2, 2",
      [IN],
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE k IN (1, 2) GROUP BY k, c1 ORDER BY c1 DESC " +
      "PER PARTITION LIMIT 1",
      cols2,
      "1, 3, 1, 1 / 2, 2, 1, 1",
      [IN],
    ],
    [
      "SELECT k, c1, c2, count(*), v FROM d WHERE k = 1 GROUP BY c1",
      "k int, c1 int, c2 int, count bigint, v int",
      "1, 2, 1, 2, 3 / 1, 1, 1, 2, 1",
    ],
    [
      "SELECT k, c1, c2, count(*), v FROM d WHERE k = 1 GROUP BY c1 ORDER BY c1 ASC",
      "k int, c1 int, c2 int, count bigint, v int",
      "1, 1, 2, 2, 2 / 1, 2, 2, 2, 4",
    ],
    [
      "SELECT k, c1, count(*) FROM t WHERE v > 11 GROUP BY k, c1 ALLOW FILTERING",
      cols,
      "1, 2, 2 / 1, 3, 1 / 2, 1, 2 / 2, 2, 1",
      [NO_KEY],
    ],
    [
      "SELECT k, count(*) FROM t WHERE c1 = 1 GROUP BY k ALLOW FILTERING",
      "k int, count bigint",
      "1, 2 / 2, 2 / 3, 1",
      [NO_KEY],
    ],
    [
      "SELECT k, c1, c2, count(*) FROM t WHERE c1 = 1 GROUP BY k, c2 ALLOW FILTERING",
      cols2,
      "1, 1, 1, 1 / 1, 1, 2, 1 / 2, 1, 1, 1 / 2, 1, 2, 1 / 3, 1, 1, 1",
      [NO_KEY],
    ],
  ]);
});

Deno.test("groupedPage() pages by groups as Cassandra does", () => {
  const f = tables();
  const all = "SELECT k, c1, count(*) FROM t GROUP BY k, c1";
  // A full page says more may follow, so a page size that divides the groups ends empty.
  assert.deepEqual(pages(f, all, 1), [
    "1, 1, 2 [more]",
    "1, 2, 2 [more]",
    "1, 3, 1 [more]",
    "2, 1, 2 [more]",
    "2, 2, 1 [more]",
    "4, null, 1 [more]",
    "3, 1, 1 [more]",
    "",
  ]);
  assert.deepEqual(pages(f, all, 2, true), [
    "1, 1, 2 / 1, 2, 2 [more]",
    "1, 3, 1 / 2, 1, 2 [more]",
    "2, 2, 1 / 4, null, 1 [more]",
    "3, 1, 1",
  ]);
  assert.deepEqual(pages(f, all, 7), [
    "1, 1, 2 / 1, 2, 2 / 1, 3, 1 / 2, 1, 2 / 2, 2, 1 / 4, null, 1 / 3, 1, 1 [more]",
    "",
  ]);
  assert.deepEqual(pages(f, `${all} LIMIT 4`, 2), [
    "1, 1, 2 / 1, 2, 2 [more]",
    "1, 3, 1 / 2, 1, 2",
  ]);
  assert.deepEqual(pages(f, `${all} PER PARTITION LIMIT 2`, 2), [
    "1, 1, 2 / 1, 2, 2 [more]",
    "2, 1, 2 / 2, 2, 1 [more]",
    "4, null, 1 / 3, 1, 1 [more]",
    "",
  ]);
  assert.deepEqual(pages(f, `${all} PER PARTITION LIMIT 2 LIMIT 5`, 3), [
    "1, 1, 2 / 1, 2, 2 / 2, 1, 2 [more]",
    "2, 2, 1 / 4, null, 1",
  ]);
  assert.deepEqual(
    pages(f, "SELECT k, c1, c2, count(*) FROM t WHERE k = 1 GROUP BY c1 ORDER BY c1 DESC", 2),
    [
      "1, 3, 1, 1 / 1, 2, 2, 2 [more]",
      "1, 1, 2, 2",
    ],
  );
  assert.deepEqual(
    pages(f, "SELECT k, c1, c2, count(*), v FROM d WHERE k = 1 GROUP BY c1, c2", 2),
    [
      "1, 2, 1, 1, 3 / 1, 2, 2, 1, 4 [more]",
      "1, 1, 1, 1, 1 / 1, 1, 2, 1, 2 [more]",
      "",
    ],
  );
  assert.deepEqual(pages(f, "SELECT k, count(*), v FROM n GROUP BY k", 3), [
    "1, 1, 1 / 2, 1, 2 / 3, 1, 3 [more]",
    "",
  ]);
  // The last partition named at its PER PARTITION LIMIT ends the query.
  assert.deepEqual(
    pages(f, "SELECT k, c1, count(*) FROM t WHERE k = 1 GROUP BY c1 PER PARTITION LIMIT 2", 2),
    [
      "1, 1, 2 / 1, 2, 2",
    ],
  );
  assert.deepEqual(
    pages(
      f,
      "SELECT k, c1, count(*) FROM t WHERE k IN (2, 1) GROUP BY k, c1 PER PARTITION LIMIT 1",
      1,
    ),
    [
      "1, 1, 2 [more]",
      "2, 1, 2",
    ],
  );
  assert.deepEqual(pages(f, "SELECT k, c1, count(*) FROM t WHERE k IN (1, 3) GROUP BY k, c1", 2), [
    "1, 1, 2 / 1, 2, 2 [more]",
    "1, 3, 1 / 3, 1, 1 [more]",
    "",
  ]);
  // SELECT DISTINCT comes in one page.
  assert.deepEqual(pages(f, "SELECT DISTINCT k FROM t GROUP BY k", 2), ["1 / 2 / 4 / 3"]);
  assertCqlError(
    () =>
      f.run("SELECT k, count(*) FROM t WHERE k IN (1, 2) GROUP BY k ORDER BY c1 DESC", {
        pageSize: 2,
      }),
    INVALID,
    "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must " +
      "either remove the ORDER BY or the IN and sort client side, or disable paging for this query",
  );
});

Deno.test("groupByPrefix() refuses what Cassandra refuses", () => {
  const f = tables();
  const order = "Group by currently only support groups of columns following their declared " +
    "order in the PRIMARY KEY";
  const cases: [string, string][] = [
    [
      "SELECT k, count(*) FROM t GROUP BY v",
      "Group by is currently only supported on the columns of the PRIMARY KEY, got v",
    ],
    [
      "SELECT k, count(*) FROM t GROUP BY s",
      "Group by is currently only supported on the columns of the PRIMARY KEY, got s",
    ],
    ["SELECT k, count(*) FROM t GROUP BY x", "Undefined column name x in table ks.t"],
    ["SELECT k, count(*) FROM t GROUP BY c1", order],
    ["SELECT k, count(*) FROM t GROUP BY k, c2", order],
    ["SELECT k, count(*) FROM t GROUP BY k, k", order],
    ["SELECT k, count(*) FROM t GROUP BY c1, k", order],
    ["SELECT k, count(*) FROM t WHERE k = 1 GROUP BY c2", order],
    ["SELECT k, count(*) FROM t WHERE k IN (1, 2) GROUP BY c1", order],
    ["SELECT k1, count(*) FROM p GROUP BY k2", order],
    [
      "SELECT k1, count(*) FROM p GROUP BY k1",
      "Group by is not supported on only a part of the partition key",
    ],
    [
      "SELECT DISTINCT k FROM t GROUP BY k, c1",
      "Grouping on clustering columns is not allowed for SELECT DISTINCT queries",
    ],
    [
      "SELECT DISTINCT k FROM t GROUP BY k PER PARTITION LIMIT 1",
      "PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries",
    ],
    ["SELECT k, count(*) FROM t GROUP BY k LIMIT 0", "LIMIT must be strictly positive"],
    [
      "SELECT k, count(*) FROM t GROUP BY k, c1 ORDER BY c1",
      "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
    ],
    [
      "SELECT k, count(*) FROM t WHERE v > 11 GROUP BY k",
      "Cannot execute this query as it might involve data filtering and thus may have unpredictable " +
      "performance. If you want to execute this query despite the performance unpredictability, use " +
      "ALLOW FILTERING",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
  const syntax: [string, string][] = [
    [
      "SELECT k FROM t WHERE k = 1 LIMIT 2 GROUP BY k",
      "line 1:36 mismatched input 'GROUP' expecting EOF (...k = 1 LIMIT 2 [GROUP]...)",
    ],
    [
      "SELECT k FROM t GROUP k",
      "line 1:22 mismatched input 'k' expecting K_BY (SELECT k FROM t GROUP [k])",
    ],
    ["SELECT k FROM t GROUP BY k,", "line 0:-1 no viable alternative at input '<EOF>'"],
  ];
  for (const [cql, message] of syntax) assertCqlError(() => f.run(cql), SYNTAX, message);
});
