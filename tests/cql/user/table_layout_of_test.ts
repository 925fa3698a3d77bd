import assert from "node:assert/strict";
import { type SchemaColumnRow, tableLayoutOf } from "../../../lib/cql/user/table_layout_of.ts";
import { insertStatement } from "../../../lib/cql/user/user_statements.ts";

const names = (rows: readonly { name: string; kind: string }[]) =>
  rows.map((c) => `${c.name}:${c.kind}`);

Deno.test("tableLayoutOf() orders key columns by position, the others by name", () => {
  const rows: SchemaColumnRow[] = [
    { name: "v", kind: "regular", position: -1, type: "text" },
    { name: "c2", kind: "clustering", position: 1, type: "int" },
    { name: "b", kind: "partition_key", position: 1, type: "int" },
    { name: "s", kind: "static", position: -1, type: "int" },
    { name: "c1", kind: "clustering", position: 0, type: "int" },
    { name: "a", kind: "partition_key", position: 0, type: "int" },
  ];
  const layout = tableLayoutOf("t", rows, new Set(["compound"]));
  assert.deepEqual(names(layout.columns), [
    "a:partition_key",
    "b:partition_key",
    "c1:clustering",
    "c2:clustering",
    "s:static",
    "v:regular",
  ]);
});

// Cassandra 5.0.6 keeps, for `CREATE TABLE t (k int PRIMARY KEY, v text, w bigint) WITH COMPACT
// STORAGE`, a surrogate clustering column `column1` and a regular `value blob`, and lists v and w
// as static (flags: none); a driver, and so cassandra-stress, sees k, v, w.
Deno.test("tableLayoutOf() shows a static compact table as a driver does", () => {
  const rows: SchemaColumnRow[] = [
    { name: "column1", kind: "clustering", position: 0, type: "text" },
    { name: "k", kind: "partition_key", position: 0, type: "int" },
    { name: "v", kind: "static", position: -1, type: "text" },
    { name: "value", kind: "regular", position: -1, type: "blob" },
    { name: "w", kind: "static", position: -1, type: "bigint" },
  ];
  const layout = tableLayoutOf("t", rows, new Set());
  assert.deepEqual(names(layout.columns), ["k:partition_key", "v:regular", "w:regular"]);
  assert.equal(insertStatement(layout, null), "UPDATE t SET v = ?,w = ? WHERE k = ?");
});

// `CREATE TABLE t (k int, c int, PRIMARY KEY (k, c)) WITH COMPACT STORAGE`: flags dense, and a
// regular `value` of type empty that no statement can name; the table is key-only.
Deno.test("tableLayoutOf() drops the empty value column of a dense table", () => {
  const rows: SchemaColumnRow[] = [
    { name: "c", kind: "clustering", position: 0, type: "int" },
    { name: "k", kind: "partition_key", position: 0, type: "int" },
    { name: "value", kind: "regular", position: -1, type: "empty" },
  ];
  const layout = tableLayoutOf("t", rows, new Set(["dense"]));
  assert.deepEqual(names(layout.columns), ["k:partition_key", "c:clustering"]);
  assert.equal(insertStatement(layout, null), "INSERT INTO t (k, c) values(?, ?)");
  const compound = tableLayoutOf("t", rows, new Set(["compound", "dense"]));
  assert.deepEqual(names(compound.columns), ["k:partition_key", "c:clustering"]);
});

Deno.test("tableLayoutOf() keeps every column when the node keeps no flags", () => {
  const rows: SchemaColumnRow[] = [
    { name: "k", kind: "partition_key", position: 0, type: "int" },
    { name: "v", kind: "regular", position: -1, type: "text" },
  ];
  assert.deepEqual(names(tableLayoutOf("t", rows, null).columns), [
    "k:partition_key",
    "v:regular",
  ]);
});
