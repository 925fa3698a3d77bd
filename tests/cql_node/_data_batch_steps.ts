/**
 * Data parity steps (see `_data_parity_steps.ts`) of batches whose statements meet at one cell or
 * row: a batch is one mutation at one timestamp, so between two values of a cell the greater wins
 * (as unsigned bytes, whatever their order) and a tombstone beats them, and its deletions shadow
 * its own writes.
 *
 * @module
 */

import { batch, type DataStep, many, q } from "./_data_step_kit.ts";

const INS = "INSERT INTO bq (k, c, s, v, n) VALUES (?, ?, ?, ?, ?)";

/** An INSERT of `bq`'s row (k, c) with its static `s`, text `v` and int `n`. */
function ins(k: number, c: number, cells: { s?: string; v?: string; n?: number }) {
  return { query: INS, params: [k, c, cells.s ?? null, cells.v ?? null, cells.n ?? null] };
}

function stmt(query: string, ...params: unknown[]) {
  return { query, params };
}

/** The rows of partition `k` of `bq`. */
function rowsOf(k: number): string {
  return `SELECT * FROM bq WHERE k = ${k}`;
}

/** Batches that write one cell twice, or write and delete one row. */
export function batchTieSteps(): DataStep[] {
  return [
    q(
      "CREATE TABLE for batch ties",
      "CREATE TABLE bq (k int, c int, s text static, v text, n int, w text, l list<text>, " +
        "f frozen<list<int>>, PRIMARY KEY (k, c))",
    ),
    batch("one cell twice, the greater value first", [
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "z", 1, 1),
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "a", 1, 1),
    ]),
    batch("one cell twice, the greater value last", [
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "a", 2, 1),
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "z", 2, 1),
    ]),
    batch("an int cell twice: -1 is the greater as bytes", [
      stmt("UPDATE bq SET n = ? WHERE k = ? AND c = ?", -1, 3, 1),
      stmt("UPDATE bq SET n = ? WHERE k = ? AND c = ?", 5, 3, 1),
    ]),
    batch("a static column written by two rows of a partition", [
      ins(4, 1, { s: "s9", v: "a" }),
      ins(4, 2, { s: "s1", v: "b" }),
    ]),
    q("a row to delete in a batch", INS, [5, 1, null, "old", null]),
    batch("DELETE of a row, then its INSERT", [
      stmt("DELETE FROM bq WHERE k = ? AND c = ?", 5, 1),
      stmt("INSERT INTO bq (k, c, v) VALUES (?, ?, ?)", 5, 1, "new"),
    ]),
    batch("INSERT of a row, then DELETE of its column", [
      stmt("INSERT INTO bq (k, c, v, w) VALUES (?, ?, ?, ?)", 6, 1, "x", "kept"),
      stmt("DELETE v FROM bq WHERE k = ? AND c = ?", 6, 1),
    ]),
    batch("DELETE of a column, then its UPDATE", [
      stmt("DELETE v FROM bq WHERE k = ? AND c = ?", 7, 1),
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "y", 7, 1),
    ]),
    q("a row whose cell a batch nulls", INS, [8, 1, null, "p", null]),
    batch("a cell set to null, then to a value", [
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", null, 8, 1),
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "x", 8, 1),
    ]),
    q("a partition to delete in a batch", INS, [9, 1, "s", "a", null]),
    batch("DELETE of a partition, then an INSERT into it", [
      stmt("DELETE FROM bq WHERE k = ?", 9),
      stmt("INSERT INTO bq (k, c, v) VALUES (?, ?, ?)", 9, 2, "b"),
    ]),
    batch("rows of a range to delete", [
      ins(10, 1, { v: "c1" }),
      ins(10, 5, { v: "c5" }),
    ]),
    batch("DELETE of a clustering range, then INSERTs in and out of it", [
      stmt("DELETE FROM bq WHERE k = ? AND c > ?", 10, 2),
      stmt("INSERT INTO bq (k, c, v) VALUES (?, ?, ?)", 10, 3, "in"),
      stmt("INSERT INTO bq (k, c, v) VALUES (?, ?, ?)", 10, 0, "out"),
    ]),
    batch("two appends to a list", [
      stmt("UPDATE bq SET l = l + ? WHERE k = ? AND c = ?", ["a"], 11, 1),
      stmt("UPDATE bq SET l = l + ? WHERE k = ? AND c = ?", ["b"], 11, 1),
    ]),
    batch("a frozen list twice: the longer is the greater as bytes", [
      stmt("UPDATE bq SET f = ? WHERE k = ? AND c = ?", [1, 5], 12, 1),
      stmt("UPDATE bq SET f = ? WHERE k = ? AND c = ?", [2], 12, 1),
    ]),
    batch("one row twice, other columns each time", [
      ins(13, 1, { v: "a" }),
      stmt("INSERT INTO bq (k, c, n) VALUES (?, ?, ?)", 13, 1, 7),
    ]),
    batch("UNLOGGED: one cell twice, the greater value first", [
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "z", 14, 1),
      stmt("UPDATE bq SET v = ? WHERE k = ? AND c = ?", "a", 14, 1),
    ], { logged: false }),
    many("the rows the batches left", [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map(rowsOf),
    ]),
  ];
}
