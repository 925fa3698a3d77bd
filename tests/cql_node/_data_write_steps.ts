/**
 * The data parity steps that write and read back: collections, counters, conditional writes,
 * batches and deletes (of rows, ranges, columns and partitions).
 *
 * @module
 */

import { batch, type DataStep, many, q } from "./_data_step_kit.ts";

const COL = "SELECT * FROM col WHERE k = 1";

/** Sets, lists and maps: written whole, added to, removed from, element updates, empty ones. */
export function collectionSteps(): DataStep[] {
  return [
    q(
      "CREATE TABLE of collections",
      "CREATE TABLE col (k int PRIMARY KEY, s set<text>, l list<int>, m map<text, int>, v int)",
    ),
    many("INSERT of collections, read back in order", [
      "INSERT INTO col (k, s, l, m) VALUES (1, {'b', 'a', 'c'}, [3, 1, 2, 1], {'b': 2, 'a': 1})",
      COL,
    ]),
    many("UPDATE adding to a set and removing from it", [
      "UPDATE col SET s = s + {'d', 'a'} WHERE k = 1",
      "UPDATE col SET s = s - {'b', 'q'} WHERE k = 1",
      COL,
    ]),
    many("UPDATE appending and prepending to a list", [
      "UPDATE col SET l = l + [4, 5] WHERE k = 1",
      "UPDATE col SET l = [0, 9] + l WHERE k = 1",
      COL,
    ]),
    many("UPDATE removing every occurrence from a list", [
      "UPDATE col SET l = l - [1, 7] WHERE k = 1",
      COL,
    ]),
    many("UPDATE of a list element and a map element", [
      "UPDATE col SET l[1] = 8 WHERE k = 1",
      "UPDATE col SET m['a'] = 7, m['z'] = 26 WHERE k = 1",
      COL,
    ]),
    many("UPDATE adding to a map and removing keys", [
      "UPDATE col SET m = m + {'c': 3} WHERE k = 1",
      "UPDATE col SET m = m - {'b', 'q'} WHERE k = 1",
      COL,
    ]),
    many("UPDATE of collections with bound values", [
      ["UPDATE col SET s = s + ?, l = l + ?, m = m + ? WHERE k = ?", [["e"], [6], { e: 5 }, 1]],
      ["UPDATE col SET l = ? + l WHERE k = ?", [[-1], 1]],
      COL,
    ]),
    q("UPDATE of a list element out of range", "UPDATE col SET l[20] = 1 WHERE k = 1"),
    q("UPDATE of a list element of a missing row", "UPDATE col SET l[0] = 1 WHERE k = 2"),
    q("UPDATE of a set element by index", "UPDATE col SET s[0] = 'x' WHERE k = 1"),
    many("UPDATE removing every element", [
      "UPDATE col SET s = s - {'a', 'c', 'd', 'e'} WHERE k = 1",
      COL,
    ]),
    many("UPDATE setting a collection to an empty one and to null", [
      "UPDATE col SET l = [] WHERE k = 1",
      "UPDATE col SET m = null WHERE k = 1",
      COL,
    ]),
    many("INSERT of empty collections", [
      "INSERT INTO col (k, s, l, m) VALUES (3, {}, [], {})",
      "SELECT * FROM col WHERE k = 3",
    ]),
    many("UPDATE of empty collections on a missing row", [
      "UPDATE col SET s = {}, l = [] WHERE k = 4",
      "UPDATE col SET s = s - {'x'}, m = m - {'y'} WHERE k = 5",
      "SELECT * FROM col WHERE k IN (4, 5)",
    ]),
    many("UPDATE adding to a collection of a missing row", [
      "UPDATE col SET s = s + {'n'} WHERE k = 6",
      "SELECT * FROM col WHERE k = 6",
    ]),
    many("DELETE of a collection column", [
      "DELETE s FROM col WHERE k = 6",
      "SELECT * FROM col WHERE k = 6",
    ]),
    many("INSERT of a collection with a null element", [
      "INSERT INTO col (k, l) VALUES (7, [1, null])",
      "SELECT * FROM col WHERE k = 7",
    ]),
    q("SELECT * of the collections table", "SELECT * FROM col"),
  ];
}

const CN = "SELECT * FROM cn WHERE k = 'x'";

/** Counters: increments and decrements, batches of them, and the statements refused on them. */
export function counterSteps(): DataStep[] {
  const add = (k: string, c: number, n: number) => ({
    query: "UPDATE cn SET a = a + ?, b = b - ? WHERE k = ? AND c = ?",
    params: [String(n), String(n), k, c],
  });
  return [
    q(
      "CREATE TABLE of counters",
      "CREATE TABLE cn (k text, c int, a counter, b counter, PRIMARY KEY (k, c))",
    ),
    many("UPDATE of counters", [
      "UPDATE cn SET a = a + 3, b = b - 1 WHERE k = 'x' AND c = 1",
      "UPDATE cn SET a = a - 1 WHERE k = 'x' AND c = 1",
      "UPDATE cn SET b = b + 5 WHERE k = 'x' AND c = 2",
      CN,
    ]),
    many("UPDATE of a counter with a bound amount", [
      ["UPDATE cn SET a = a + ? WHERE k = ? AND c = ?", ["10", "x", 1]],
      CN,
    ]),
    batch("COUNTER batch over rows and partitions", [
      add("x", 1, 2),
      add("x", 1, 3),
      add("y", 1, 4),
    ], { counter: true }),
    q("SELECT of counters after the batch", "SELECT k, c, a, b FROM cn"),
    q("count(*) of counters", "SELECT count(*) FROM cn"),
    q("SELECT of a missing counter", "SELECT a FROM cn WHERE k = 'zz' AND c = 1"),
    q("INSERT into a counter table", "INSERT INTO cn (k, c, a) VALUES ('x', 3, 1)"),
    q("UPDATE setting a counter", "UPDATE cn SET a = 5 WHERE k = 'x' AND c = 1"),
    q("UPDATE of a counter from another", "UPDATE cn SET a = b + 1 WHERE k = 'x' AND c = 1"),
    q("UPDATE of a counter without its clustering key", "UPDATE cn SET a = a + 1 WHERE k = 'x'"),
    q(
      "CREATE TABLE mixing counters and other columns",
      "CREATE TABLE cnbad (k int PRIMARY KEY, a counter, v int)",
    ),
    many("DELETE of a counter row", ["DELETE FROM cn WHERE k = 'y' AND c = 1", "SELECT * FROM cn"]),
  ];
}

const LW = "SELECT * FROM lw WHERE k = 1";

/** Conditional writes: what `[applied]` comes with when applied and when not. */
export function lwtSteps(): DataStep[] {
  const insert = "INSERT INTO lw (k, c, v, w) VALUES (?, ?, ?, ?) IF NOT EXISTS";
  const update = "UPDATE lw SET v = ? WHERE k = ? AND c = ?";
  return [
    q(
      "CREATE TABLE for conditional writes",
      "CREATE TABLE lw (k int, c int, s text static, v text, w int, PRIMARY KEY (k, c))",
    ),
    q("INSERT IF NOT EXISTS applied", insert, [1, 1, "a", 1]),
    q("INSERT IF NOT EXISTS not applied", insert, [1, 1, "z", 9]),
    q(
      "INSERT IF NOT EXISTS not applied, unprepared",
      "INSERT INTO lw (k, c, v) VALUES (1, 1, 'q') IF NOT EXISTS",
    ),
    q("INSERT IF NOT EXISTS of another row of the partition", insert, [1, 2, "b", 2]),
    q("UPDATE IF applied", `${update} IF v = ?`, ["b", 1, 1, "a"]),
    q("UPDATE IF not applied", `${update} IF v = ?`, ["c", 1, 1, "a"]),
    q("UPDATE IF on two columns not applied", `${update} IF v = ? AND w = ?`, [
      "c",
      1,
      1,
      "b",
      2,
    ]),
    q("UPDATE IF on two columns in the other order", `${update} IF w = ? AND v = ?`, [
      "c",
      1,
      1,
      2,
      "b",
    ]),
    q("UPDATE IF with > and != applied", `${update} IF v > ? AND w != ?`, ["d", 1, 1, "a", 5]),
    q("UPDATE IF IN not applied", `${update} IF w IN (5, 6)`, ["e", 1, 1]),
    q("UPDATE IF of a missing row", `${update} IF v = ?`, ["e", 1, 9, "a"]),
    q("UPDATE IF EXISTS of a missing row", `${update} IF EXISTS`, ["e", 1, 9]),
    q("UPDATE IF EXISTS applied", `${update} IF EXISTS`, ["f", 1, 2]),
    q("UPDATE IF a static column of a row", `${update} IF s = ?`, ["g", 1, 2, "nope"]),
    q("UPDATE of a static column IF NOT EXISTS", "UPDATE lw SET s = 'st' WHERE k = 1 IF s = null"),
    q("UPDATE of a static column IF not applied", "UPDATE lw SET s = 'x' WHERE k = 1 IF s = 'q'"),
    q("INSERT IF NOT EXISTS not applied, the partition has a static", insert, [1, 1, "y", 0]),
    q("UPDATE IF of a missing row, the partition has a static", `${update} IF v = ?`, [
      "e",
      1,
      9,
      "a",
    ]),
    q(
      "UPDATE IF on a static and a regular column of a missing row",
      `${update} IF s = ? AND v = ?`,
      ["e", 1, 9, "zz", "a"],
    ),
    q("UPDATE IF EXISTS of a missing row, the partition has a static", `${update} IF EXISTS`, [
      "e",
      1,
      9,
    ]),
    q(
      "UPDATE of a static and a regular column IF EXISTS of a missing row",
      "UPDATE lw SET s = 'q', v = 'e' WHERE k = 1 AND c = 9 IF EXISTS",
    ),
    q(
      "INSERT of a static and a regular column IF NOT EXISTS of an existing row",
      "INSERT INTO lw (k, c, s, v) VALUES (1, 1, 'q', 'e') IF NOT EXISTS",
    ),
    q("UPDATE of a static column IF EXISTS", "UPDATE lw SET s = 'st' WHERE k = 1 IF EXISTS"),
    q(
      "INSERT of a static column IF NOT EXISTS of an existing partition",
      "INSERT INTO lw (k, s) VALUES (1, 'q') IF NOT EXISTS",
    ),
    q(
      "INSERT IF NOT EXISTS of a static-only row",
      "INSERT INTO lw (k, s) VALUES (2, 'two') IF NOT EXISTS",
    ),
    q(
      "INSERT IF NOT EXISTS of a static-only row again",
      "INSERT INTO lw (k, s) VALUES (2, 'three') IF NOT EXISTS",
    ),
    q("INSERT IF NOT EXISTS of a row of a static-only partition", insert, [2, 1, "r", 1]),
    many("rows of a partition without a static", [
      "INSERT INTO lw (k, c, v) VALUES (3, 1, 'x')",
      "INSERT INTO lw (k, c, v) VALUES (3, 2, 'y')",
    ]),
    q(
      "UPDATE of a static column IF EXISTS, no static",
      "UPDATE lw SET s = 'z' WHERE k = 3 IF EXISTS",
    ),
    q("UPDATE of a static column IF, no static", "UPDATE lw SET s = 'z' WHERE k = 3 IF s = 'a'"),
    q("UPDATE IF a static column of a missing row, no static", `${update} IF s = ?`, [
      "n",
      3,
      7,
      "q",
    ]),
    q("UPDATE of a static column IF = null", "UPDATE lw SET s = 'z' WHERE k = 3 IF s = null"),
    q(
      "INSERT of a static column IF NOT EXISTS, rows and a static",
      "INSERT INTO lw (k, s) VALUES (3, 'w') IF NOT EXISTS",
    ),
    q("DELETE of a static column IF EXISTS", "DELETE s FROM lw WHERE k = 3 IF EXISTS"),
    q("DELETE of a static column IF EXISTS again", "DELETE s FROM lw WHERE k = 3 IF EXISTS"),
    q(
      "DELETE of a row and a static column IF EXISTS of a missing row",
      "DELETE s, v FROM lw WHERE k = 1 AND c = 7 IF EXISTS",
    ),
    q(
      "DELETE of a static column IF a regular column",
      "DELETE s FROM lw WHERE k = 1 IF v = 'x'",
    ),
    q("DELETE IF not applied", "DELETE FROM lw WHERE k = 1 AND c = 2 IF v = 'zz'"),
    q("DELETE IF EXISTS applied", "DELETE FROM lw WHERE k = 1 AND c = 2 IF EXISTS"),
    q("DELETE IF EXISTS of a missing row", "DELETE FROM lw WHERE k = 1 AND c = 2 IF EXISTS"),
    q("DELETE of a column IF applied", "DELETE w FROM lw WHERE k = 1 AND c = 1 IF v = 'd'"),
    q("SELECT after the conditional writes", "SELECT * FROM lw"),
    q("SELECT of one partition after the conditional writes", LW),
  ];
}

const BT = "SELECT * FROM bt";

/** LOGGED and UNLOGGED batches of INSERT, UPDATE and DELETE. */
export function batchSteps(): DataStep[] {
  const ins = (k: number, c: number, v: string) => ({
    query: "INSERT INTO bt (k, c, v) VALUES (?, ?, ?)",
    params: [k, c, v],
  });
  return [
    q(
      "CREATE TABLE for batches",
      "CREATE TABLE bt (k int, c int, v text, w text, PRIMARY KEY (k, c))",
    ),
    batch("LOGGED batch over one partition", [ins(1, 1, "a"), ins(1, 2, "b"), ins(1, 3, "c")]),
    batch("LOGGED batch over partitions", [ins(2, 1, "d"), ins(3, 1, "e")]),
    batch("UNLOGGED batch over partitions", [ins(4, 1, "f"), ins(5, 1, "g")], { logged: false }),
    batch("batch of INSERT, UPDATE and DELETE", [
      ins(6, 1, "h"),
      { query: "UPDATE bt SET w = ? WHERE k = ? AND c = ?", params: ["w", 1, 1] },
      { query: "DELETE FROM bt WHERE k = ? AND c = ?", params: [1, 2] },
    ]),
    batch("batch of unprepared statements", [
      { query: "INSERT INTO bt (k, c, v) VALUES (7, 1, 'i')", params: [] },
      { query: "UPDATE bt SET w = 'u' WHERE k = 7 AND c = 2", params: [] },
    ]),
    batch("batch writing one row twice", [ins(8, 1, "j"), ins(8, 1, "k")]),
    q("SELECT after the batches", BT),
    q(
      "BEGIN BATCH text",
      "BEGIN UNLOGGED BATCH INSERT INTO bt (k, c, v) VALUES (9, 1, 'l'); " +
        "UPDATE bt SET v = 'm' WHERE k = 9 AND c = 2; APPLY BATCH",
    ),
    q("SELECT of the BEGIN BATCH rows", "SELECT * FROM bt WHERE k = 9"),
    q("batch with a SELECT", "BEGIN BATCH SELECT * FROM bt; APPLY BATCH"),
  ];
}

const DL = "SELECT k, c1, c2, v, w FROM dl WHERE k = 1";

/** Deletes of rows, clustering ranges, columns and partitions, and which rows stay. */
export function deleteSteps(): DataStep[] {
  const rows = [0, 1, 2, 3].flatMap((c1) =>
    [0, 1].map((c2) => ({
      query: "INSERT INTO dl (k, c1, c2, v, w) VALUES (?, ?, ?, ?, ?)",
      params: [1, c1, c2, `v${c1}${c2}`, c1],
    }))
  );
  return [
    q(
      "CREATE TABLE for deletes",
      "CREATE TABLE dl (k int, c1 int, c2 int, s int static, v text, w int, " +
        "PRIMARY KEY (k, c1, c2)) WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)",
    ),
    batch("rows to delete", rows),
    many("DELETE of a row", ["DELETE FROM dl WHERE k = 1 AND c1 = 0 AND c2 = 1", DL]),
    many("DELETE of a column of an inserted row (the row stays)", [
      "DELETE v FROM dl WHERE k = 1 AND c1 = 0 AND c2 = 0",
      DL,
    ]),
    many("DELETE of every column of an inserted row (the row stays)", [
      "DELETE v, w FROM dl WHERE k = 1 AND c1 = 1 AND c2 = 0",
      DL,
    ]),
    many("DELETE of a clustering prefix", ["DELETE FROM dl WHERE k = 1 AND c1 = 2", DL]),
    many("DELETE of a clustering range", ["DELETE FROM dl WHERE k = 1 AND c1 > 2", DL]),
    q("DELETE of a column over a range", "DELETE v FROM dl WHERE k = 1 AND c1 > 0"),
    q("DELETE with a slice on c2 alone", "DELETE FROM dl WHERE k = 1 AND c2 > 0"),
    q("DELETE with c2 = alone", "DELETE FROM dl WHERE k = 1 AND c2 = 0"),
    q("DELETE with a slice after a slice", "DELETE FROM dl WHERE k = 1 AND c1 > 0 AND c2 > 0"),
    q("DELETE of a column of a clustering prefix", "DELETE v FROM dl WHERE k = 1 AND c1 = 1"),
    q("DELETE of a column of a partition", "DELETE v FROM dl WHERE k = 1"),
    q("DELETE IF of a clustering prefix", "DELETE FROM dl WHERE k = 1 AND c1 = 1 IF v = 'x'"),
    q("DELETE IF EXISTS of a partition", "DELETE FROM dl WHERE k = 1 IF EXISTS"),
    q(
      "DELETE IF with a slice on c2",
      "DELETE FROM dl WHERE k = 1 AND c1 = 1 AND c2 > 0 IF v = 'x'",
    ),
    many("UPDATE creating a row, then its column deleted (the row goes)", [
      "UPDATE dl SET v = 'u' WHERE k = 2 AND c1 = 1 AND c2 = 1",
      "UPDATE dl SET v = 'u', w = 5 WHERE k = 2 AND c1 = 1 AND c2 = 2",
      "SELECT * FROM dl WHERE k = 2",
      "DELETE v FROM dl WHERE k = 2 AND c1 = 1 AND c2 = 1",
      "UPDATE dl SET w = null WHERE k = 2 AND c1 = 1 AND c2 = 2",
      "SELECT * FROM dl WHERE k = 2",
    ]),
    many("UPDATE of null columns of an inserted row (the row stays)", [
      "INSERT INTO dl (k, c1, c2, v) VALUES (3, 1, 1, 'i')",
      "UPDATE dl SET v = null WHERE k = 3 AND c1 = 1 AND c2 = 1",
      "SELECT * FROM dl WHERE k = 3",
    ]),
    many("INSERT of only the key", [
      "INSERT INTO dl (k, c1, c2) VALUES (4, 1, 1)",
      "SELECT * FROM dl WHERE k = 4",
    ]),
    many("INSERT of null values", [
      ["INSERT INTO dl (k, c1, c2, v, w) VALUES (?, ?, ?, ?, ?)", [4, 2, 2, null, null]],
      "SELECT * FROM dl WHERE k = 4",
    ]),
    many("DELETE of a static column with rows left", [
      "UPDATE dl SET s = 7 WHERE k = 1",
      "DELETE s FROM dl WHERE k = 1",
      DL,
    ]),
    many("DELETE with IN on the partition key", [
      "DELETE FROM dl WHERE k IN (3, 4) AND c1 = 1 AND c2 = 1",
      "SELECT k, c1, c2 FROM dl WHERE k IN (3, 4)",
    ]),
    many("DELETE of a partition", ["DELETE FROM dl WHERE k = 2", "SELECT * FROM dl WHERE k = 2"]),
    many("DELETE of a missing row", [
      "DELETE FROM dl WHERE k = 9 AND c1 = 9 AND c2 = 9",
      "SELECT * FROM dl WHERE k = 9",
    ]),
    q("SELECT * of the table after the deletes", "SELECT * FROM dl"),
    q("count(*) after the deletes", "SELECT count(*) FROM dl"),
  ];
}
