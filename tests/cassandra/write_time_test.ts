// The embedded node against a real Apache Cassandra 5.0 node on write timestamps and TTLs: writes
// with USING TIMESTAMP in any order, deletions that shadow older writes, equal-timestamp ties,
// BATCH timestamps, TTL expiry, default_time_to_live and the writetime()/ttl() selectors, sent to
// both through cassandra-driver (which sends its own timestamp with each request); every answer
// (rows, or the error's message) must agree. TTLs read back are rounded to tens of seconds, so a
// second passing between a write and its read does not count.
import assert from "node:assert/strict";
import type cassandra from "cassandra-driver";
import { cassandraNodes, uniqueKeyspace } from "./_cassandra_node.ts";
import { differencesOf, realAndEmbedded, statementAnswers, textOf } from "./_side_by_side.ts";

const { plain } = cassandraNodes();

const STATEMENTS: (string | number)[] = [
  "CREATE TABLE t (k int, c int, v int, w text, fl frozen<list<int>>, s int static, " +
  "PRIMARY KEY (k, c))",
  "CREATE TABLE d (k int PRIMARY KEY, v int) WITH default_time_to_live = 100",
  "CREATE TABLE ct (k int PRIMARY KEY, n counter)",
  "INSERT INTO t (k, c, v) VALUES (1, 1, 10) USING TIMESTAMP 100",
  "INSERT INTO t (k, c, v) VALUES (1, 1, 20) USING TIMESTAMP 50",
  "SELECT v, writetime(v), ttl(v) FROM t WHERE k = 1",
  "INSERT INTO t (k, c, v) VALUES (1, 1, 5) USING TIMESTAMP 100",
  "INSERT INTO t (k, c, v) VALUES (1, 1, 30) USING TIMESTAMP 100",
  "SELECT v, writetime(v) FROM t WHERE k = 1",
  "DELETE FROM t USING TIMESTAMP 200 WHERE k = 1 AND c = 1",
  "INSERT INTO t (k, c, v) VALUES (1, 1, 7) USING TIMESTAMP 200",
  "SELECT * FROM t WHERE k = 1",
  "INSERT INTO t (k, c, v) VALUES (1, 1, 9) USING TIMESTAMP 201",
  "DELETE FROM t USING TIMESTAMP 180 WHERE k = 1 AND c = 1",
  "DELETE w FROM t USING TIMESTAMP 300 WHERE k = 1 AND c = 1",
  "UPDATE t USING TIMESTAMP 250 SET w = 'late' WHERE k = 1 AND c = 1",
  "SELECT k, c, v, writetime(v), w FROM t WHERE k = 1",
  "INSERT INTO t (k, c, v) VALUES (2, 1, 1) USING TIMESTAMP 10",
  "INSERT INTO t (k, c, v) VALUES (2, 2, 1) USING TIMESTAMP 30",
  "DELETE FROM t USING TIMESTAMP 20 WHERE k = 2",
  "INSERT INTO t (k, c, v) VALUES (2, 3, 1) USING TIMESTAMP 15",
  "SELECT k, c, v FROM t WHERE k = 2",
  "INSERT INTO t (k, c, v) VALUES (3, 1, 1) USING TIMESTAMP 1 AND TTL 100",
  "INSERT INTO t (k, c, v) VALUES (3, 1, 2) USING TTL 200 AND TIMESTAMP 1",
  "INSERT INTO t (k, c, v) VALUES (3, 2, 1) USING TIMESTAMP 1 AND TTL 100",
  "INSERT INTO t (k, c, v) VALUES (3, 2, 2) USING TIMESTAMP 1",
  "INSERT INTO t (k, c, v) VALUES (3, 3, 1) USING TIMESTAMP 1 AND TTL 100",
  "DELETE v FROM t USING TIMESTAMP 1 WHERE k = 3 AND c = 3",
  "SELECT c, v, ttl(v) FROM t WHERE k = 3",
  "UPDATE t USING TIMESTAMP 100 SET s = 1 WHERE k = 4",
  "UPDATE t USING TIMESTAMP 90 SET s = 2 WHERE k = 4",
  "INSERT INTO t (k, c, fl) VALUES (4, 1, [1]) USING TIMESTAMP 7 AND TTL 500",
  "SELECT s, writetime(s), writetime(fl), ttl(fl) FROM t WHERE k = 4",
  "BEGIN BATCH USING TIMESTAMP 77 INSERT INTO t (k, c, v) VALUES (5, 1, 1); " +
  "INSERT INTO t (k, c, v) VALUES (5, 2, 2); APPLY BATCH",
  "SELECT c, writetime(v) FROM t WHERE k = 5",
  "INSERT INTO t (k, c, v) VALUES (6, 1, 1) USING TIMESTAMP 9223372036854775807",
  "INSERT INTO t (k, c, v) VALUES (6, 2, 1) USING TIMESTAMP -9223372036854775808",
  "SELECT c, writetime(v) FROM t WHERE k = 6",
  "SELECT writetime(k) FROM t",
  "SELECT ttl(c) FROM t",
  "UPDATE ct USING TIMESTAMP 5 SET n = n + 1 WHERE k = 1",
  "UPDATE ct USING TTL 5 SET n = n + 1 WHERE k = 1",
  "INSERT INTO d (k, v) VALUES (1, 1)",
  "INSERT INTO d (k, v) VALUES (2, 2) USING TTL 0",
  "INSERT INTO d (k, v) VALUES (3, 3) USING TTL 1",
  "INSERT INTO t (k, c, v) VALUES (7, 1, 1) USING TTL 1",
  "INSERT INTO t (k, c, v) VALUES (8, 1, 1) USING TTL 1",
  "UPDATE t SET w = 'x' WHERE k = 8 AND c = 1",
  "SELECT k, ttl(v) FROM d",
  2_500,
  "SELECT k, ttl(v) FROM d",
  "SELECT k, c, v, w FROM t WHERE k IN (7, 8)",
];

/** A result's rows as text, a TTL rounded to 10 s (the two nodes answer a few seconds apart). */
function rowsOf(result: cassandra.types.ResultSet): unknown {
  const names = result.columns?.map((column) => column.name) ?? [];
  return result.rows.map((row) =>
    names.map((name) => {
      const value = textOf(row[name]);
      return name.startsWith("ttl(") && value !== null
        ? Math.round(Number(value) / 10) * 10
        : value;
    })
  );
}

const answersOf = (client: cassandra.Client, ks: string) =>
  statementAnswers(client, ks, STATEMENTS, rowsOf);

Deno.test("write timestamps and TTLs are kept as a real node keeps them", async () => {
  const ks = uniqueKeyspace("write_time");
  const statements = STATEMENTS.filter((statement) => typeof statement === "string");
  const { real, embedded } = await realAndEmbedded(plain, ks, answersOf);
  const differences = differencesOf(statements, (i) => real[i], (i) => embedded[i]);
  assert.deepEqual(differences, []);
});
