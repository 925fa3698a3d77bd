// Multi-column IN on clustering columns as Apache Cassandra 5.0.6 answers it: `(c, d) IN ((1, 2),
// ...)`, `(c) IN ((1))`, markers inside the tuples, for whole tuples and for the list, rows once
// each in clustering order whatever the order or repeats of the list, paging, writes, and the
// refusals. Every expected answer was observed on a one-node Cassandra 5.0.6 (`deno task
// cassandra`) given the same statements through the Python driver; the old embedded node refused
// every multi-column IN ("Invalid tuple literal for "c" of type int") and took `(c, d) IN (1, 2)`.
import assert from "node:assert/strict";
import { formatCqlType } from "../../lib/cql_node/values/cql_type.ts";
import { answerText } from "./_answer_text.ts";
import {
  assertCqlError,
  bytesOf,
  type EngineFixture,
  engineFixture,
  INVALID,
  type Value,
} from "./_engine_fixture.ts";

function tables(): EngineFixture {
  const f = engineFixture();
  f.run("CREATE TABLE t (k int, c int, d int, v int, PRIMARY KEY (k, c, d))");
  f.run(
    "CREATE TABLE r (k int, c int, d int, v int, PRIMARY KEY (k, c, d)) " +
      "WITH CLUSTERING ORDER BY (c DESC, d ASC)",
  );
  f.run("CREATE TABLE w (k int, a int, b int, e int, v int, PRIMARY KEY (k, a, b, e))");
  const rows = [[1, 1, 1], [1, 1, 2], [1, 2, 1], [1, 2, 2], [1, 3, 1], [2, 1, 1], [2, 1, 2]];
  rows.push([2, 2, 1], [3, 1, 1]);
  for (const [k, c, d] of rows) {
    const v = (k - 1) * 100 + 10 * c + d;
    f.run(`INSERT INTO t (k, c, d, v) VALUES (${k}, ${c}, ${d}, ${v})`);
    if (k === 1 && c < 3) f.run(`INSERT INTO r (k, c, d, v) VALUES (${k}, ${c}, ${d}, ${v})`);
  }
  return f;
}

/** The SyntaxException error code. */
const SYNTAX = 0x2000;

const SELECT = "SELECT k, c, d, v FROM t WHERE";
const COLUMNS = "k int, c int, d int, v int";

/** [statement, rows as `value, ...` joined by ` / `]. */
function assertRows(f: EngineFixture, cases: [string, string][]): void {
  for (const [cql, rows] of cases) {
    assert.deepEqual(answerText(f.run(cql)), { columns: COLUMNS, rows, warnings: [] }, cql);
  }
}

/** Values serialized one after another, each with its length (a tuple's body). */
function tupleOf(...values: number[]): Uint8Array {
  const parts = values.map((value) => bytesOf(value) as Uint8Array);
  const out = new Uint8Array(parts.reduce((n, part) => n + 4 + part.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) {
    view.setInt32(at, part.length);
    out.set(part, at + 4);
    at += 4 + part.length;
  }
  return out;
}

/** A list of serialized items. */
function listOf(...items: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(4 + items.reduce((n, item) => n + 4 + item.length, 0));
  const view = new DataView(out.buffer);
  view.setInt32(0, items.length);
  let at = 4;
  for (const item of items) {
    view.setInt32(at, item.length);
    out.set(item, at + 4);
    at += 4 + item.length;
  }
  return out;
}

function prepared(f: EngineFixture, cql: string, values: Value[], pageSize = 0) {
  return f.run(cql, { values, prepare: true, pageSize });
}

Deno.test("compileWhere() answers a multi-column IN in clustering order, each row once", () => {
  assertRows(tables(), [
    [`${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1))`, "1, 1, 2, 12 / 1, 2, 1, 21"],
    [`${SELECT} k = 1 AND (c, d) IN ((2, 1), (1, 2), (2, 1))`, "1, 1, 2, 12 / 1, 2, 1, 21"],
    [
      `${SELECT} k = 1 AND (c) IN ((1), (2))`,
      "1, 1, 1, 11 / 1, 1, 2, 12 / 1, 2, 1, 21 / 1, 2, 2, 22",
    ],
    [
      `${SELECT} k = 1 AND (c) IN ((2), (1), (2))`,
      "1, 1, 1, 11 / 1, 1, 2, 12 / 1, 2, 1, 21 / 1, 2, 2, 22",
    ],
    [`${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1)) ORDER BY c DESC`, "1, 2, 1, 21 / 1, 1, 2, 12"],
    [
      `${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1)) ORDER BY c DESC, d DESC`,
      "1, 2, 1, 21 / 1, 1, 2, 12",
    ],
    [
      "SELECT k, c, d, v FROM r WHERE k = 1 AND (c, d) IN ((1, 2), (2, 1))",
      "1, 2, 1, 21 / 1, 1, 2, 12",
    ],
    [
      "SELECT k, c, d, v FROM r WHERE k = 1 AND (c, d) IN ((1, 2), (2, 1)) ORDER BY c ASC",
      "1, 1, 2, 12 / 1, 2, 1, 21",
    ],
    [
      `${SELECT} k IN (1, 2) AND (c, d) IN ((1, 2), (2, 1))`,
      "1, 1, 2, 12 / 1, 2, 1, 21 / 2, 1, 2, 112 / 2, 2, 1, 121",
    ],
    [
      `${SELECT} (c, d) IN ((1, 2), (2, 1)) ALLOW FILTERING`,
      "1, 1, 2, 12 / 1, 2, 1, 21 / 2, 1, 2, 112 / 2, 2, 1, 121",
    ],
    [
      `${SELECT} k = 1 AND (d) IN ((1), (2)) ALLOW FILTERING`,
      "1, 1, 1, 11 / 1, 1, 2, 12 / 1, 2, 1, 21 / 1, 2, 2, 22 / 1, 3, 1, 31",
    ],
    [`${SELECT} k = 1 AND (c) IN ((1)) AND d = 2`, "1, 1, 2, 12"],
    [`${SELECT} k = 1 AND (c) IN ((1)) AND d IN (1, 2)`, "1, 1, 1, 11 / 1, 1, 2, 12"],
    [`${SELECT} k = 1 AND (c) IN ((1), (2)) AND d = 2`, "1, 1, 2, 12 / 1, 2, 2, 22"],
    [`${SELECT} k = 1 AND (c) IN ((1), (2)) AND d > 1`, "1, 1, 2, 12 / 1, 2, 2, 22"],
    [`${SELECT} k = 1 AND c IN (1, 2) AND (d) IN ((1))`, "1, 1, 1, 11 / 1, 2, 1, 21"],
    [`${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1)) AND v > 15 ALLOW FILTERING`, "1, 2, 1, 21"],
    [`${SELECT} k = 1 AND (c, d) IN ()`, ""],
    [`${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1)) LIMIT 1`, "1, 1, 2, 12"],
    [`${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1)) PER PARTITION LIMIT 1`, "1, 1, 2, 12"],
  ]);
});

Deno.test("compileWhere() takes a multi-column IN in aggregates and GROUP BY", () => {
  const f = tables();
  assert.deepEqual(
    answerText(f.run("SELECT count(*) FROM t WHERE k = 1 AND (c, d) IN ((1, 2), (2, 1))")),
    {
      columns: "count bigint",
      rows: "2",
      warnings: [],
    },
  );
  const grouped =
    "SELECT k, c, count(*) FROM t WHERE k = 1 AND (c, d) IN ((1, 2), (2, 1), (1, 1)) GROUP BY c";
  assert.deepEqual(answerText(f.run(grouped)), {
    columns: "k int, c int, count bigint",
    rows: "1, 1, 2 / 1, 2, 1",
    warnings: [],
  });
});

Deno.test("compileWhere() pages a multi-column IN", () => {
  const f = tables();
  const pages = (cql: string, pageSize: number, values: Value[] = []) => {
    const out: string[] = [];
    let pagingState: Uint8Array | null = null;
    for (let i = 0; i < 10; i++) {
      const result = f.run(cql, { values, pageSize, pagingState, prepare: true });
      pagingState = result.kind === "rows" ? result.pagingState : null;
      out.push(answerText(result).rows + (pagingState === null ? "" : " [more]"));
      if (pagingState === null) break;
    }
    return out;
  };
  assert.deepEqual(pages(`${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1), (3, 1))`, 1), [
    "1, 1, 2, 12 [more]",
    "1, 2, 1, 21 [more]",
    "1, 3, 1, 31 [more]",
    "",
  ]);
  assert.deepEqual(pages(`${SELECT} k IN (1, 2) AND (c, d) IN ((1, 2), (2, 1))`, 2), [
    "1, 1, 2, 12 / 1, 2, 1, 21 [more]",
    "2, 1, 2, 112 / 2, 2, 1, 121 [more]",
    "",
  ]);
  const list = listOf(tupleOf(2, 1), tupleOf(1, 2), tupleOf(2, 1));
  assert.deepEqual(pages(`${SELECT} k = 1 AND (c, d) IN ?`, 1, [list]), [
    "1, 1, 2, 12 [more]",
    "1, 2, 1, 21 [more]",
    "",
  ]);
});

Deno.test("CqlEngine.prepare() names and types the markers of a multi-column IN", () => {
  const f = tables();
  const binds = (cql: string) =>
    f.engine.prepare(cql, {}).binds.map((bind) => `${bind.name} ${formatCqlType(bind.type)}`);
  const from = "SELECT * FROM ks.t WHERE k = 1 AND";
  assert.deepEqual(binds(`${from} (c, d) IN ((?, ?), (?, ?))`), [
    "c int",
    "d int",
    "c int",
    "d int",
  ]);
  assert.deepEqual(binds(`${from} (c, d) IN ?`), ["in(c,d) list<frozen<tuple<int, int>>>"]);
  assert.deepEqual(binds(`${from} (c) IN ?`), ["in(c) list<frozen<tuple<int>>>"]);
  assert.deepEqual(binds(`${from} (c, d) IN (?, ?)`), [
    "(c,d) frozen<tuple<int, int>>",
    "(c,d) frozen<tuple<int, int>>",
  ]);
  assert.deepEqual(binds(`${from} (c, d) IN ((:a, :b))`), ["a int", "b int"]);
});

Deno.test("compileWhere() answers a multi-column IN with bound values", () => {
  const f = tables();
  const rows = (cql: string, values: Value[]) => answerText(prepared(f, cql, values)).rows;
  assert.equal(
    rows(`${SELECT} k = 1 AND (c, d) IN ((?, ?), (?, ?))`, [1, 2, 2, 1]),
    "1, 1, 2, 12 / 1, 2, 1, 21",
  );
  assert.equal(
    rows(`${SELECT} k = 1 AND (c, d) IN ?`, [listOf(tupleOf(1, 2), tupleOf(2, 1))]),
    "1, 1, 2, 12 / 1, 2, 1, 21",
  );
  assert.equal(
    rows(`${SELECT} k = 1 AND (c) IN ?`, [listOf(tupleOf(1))]),
    "1, 1, 1, 11 / 1, 1, 2, 12",
  );
  assert.equal(
    rows("SELECT k, c, d, v FROM r WHERE k = 1 AND (c) IN ?", [listOf(tupleOf(2), tupleOf(1))]),
    "1, 2, 1, 21 / 1, 2, 2, 22 / 1, 1, 1, 11 / 1, 1, 2, 12",
  );
  assert.equal(rows(`${SELECT} k = 1 AND (c, d) IN (?)`, [tupleOf(1, 2)]), "1, 1, 2, 12");
  assert.equal(
    rows(`${SELECT} k = 1 AND (c, d) IN (?, ?)`, [tupleOf(2, 1), tupleOf(1, 2)]),
    "1, 1, 2, 12 / 1, 2, 1, 21",
  );
  assert.equal(rows(`${SELECT} k = 1 AND (c, d) IN ((:a, :b))`, [1, 2]), "1, 1, 2, 12");
  assert.equal(rows(`${SELECT} k = 1 AND (c, d) IN ?`, [listOf()]), "");
});

Deno.test("compileWhere() refuses the null and unset values of a multi-column IN", () => {
  const f = tables();
  const refused = (cql: string, values: Value[], message: string) =>
    assertCqlError(() => prepared(f, cql, values), INVALID, message);
  const pair = `${SELECT} k = 1 AND (c, d) IN ((?, ?))`;
  refused(pair, [1, null], "Invalid null value for column d");
  refused(pair, [1, undefined], "Invalid unset value for tuple field number 1");
  refused(pair, [undefined, 2], "Invalid unset value for tuple field number 0");
  refused(`${SELECT} k = 1 AND (c, d) IN ((?, ?), (?, ?))`, [
    undefined,
    undefined,
    undefined,
    undefined,
  ], "Invalid unset value for tuple field number 0");
  const list = `${SELECT} k = 1 AND (c, d) IN ?`;
  refused(list, [null], "Invalid null value for IN restriction");
  // Also when the partition does not exist.
  refused(`${SELECT} k = 4 AND (c, d) IN ?`, [null], "Invalid null value for IN restriction");
  refused(list, [undefined], "Invalid unset value for in(c,d)");
  const withNull = new Uint8Array([0, 0, 0, 4, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
  refused(list, [listOf(withNull)], "Invalid null value in condition for columns: [c, d]");
  const whole = `${SELECT} k = 1 AND (c, d) IN (?)`;
  refused(whole, [undefined], "Invalid unset value for tuple (c,d)");
  refused(whole, [withNull], "Invalid null value for column d");
});

Deno.test("compileWhere() refuses multi-column INs as Cassandra does", () => {
  const f = tables();
  const NEEDS_AF = "Cannot execute this query as it might involve data filtering and thus may " +
    "have unpredictable performance. If you want to execute this query despite the performance " +
    "unpredictability, use ALLOW FILTERING";
  const cases: [string, string][] = [
    [`${SELECT} (c, d) IN ((1, 2), (2, 1))`, NEEDS_AF],
    [`${SELECT} k = 1 AND (c, d) IN ((1, 2), (2, 1)) AND v > 15`, NEEDS_AF],
    [
      `${SELECT} k = 1 AND (d) IN ((1), (2))`,
      'PRIMARY KEY column "d" cannot be restricted as preceding column "c" is not restricted',
    ],
    [
      "SELECT * FROM w WHERE k = 1 AND a > 0 AND (b, e) IN ((1, 2))",
      'Clustering column "b" cannot be restricted (preceding column "a" is restricted by a non-EQ relation)',
    ],
    [
      `${SELECT} k = 1 AND (d, c) IN ((1, 2))`,
      "Clustering columns must appear in the PRIMARY KEY order in multi-column relations: (d, c) IN ((1, 2))",
    ],
    [
      `${SELECT} k = 1 AND (c, v) IN ((1, 2))`,
      "Multi-column relations can only be applied to clustering columns but was applied to: v",
    ],
    [
      `${SELECT} k = 1 AND (k, c) IN ((1, 2))`,
      "Multi-column relations can only be applied to clustering columns but was applied to: k",
    ],
    [
      `${SELECT} k = 1 AND (c, c) IN ((1, 1))`,
      'Column "c" appeared twice in a relation: (c, c) IN ((1, 1))',
    ],
    [`${SELECT} k = 1 AND (c, x) IN ((1, 2))`, "Undefined column name x in table ks.t"],
    [
      `${SELECT} k = 1 AND c = 1 AND (c, d) IN ((1, 2))`,
      "c cannot be restricted by more than one relation if it includes an Equal",
    ],
    [
      `${SELECT} k = 1 AND (c, d) IN ((1, 2)) AND c = 1`,
      "c cannot be restricted by more than one relation if it includes an Equal",
    ],
    [
      `${SELECT} k = 1 AND (c, d) IN ((1, 2)) AND d > 1`,
      "d cannot be restricted by more than one relation if it includes an Equal",
    ],
    [
      `${SELECT} k = 1 AND c IN (1, 2) AND (c, d) IN ((1, 2))`,
      "c cannot be restricted by more than one relation if it includes a IN",
    ],
    [
      `${SELECT} k = 1 AND c > 0 AND (c, d) IN ((1, 2))`,
      'Column "c" cannot be restricted by both an equality and an inequality relation',
    ],
    [
      `${SELECT} k = 1 AND (c, d) IN ((1, 2, 3))`,
      "Expected 2 elements in value tuple, but got 3: (1, 2, 3)",
    ],
    [
      `${SELECT} k = 1 AND (c, d) IN ((1, 2), (1))`,
      "Expected 2 elements in value tuple, but got 1: (1)",
    ],
    [
      `${SELECT} k = 1 AND (c) IN ((1, 2))`,
      "Expected 1 elements in value tuple, but got 2: (1, 2)",
    ],
    [`${SELECT} k = 1 AND (c, d) IN ((1, null))`, "Invalid null value for column d"],
    [`${SELECT} k = 1 AND (c, d) IN ((1, 'a'))`, 'Invalid STRING constant (a) for "d" of type int'],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
});

Deno.test("parseCql() refuses a multi-column IN of other than tuples", () => {
  const f = tables();
  const cases: [string, string][] = [
    [
      `${SELECT} k = 1 AND (c, d) IN (1, 2)`,
      "line 1:52 no viable alternative at input '1' (... (c, d) IN [(]1...)",
    ],
    [
      "SELECT * FROM t WHERE k = 1 AND (c) IN (1)",
      "line 1:40 no viable alternative at input '1' (...1 AND (c) IN [(]1...)",
    ],
    [
      "SELECT * FROM t WHERE k = 1 AND (c, d) IN ((1, 2), ?)",
      "line 1:51 mismatched input '?' expecting '(' (... ((1, 2), [?]...)",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), SYNTAX, message);
});

Deno.test("compileUpdate() and compileDelete() write the rows a multi-column IN names", () => {
  const f = tables();
  f.run("UPDATE t SET v = 9 WHERE k = 2 AND (c, d) IN ((1, 2), (2, 1), (3, 3))");
  assertRows(f, [[`${SELECT} k = 2`, "2, 1, 1, 111 / 2, 1, 2, 9 / 2, 2, 1, 9 / 2, 3, 3, 9"]]);
  f.run("DELETE FROM t WHERE k = 2 AND (c, d) IN ((1, 1), (2, 1))");
  assertRows(f, [[`${SELECT} k = 2`, "2, 1, 2, 9 / 2, 3, 3, 9"]]);
  f.run("DELETE FROM t WHERE k = 2 AND (c) IN ((1))");
  assertRows(f, [[`${SELECT} k = 2`, "2, 3, 3, 9"]]);
});
