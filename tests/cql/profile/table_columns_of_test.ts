import assert from "node:assert/strict";
import { tableColumnsOf } from "../../../lib/cql/profile/table_columns_of.ts";
import { UsageError } from "../../../lib/errors.ts";

function errorOf(cql: string): string {
  try {
    tableColumnsOf(cql);
  } catch (error) {
    assert.ok(error instanceof UsageError);
    return error.message;
  }
  throw new Error("tableColumnsOf did not throw");
}

Deno.test("tableColumnsOf() reads an inline primary key and lower-cases unquoted names", () => {
  const table = tableColumnsOf(
    "create table IF NOT EXISTS Users (ID uuid primary key, Name TEXT);",
  );
  assert.equal(table.keyspace, null);
  assert.equal(table.table, "users");
  assert.deepEqual(table.columns.map((c) => [c.name, c.type.text, c.isStatic]), [
    ["id", "uuid", false],
    ["name", "text", false],
  ]);
  assert.deepEqual(table.partitionKey, ["id"]);
  assert.deepEqual(table.clustering, []);
  assert.deepEqual(table.staticColumns, []);
});

Deno.test("tableColumnsOf() reads quoted names, collections and compound keys", () => {
  const table = tableColumnsOf(`
    -- a comment
    CREATE COLUMNFAMILY "MyKs"."Wide ""Rows""" (
      "Pk" text, b int, /* block
      comment */ c timeuuid, d bigint,
      m map<text, frozen<list<int>>>,
      s frozen<set<"MyType">>,
      tags set<text> static,
      PRIMARY KEY (("Pk", b), c, d),
    ) WITH compaction = {'class': 'LeveledCompactionStrategy', 'x': 'AND'}
      AND CLUSTERING ORDER BY (c DESC, d asc)
      AND COMPACT STORAGE
      AND comment = 'one AND two'`);
  assert.equal(table.keyspace, "MyKs");
  assert.equal(table.table, 'Wide "Rows"');
  assert.deepEqual(table.partitionKey, ["Pk", "b"]);
  assert.deepEqual(table.clustering, [{ name: "c", order: "DESC" }, { name: "d", order: "ASC" }]);
  assert.deepEqual(table.staticColumns, ["tags"]);
  const types = table.columns.map((c) => c.type);
  assert.equal(types[4].text, "map<text, frozen<list<int>>>");
  assert.equal(types[4].args[1].frozen, true);
  assert.equal(types[4].args[1].name, "list");
  assert.equal(types[5].text, "frozen<set<MyType>>");
  assert.equal(types[5].args[0].name, "MyType");
});

Deno.test("tableColumnsOf() reads a clustering order that names only some columns", () => {
  const table = tableColumnsOf(
    "CREATE TABLE t (a int, b int, c int, v text, PRIMARY KEY (a, b, c)) " +
      "WITH CLUSTERING ORDER BY (b DESC) AND default_time_to_live = 10",
  );
  assert.deepEqual(table.clustering, [{ name: "b", order: "DESC" }, { name: "c", order: "ASC" }]);
});

Deno.test("tableColumnsOf() says what it expected and where", () => {
  const p = "Cannot read CREATE TABLE statement: ";
  assert.equal(
    errorOf("CREATE TABLE t (k int PRIMARY KEY, v text"),
    `${p}expected ")" at line 1, column 42, found the end`,
  );
  assert.equal(
    errorOf("CREATE INDEX i ON t (v)"),
    `${p}expected TABLE at line 1, column 8, found "INDEX"`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int PRIMARY KEY,\n v map<text int>)"),
    `${p}expected ">" at line 2, column 13, found "int"`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int PRIMARY KEY) WITH comment = 'x"),
    `${p}unterminated string at line 1, column 51`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int PRIMARY KEY) garbage"),
    `${p}expected the end of the statement at line 1, column 36, found "garbage"`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int, k text, PRIMARY KEY (k))"),
    `${p}column "k" is defined twice`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int PRIMARY KEY, v int, PRIMARY KEY (v))"),
    `${p}table "t" has more than one PRIMARY KEY`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int, PRIMARY KEY (k, c))"),
    `${p}PRIMARY KEY column "c" is not a column of "t"`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (k DESC)"),
    `${p}CLUSTERING ORDER BY names "k", which is not a clustering column of "t"`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int PRIMARY KEY, s int STATIC)"),
    `${p}static column "s" needs a table with clustering columns`,
  );
  assert.equal(
    errorOf("CREATE TABLE t (k int STATIC, c int, PRIMARY KEY (k, c))"),
    `${p}static column "k" is in the PRIMARY KEY`,
  );
});
