// The embedded node against a real Apache Cassandra 5.0 node on the deletions it keeps: range
// deletions (`c > ?`, `c >= ? AND c < ?`, a clustering prefix, IN, tuple slices) that hide older
// writes arriving later, cell deletions of rows left with nothing live, and the writetime()
// variants (`maxwritetime`, element selectors of lists). Every answer (rows, or the error's
// message) must agree.
import assert from "node:assert/strict";
import type cassandra from "cassandra-driver";
import { cassandraNodes, uniqueKeyspace } from "./_cassandra_node.ts";
import { differencesOf, realAndEmbedded, statementAnswers, textOf } from "./_side_by_side.ts";

const { plain } = cassandraNodes();

const STATEMENTS: string[] = [
  "CREATE TABLE t (k int, c int, c2 int, v int, s int static, l list<int>, m map<int, int>, " +
  "PRIMARY KEY (k, c, c2))",
  "CREATE TABLE r (k int, c int, v int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)",
  "CREATE TABLE p (k int PRIMARY KEY, v int, w int)",
  // A slice deletion hides older writes into it, not newer ones nor those outside it.
  "INSERT INTO t (k, c, c2, v) VALUES (1, 1, 1, 1) USING TIMESTAMP 10",
  "INSERT INTO t (k, c, c2, v) VALUES (1, 5, 1, 1) USING TIMESTAMP 10",
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 1 AND c > 2",
  "INSERT INTO t (k, c, c2, v) VALUES (1, 3, 1, 3) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (1, 6, 1, 6) USING TIMESTAMP 25",
  "INSERT INTO t (k, c, c2, v) VALUES (1, 2, 1, 2) USING TIMESTAMP 15",
  "UPDATE t USING TIMESTAMP 20 SET v = 7 WHERE k = 1 AND c = 4 AND c2 = 1",
  "SELECT c, c2, v FROM t WHERE k = 1",
  // Both bounds, on a partition that did not exist.
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 2 AND c >= 1 AND c < 3",
  "INSERT INTO t (k, c, c2, v) VALUES (2, 1, 1, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (2, 3, 1, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (2, 2, 9, 1) USING TIMESTAMP 20",
  "INSERT INTO t (k, c, c2, v) VALUES (2, 0, 1, 1) USING TIMESTAMP 15",
  "SELECT c, c2, v FROM t WHERE k = 2",
  // A range deletion that empties its partition deletes no more than its range.
  "INSERT INTO t (k, c, c2, v) VALUES (3, 1, 1, 1) USING TIMESTAMP 10",
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 3 AND c >= 1",
  "INSERT INTO t (k, c, c2, v) VALUES (3, 0, 1, 1) USING TIMESTAMP 15",
  "UPDATE t USING TIMESTAMP 15 SET s = 5 WHERE k = 3",
  "SELECT c, c2, v, s FROM t WHERE k = 3",
  // A clustering prefix, a slice after a prefix, IN, a tuple slice.
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND c = 1",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 1, 2, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 2, 2, 1) USING TIMESTAMP 15",
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND c = 3 AND c2 > 5",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 3, 5, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 3, 6, 1) USING TIMESTAMP 15",
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND c IN (7, 8)",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 8, 6, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 9, 6, 1) USING TIMESTAMP 15",
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 4 AND (c, c2) > (10, 5) AND (c, c2) <= (11, 1)",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 10, 5, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 10, 6, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 11, 1, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (4, 11, 2, 1) USING TIMESTAMP 15",
  "SELECT c, c2, v FROM t WHERE k = 4",
  // Without USING TIMESTAMP (the driver's own), and a descending clustering column.
  "DELETE FROM t WHERE k = 5 AND c > 0",
  "INSERT INTO t (k, c, c2, v) VALUES (5, 1, 1, 1) USING TIMESTAMP 15",
  "INSERT INTO t (k, c, c2, v) VALUES (5, 1, 2, 1)",
  "SELECT c, c2, v FROM t WHERE k = 5",
  "DELETE FROM r USING TIMESTAMP 20 WHERE k = 1 AND c > 2 AND c <= 4",
  "INSERT INTO r (k, c, v) VALUES (1, 2, 1) USING TIMESTAMP 15",
  "INSERT INTO r (k, c, v) VALUES (1, 3, 1) USING TIMESTAMP 15",
  "INSERT INTO r (k, c, v) VALUES (1, 4, 1) USING TIMESTAMP 15",
  "INSERT INTO r (k, c, v) VALUES (1, 5, 1) USING TIMESTAMP 15",
  "SELECT c, v FROM r WHERE k = 1",
  // A partition deletion newer than a range deletion, then writes between the two.
  "DELETE FROM r USING TIMESTAMP 30 WHERE k = 2 AND c < 5",
  "DELETE FROM r USING TIMESTAMP 20 WHERE k = 2",
  "INSERT INTO r (k, c, v) VALUES (2, 1, 1) USING TIMESTAMP 25",
  "INSERT INTO r (k, c, v) VALUES (2, 6, 1) USING TIMESTAMP 25",
  "SELECT c, v FROM r WHERE k = 2",
  // Cell deletions of rows with nothing live left.
  "UPDATE t USING TIMESTAMP 10 SET v = 1 WHERE k = 6 AND c = 1 AND c2 = 1",
  "DELETE v FROM t USING TIMESTAMP 20 WHERE k = 6 AND c = 1 AND c2 = 1",
  "UPDATE t USING TIMESTAMP 15 SET v = 2 WHERE k = 6 AND c = 1 AND c2 = 1",
  "SELECT c, c2, v FROM t WHERE k = 6",
  "DELETE v FROM t USING TIMESTAMP 20 WHERE k = 7 AND c = 1 AND c2 = 1",
  "UPDATE t USING TIMESTAMP 15 SET v = 2 WHERE k = 7 AND c = 1 AND c2 = 1",
  "INSERT INTO t (k, c, c2) VALUES (7, 1, 1) USING TIMESTAMP 16",
  "UPDATE t USING TIMESTAMP 17 SET v = 3 WHERE k = 7 AND c = 1 AND c2 = 1",
  "UPDATE t USING TIMESTAMP 21 SET v = 4 WHERE k = 7 AND c = 1 AND c2 = 2",
  "SELECT c, c2, v, writetime(v) FROM t WHERE k = 7",
  "UPDATE t USING TIMESTAMP 10 SET s = 1 WHERE k = 8",
  "DELETE s FROM t USING TIMESTAMP 20 WHERE k = 8",
  "UPDATE t USING TIMESTAMP 15 SET s = 2 WHERE k = 8",
  "SELECT s FROM t WHERE k = 8",
  "UPDATE p USING TIMESTAMP 10 SET v = 1, w = 1 WHERE k = 1",
  "DELETE v, w FROM p USING TIMESTAMP 20 WHERE k = 1",
  "UPDATE p USING TIMESTAMP 15 SET v = 2 WHERE k = 1",
  "UPDATE p USING TIMESTAMP 25 SET w = 2 WHERE k = 1",
  "SELECT k, v, w FROM p",
  // The writetime() variants.
  "UPDATE t USING TIMESTAMP 10 SET l = [1, 2], v = 3 WHERE k = 9 AND c = 1 AND c2 = 1",
  "SELECT writetime(l[0]) FROM t",
  "SELECT ttl(l[0]) FROM t",
  "SELECT writetime(l[0..1]) FROM t",
  "SELECT maxwritetime(v) FROM t WHERE k = 9",
  "SELECT maxwritetime(v) AS x, maxwritetime(s) FROM t WHERE k = 9",
  "SELECT maxwritetime(l), maxwritetime(m) FROM t WHERE k = 9",
  "SELECT k, maxwritetime(v) FROM t WHERE k IN (6, 7, 9)",
  "SELECT maxwritetime(k) FROM t",
  "SELECT maxwritetime(c) FROM t",
  "SELECT maxwritetime(l[0]) FROM t",
];

/** A result's column names and its rows as text. */
function namesAndRowsOf(result: cassandra.types.ResultSet): unknown {
  const names = result.columns?.map((column) => column.name) ?? [];
  return [names, result.rows.map((row) => names.map((name) => textOf(row[name])))];
}

const answersOf = (client: cassandra.Client, ks: string) =>
  statementAnswers(client, ks, STATEMENTS, namesAndRowsOf);

Deno.test("range and cell deletions are kept as a real node keeps them", async () => {
  const ks = uniqueKeyspace("range_delete");
  const { real, embedded } = await realAndEmbedded(plain, ks, answersOf);
  const differences = differencesOf(STATEMENTS, (i) => real[i], (i) => embedded[i]);
  assert.deepEqual(differences, []);
});
