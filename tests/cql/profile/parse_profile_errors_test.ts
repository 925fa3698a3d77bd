import assert from "node:assert/strict";
import { UsageError } from "../../../lib/errors.ts";
import { parseProfile } from "../../../lib/cql/profile/parse_profile.ts";

const TABLE = "  CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))";

/** A valid profile, line by line; tests replace or add lines. */
function lines(overrides: Record<string, string[] | null> = {}): string {
  const sections: Record<string, string[] | null> = {
    keyspace: ["keyspace: ks"],
    table: ["table: t"],
    "table_definition": ["table_definition: |", TABLE],
    queries: ["queries:", "  q1:", "    cql: SELECT * FROM t WHERE k = ?"],
    ...overrides,
  };
  return Object.values(sections).filter((s) => s !== null).flat().join("\n") + "\n";
}

function errorOf(text: string): string {
  try {
    parseProfile(text, "bad.yaml");
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  throw new Error("parseProfile did not throw");
}

const P = 'Cannot load profile "bad.yaml": ';

Deno.test("parseProfile() accepts the base profile of these tests", () => {
  assert.equal(parseProfile(lines(), "ok.yaml").specName, "ks.t");
});

Deno.test("parseProfile() requires keyspace, table and queries", () => {
  assert.equal(
    errorOf(lines({ keyspace: null })),
    `${P}key "keyspace": keyspace name is required in yaml file`,
  );
  assert.equal(
    errorOf(lines({ keyspace: ["keyspace:"] })),
    `${P}key "keyspace": keyspace name is required in yaml file`,
  );
  assert.equal(
    errorOf(lines({ table: null, "table_definition": null })),
    `${P}key "table": table name is required in yaml file`,
  );
  assert.equal(
    errorOf(lines({ queries: null })),
    `${P}key "queries": queries map is required in yaml file`,
  );
  assert.equal(
    errorOf(lines({ queries: ["queries:"] })),
    `${P}key "queries" (line 5): queries map is required in yaml file`,
  );
  assert.equal(parseProfile(lines({ queries: ["queries: {}"] }), "x.yaml").queries.length, 0);
});

Deno.test("parseProfile() checks the names in keyspace_definition and table_definition", () => {
  const keyspace = (cql: string) =>
    lines({ keyspace: ["keyspace: ks", `keyspace_definition: ${cql}`] });
  assert.equal(
    errorOf(keyspace("CREATE KEYSPACE other WITH replication = {}")),
    `${P}key "keyspace_definition" (line 2): Name in keyspace_definition doesn't match ` +
      "keyspace property: 'other' != 'ks'",
  );
  assert.equal(parseProfile(keyspace('CREATE KEYSPACE "KS" WITH x = 1'), "x.yaml").keyspace, "ks");
  assert.equal(
    errorOf(keyspace("CREATE TABLE ks (k int PRIMARY KEY)")),
    `${P}key "keyspace_definition" (line 2): There was a problem parsing the keyspace cql: ` +
      'expected KEYSPACE at line 1, column 8, found "TABLE"',
  );
  assert.equal(
    errorOf(
      lines({
        "table_definition": ["table_definition: CREATE TABLE ks.other (k int PRIMARY KEY)"],
      }),
    ),
    `${P}key "table_definition" (line 3): Name in table_definition doesn't match table ` +
      "property: 'other' != 't'",
  );
  assert.equal(
    parseProfile(lines({ table: ["table: T"] }), "x.yaml").tableColumns?.table,
    "t",
  );
  assert.equal(
    errorOf(lines({ "table_definition": ["table_definition: CREATE TABLE t k int PRIMARY KEY"] })),
    `${P}key "table_definition" (line 3): There was a problem parsing the table cql: ` +
      'expected "(" at line 1, column 16, found "k"',
  );
  assert.equal(
    errorOf(lines({ "table_definition": ["table_definition: CREATE TABLE t (k int, v text)"] })),
    `${P}key "table_definition" (line 3): There was a problem parsing the table cql: ` +
      'table "t" has no PRIMARY KEY',
  );
  assert.equal(
    parseProfile(lines({ "table_definition": ["table_definition: ''"] }), "x.yaml").tableDefinition,
    null,
  );
});

Deno.test("parseProfile() refuses an unknown top-level key", () => {
  assert.equal(
    errorOf(lines({ seed: ["seed: 1234"] })),
    `${P}key "seed" (line 8): unknown key, expected one of specname, keyspace, ` +
      "keyspace_definition, table, table_definition, extra_definitions, columnspec, insert, " +
      "queries, token_range_queries",
  );
});

Deno.test("parseProfile() checks columnspec as cassandra-stress does", () => {
  const spec = (...entry: string[]) => lines({ columnspec: ["columnspec:", ...entry] });
  assert.equal(
    errorOf(spec("  - name: v", "    sise: uniform(1..10)", "    Population: fixed(1)")),
    `${P}key "columnspec[0]" (line 9): Unrecognised option(s) in column spec: ` +
      "{sise=uniform(1..10), Population=fixed(1)}",
  );
  assert.equal(
    errorOf(spec("  - size: fixed(4)")),
    `${P}key "columnspec[0]" (line 9): Missing name argument in column spec`,
  );
  assert.equal(
    errorOf(spec("  - name: v", "  - name: missing")),
    `${P}key "columnspec[1].name" (line 10): column "missing" is not a column of table "t", ` +
      "expected one of k, c, v",
  );
  assert.equal(
    errorOf(spec("  - name: V")),
    `${P}key "columnspec[0].name" (line 9): column "V" is not a column of table "t", ` +
      'expected "v" (names are case-sensitive; unquoted CQL names are lower case)',
  );
  assert.equal(
    errorOf(spec("  - name: v", "    size: unifrm(1..10)")),
    `${P}key "columnspec[0].size" (line 10): "unifrm(1..10)" has an unknown distribution type ` +
      '"unifrm", expected one of FIXED, UNIFORM, GAUSSIAN (GAUSS, NORMAL, NORM), EXP, ' +
      "EXTREME (EXTR), QEXTREME (QEXTR), SEQ",
  );
  assert.equal(
    errorOf(lines({ columnspec: ["columnspec: {name: v}"] })),
    `${P}key "columnspec" (line 8): expected a list, found a mapping`,
  );
  const noTable = lines({
    table_definition: null,
    columnspec: ["columnspec:", "  - name: anything"],
  });
  assert.equal(parseProfile(noTable, "x.yaml").columnSpecs[0].name, "anything");
});

Deno.test("parseProfile() refuses column types the generators do not cover", () => {
  const table = (columns: string) =>
    lines({
      table_definition: [`table_definition: CREATE TABLE t (k int PRIMARY KEY, ${columns})`],
    });
  const expected = "which stress cannot generate values for, expected text, varchar, ascii, " +
    "blob, int, bigint, counter, smallint, tinyint, varint, decimal, float, double, boolean, " +
    "inet, uuid, timeuuid, timestamp, date, time, and set<T>, list<T> of those (no map: " +
    "cassandra-stress has no generator for it)";
  for (
    const [column, type] of [
      ["p tuple<int, text>", "tuple<int, text>"],
      ["p list<frozen<list<int>>>", "list<frozen<list<int>>>"],
      ["p frozen<address>", "frozen<address>"],
      ["p vector<float, 3>", "vector<float, 3>"],
      ["p duration", "duration"],
      ["p set<counter>", "set<counter>"],
      ["p map<text, int>", "map<text, int>"],
      ["p frozen<map<int, int>>", "frozen<map<int, int>>"],
    ]
  ) {
    assert.equal(
      errorOf(table(column)),
      `${P}key "table_definition" (line 3): column "p" has type "${type}", ${expected}`,
    );
  }
});

Deno.test("parseProfile() checks the insert section", () => {
  const insert = (...entries: string[]) => lines({ insert: ["insert:", ...entries] });
  assert.equal(
    errorOf(insert("  partitions: fixed(1)", "  visits: fixed(2)", "  pervisit: 1")),
    `${P}key "insert" (line 10): Unrecognised insert option(s): {visits=fixed(2), pervisit=1}`,
  );
  assert.equal(
    errorOf(insert("  consistencyLevel: most")),
    `${P}key "insert.consistencyLevel" (line 9): "most" is not a consistency level, expected ` +
      "one of ONE, TWO, THREE, QUORUM, LOCAL_QUORUM, EACH_QUORUM, ALL, ANY, LOCAL_ONE, SERIAL, " +
      "LOCAL_SERIAL",
  );
  assert.equal(
    errorOf(insert("  serialConsistencyLevel: quorum")),
    `${P}key "insert.serialConsistencyLevel" (line 9): "quorum" is not a consistency level, ` +
      "expected one of SERIAL, LOCAL_SERIAL",
  );
  assert.equal(
    errorOf(insert("  batchtype: unlogged")),
    `${P}key "insert.batchtype" (line 9): "unlogged" is not a batch type, expected LOGGED, ` +
      "UNLOGGED or COUNTER (upper case, as cassandra-stress reads it)",
  );
  assert.equal(
    errorOf(insert("  select: fixed(1)")),
    `${P}key "insert.select" (line 9): "fixed(1)" is invalid, expected a ratio distribution ` +
      "DIST/divisor such as fixed(1)/1",
  );
  const blank = parseProfile(insert("  partitions: ' '", "  row-population: fixed(1)/2"), "x.yaml");
  assert.equal(blank.insert.partitions, null);
  assert.equal(blank.insert.rowPopulation?.divisor, 2);
});

Deno.test("parseProfile() checks queries and token range queries", () => {
  assert.equal(
    errorOf(lines({ ranges: ["token_range_queries:", "  q1:", "    columns: '*'"] })),
    `${P}key "queries.q1": Found q1 in both queries and token_range_queries, please use different names`,
  );
  assert.equal(
    errorOf(lines({ queries: ["queries:", "  q1:", "    fields: samerow"] })),
    `${P}key "queries.q1" (line 6): query "q1" has no cql, expected cql: SELECT ...`,
  );
  assert.equal(
    errorOf(lines({ queries: ["queries:", "  q1: {cql: SELECT 1, fields: onerow}"] })),
    `${P}key "queries.q1.fields" (line 6): "onerow" is not a field selection, expected samerow or multirow`,
  );
  assert.equal(
    errorOf(lines({ queries: ["queries:", "  q1: {cql: SELECT 1, consistencyLevel: most}"] })),
    `${P}key "queries.q1.consistencyLevel" (line 6): "most" is not a consistency level, expected ` +
      "one of ONE, TWO, THREE, QUORUM, LOCAL_QUORUM, EACH_QUORUM, ALL, ANY, LOCAL_ONE, SERIAL, " +
      "LOCAL_SERIAL",
  );
  assert.equal(
    errorOf(lines({ queries: ["queries:", "  q1: {cql: SELECT 1, serialConsistencyLevel: ONE}"] })),
    `${P}key "queries.q1.serialConsistencyLevel" (line 6): "ONE" is not a consistency level, ` +
      "expected one of SERIAL, LOCAL_SERIAL",
  );
  assert.equal(
    errorOf(lines({ queries: ["queries:", "  q1: {cql: SELECT 1, limit: 3}"] })),
    `${P}key "queries.q1.limit" (line 6): unknown key, expected one of cql, fields, ` +
      "consistencyLevel, serialConsistencyLevel",
  );
  assert.equal(
    errorOf(lines({ ranges: ["token_range_queries:", "  scan: {page_size: 10}"] })),
    `${P}key "token_range_queries.scan" (line 9): token range query "scan" has no columns, ` +
      'expected columns: "*" or a column list',
  );
  assert.equal(
    errorOf(lines({ ranges: ["token_range_queries:", "  scan: {columns: v, page_size: 0}"] })),
    `${P}key "token_range_queries.scan.page_size" (line 9): "0" is invalid, expected a whole ` +
      "number of rows above 0",
  );
});

Deno.test("parseProfile() names the line of a YAML syntax error, and refuses empty files", () => {
  assert.equal(
    errorOf("keyspace: ks\ntable: t\n  bad: indent\nqueries: {}\n"),
    `${P}line 2, column 8: the YAML is invalid: Nested mappings are not allowed in compact mappings`,
  );
  assert.equal(
    errorOf("keyspace: ks\n\tqueries: {}\n"),
    `${P}line 2, column 1: the YAML is invalid: Tabs are not allowed as indentation`,
  );
  assert.equal(
    errorOf("keyspace: ks\nkeyspace: other\n"),
    `${P}line 2, column 1: the YAML is invalid: Map keys must be unique`,
  );
  assert.equal(errorOf(""), `${P}it is empty, expected keyspace, table and queries`);
  assert.equal(errorOf("# nothing\n"), `${P}it is empty, expected keyspace, table and queries`);
  assert.equal(
    errorOf("- keyspace: ks\n"),
    `${P}expected a mapping of keys such as keyspace, table and queries at the top`,
  );
});

Deno.test("parseProfile() keeps every message on one line", () => {
  assert.equal(
    errorOf(lines({ insert: ["insert:", "  note: |", "    two", "    lines"] })),
    `${P}key "insert" (line 9): Unrecognised insert option(s): {note=two\\nlines\\n}`,
  );
  assert.equal(
    errorOf(lines({
      "table_definition": [
        "table_definition: |",
        "  CREATE TABLE t (k int PRIMARY KEY) $$a",
        "  b$$",
      ],
    })),
    `${P}key "table_definition" (line 3): There was a problem parsing the table cql: expected the ` +
      'end of the statement at line 1, column 36, found "a\\nb"',
  );
});
