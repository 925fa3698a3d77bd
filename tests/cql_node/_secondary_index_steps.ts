/**
 * Secondary index requests through cassandra-driver (issue 19 item 5): CREATE INDEX in every form
 * Cassandra's default index takes (a regular, static or clustering column, a component of a
 * compound partition key, `values()`, `keys()`, `full()`), the indexes in system_schema.indexes,
 * SELECTs by an indexed column with and without the partition key, the ones that still need
 * ALLOW FILTERING, the refusals (duplicates, missing columns, the only partition key column, ...),
 * DROP INDEX, and DROP TABLE / DROP KEYSPACE taking their indexes along. Run in order on one
 * connection, in a fresh keyspace. tests/testdata/cassandra_5_secondary_index_answers.json holds
 * what Apache Cassandra 5.0.6 answered (recorded with
 * `deno run -A tests/cql_node/_record_answers.ts secondary-index PORT`);
 * tests/cql_node/secondary_index_test.ts checks the embedded node gives the same answers.
 *
 * @module
 */

import cassandra from "cassandra-driver";
import { answer, errorOf, plainAnswer } from "./_plain_rows.ts";

type Client = cassandra.Client;

/** The keyspace the steps run in (dropped and created again first). */
export const INDEX_KEYSPACE = "sidx_ks";
/** A second keyspace the steps create and drop. */
const OTHER_KEYSPACE = "sidx_ks_dropped";

/** One request and its answer as plain data. */
export interface IndexStep {
  /** What the step checks (unique). */
  label: string;
  /** Sends the request; resolves with the answer (rows, or the error's code and message). */
  run(client: Client): Promise<unknown>;
}

/** A statement, prepared when it has values. */
function q(label: string, cql: string, params: unknown[] = []): IndexStep {
  return {
    label,
    run: (client) => answer(() => client.execute(cql, params, { prepare: params.length > 0 })),
  };
}

/** Every page of a statement sent unprepared with `fetchSize` rows a page. */
function pages(label: string, cql: string, fetchSize: number): IndexStep {
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
        } while (pageState !== undefined && out.length < 20);
      } catch (error) {
        out.push(errorOf(error));
      }
      return out;
    },
  };
}

/** The indexes system_schema.indexes lists for a keyspace. */
function indexes(label: string, keyspace = INDEX_KEYSPACE): IndexStep {
  return q(
    label,
    "SELECT keyspace_name, table_name, index_name, kind, options FROM system_schema.indexes " +
      `WHERE keyspace_name = '${keyspace}'`,
  );
}

/** The indexes the driver's schema metadata gives a table: name, target, kind. */
function metadata(label: string, table: string): IndexStep {
  return {
    label,
    run: async (client) => {
      await client.metadata.refreshKeyspace(INDEX_KEYSPACE);
      const found = await client.metadata.getTable(INDEX_KEYSPACE, table);
      return found?.indexes.map((i) => [i.name, i.target, i.isCompositesKind()]) ?? null;
    },
  };
}

/** Tables like a time series profile's and one with every indexable kind of column. */
function schemaSteps(): IndexStep[] {
  return [
    q(
      "CREATE TABLE of a time series with a static unit",
      "CREATE TABLE readings (sensor text, day int, at int, reading double, unit text static, " +
        "PRIMARY KEY ((sensor, day), at)) WITH CLUSTERING ORDER BY (at DESC)",
    ),
    q(
      "CREATE TABLE with collections, a static and a quoted column",
      "CREATE TABLE t (k int, c int, v text, w int, s text static, l list<int>, st set<text>, " +
        'm map<text, int>, f frozen<list<int>>, "Mixed Case" int, PRIMARY KEY (k, c))',
    ),
    q(
      "CREATE TABLE with a compound partition key and two clustering columns",
      "CREATE TABLE t2 (k1 text, k2 int, c1 int, c2 int, v int, PRIMARY KEY ((k1, k2), c1, c2))",
    ),
    q("CREATE TABLE of counters", "CREATE TABLE cnt (k int PRIMARY KEY, n counter)"),
    q(
      "CREATE TABLE with durations",
      "CREATE TABLE dur (k int PRIMARY KEY, d duration, ld list<duration>, " +
        "td tuple<int, duration>)",
    ),
  ];
}

/** CREATE INDEX in each accepted form, then what system_schema and the driver show. */
function createSteps(): IndexStep[] {
  return [
    q(
      "CREATE INDEX IF NOT EXISTS with a name, as a profile's extra_definitions has it",
      "CREATE INDEX IF NOT EXISTS readings_unit ON readings (unit)",
    ),
    q(
      "CREATE INDEX IF NOT EXISTS of an existing name",
      "CREATE INDEX IF NOT EXISTS readings_unit ON readings (reading)",
    ),
    q("CREATE INDEX without a name on a regular column", "CREATE INDEX ON t (v)"),
    q("CREATE INDEX without a name on a static column", "CREATE INDEX ON t (s)"),
    q("CREATE INDEX on a list (its values)", "CREATE INDEX ON t (l)"),
    q("CREATE INDEX on values() of a set", "CREATE INDEX ON t (values(st))"),
    q("CREATE INDEX on keys() of a map", "CREATE INDEX ON t (keys(m))"),
    q("CREATE INDEX on values() of the same map", "CREATE INDEX ON t (values(m))"),
    q("CREATE INDEX on full() of a frozen list", "CREATE INDEX ON t (full(f))"),
    q("CREATE INDEX on a quoted column", 'CREATE INDEX ON t ("Mixed Case")'),
    q("CREATE INDEX keyspace-qualified, named", `CREATE INDEX t2_v ON ${INDEX_KEYSPACE}.t2 (v)`),
    q("CREATE INDEX on a component of a compound partition key", "CREATE INDEX ON t2 (k1)"),
    q("CREATE INDEX on a clustering column", "CREATE INDEX ON t2 (c2)"),
    q("CREATE INDEX with a quoted name", 'CREATE INDEX "QuotedIdx" ON t2 (c1)'),
    q("CREATE INDEX IF NOT EXISTS duplicating an index", "CREATE INDEX IF NOT EXISTS ON t (v)"),
    indexes("system_schema.indexes after the CREATE INDEX statements"),
    metadata("the driver's metadata of t's indexes", "t"),
    metadata("the driver's metadata of readings' indexes", "readings"),
  ];
}

/** CREATE INDEX statements Cassandra refuses, and CREATE INDEX keywords that are not statements. */
function refusalSteps(): IndexStep[] {
  return [
    q("CREATE INDEX duplicating an index", "CREATE INDEX ON t (v)"),
    q("CREATE INDEX named, duplicating an index", "CREATE INDEX other ON t (v)"),
    q("CREATE INDEX of a name the keyspace has", "CREATE INDEX t_v_idx ON t (w)"),
    q("CREATE INDEX of a name another table has", "CREATE INDEX t2_v ON t (w)"),
    q("CREATE INDEX named with a space", 'CREATE INDEX "Quoted Idx" ON t (w)'),
    q("CREATE INDEX on a missing column", "CREATE INDEX ON t (nope)"),
    q("CREATE INDEX on keys() of a missing column", "CREATE INDEX ON t (keys(nope))"),
    q("CREATE INDEX on the only partition key column", "CREATE INDEX ON t (k)"),
    q("CREATE INDEX on a counter table", "CREATE INDEX ON cnt (n)"),
    q("CREATE INDEX on a frozen list without full()", "CREATE INDEX ON t (f)"),
    q("CREATE INDEX on keys() of a frozen list", "CREATE INDEX ON t (keys(f))"),
    q("CREATE INDEX on full() of a list that is not frozen", "CREATE INDEX ON t (full(l))"),
    q("CREATE INDEX on full() of a text column", "CREATE INDEX ON t (full(w))"),
    q("CREATE INDEX on values() of a text column", "CREATE INDEX ON t (values(v))"),
    q("CREATE INDEX on keys() of a list", "CREATE INDEX ON t (keys(l))"),
    q("CREATE INDEX on two columns", "CREATE INDEX ON t (v, w)"),
    q("CREATE INDEX on no column", "CREATE INDEX ON t ()"),
    q("CREATE INDEX WITH options", "CREATE INDEX ON t (w) WITH options = {'a': 'b'}"),
    q("CREATE INDEX on a duration", "CREATE INDEX ON dur (d)"),
    q("CREATE INDEX on a list of durations", "CREATE INDEX ON dur (ld)"),
    q("CREATE INDEX on a tuple holding a duration", "CREATE INDEX ON dur (td)"),
    q("CREATE INDEX on a missing table", "CREATE INDEX ON nope (v)"),
    q("CREATE INDEX in a missing keyspace", "CREATE INDEX ON nope.t (v)"),
    q("CREATE INDEX on a system table", "CREATE INDEX ON system.local (rack)"),
    q("CREATE INDEX with a keyspace-qualified name", `CREATE INDEX ${INDEX_KEYSPACE}.x ON t (w)`),
    indexes("system_schema.indexes after the refusals"),
  ];
}

const INSERT_T = "INSERT INTO t (k, c, v, w, s, l, st, m, f) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const INSERT_R = "INSERT INTO readings (sensor, day, at, reading, unit) VALUES (?, ?, ?, ?, ?)";

/** Rows of several partitions, some with only a static row. */
function writeSteps(): IndexStep[] {
  const t: unknown[][] = [
    [1, 1, "a", 10, "S1", [1, 2], ["x"], { x: 1 }, [1, 2]],
    [1, 2, "b", 20, "S1", null, null, null, null],
    [1, 3, "a", 30, "S1", [3], ["y"], { y: 2 }, [3]],
    [2, 1, "a", 10, "S2", null, null, null, [1, 2]],
    [2, 2, "b", 20, "S2", [2, 3], ["x", "y"], { y: 1 }, null],
    [3, 1, "c", 10, "S1", null, null, null, null],
    [5, 1, null, 10, null, null, null, null, null],
    [6, 1, "a", 40, null, null, null, null, null],
    [7, 1, "a", 50, null, null, null, null, null],
  ];
  const readings: unknown[][] = [];
  for (const sensor of ["s1", "s2", "s3", "s4"]) {
    for (const day of [1, 2]) {
      for (const at of [1, 2, 3]) {
        readings.push([sensor, day, at, at / 2, sensor === "s2" ? "kPa" : "C"]);
      }
    }
  }
  return [
    ...t.map((row, i) => q(`INSERT into t, row ${i}`, INSERT_T, row)),
    q("INSERT of a static row only", "INSERT INTO t (k, s) VALUES (4, 'S1')"),
    q("UPDATE of the quoted column", 'UPDATE t SET "Mixed Case" = 7 WHERE k = 1 AND c = 2'),
    ...readings.map((row, i) => q(`INSERT into readings, row ${i}`, INSERT_R, row)),
    ...[["x", 1, 1, 1, 1], ["x", 1, 2, 1, 2], ["x", 2, 1, 2, 1], ["y", 1, 1, 1, 1]].map((row, i) =>
      q(
        `INSERT into t2, row ${i}`,
        "INSERT INTO t2 (k1, k2, c1, c2, v) VALUES (?, ?, ?, ?, ?)",
        row,
      )
    ),
  ];
}

/** SELECTs an index answers without ALLOW FILTERING. */
function indexedSteps(): IndexStep[] {
  return [
    q("SELECT by an indexed regular column", "SELECT k, c, v FROM t WHERE v = 'a'"),
    q("SELECT by an indexed column, prepared", "SELECT k, c, v FROM t WHERE v = ?", ["b"]),
    q("SELECT * by an indexed column", "SELECT * FROM t WHERE v = 'c'"),
    q("SELECT by an indexed column matching nothing", "SELECT k FROM t WHERE v = 'zz'"),
    q(
      "SELECT by an indexed column and the partition key",
      "SELECT k, c, v FROM t WHERE k = ? AND v = ?",
      [1, "a"],
    ),
    q(
      "SELECT by an indexed column, the partition key and a clustering column",
      "SELECT k, c, v FROM t WHERE k = 1 AND c = 3 AND v = 'a'",
    ),
    q(
      "SELECT by an indexed column, the partition key and a clustering slice",
      "SELECT k, c, v FROM t WHERE k = 1 AND c > 1 AND v = 'a'",
    ),
    q(
      "SELECT by an indexed column, the partition key and clustering IN",
      "SELECT k, c, v FROM t WHERE k = 1 AND c IN (1, 3) AND v = 'a'",
    ),
    q(
      "SELECT by an indexed column and a token range",
      "SELECT k, c, v FROM t WHERE token(k) > 0 AND v = 'a'",
    ),
    q("SELECT by an indexed static column", "SELECT k, c, s FROM t WHERE s = 'S1'"),
    q(
      "SELECT by an indexed static column and the partition key",
      "SELECT k, c, s FROM t WHERE k = 1 AND s = 'S1'",
    ),
    q("SELECT DISTINCT by an indexed static column", "SELECT DISTINCT k, s FROM t WHERE s = 'S1'"),
    q("SELECT by CONTAINS of an indexed list", "SELECT k, c, l FROM t WHERE l CONTAINS 2"),
    q("SELECT by CONTAINS of an indexed set", "SELECT k, c, st FROM t WHERE st CONTAINS 'y'"),
    q("SELECT by CONTAINS KEY of an indexed map", "SELECT k, c, m FROM t WHERE m CONTAINS KEY 'y'"),
    q("SELECT by CONTAINS of an indexed map's values", "SELECT k, c, m FROM t WHERE m CONTAINS 1"),
    q("SELECT by a whole indexed frozen list", "SELECT k, c, f FROM t WHERE f = [1, 2]"),
    q("SELECT by an indexed quoted column", 'SELECT k, c FROM t WHERE "Mixed Case" = 7'),
    q("SELECT count(*) by an indexed column", "SELECT count(*) FROM t WHERE v = 'a'"),
    q("SELECT by an indexed column with LIMIT", "SELECT k, c FROM t WHERE v = 'a' LIMIT 2"),
    q(
      "SELECT by an indexed column with PER PARTITION LIMIT",
      "SELECT k, c FROM t WHERE v = 'a' PER PARTITION LIMIT 1",
    ),
    pages("SELECT by an indexed column, two rows a page", "SELECT k, c, v FROM t WHERE v = 'a'", 2),
    q(
      "SELECT by the time series' indexed static unit",
      "SELECT sensor, day, at, unit FROM readings WHERE unit = ?",
      ["kPa"],
    ),
    q(
      "SELECT by the indexed unit and the partition key",
      "SELECT sensor, day, at FROM readings WHERE sensor = 's1' AND day = 2 AND unit = 'C'",
    ),
    q(
      "SELECT by an indexed partition key component",
      "SELECT k1, k2, c1, c2 FROM t2 WHERE k1 = 'x'",
    ),
    q("SELECT by an indexed clustering column", "SELECT k1, k2, c1, c2 FROM t2 WHERE c2 = 1"),
    q(
      "SELECT by an indexed clustering column and the partition key",
      "SELECT k1, k2, c1, c2 FROM t2 WHERE k1 = 'x' AND k2 = 1 AND c2 = 2",
    ),
    q(
      "SELECT by an indexed clustering column after a clustering slice",
      "SELECT k1, k2, c1, c2 FROM t2 WHERE k1 = 'x' AND k2 = 1 AND c1 >= 1 AND c2 = 1",
    ),
    q("SELECT by an index with a quoted name", "SELECT k1, k2, c1 FROM t2 WHERE c1 = 2"),
    q(
      "SELECT by the indexed partition key component and token",
      "SELECT k1, k2 FROM t2 WHERE token(k1, k2) > 0 AND k1 = 'x'",
    ),
  ];
}

/** SELECTs by an indexed column that Cassandra refuses, or answers only with ALLOW FILTERING. */
function filteringSteps(): IndexStep[] {
  return [
    q(
      "SELECT by an indexed column and another column",
      "SELECT k, c FROM t WHERE v = 'a' AND w = 10",
    ),
    q(
      "SELECT by an indexed column and another column, ALLOW FILTERING",
      "SELECT k, c FROM t WHERE v = 'a' AND w = 10 ALLOW FILTERING",
    ),
    q(
      "SELECT by an indexed column and a clustering column",
      "SELECT k, c FROM t WHERE v = 'a' AND c = 1",
    ),
    q(
      "SELECT by an indexed column and a clustering column, ALLOW FILTERING",
      "SELECT k, c FROM t WHERE v = 'a' AND c = 1 ALLOW FILTERING",
    ),
    q("SELECT by two indexed columns", "SELECT k, c FROM t WHERE v = 'a' AND s = 'S1'"),
    q(
      "SELECT by two indexed columns, ALLOW FILTERING",
      "SELECT k, c FROM t WHERE v = 'a' AND s = 'S1' ALLOW FILTERING",
    ),
    q(
      "SELECT by two CONTAINS of an indexed list",
      "SELECT k, c FROM t WHERE k = 2 AND l CONTAINS 2 AND l CONTAINS 3",
    ),
    q(
      "SELECT by CONTAINS KEY and CONTAINS of indexed map",
      "SELECT k, c FROM t WHERE m CONTAINS KEY 'y' AND m CONTAINS 1",
    ),
    q("SELECT by a slice of an indexed column", "SELECT k, c FROM t WHERE v > 'a'"),
    q("SELECT by IN of an indexed column", "SELECT k, c FROM t WHERE v IN ('a', 'b')"),
    q("SELECT by an unindexed column", "SELECT k, c FROM t WHERE w = 10"),
    q(
      "SELECT by an indexed partition key component and a clustering column",
      "SELECT k1, c1 FROM t2 WHERE k1 = 'x' AND c1 = 1",
    ),
    q(
      "SELECT by an indexed partition key component and a slice of the other",
      "SELECT k1, c1 FROM t2 WHERE k1 = 'x' AND k2 > 1",
    ),
    q(
      "SELECT by an indexed clustering column and the preceding one",
      "SELECT k1, c1 FROM t2 WHERE c1 = 1 AND c2 = 1",
    ),
    q(
      "SELECT by an indexed column and partition key IN",
      "SELECT k, c FROM t WHERE k IN (1, 2) AND v = 'a'",
    ),
    q(
      "SELECT by an indexed column and partition key IN, ALLOW FILTERING",
      "SELECT k, c FROM t WHERE k IN (1, 2) AND v = 'a' ALLOW FILTERING",
    ),
    q(
      "SELECT by an indexed column with ORDER BY",
      "SELECT k, c FROM t WHERE k = 1 AND v = 'a' ORDER BY c DESC",
    ),
    q("SELECT DISTINCT by an indexed regular column", "SELECT DISTINCT k FROM t WHERE v = 'a'"),
    q("SELECT by an indexed column bound to null", "SELECT k, c FROM t WHERE v = ?", [null]),
    q("SELECT by an indexed column left unset", "SELECT k, c FROM t WHERE v = ?", [
      cassandra.types.unset,
    ]),
  ];
}

/** DROP INDEX, and the indexes DROP TABLE and DROP KEYSPACE take along. */
function dropSteps(): IndexStep[] {
  const ks = OTHER_KEYSPACE;
  return [
    q("DROP INDEX", "DROP INDEX t_v_idx"),
    q("SELECT by the column whose index was dropped", "SELECT k, c FROM t WHERE v = 'a'"),
    q("DROP INDEX keyspace-qualified", `DROP INDEX ${INDEX_KEYSPACE}.t2_v`),
    q("DROP INDEX of a quoted name", 'DROP INDEX "QuotedIdx"'),
    q("DROP INDEX of a missing index", "DROP INDEX t_v_idx"),
    q("DROP INDEX IF EXISTS of a missing index", "DROP INDEX IF EXISTS t_v_idx"),
    q("DROP INDEX in a missing keyspace", "DROP INDEX nope.x"),
    q("DROP INDEX IF EXISTS in a missing keyspace", "DROP INDEX IF EXISTS nope.x"),
    q("DROP INDEX in a system keyspace", "DROP INDEX IF EXISTS system.x"),
    q("CREATE INDEX again after DROP INDEX", "CREATE INDEX ON t (v)"),
    q("DROP TABLE with indexes", "DROP TABLE t"),
    indexes("system_schema.indexes after DROP INDEX and DROP TABLE"),
    q(
      "CREATE TABLE of the dropped table's name",
      "CREATE TABLE t (k int PRIMARY KEY, v text)",
    ),
    q("CREATE INDEX of a name the dropped table's index had", "CREATE INDEX t_s_idx ON t (v)"),
    q(
      "CREATE KEYSPACE to drop",
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    ),
    q("CREATE TABLE in the keyspace to drop", `CREATE TABLE ${ks}.x (k int PRIMARY KEY, v int)`),
    q("CREATE INDEX in the keyspace to drop", `CREATE INDEX ON ${ks}.x (v)`),
    indexes("system_schema.indexes of the keyspace to drop", ks),
    q("DROP KEYSPACE with an index", `DROP KEYSPACE ${ks}`),
    indexes("system_schema.indexes of the dropped keyspace", ks),
    indexes("system_schema.indexes at the end"),
  ];
}

/**
 * The steps in order, in named groups.
 *
 * @returns The groups.
 */
export function indexStepGroups(): { group: string; steps: IndexStep[] }[] {
  return [
    { group: "schema", steps: schemaSteps() },
    { group: "CREATE INDEX", steps: createSteps() },
    { group: "refusals", steps: refusalSteps() },
    { group: "writes", steps: writeSteps() },
    { group: "SELECT through an index", steps: indexedSteps() },
    { group: "ALLOW FILTERING and refusals", steps: filteringSteps() },
    { group: "DROP INDEX, TABLE and KEYSPACE", steps: dropSteps() },
  ];
}

/**
 * Runs every step in a fresh {@linkcode INDEX_KEYSPACE} (and drops the second keyspace first).
 *
 * @param client A connected client.
 * @returns The answers by label.
 */
export async function runIndexSteps(client: Client): Promise<Record<string, unknown>> {
  await client.execute(`DROP KEYSPACE IF EXISTS ${OTHER_KEYSPACE}`);
  await client.execute(`DROP KEYSPACE IF EXISTS ${INDEX_KEYSPACE}`);
  await client.execute(
    `CREATE KEYSPACE ${INDEX_KEYSPACE} WITH replication = ` +
      "{'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await client.execute(`USE ${INDEX_KEYSPACE}`);
  const answers: Record<string, unknown> = {};
  for (const { steps } of indexStepGroups()) {
    for (const step of steps) answers[step.label] = await step.run(client);
  }
  return answers;
}
