/**
 * The requests a cassandra-stress `user profile=` workload sends (issue 19), through
 * cassandra-driver: tables with compound partition keys, clustering columns in DESC order, static
 * columns and collections; UPDATEs appending to collections, key-only INSERTs, LOGGED, UNLOGGED and
 * COUNTER batches, conditional writes (`IF`), slices with LIMIT, PER PARTITION LIMIT, and token
 * range queries with paging. Run in order on one connection, in a fresh keyspace.
 * tests/testdata/cassandra_5_profile_answers.json holds what Apache Cassandra 5.0.6 answered
 * (recorded with `deno run -A tests/cql_node/_record_answers.ts profile PORT`);
 * tests/cql_node/profile_features_test.ts checks the embedded node gives the same answers.
 *
 * @module
 */

import type cassandra from "cassandra-driver";
import { answer, errorOf, plainAnswer } from "./_plain_rows.ts";

type Client = cassandra.Client;

/** One request and its answer as plain data. */
export interface ProfileStep {
  /** What the step checks (unique). */
  label: string;
  /** Sends the request; resolves with the answer (rows, or the error's code and message). */
  run(client: Client): Promise<unknown>;
}

/** A statement, prepared when it has values (as cassandra-stress prepares its statements). */
function q(label: string, cql: string, params: unknown[] = []): ProfileStep {
  return {
    label,
    run: (client) => answer(() => client.execute(cql, params, { prepare: params.length > 0 })),
  };
}

/** A batch of prepared statements through the driver's batch API. */
function batch(
  label: string,
  queries: { query: string; params: unknown[] }[],
  options: { logged?: boolean; counter?: boolean } = {},
): ProfileStep {
  return {
    label,
    run: (client) => answer(() => client.batch(queries, { prepare: true, ...options })),
  };
}

/** Every page of a statement sent unprepared with `fetchSize` rows a page. */
function pages(label: string, cql: string, fetchSize: number): ProfileStep {
  return {
    label,
    run: async (client) => {
      const out: unknown[] = [];
      let pageState: string | undefined;
      try {
        do {
          const result = await client.execute(cql, [], { fetchSize, pageState, prepare: false });
          out.push(plainAnswer(result));
          pageState = result.pageState ?? undefined;
        } while (pageState !== undefined && out.length < 50);
      } catch (error) {
        out.push(errorOf(error));
      }
      return out;
    },
  };
}

const WRITE = "UPDATE t SET a = ?,l = l + ?,st = st + ?,m = m + ? " +
  "WHERE k1 = ? AND k2 = ? AND c1 = ? AND c2 = ?";
const COUNT = "UPDATE cnt SET c = c + ?,d = d + ? WHERE k1 = ? AND k2 = ? AND c1 = ?";
const CAS = "UPDATE t SET a = ? WHERE k1 = ? AND k2 = ? AND c1 = ? AND c2 = ?";
const MIN = "-9223372036854775808";
const TOKEN_RANGE = `SELECT token(k1, k2), k1, k2, c1, c2 FROM t WHERE token(k1, k2) > ${MIN}`;

/** The tables of a profile: compound keys, DESC clustering, statics, collections, counters. */
function schemaSteps(): ProfileStep[] {
  return [
    q(
      "CREATE TABLE with a compound partition key, DESC clustering, a static and collections",
      "CREATE TABLE t (k1 text, k2 int, c1 int, c2 text, s text static, a text, l list<text>, " +
        "st set<int>, m map<text, int>, PRIMARY KEY ((k1, k2), c1, c2)) " +
        "WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)",
    ),
    q(
      "CREATE TABLE of counters",
      "CREATE TABLE cnt (k1 text, k2 int, c1 int, c counter, d counter, " +
        "PRIMARY KEY ((k1, k2), c1))",
    ),
    q("CREATE TABLE of keys only", "CREATE TABLE ko (k1 text, c1 int, PRIMARY KEY (k1, c1))"),
  ];
}

/** cassandra-stress's insert statements, then reads of what they wrote. */
function writeAndReadSteps(): ProfileStep[] {
  const rows = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
    q(`UPDATE appending to collections, row ${i}`, WRITE, [
      `a${i}`,
      [`x${i}`],
      [i, 7],
      { [`m${i}`]: i },
      `p${i % 3}`,
      i % 2,
      i,
      `c${i % 4}`,
    ])
  );
  return [
    ...rows,
    q("UPDATE appending again to the same row", WRITE, [
      "b",
      ["y"],
      [1],
      { z: 9 },
      "p0",
      0,
      0,
      "c0",
    ]),
    q("UPDATE of a static column", "UPDATE t SET s = ? WHERE k1 = ? AND k2 = ?", ["st", "p0", 0]),
    q(
      "UPDATE of a static column of a new partition",
      "UPDATE t SET s = ? WHERE k1 = ? AND k2 = ?",
      [
        "alone",
        "zz",
        9,
      ],
    ),
    q("INSERT of a key-only row", "INSERT INTO ko (k1, c1) values(?, ?)", ["a", 1]),
    q("SELECT * of a key-only table", "SELECT * FROM ko"),
    q("SELECT * in token order, statics before regular columns", "SELECT * FROM t"),
    q("SELECT of one partition in DESC order", "SELECT * FROM t WHERE k1 = ? AND k2 = ?", [
      "p0",
      0,
    ]),
    q(
      "SELECT with a slice on a DESC clustering column and LIMIT",
      "SELECT * FROM t WHERE k1 = ? AND k2 = ? AND c1 >= ? LIMIT 10",
      ["p0", 0, 1],
    ),
    q(
      "SELECT with an upper slice on a DESC clustering column",
      "SELECT k1, c1, c2 FROM t WHERE k1 = ? AND k2 = ? AND c1 <= ? LIMIT 10",
      ["p0", 0, 3],
    ),
    q("SELECT with PER PARTITION LIMIT", "SELECT * FROM t PER PARTITION LIMIT 1"),
    q(
      "SELECT with PER PARTITION LIMIT and LIMIT",
      "SELECT k1, k2, c1 FROM t PER PARTITION LIMIT 1 LIMIT 2",
    ),
    q("SELECT with PER PARTITION LIMIT ?", "SELECT k1, c1 FROM t PER PARTITION LIMIT ?", [1]),
    q("SELECT with PER PARTITION LIMIT 0", "SELECT * FROM t PER PARTITION LIMIT 0"),
    q(
      "SELECT DISTINCT with PER PARTITION LIMIT",
      "SELECT DISTINCT k1, k2 FROM t PER PARTITION LIMIT 1",
    ),
    q("SELECT count(*) with PER PARTITION LIMIT", "SELECT count(*) FROM t PER PARTITION LIMIT 1"),
    q("SELECT DISTINCT with a static column", "SELECT DISTINCT k1, k2, s FROM t"),
  ];
}

/** Token range queries as cassandra-stress sends them, and token() misuse. */
function tokenSteps(): ProfileStep[] {
  return [
    q(
      "SELECT token() over the whole ring",
      `${TOKEN_RANGE} AND token(k1, k2) <= 9223372036854775807`,
    ),
    q("SELECT token() over half the ring", `${TOKEN_RANGE} AND token(k1, k2) <= 0`),
    pages("SELECT token() range in pages of 3", `${TOKEN_RANGE} AND token(k1, k2) <= 0`, 3),
    pages("SELECT * in pages of 4", "SELECT * FROM t", 4),
    pages(
      "SELECT with PER PARTITION LIMIT in pages of 2",
      "SELECT k1, k2, c1 FROM t PER PARTITION LIMIT 2",
      2,
    ),
    pages("SELECT DISTINCT in pages of 3", "SELECT DISTINCT k1, k2 FROM t", 3),
    pages("SELECT with LIMIT in pages of 2", "SELECT k1, k2, c1 FROM t LIMIT 5", 2),
    q(
      "SELECT token() range with prepared bounds",
      "SELECT token(k1, k2), k1 FROM t WHERE token(k1, k2) > ? AND token(k1, k2) <= ?",
      ["-7300000000000000000", "1100000000000000000"],
    ),
    q("SELECT token() of one partition", "SELECT token(k1, k2) FROM t WHERE k1 = 'p0' AND k2 = 0"),
    q("SELECT token() with an alias", "SELECT token(k1, k2) AS t, k1 FROM t"),
    q("SELECT token() of a one-column key", "SELECT token(k1), k1 FROM ko"),
    q("SELECT token() with too few columns", "SELECT token(k1) FROM t"),
    q("token() restriction on part of the key", "SELECT k1 FROM t WHERE token(k1) > 0"),
    q("token() restriction out of key order", "SELECT k1 FROM t WHERE token(k2, k1) > 0"),
    q(
      "token() restriction with a clustering column",
      "SELECT k1 FROM t WHERE token(k1, k2, c1) > 0",
    ),
    q(
      "token() = a partition's token",
      "SELECT k1 FROM t WHERE token(k1, k2) = -7468153729515689184",
    ),
    q(
      "token() restriction with the partition key",
      "SELECT k1 FROM t WHERE token(k1, k2) > 0 AND k1 = 'p0' AND k2 = 1",
    ),
    q(
      "token() range >= and <",
      "SELECT k1 FROM t WHERE token(k1, k2) >= -7468153729515689184 AND token(k1, k2) < 0",
    ),
    q(
      "token() with two start bounds",
      "SELECT k1 FROM t WHERE token(k1, k2) > 0 AND token(k1, k2) > 5",
    ),
    q(
      "token() range that would wrap",
      "SELECT k1 FROM t WHERE token(k1, k2) > 5 AND token(k1, k2) <= -5",
    ),
    q("token() compared to text", "SELECT k1 FROM t WHERE token(k1, k2) > 'a'"),
    q("token() <= the minimum token", `SELECT k1 FROM t WHERE token(k1, k2) <= ${MIN}`),
  ];
}

/** Counter updates, alone and in batches, and the batches a profile can ask for. */
function batchSteps(): ProfileStep[] {
  const write = (a: string, k1: string, c1: number) => ({
    query: WRITE,
    params: [a, [a], [c1], { [a]: c1 }, k1, 5, c1, "b"],
  });
  const count = (c: number, d: number) => ({ query: COUNT, params: [c, d, "x", 1, 1] });
  return [
    q("UPDATE of counters", COUNT, [1, 2, "x", 1, 1]),
    batch("COUNTER batch", [count(1, 2), count(3, 4)], { counter: true }),
    q("SELECT of counters", "SELECT * FROM cnt"),
    batch("counter UPDATE in a LOGGED batch", [count(1, 1)]),
    batch("counter UPDATE in an UNLOGGED batch", [count(1, 1)], { logged: false }),
    batch("counter and regular UPDATEs in an UNLOGGED batch", [count(1, 1), write("u", "b1", 1)], {
      logged: false,
    }),
    batch("regular UPDATE in a COUNTER batch", [write("u", "b1", 1)], { counter: true }),
    batch("LOGGED batch of UPDATEs and a key-only INSERT", [
      write("v", "b1", 1),
      write("w", "b1", 2),
      { query: "INSERT INTO ko (k1, c1) values(?, ?)", params: ["b1", 3] },
    ]),
    batch("UNLOGGED batch of two partitions", [write("v", "b2", 1), write("w", "b3", 1)], {
      logged: false,
    }),
    batch(
      "UNLOGGED batch of eleven partitions",
      Array.from({ length: 11 }, (_, i) => write("m", `u${i}`, 1)),
      { logged: false },
    ),
    batch(
      "LOGGED batch of eleven partitions",
      Array.from({ length: 11 }, (_, i) => write("m", `g${i}`, 1)),
    ),
    q("SELECT after the batches", "SELECT k1, k2, c1, a, l FROM t WHERE k2 = 5 ALLOW FILTERING"),
    q("SELECT of counters after the batches", "SELECT * FROM cnt"),
  ];
}

/** Conditional writes: alone, as cassandra-stress's CAS queries run them, and in batches. */
function lwtSteps(): ProfileStep[] {
  return [
    q("UPDATE IF applied", `${CAS} IF a = ?`, ["n", "p1", 1, 1, "c1", "a1"]),
    q("UPDATE IF not applied", `${CAS} IF a = ?`, ["n", "p1", 1, 1, "c1", "a1"]),
    q("UPDATE IF on two columns not applied", `${CAS} IF l = ? AND a = ?`, [
      "n",
      "p1",
      1,
      1,
      "c1",
      ["q"],
      "zz",
    ]),
    q("UPDATE IF of a missing row", `${CAS} IF a = ?`, ["n", "none", 1, 1, "c1", "a1"]),
    q("UPDATE IF = NULL of a missing row", `${CAS} IF a = NULL`, ["n", "none", 1, 1, "c1"]),
    q("UPDATE IF = NULL of an existing row", `${CAS} IF a = NULL`, ["n", "p1", 1, 1, "c1"]),
    q("UPDATE IF EXISTS", `${CAS} IF EXISTS`, ["e", "p1", 1, 1, "c1"]),
    q("UPDATE IF on a static column", `${CAS} IF s = ?`, ["n", "p0", 0, 0, "c0", "wrong"]),
    q("UPDATE IF on a static column applied", `${CAS} IF s = ?`, ["n", "p0", 0, 0, "c0", "st"]),
    q(
      "INSERT IF NOT EXISTS of an existing row",
      "INSERT INTO t (k1, k2, c1, c2, a) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS",
      ["p1", 1, 1, "c1", "x"],
    ),
    q(
      "SELECT of the condition column",
      "SELECT a FROM t WHERE k1 = ? AND k2 = ? AND c1 = ? AND c2 = ?",
      [
        "p1",
        1,
        1,
        "c1",
      ],
    ),
    q("UPDATE of counters IF", `${COUNT} IF c = ?`, [1, 2, "x", 1, 1, 1]),
    batch("conditional batch applied", [
      { query: `${CAS} IF a = ?`, params: ["k", "p1", 1, 1, "c1", "e"] },
      { query: CAS, params: ["k", "p1", 1, 7, "c3"] },
    ]),
    batch("conditional batch not applied", [
      { query: `${CAS} IF a = ?`, params: ["j", "p1", 1, 1, "c1", "nope"] },
      { query: `${CAS} IF a = ?`, params: ["j", "p1", 1, 7, "c3", "k"] },
      { query: CAS, params: ["j", "p1", 1, 8, "c8"] },
    ]),
    batch("conditional batch over two partitions", [
      { query: `${CAS} IF a = ?`, params: ["j", "p1", 1, 1, "c1", "k"] },
      { query: CAS, params: ["j", "p2", 0, 2, "c2"] },
    ]),
    batch("conditional batch with IF NOT EXISTS", [
      {
        query: "INSERT INTO t (k1, k2, c1, c2, a) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS",
        params: ["p1", 1, 1, "c1", "i"],
      },
    ]),
    batch("conditional COUNTER batch", [{
      query: `${COUNT} IF c = ?`,
      params: [1, 2, "x", 1, 1, 1],
    }], {
      counter: true,
    }),
    q(
      "SELECT after the conditional writes",
      "SELECT k1, k2, c1, c2, a FROM t WHERE k1 = 'p1' AND k2 = 1",
    ),
    q(
      "SELECT of the other partition",
      "SELECT k1, k2, c1, c2, a FROM t WHERE k1 = 'p2' AND k2 = 0",
    ),
  ];
}

/**
 * The slices of cassandra-stress's `validate` queries, `(c1, c2) >= (?, ?) AND (c1, c2) < (?, ?)`,
 * on clustering columns of mixed order (compared as tuples in natural order) and all DESC.
 */
function sliceSteps(): ProfileStep[] {
  const steps: ProfileStep[] = [];
  for (const [table, order] of [["mixed", "c1 DESC, c2 ASC"], ["descs", "c1 DESC, c2 DESC"]]) {
    steps.push(q(
      `CREATE TABLE ${table} clustered by (${order})`,
      `CREATE TABLE ${table} (k text, c1 int, c2 text, v text, PRIMARY KEY (k, c1, c2)) ` +
        `WITH CLUSTERING ORDER BY (${order})`,
    ));
    steps.push(batch(
      `rows of ${table}`,
      [0, 1, 2].flatMap((c1) =>
        ["a", "b", "c"].map((c2) => ({
          query: `INSERT INTO ${table} (k, c1, c2, v) VALUES (?, ?, ?, ?)`,
          params: ["p", c1, c2, `${c1}${c2}`],
        }))
      ),
    ));
    const select = `SELECT c1, c2 FROM ${table} WHERE k = ?`;
    steps.push(
      q(`${table}: (c1, c2) >= (?, ?)`, `${select} AND (c1, c2) >= (?, ?)`, ["p", 1, "b"]),
      q(`${table}: (c1, c2) > (?, ?)`, `${select} AND (c1, c2) > (?, ?)`, ["p", 1, "b"]),
      q(`${table}: (c1, c2) < (?, ?)`, `${select} AND (c1, c2) < (?, ?)`, ["p", 1, "b"]),
      q(
        `${table}: (c1, c2) >= (?, ?) AND (c1, c2) < (?, ?)`,
        `${select} AND (c1, c2) >= (?, ?) AND (c1, c2) < (?, ?)`,
        [
          "p",
          0,
          "b",
          2,
          "b",
        ],
      ),
      q(`${table}: (c1) >= (?) AND (c1) < (?)`, `${select} AND (c1) >= (?) AND (c1) < (?)`, [
        "p",
        0,
        2,
      ]),
      q(`${table}: c1 = ? AND c2 >= ?`, `${select} AND c1 = ? AND c2 >= ?`, ["p", 1, "b"]),
      q(`${table}: ORDER BY c1 ASC`, `${select} ORDER BY c1 ASC LIMIT 4`, ["p"]),
    );
  }
  return steps;
}

/** User queries Cassandra refuses: ones that would filter, conditions it cannot check. */
function refusalSteps(): ProfileStep[] {
  const row = "k1 = 'p0' AND k2 = 0";
  return [
    q("SELECT skipping a clustering column", `SELECT * FROM t WHERE ${row} AND c2 = 'c0'`),
    q(
      "SELECT skipping a clustering column, ALLOW FILTERING",
      `SELECT k1, c1, c2 FROM t WHERE ${row} AND c2 = 'c0' ALLOW FILTERING`,
    ),
    q("SELECT filtering on a regular column", `SELECT * FROM t WHERE ${row} AND a = 'b'`),
    q("SELECT filtering on a static column", `SELECT * FROM t WHERE ${row} AND s = 'x'`),
    q("SELECT with part of the partition key", "SELECT * FROM t WHERE k1 = 'p0'"),
    q("SELECT of a clustering column only", "SELECT * FROM t WHERE c1 = 1"),
    q("SELECT of a clustering slice only", "SELECT * FROM t WHERE c1 > 0"),
    q(
      "SELECT of a token range and a clustering column",
      "SELECT k1 FROM t WHERE token(k1, k2) > 0 AND c1 = 1",
    ),
    q(
      "UPDATE IF with IN on a clustering column",
      `UPDATE t SET a = 'q' WHERE ${row} AND c1 IN (0, 6) AND c2 = 'c0' IF a = 'b'`,
    ),
    q(
      "UPDATE IF with IN on the partition key",
      "UPDATE t SET a = 'q' WHERE k1 IN ('p0', 'p1') AND k2 = 0 AND c1 = 0 AND c2 = 'c0' IF a = 'b'",
    ),
    q(
      "UPDATE of a static column IF a regular column",
      `UPDATE t SET s = 'q' WHERE ${row} IF a = 'b'`,
    ),
    q(
      "DELETE IF with IN on a clustering column",
      `DELETE FROM t WHERE ${row} AND c1 IN (0, 6) AND c2 = 'c0' IF a = 'b'`,
    ),
  ];
}

/** IN on the partition key (answered in key order), and IF ... IN conditions. */
function inSteps(): ProfileStep[] {
  return [
    q(
      "SELECT with IN on both partition key columns",
      "SELECT k1, k2, c1 FROM t WHERE k1 IN ('zz', 'p1', 'p0') AND k2 IN (1, 0)",
    ),
    q(
      "SELECT with IN and LIMIT",
      "SELECT k1, k2 FROM t WHERE k1 IN ('p2', 'p1', 'p0', 'p1') AND k2 = 1 LIMIT 2",
    ),
    q(
      "SELECT with IN ? on the partition key",
      "SELECT k1, k2, c1 FROM t WHERE k1 IN ? AND k2 = ?",
      [["p2", "p0"], 0],
    ),
    q("UPDATE IF IN not applied", `${CAS} IF a IN ('x', 'y')`, ["i", "p2", 0, 2, "c2"]),
    q("UPDATE IF IN applied", `${CAS} IF a IN ('x', 'a2')`, ["i", "p2", 0, 2, "c2"]),
    q("UPDATE IF IN ?", `${CAS} IF a IN ?`, ["i2", "p2", 0, 2, "c2", ["i", "z"]]),
    q("SELECT after IF IN", "SELECT a FROM t WHERE k1 = 'p2' AND k2 = 0 AND c1 = 2 AND c2 = 'c2'"),
  ];
}

/** Conditions on one element of a map or list: `IF m['a'] = ?`, `IF l[1] = ?`. */
function elementSteps(): ProfileStep[] {
  const row = "WHERE k = 'a' AND c = 1";
  return [
    q(
      "CREATE TABLE with a list and a map",
      "CREATE TABLE el (k text, c int, v text, l list<int>, m map<text, int>, PRIMARY KEY (k, c))",
    ),
    q(
      "INSERT of a list and a map",
      "INSERT INTO el (k, c, v, l, m) VALUES ('a', 1, 'x', [5, 6], {'a': 1, 'b': 2})",
    ),
    q("UPDATE IF m[key] = applied", `UPDATE el SET v = 'y' ${row} IF m['a'] = 1`),
    q("UPDATE IF m[key] = not applied", `UPDATE el SET v = 'z' ${row} IF m['a'] = 2`),
    q("UPDATE IF m[missing key] = null", `UPDATE el SET v = 'z2' ${row} IF m['q'] = null`),
    q("UPDATE IF m[key] >", `UPDATE el SET v = 'z3' ${row} IF m['b'] > 1`),
    q("UPDATE IF l[index] = applied", `UPDATE el SET v = 'w' ${row} IF l[1] = 6`),
    q("UPDATE IF l[index out of range] =", `UPDATE el SET v = 'w3' ${row} IF l[5] = 6`),
    q("UPDATE IF m[?] = ?", `UPDATE el SET v = ? ${row} IF m[?] = ?`, ["p", "a", 1]),
    q("UPDATE IF m[key] IN", `UPDATE el SET v = 'i' ${row} IF m['a'] IN (1, 3)`),
    q("UPDATE IF element of a text column", `UPDATE el SET v = 'i' ${row} IF v['a'] = 1`),
    q(
      "UPDATE IF two elements of one map",
      `UPDATE el SET v = 'j' ${row} IF m['a'] = 5 AND m['b'] = 2`,
    ),
    q("SELECT after the element conditions", `SELECT v FROM el ${row}`),
  ];
}

/** Frozen and non-frozen collections as a profile writes them, and counters at their limits. */
function collectionSteps(): ProfileStep[] {
  const row = "WHERE k = ? AND fk = ?";
  const key = ["a", [2, 1]];
  const lit = "WHERE k = 'a' AND fk = [2, 1]";
  return [
    q(
      "CREATE TABLE with frozen and non-frozen collections",
      "CREATE TABLE co (k text, fk frozen<list<int>>, fl frozen<list<text>>, fs frozen<set<int>>, " +
        "fm frozen<map<text, int>>, l list<text>, s set<text>, m map<int, text>, PRIMARY KEY (k, fk))",
    ),
    q("UPDATE setting frozen collections", `UPDATE co SET fl = ?, fs = ?, fm = ? ${row}`, [
      ["x", "y"],
      [3, 1, 2],
      { b: 1, a: 2 },
      ...key,
    ]),
    q("UPDATE appending to collections", `UPDATE co SET l = l + ?, s = s + ?, m = m + ? ${row}`, [
      ["q", "p"],
      ["z", "a", "z"],
      { 2: "two", 1: "one" },
      ...key,
    ]),
    q("UPDATE prepending to a list", `UPDATE co SET l = ? + l ${row}`, [["first"], ...key]),
    q("UPDATE removing from collections", `UPDATE co SET l = l - ?, s = s - ?, m = m - ? ${row}`, [
      ["p"],
      ["z"],
      [2],
      ...key,
    ]),
    q("SELECT of the collections", "SELECT * FROM co"),
    q("UPDATE appending to a frozen list", `UPDATE co SET fl = fl + ? ${row}`, [["x"], ...key]),
    q("UPDATE prepending to a frozen list", `UPDATE co SET fl = ['a', 'b'] + fl ${lit}`),
    q("UPDATE removing from a frozen map", `UPDATE co SET fm = fm - {'a'} ${lit}`),
    q(
      "SELECT with a slice on a frozen clustering column",
      "SELECT fk FROM co WHERE k = 'a' AND fk >= [2]",
    ),
    q("CREATE TABLE of one counter", "CREATE TABLE one (k int PRIMARY KEY, n counter)"),
    q("UPDATE of a counter to its maximum", "UPDATE one SET n = n + ? WHERE k = ?", [
      "9223372036854775807",
      1,
    ]),
    q("UPDATE of a counter past its maximum", "UPDATE one SET n = n + ? WHERE k = ?", [1, 1]),
    q("UPDATE of a counter by a negative amount", "UPDATE one SET n = n - ? WHERE k = ?", [5, 2]),
    q("UPDATE of a counter by zero", "UPDATE one SET n = n + 0 WHERE k = 3"),
    q("SELECT of the counters", "SELECT * FROM one"),
  ];
}

/** Batches over several partitions past Cassandra's size thresholds (5 KiB warns, 50 KiB fails). */
function batchSizeSteps(): ProfileStep[] {
  const update = "UPDATE bs SET v = ? WHERE k = ? AND c = ?";
  const append = "UPDATE bs SET l = l + ?, m = m + ? WHERE k = ? AND c = ?";
  const rows = (n: number, length: number, c?: number) =>
    Array.from({ length: n }, (_, i) => ({
      query: update,
      params: ["x".repeat(length), `a${i % 2}`, c ?? i],
    }));
  return [
    q(
      "CREATE TABLE for batch sizes",
      "CREATE TABLE bs (k text, c int, v text, l list<text>, m map<text, text>, PRIMARY KEY (k, c))",
    ),
    q("CREATE TABLE of counters for batch sizes", "CREATE TABLE bc (k int PRIMARY KEY, n counter)"),
    batch("LOGGED batch of 6 KB over two partitions", rows(12, 500)),
    batch("LOGGED batch of 60 KB over two partitions", rows(120, 500)),
    batch("UNLOGGED batch of 60 KB over two partitions", rows(120, 500), { logged: false }),
    batch(
      "LOGGED batch of 60 KB in one partition",
      rows(120, 500).map((r) => ({ ...r, params: [r.params[0], "one", r.params[2]] })),
    ),
    batch("batch writing the same rows twice", rows(4, 2600, 1)),
    batch(
      "batch appending to a list and a map",
      Array.from({ length: 4 }, (_, i) => ({
        query: append,
        params: [["x".repeat(1500), "y"], { a: "b".repeat(100) }, `a${i % 2}`, i],
      })),
    ),
    batch(
      "COUNTER batch over 200 partitions",
      Array.from(
        { length: 200 },
        (_, i) => ({ query: "UPDATE bc SET n = n + 1 WHERE k = ?", params: [i] }),
      ),
      { counter: true },
    ),
  ];
}

/** Static columns written and deleted on their own. */
function staticSteps(): ProfileStep[] {
  return [
    q(
      "INSERT of only the partition key and a static column",
      "INSERT INTO t (k1, k2, s) VALUES ('sa', 1, 'v')",
    ),
    q(
      "INSERT of a static column with part of the clustering key",
      "INSERT INTO t (k1, k2, c1, s) VALUES ('sa', 1, 1, 'v')",
    ),
    q("SELECT of a partition with only a static row", "SELECT * FROM t WHERE k1 = 'sa' AND k2 = 1"),
    q(
      "SELECT of a static-only partition by clustering key",
      "SELECT * FROM t WHERE k1 = 'sa' AND k2 = 1 AND c1 = 1",
    ),
    q(
      "UPDATE of only a static column naming the clustering key",
      "UPDATE t SET s = 'w' WHERE k1 = 'sa' AND k2 = 1 AND c1 = 5 AND c2 = 'x'",
    ),
    q("DELETE of a static column", "DELETE s FROM t WHERE k1 = 'sa' AND k2 = 1"),
    q("SELECT after the static column was deleted", "SELECT * FROM t WHERE k1 = 'sa' AND k2 = 1"),
    q(
      "CREATE TABLE with a static column",
      "CREATE TABLE st (k int, c int, s text static, v text, PRIMARY KEY (k, c))",
    ),
    q(
      "INSERT of a row and a static column",
      "INSERT INTO st (k, c, s, v) VALUES (1, 1, 's1', 'a')",
    ),
    q("INSERT of another row of the partition", "INSERT INTO st (k, c, v) VALUES (1, 2, 'b')"),
    q("INSERT of only a static column", "INSERT INTO st (k, s) VALUES (2, 's2')"),
    q("UPDATE of a row without a static column", "UPDATE st SET v = 'x' WHERE k = 3 AND c = 1"),
    q("SELECT * with static columns", "SELECT * FROM st"),
    q("SELECT count(*) with a static-only partition", "SELECT count(*) FROM st"),
    q("SELECT DISTINCT of a static column", "SELECT DISTINCT k, s FROM st"),
    q(
      "SELECT of a clustering slice with a static column",
      "SELECT * FROM st WHERE k = 1 AND c > 1",
    ),
    q("SELECT of only the static column", "SELECT s FROM st WHERE k = 1"),
    q(
      "DELETE of every row of a partition with a static column",
      "DELETE FROM st WHERE k = 1 AND c IN (1, 2)",
    ),
    q("SELECT of a partition left with its static row", "SELECT * FROM st WHERE k = 1"),
    q(
      "UPDATE of a static and a regular column",
      "UPDATE st SET s = 's3', v = 'y' WHERE k = 3 AND c = 2",
    ),
    q("DELETE of a static and a regular column", "DELETE s, v FROM st WHERE k = 3 AND c = 1"),
    q("SELECT after the static and regular changes", "SELECT * FROM st WHERE k = 3"),
  ];
}

/**
 * The steps, grouped by what they check.
 *
 * @returns Groups of steps, to run in order on one connection.
 */
export function profileStepGroups(): { group: string; steps: ProfileStep[] }[] {
  return [
    { group: "schema", steps: schemaSteps() },
    { group: "writes and reads", steps: writeAndReadSteps() },
    { group: "token ranges", steps: tokenSteps() },
    { group: "counters and batches", steps: batchSteps() },
    { group: "conditional writes", steps: lwtSteps() },
    { group: "static columns", steps: staticSteps() },
    { group: "multi-column slices", steps: sliceSteps() },
    { group: "refusals", steps: refusalSteps() },
    { group: "IN", steps: inSteps() },
    { group: "element conditions", steps: elementSteps() },
    { group: "collections and counters", steps: collectionSteps() },
    { group: "batch sizes", steps: batchSizeSteps() },
  ];
}

/**
 * Creates keyspace `ks` (dropping an old one), uses it, and runs every step.
 *
 * @param client A connected client.
 * @param ks The keyspace name.
 * @returns The answers by label.
 */
export async function runProfileSteps(
  client: Client,
  ks: string,
): Promise<Record<string, unknown>> {
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(`USE ${ks}`);
  const answers: Record<string, unknown> = {};
  for (const { steps } of profileStepGroups()) {
    for (const step of steps) answers[step.label] = await step.run(client);
  }
  return answers;
}
