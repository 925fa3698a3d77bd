/**
 * The data parity steps that read: a table with a compound partition key and two clustering
 * columns (the second DESC) and a static column, its rows, and SELECTs of slices, tuples, IN,
 * LIMIT, PER PARTITION LIMIT, ORDER BY, token ranges, count(*), DISTINCT and paging.
 *
 * @module
 */

import { batch, type DataStep, many, pages, q } from "./_data_step_kit.ts";

const PARTITIONS: [string, number][] = [["a", 1], ["a", 2], ["b", 1]];
const INSERT = "INSERT INTO d (k1, k2, c1, c2, v, n) VALUES (?, ?, ?, ?, ?, ?)";

/** The table `d` and its rows: three partitions of nine rows, statics, a static-only partition. */
export function rowSteps(): DataStep[] {
  const rowsOf = (k1: string, k2: number) =>
    [0, 1, 2].flatMap((c1) =>
      ["x", "y", "z"].map((c2) => ({
        query: INSERT,
        params: [k1, k2, c1, c2, `${k1}${k2}-${c1}${c2}`, String(c1 * 10 + k2)],
      }))
    );
  return [
    q(
      "CREATE TABLE with a compound partition key, two clustering columns (c2 DESC), a static",
      "CREATE TABLE d (k1 text, k2 int, c1 int, c2 text, s text static, v text, n bigint, " +
        "PRIMARY KEY ((k1, k2), c1, c2)) WITH CLUSTERING ORDER BY (c1 ASC, c2 DESC)",
    ),
    ...PARTITIONS.map(([k1, k2]) =>
      batch(`UNLOGGED batch of partition ${k1} ${k2}`, rowsOf(k1, k2), { logged: false })
    ),
    q("UPDATE of a static column", "UPDATE d SET s = ? WHERE k1 = ? AND k2 = ?", ["sa1", "a", 1]),
    q("INSERT of a static-only partition", "INSERT INTO d (k1, k2, s) VALUES ('c', 1, 'only')"),
  ];
}

const P = "SELECT c1, c2, v FROM d WHERE k1 = 'a' AND k2 = 1";

/** Clustering slices on the first column, on the second and on (c1, c2) tuples. */
export function sliceSteps(): DataStep[] {
  return [
    q("SELECT * of one partition", "SELECT * FROM d WHERE k1 = 'a' AND k2 = 1"),
    q("SELECT * of a partition with its static", "SELECT * FROM d WHERE k1 = ? AND k2 = ?", [
      "a",
      1,
    ]),
    q("c1 > ?", `${P} AND c1 > ?`, [0]),
    q("c1 >= ?", `${P} AND c1 >= ?`, [1]),
    q("c1 < ?", `${P} AND c1 < ?`, [1]),
    q("c1 <= ?", `${P} AND c1 <= ?`, [1]),
    q("c1 > ? AND c1 < ?", `${P} AND c1 > ? AND c1 < ?`, [0, 2]),
    q("c1 >= literal AND c1 <= literal", `${P} AND c1 >= 1 AND c1 <= 1`),
    q("c1 > ? with an empty range", `${P} AND c1 > ? AND c1 < ?`, [1, 1]),
    q("c1 = ? AND c2 > ? (c2 DESC)", `${P} AND c1 = ? AND c2 > ?`, [1, "x"]),
    q("c1 = ? AND c2 <= ? (c2 DESC)", `${P} AND c1 = ? AND c2 <= ?`, [1, "y"]),
    q("c1 = ? AND c2 >= ? AND c2 < ?", `${P} AND c1 = ? AND c2 >= ? AND c2 < ?`, [1, "x", "z"]),
    q("(c1, c2) > (?, ?)", `${P} AND (c1, c2) > (?, ?)`, [1, "y"]),
    q("(c1, c2) >= (?, ?)", `${P} AND (c1, c2) >= (?, ?)`, [1, "y"]),
    q("(c1, c2) < (?, ?)", `${P} AND (c1, c2) < (?, ?)`, [1, "y"]),
    q("(c1, c2) <= (?, ?)", `${P} AND (c1, c2) <= (?, ?)`, [1, "y"]),
    q(
      "(c1, c2) > (?, ?) AND (c1, c2) < (?, ?)",
      `${P} AND (c1, c2) > (?, ?) AND (c1, c2) < (?, ?)`,
      [0, "y", 2, "y"],
    ),
    q("(c1, c2) > (?, ?) AND (c1) < (?)", `${P} AND (c1, c2) > (?, ?) AND (c1) < (?)`, [
      0,
      "y",
      2,
    ]),
    q("(c1) >= (?)", `${P} AND (c1) >= (?)`, [2]),
    q("(c1, c2) = (?, ?)", `${P} AND (c1, c2) = (?, ?)`, [1, "y"]),
    q("(c1, c2) > (?, ?) AND c1 < ?", `${P} AND (c1, c2) > (?, ?) AND c1 < ?`, [0, "y", 2]),
    q("c2 > ? without c1", `${P} AND c2 > ?`, ["x"]),
    q("c1 > ? AND c2 > ?", `${P} AND c1 > ? AND c2 > ?`, [0, "x"]),
    q("(c2, c1) > (?, ?) out of order", `${P} AND (c2, c1) > (?, ?)`, ["x", 0]),
    q("c1 > ? AND c2 = ?", `${P} AND c1 > ? AND c2 = ?`, [0, "x"]),
    q("c2 > ? AND c1 > ? (the later column first)", `${P} AND c2 > ? AND c1 > ?`, ["x", 0]),
    q("c2 = ? AND c1 > ? (the later column first)", `${P} AND c2 = ? AND c1 > ?`, ["x", 0]),
    q("c2 > ? without c1, ALLOW FILTERING", `${P} AND c2 > ? ALLOW FILTERING`, ["x"]),
    q("c1 > ? AND c2 > ?, ALLOW FILTERING", `${P} AND c1 > ? AND c2 > ? ALLOW FILTERING`, [
      0,
      "x",
    ]),
    q("c1 > ? AND c2 = ?, ALLOW FILTERING", `${P} AND c1 > ? AND c2 = ? ALLOW FILTERING`, [
      0,
      "y",
    ]),
    q("(c2) <= (?) without c1, ALLOW FILTERING", `${P} AND (c2) <= (?) ALLOW FILTERING`, ["y"]),
    q(
      "c2 < ? over the table, ALLOW FILTERING",
      "SELECT k1, k2, c1, c2 FROM d WHERE c2 < 'y' ALLOW FILTERING",
    ),
    q("SELECT of a missing row", `${P} AND c1 = 5 AND c2 = 'x'`),
    q("SELECT of a missing partition", "SELECT * FROM d WHERE k1 = 'zz' AND k2 = 1"),
    q(
      "SELECT of one row with its static",
      "SELECT s, v FROM d WHERE k1 = ? AND k2 = ? AND c1 = ? AND c2 = ?",
      [
        "a",
        1,
        1,
        "y",
      ],
    ),
  ];
}

/** IN on the partition key and on clustering columns, LIMIT, PER PARTITION LIMIT, ORDER BY. */
export function inOrderLimitSteps(): DataStep[] {
  const ab = "SELECT k1, k2, c1, c2 FROM d WHERE k1 IN ('b', 'a') AND k2 = 1";
  return [
    q("IN on c1", `${P} AND c1 IN (2, 0)`),
    q("IN ? on c1", `${P} AND c1 IN ?`, [[2, 0, 2]]),
    q("c1 = ? AND IN on c2", `${P} AND c1 = ? AND c2 IN ?`, [1, ["x", "z"]]),
    q("IN on c1 and on c2", `${P} AND c1 IN (0, 2) AND c2 IN ('x', 'y')`),
    q("IN on c1 and a slice on c2", `${P} AND c1 IN (0, 2) AND c2 > 'x'`),
    q("IN on the partition key", ab),
    q(
      "IN on both partition key columns",
      "SELECT k1, k2, c1 FROM d WHERE k1 IN ('b', 'a') AND k2 IN (2, 1) AND c1 = 0",
    ),
    q("IN on the partition key and c1", `${ab} AND c1 IN (2, 1) AND c2 = 'x'`),
    q("IN on the partition key with LIMIT", `${ab} LIMIT 4`),
    q("IN on the partition key with PER PARTITION LIMIT", `${ab} PER PARTITION LIMIT 2`),
    q("IN on the partition key with ORDER BY (paged)", `${ab} ORDER BY c1 DESC`),
    q("LIMIT", `${P} LIMIT 4`),
    q("LIMIT ?", `${P} LIMIT ?`, [2]),
    q("LIMIT 0", `${P} LIMIT 0`),
    q("LIMIT with a slice", `${P} AND c1 >= 1 LIMIT 2`),
    q("PER PARTITION LIMIT over the table", "SELECT k1, k2, c1, c2 FROM d PER PARTITION LIMIT 2"),
    q(
      "PER PARTITION LIMIT and LIMIT",
      "SELECT k1, k2, c1, c2 FROM d PER PARTITION LIMIT 2 LIMIT 3",
    ),
    q("ORDER BY c1 DESC", `${P} ORDER BY c1 DESC`),
    q("ORDER BY c1 DESC, c2 ASC", `${P} ORDER BY c1 DESC, c2 ASC`),
    q("ORDER BY c1 ASC, c2 DESC", `${P} ORDER BY c1 ASC, c2 DESC`),
    q("ORDER BY c1 DESC, c2 DESC", `${P} ORDER BY c1 DESC, c2 DESC`),
    q("ORDER BY c2", `${P} ORDER BY c2 ASC`),
    q("ORDER BY c1 DESC with a slice and LIMIT", `${P} AND c1 >= 1 ORDER BY c1 DESC LIMIT 4`),
    q("ORDER BY c1 DESC with a tuple slice", `${P} AND (c1, c2) > (0, 'y') ORDER BY c1 DESC`),
    q("ORDER BY c1 DESC with IN on c1", `${P} AND c1 IN (0, 2) ORDER BY c1 DESC`),
    q("ORDER BY without a partition restriction", "SELECT c1 FROM d ORDER BY c1 DESC"),
    q("ORDER BY a regular column", `${P} ORDER BY v`),
  ];
}

const MIN = "-9223372036854775808";
const MAX = "9223372036854775807";
const TOKENS =
  "SELECT token(k1, k2), k1, k2, c1, c2 FROM d WHERE token(k1, k2) > ? AND token(k1, k2) <= ?";

/** Token ranges, count(*), DISTINCT, and statics in scans. */
export function scanSteps(): DataStep[] {
  return [
    q("SELECT token() over the ring", TOKENS, [MIN, MAX]),
    q("SELECT token() of a range", TOKENS, ["-5000000000000000000", "5000000000000000000"]),
    q("SELECT token() of an empty range", TOKENS, ["100", "100"]),
    q("SELECT * over the table (statics, a static-only partition)", "SELECT * FROM d"),
    q("SELECT s over the table", "SELECT k1, k2, s FROM d"),
    q("count(*) of the table", "SELECT count(*) FROM d"),
    q("count(*) of a partition", "SELECT count(*) FROM d WHERE k1 = 'a' AND k2 = 1"),
    q("count(*) of a slice", `SELECT count(*) FROM d WHERE k1 = 'a' AND k2 = 1 AND c1 > 0`),
    q("count(*) of a missing partition", "SELECT count(*) FROM d WHERE k1 = 'q' AND k2 = 1"),
    q("COUNT(*) AS", "SELECT COUNT(*) AS total FROM d WHERE k1 IN ('a', 'b') AND k2 = 1"),
    q("count(1) with LIMIT", "SELECT count(1) FROM d LIMIT 2"),
    q("DISTINCT partition keys", "SELECT DISTINCT k1, k2 FROM d"),
    q("DISTINCT partition keys and static", "SELECT DISTINCT k1, k2, s FROM d"),
    q("DISTINCT of a partition", "SELECT DISTINCT k1, k2 FROM d WHERE k1 = 'a' AND k2 = 2"),
    q("DISTINCT with IN", "SELECT DISTINCT k1, k2 FROM d WHERE k1 IN ('b', 'a') AND k2 = 1"),
    q("DISTINCT with LIMIT", "SELECT DISTINCT k1, k2 FROM d LIMIT 2"),
    q("DISTINCT of part of the partition key", "SELECT DISTINCT k1 FROM d"),
    q("DISTINCT with a clustering column", "SELECT DISTINCT k1, k2, c1 FROM d"),
    q("count(*) of DISTINCT", "SELECT DISTINCT count(*) FROM d"),
    q(
      "SELECT of the static of a static-only partition",
      "SELECT s, v FROM d WHERE k1 = 'c' AND k2 = 1",
    ),
    q(
      "SELECT with a clustering restriction of a static-only partition",
      "SELECT * FROM d WHERE k1 = 'c' AND k2 = 1 AND c1 = 0",
    ),
    q(
      "SELECT of static columns only with a clustering column =",
      "SELECT k1, s FROM d WHERE k1 = 'a' AND k2 = 1 AND c1 = 0",
    ),
    q(
      "SELECT of static columns only with IN on a clustering column",
      "SELECT s FROM d WHERE k1 = 'a' AND k2 = 1 AND c1 IN (0, 1)",
    ),
    q(
      "SELECT with a slice of a static-only partition",
      "SELECT s FROM d WHERE k1 = 'c' AND k2 = 1 AND c1 > 0",
    ),
    q(
      "SELECT with column aliases",
      "SELECT c1 AS first, v AS value FROM d WHERE k1 = 'b' AND k2 = 1 LIMIT 2",
    ),
  ];
}

/** Paging with small pages: across partitions, within one, reversed, with IN, LIMIT and statics. */
export function pagingSteps(): DataStep[] {
  return [
    pages("pages of 4 over the table", "SELECT k1, k2, c1, c2, s FROM d", { fetchSize: 4 }),
    pages("pages of 9 over the table (page ends with a partition)", "SELECT k1, k2, c1 FROM d", {
      fetchSize: 9,
    }),
    pages("pages of 2 within a partition", `${P}`, { fetchSize: 2 }),
    pages("pages of 3 within a partition (exact)", `${P}`, { fetchSize: 3 }),
    pages("pages of 9 within a partition (one full page)", `${P}`, { fetchSize: 9 }),
    pages("pages of 2 within a partition, prepared", `${P} AND c1 >= ?`, {
      fetchSize: 2,
      params: [1],
    }),
    pages("pages of 2 reversed", `${P} ORDER BY c1 DESC`, { fetchSize: 2 }),
    pages("pages of 2 of a slice reversed", `${P} AND c1 < 2 ORDER BY c1 DESC`, { fetchSize: 2 }),
    pages(
      "pages of 4 with IN on the partition key",
      "SELECT k1, k2, c1, c2 FROM d WHERE k1 IN ('a', 'b') AND k2 = 1",
      {
        fetchSize: 4,
      },
    ),
    pages("pages of 2 with IN on c1", `${P} AND c1 IN (2, 0)`, { fetchSize: 2 }),
    pages("pages of 2 with IN on c1 reversed", `${P} AND c1 IN (2, 0) ORDER BY c1 DESC`, {
      fetchSize: 2,
    }),
    pages("pages of 2 of a tuple slice", `${P} AND (c1, c2) > (0, 'y') AND (c1, c2) < (2, 'y')`, {
      fetchSize: 2,
    }),
    pages(
      "pages of 2 of a slice on c2 with ALLOW FILTERING",
      `${P} AND c2 >= 'y' ALLOW FILTERING`,
      {
        fetchSize: 2,
      },
    ),
    pages("pages of 4 with LIMIT 10", "SELECT k1, k2, c1, c2 FROM d LIMIT 10", { fetchSize: 4 }),
    pages("pages of 2 with PER PARTITION LIMIT", "SELECT k1, k2, c1 FROM d PER PARTITION LIMIT 3", {
      fetchSize: 2,
    }),
    pages("pages of 2 of a token range", TOKENS, {
      fetchSize: 2,
      params: ["-5000000000000000000", "5000000000000000000"],
    }),
    pages("pages of 1 of DISTINCT", "SELECT DISTINCT k1, k2, s FROM d", { fetchSize: 1 }),
    pages("pages of 2 of count(*)", "SELECT count(*) FROM d", { fetchSize: 2 }),
    pages(
      "pages of 2 of IN with ORDER BY",
      "SELECT k1, c1 FROM d WHERE k1 IN ('a', 'b') AND k2 = 1 ORDER BY c1",
      {
        fetchSize: 2,
      },
    ),
    many("rows after paging", ["SELECT count(*) FROM d"]),
  ];
}
