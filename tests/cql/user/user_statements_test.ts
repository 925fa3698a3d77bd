import assert from "node:assert/strict";
import {
  insertStatement,
  isGeneratedType,
  quoteIdentifier,
  type TableLayout,
  tokenRangeStatement,
  validateStatements,
} from "../../../lib/cql/user/user_statements.ts";

/** The table of cassandra-stress's tools/cqlstress-example.yaml, in metadata order. */
const TYPEST: TableLayout = {
  name: "typestest",
  columns: [
    { name: "name", type: "text", kind: "partition_key" },
    { name: "choice", type: "boolean", kind: "clustering" },
    { name: "date", type: "timestamp", kind: "clustering" },
    { name: "address", type: "inet", kind: "clustering" },
    { name: "dbl", type: "double", kind: "clustering" },
    { name: "lval", type: "bigint", kind: "clustering" },
    { name: "ival", type: "int", kind: "clustering" },
    { name: "uid", type: "timeuuid", kind: "clustering" },
    { name: "value", type: "blob", kind: "regular" },
  ],
};

Deno.test("insertStatement() of the cassandra-stress example table", () => {
  assert.equal(
    insertStatement(TYPEST, null),
    "UPDATE typestest SET value = ? WHERE name = ? AND choice = ? AND date = ? AND address = ? " +
      "AND dbl = ? AND lval = ? AND ival = ? AND uid = ?",
  );
});

Deno.test("insertStatement(): counters and unfrozen sets and lists add, frozen ones and the rest set", () => {
  const table: TableLayout = {
    name: "Mixed",
    columns: [
      { name: "k", type: "int", kind: "partition_key" },
      { name: "k2", type: "text", kind: "partition_key" },
      { name: "c", type: "int", kind: "clustering" },
      { name: "fl", type: "frozen<list<int>>", kind: "regular" },
      { name: "l", type: "list<text>", kind: "regular" },
      { name: "m", type: "map<text, int>", kind: "regular" },
      { name: "s", type: "set<int>", kind: "static" },
      { name: "Val", type: "text", kind: "regular" },
    ],
  };
  assert.equal(
    insertStatement(table, null),
    'UPDATE "Mixed" SET fl = ?,l = l + ?,s = s + ?,"Val" = ? WHERE k = ? AND k2 = ? AND c = ?',
  );
  const counters: TableLayout = {
    name: "hits",
    columns: [
      { name: "page", type: "text", kind: "partition_key" },
      { name: "views", type: "counter", kind: "regular" },
    ],
  };
  assert.equal(insertStatement(counters, null), "UPDATE hits SET views = views + ? WHERE page = ?");
});

Deno.test("insertStatement(): a key-only table gets an INSERT; a condition follows the UPDATE", () => {
  const keys: TableLayout = {
    name: "pairs",
    columns: [
      { name: "a", type: "int", kind: "partition_key" },
      { name: "b", type: "int", kind: "clustering" },
    ],
  };
  assert.equal(insertStatement(keys, null), "INSERT INTO pairs (a, b) values(?, ?)");
  const lwt: TableLayout = {
    name: "blogposts",
    columns: [
      { name: "domain", type: "text", kind: "partition_key" },
      { name: "published_date", type: "timeuuid", kind: "clustering" },
      { name: "body", type: "text", kind: "regular" },
    ],
  };
  assert.equal(
    insertStatement(lwt, "IF body = NULL"),
    "UPDATE blogposts SET body = ? WHERE domain = ? AND published_date = ? IF body = NULL",
  );
  assert.equal(insertStatement(lwt, ""), insertStatement(lwt, null));
});

Deno.test("isGeneratedType() and quoteIdentifier() follow cassandra-stress", () => {
  for (const type of ["text", "set<int>", "list<text>", "frozen<set<uuid>>", "counter"]) {
    assert.equal(isGeneratedType(type), true, type);
  }
  for (const type of ["map<text,int>", "frozen<map<int, int>>", "set<frozen<list<int>>>"]) {
    assert.equal(isGeneratedType(type), false, type);
  }
  assert.equal(quoteIdentifier("a_1"), "a_1");
  assert.equal(quoteIdentifier("aB"), '"aB"');
  assert.equal(quoteIdentifier("with space"), '"with space"');
});

Deno.test("validateStatements(): the whole partition, then a slice per clustering depth", () => {
  const table: TableLayout = {
    name: "ts",
    columns: [
      { name: "k", type: "int", kind: "partition_key" },
      { name: "k2", type: "int", kind: "partition_key" },
      { name: "c1", type: "int", kind: "clustering" },
      { name: "c2", type: "int", kind: "clustering" },
      { name: "v", type: "text", kind: "regular" },
    ],
  };
  const base = "SELECT * FROM ts WHERE k = ? AND k2 = ?";
  assert.deepEqual(validateStatements(table), [
    [base],
    [`${base} AND (c1)>=(?) AND (c1)<(?)`],
    [
      `${base} AND (c1,c2)>=(?,?) AND (c1,c2)<=(?,?)`,
      `${base} AND (c1,c2)>=(?,?) AND (c1,c2)<(?,?)`,
      `${base} AND (c1,c2)>(?,?) AND (c1,c2)<=(?,?)`,
      `${base} AND (c1,c2)>(?,?) AND (c1,c2)<(?,?)`,
    ],
  ]);
});

Deno.test("tokenRangeStatement(): * lists every column, open ends drop their bound", () => {
  const range = { start: -9223372036854775808n, end: 42n };
  assert.equal(
    tokenRangeStatement(TYPEST, "name, value", range),
    "SELECT token(name), name, value FROM typestest WHERE token(name) > -9223372036854775808 " +
      "AND token(name) <= 42",
  );
  assert.equal(
    tokenRangeStatement(TYPEST, "*", { start: null, end: null }),
    "SELECT token(name), name, choice, date, address, dbl, lval, ival, uid, value FROM typestest",
  );
  assert.equal(
    tokenRangeStatement(TYPEST, "value", { start: null, end: 7n }),
    "SELECT token(name), value FROM typestest WHERE token(name) <= 7",
  );
});
