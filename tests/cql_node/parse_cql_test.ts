import assert from "node:assert/strict";
import fc from "fast-check";
import type { ParsedStatement, Statement, Term } from "../../lib/cql_node/parse/cql_ast.ts";
import { CqlSyntaxError } from "../../lib/cql_node/parse/cql_syntax_error.ts";
import { parseCql } from "../../lib/cql_node/parse/parse_cql.ts";

function statementOf(text: string): Statement {
  return parseCql(text).statement;
}

/** The value of `a` in `INSERT INTO t (a) VALUES (<term>)`. */
function termOf(term: string): Term {
  const statement = statementOf(`INSERT INTO t (a) VALUES (${term})`);
  assert.equal(statement.kind, "insert");
  return statement.values[0];
}

function assertSyntaxError(text: string, message: string): void {
  assert.throws(
    () => parseCql(text),
    (error: unknown) => {
      assert.ok(error instanceof CqlSyntaxError, `not a CqlSyntaxError: ${error}`);
      assert.equal(error.message, message);
      return true;
    },
    text,
  );
}

const BIND = (index: number, name?: string): Term =>
  name === undefined ? { kind: "bind", index } : { kind: "bind", index, name };
const INT = (text: string): Term => ({ kind: "integer", text });
const STR = (text: string): Term => ({ kind: "string", text });

// ---- cassandra-stress (reference section 1.9) ----

const STRESS_KEYSPACE = `CREATE KEYSPACE IF NOT EXISTS "keyspace1" WITH replication = ` +
  `{'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor' : '1'} ` +
  `AND durable_writes = true;`;
const STRESS_STANDARD = `CREATE TABLE IF NOT EXISTS standard1 (key blob PRIMARY KEY \n` +
  `, "C0" blob\n, "C1" blob\n, "C2" blob\n, "C3" blob\n, "C4" blob) WITH compression = {};`;
const STRESS_COUNTER = `CREATE TABLE IF NOT EXISTS counter1 (key blob PRIMARY KEY,\n` +
  `, "C0" counter\n, "C1" counter) WITH compression = {};`;
const COLUMNS = ["C0", "C1", "C2", "C3", "C4"];

Deno.test("parseCql() reads cassandra-stress's CREATE KEYSPACE and USE", () => {
  assert.deepEqual(statementOf(STRESS_KEYSPACE), {
    kind: "createKeyspace",
    keyspace: "keyspace1",
    ifNotExists: true,
    options: {
      replication: {
        class: "org.apache.cassandra.locator.SimpleStrategy",
        replication_factor: "1",
      },
      durable_writes: true,
    },
  });
  assert.deepEqual(statementOf(`USE "keyspace1"`), { kind: "use", keyspace: "keyspace1" });
});

Deno.test("parseCql() reads cassandra-stress's standard1 table, with and without compaction", () => {
  const expected = {
    kind: "createTable",
    table: { name: "standard1" },
    ifNotExists: true,
    columns: [
      { name: "key", type: "blob", isStatic: false },
      ...COLUMNS.map((name) => ({ name, type: "blob", isStatic: false })),
    ],
    partitionKey: ["key"],
    clustering: [],
    clusteringOrder: {},
    compactStorage: false,
    options: { compression: {} },
  };
  assert.deepEqual(statementOf(STRESS_STANDARD), expected);
  const withCompaction = STRESS_STANDARD.replace(
    ";",
    ` AND compaction = { 'class' : 'SizeTieredCompactionStrategy', 'min_threshold' : '4'};`,
  );
  assert.deepEqual(statementOf(withCompaction), {
    ...expected,
    options: {
      compression: {},
      compaction: { class: "SizeTieredCompactionStrategy", min_threshold: "4" },
    },
  });
});

Deno.test("parseCql() reads cassandra-stress's counter1 table with its doubled comma", () => {
  assert.deepEqual(statementOf(STRESS_COUNTER), {
    kind: "createTable",
    table: { name: "counter1" },
    ifNotExists: true,
    columns: [
      { name: "key", type: "blob", isStatic: false },
      { name: "C0", type: "counter", isStatic: false },
      { name: "C1", type: "counter", isStatic: false },
    ],
    partitionKey: ["key"],
    clustering: [],
    clusteringOrder: {},
    compactStorage: false,
    options: { compression: {} },
  });
});

Deno.test("parseCql() reads cassandra-stress's write, with and without a timestamp", () => {
  const sets = COLUMNS.map((c) => `"${c}" = ?`).join(",");
  const parsed = parseCql(`UPDATE "standard1" USING TIMESTAMP ? SET ${sets} WHERE KEY=?`);
  assert.deepEqual(
    parsed,
    {
      statement: {
        kind: "update",
        table: { name: "standard1" },
        using: { timestamp: BIND(0) },
        assignments: COLUMNS.map((column, i) => ({ column, op: "set", value: BIND(i + 1) })),
        where: [{ columns: ["key"], op: "=", value: BIND(6) }],
        ifExists: false,
        conditions: [],
      },
      markers: Array(7).fill(undefined),
    } satisfies ParsedStatement,
  );
  const plain = statementOf(`UPDATE "standard1" SET ${sets} WHERE KEY=?`);
  assert.equal(plain.kind === "update" && plain.using.timestamp, undefined);
});

Deno.test("parseCql() reads cassandra-stress's counter_write", () => {
  const sets = COLUMNS.map((c) => `"${c}"="${c}"+?`).join(",");
  assert.deepEqual(statementOf(`UPDATE counter1 SET ${sets} WHERE KEY=?`), {
    kind: "update",
    table: { name: "counter1" },
    using: {},
    assignments: COLUMNS.map((column, i) => ({ column, op: "add", value: BIND(i) })),
    where: [{ columns: ["key"], op: "=", value: BIND(5) }],
    ifExists: false,
    conditions: [],
  });
});

Deno.test("parseCql() reads cassandra-stress's read and counter_read", () => {
  const read = statementOf(
    `SELECT ${COLUMNS.map((c) => `"${c}"`).join(",")} FROM "standard1" WHERE KEY=?`,
  );
  assert.deepEqual(read, {
    kind: "select",
    table: { name: "standard1" },
    selectors: COLUMNS.map((name) => ({ kind: "column", name })),
    distinct: false,
    json: false,
    where: [{ columns: ["key"], op: "=", value: BIND(0) }],
    orderBy: [],
    allowFiltering: false,
  });
  const counter = statementOf(`SELECT * FROM "counter1" WHERE KEY=?`);
  assert.equal(counter.kind === "select" && counter.selectors, null);
});

// ---- driver control-connection queries ----

Deno.test("parseCql() reads the driver's system table queries", () => {
  assert.deepEqual(statementOf("SELECT * FROM system.local WHERE key='local'"), {
    kind: "select",
    table: { keyspace: "system", name: "local" },
    selectors: null,
    distinct: false,
    json: false,
    where: [{ columns: ["key"], op: "=", value: STR("local") }],
    orderBy: [],
    allowFiltering: false,
  });
  const peers = statementOf(
    "SELECT peer, data_center, rack, rpc_address, tokens FROM system.peers",
  );
  assert.deepEqual(
    peers.kind === "select" && peers.selectors?.map((s) => s.kind === "column" && s.name),
    ["peer", "data_center", "rack", "rpc_address", "tokens"],
  );
  const tables = statementOf(
    "SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'",
  );
  assert.deepEqual(tables.kind === "select" && tables.where, [
    { columns: ["keyspace_name"], op: "=", value: STR("ks") },
    { columns: ["table_name"], op: "=", value: STR("t") },
  ]);
  const version = statementOf("SELECT schema_version FROM system.local WHERE key='local'");
  assert.deepEqual(version.kind === "select" && version.selectors, [
    { kind: "column", name: "schema_version" },
  ]);
});

// ---- SELECT ----

Deno.test("parseCql() reads every SELECT clause", () => {
  const statement = statementOf(
    "select json distinct k, writetime(v) as w, TTL(v), count(*), COUNT(1) AS n, now() " +
      "from ks.t where k = 1 and c > 2 and c <= :hi and d != 'x' and e in (1, 2) and f in ? " +
      "and g contains 3 and h contains key 'k' and (c1, c2) >= (?, ?) and token(k, j) < ? " +
      "order by c desc, d asc, e per partition limit 2 limit ? allow filtering;",
  );
  assert.deepEqual(statement, {
    kind: "select",
    table: { keyspace: "ks", name: "t" },
    selectors: [
      { kind: "column", name: "k" },
      { kind: "writetime", name: "v", alias: "w" },
      { kind: "ttl", name: "v" },
      { kind: "count" },
      { kind: "count", alias: "n" },
      { kind: "function", name: "now", args: [] },
    ],
    distinct: true,
    json: true,
    where: [
      { columns: ["k"], op: "=", value: INT("1") },
      { columns: ["c"], op: ">", value: INT("2") },
      { columns: ["c"], op: "<=", value: BIND(0, "hi") },
      { columns: ["d"], op: "!=", value: STR("x") },
      { columns: ["e"], op: "IN", value: { kind: "tuple", items: [INT("1"), INT("2")] } },
      { columns: ["f"], op: "IN", value: BIND(1) },
      { columns: ["g"], op: "CONTAINS", value: INT("3") },
      { columns: ["h"], op: "CONTAINS KEY", value: STR("k") },
      { columns: ["c1", "c2"], op: ">=", value: { kind: "tuple", items: [BIND(2), BIND(3)] } },
      { columns: ["k", "j"], token: true, op: "<", value: BIND(4) },
    ],
    orderBy: [
      { column: "c", descending: true },
      { column: "d", descending: false },
      { column: "e", descending: false },
    ],
    perPartitionLimit: INT("2"),
    limit: BIND(5),
    allowFiltering: true,
  });
});

Deno.test("parseCql() reads json and distinct as column names when they are selected", () => {
  const statement = statementOf("SELECT json, distinct FROM t");
  assert.ok(statement.kind === "select");
  assert.equal(statement.json, false);
  assert.equal(statement.distinct, false);
  assert.deepEqual(statement.selectors, [
    { kind: "column", name: "json" },
    { kind: "column", name: "distinct" },
  ]);
});

Deno.test("parseCql() reads a tuple IN relation and function call arguments", () => {
  const statement = statementOf(
    "SELECT toTimestamp(now()) FROM t WHERE (a, b) IN ((1, 2), (3, ?))",
  );
  assert.ok(statement.kind === "select");
  assert.deepEqual(statement.selectors, [{
    kind: "function",
    name: "totimestamp",
    args: [{ kind: "function", name: "now", args: [] }],
  }]);
  assert.deepEqual(statement.where, [{
    columns: ["a", "b"],
    op: "IN",
    value: {
      kind: "tuple",
      items: [
        { kind: "tuple", items: [INT("1"), INT("2")] },
        { kind: "tuple", items: [INT("3"), BIND(0)] },
      ],
    },
    multiColumnIn: true,
  }]);
});

// ---- INSERT, UPDATE, DELETE, BATCH ----

Deno.test("parseCql() reads INSERT with IF NOT EXISTS and USING TTL AND TIMESTAMP", () => {
  assert.deepEqual(
    statementOf(
      'INSERT INTO ks.t (a, "B") VALUES (?, :v) IF NOT EXISTS USING TTL 86400 AND TIMESTAMP ?',
    ),
    {
      kind: "insert",
      table: { keyspace: "ks", name: "t" },
      columns: ["a", "B"],
      values: [BIND(0), BIND(1, "v")],
      ifNotExists: true,
      using: { ttl: INT("86400"), timestamp: BIND(2) },
    },
  );
  const plain = statementOf("insert into t (a) values (1)");
  assert.deepEqual(plain.kind === "insert" && [plain.ifNotExists, plain.using], [false, {}]);
});

Deno.test("parseCql() reads every UPDATE assignment form", () => {
  const statement = statementOf(
    "UPDATE t USING TTL 5 AND TIMESTAMP 6 SET a = 1, c = c + ?, d = d - ?, l = ? + l, " +
      "m['k'] = 'v', e += 2, f -= 3, s = s + {1} WHERE k = 0 IF EXISTS",
  );
  assert.deepEqual(statement, {
    kind: "update",
    table: { name: "t" },
    using: { ttl: INT("5"), timestamp: INT("6") },
    assignments: [
      { column: "a", op: "set", value: INT("1") },
      { column: "c", op: "add", value: BIND(0) },
      { column: "d", op: "subtract", value: BIND(1) },
      { column: "l", op: "prepend", value: BIND(2) },
      { column: "m", op: "setElement", key: STR("k"), value: STR("v") },
      { column: "e", op: "add", value: INT("2") },
      { column: "f", op: "subtract", value: INT("3") },
      { column: "s", op: "add", value: { kind: "set", items: [INT("1")] } },
    ],
    where: [{ columns: ["k"], op: "=", value: INT("0") }],
    ifExists: true,
    conditions: [],
  });
});

Deno.test("parseCql() reads UPDATE and DELETE conditions", () => {
  const update = statementOf("UPDATE t SET a = 1 WHERE k = 0 IF a = 2 AND b IN (1, ?) AND c >= 3");
  assert.deepEqual(update.kind === "update" && [update.ifExists, update.conditions], [false, [
    { column: "a", op: "=", value: INT("2") },
    { column: "b", op: "IN", value: { kind: "tuple", items: [INT("1"), BIND(0)] } },
    { column: "c", op: ">=", value: INT("3") },
  ]]);
  const remove = statementOf("DELETE FROM t WHERE k = 0 IF v != null");
  assert.deepEqual(remove.kind === "delete" && remove.conditions, [
    { column: "v", op: "!=", value: { kind: "null", text: "null" } },
  ]);
});

Deno.test("parseCql() rejects an UPDATE that adds to another column", () => {
  assertSyntaxError(
    "UPDATE t SET a = b + 1 WHERE k = 0",
    "line 1:17 Only expressions of the form X = X +<value> are supported.",
  );
  assertSyntaxError(
    "UPDATE t SET a = b - 1 WHERE k = 0",
    "line 1:17 Only expressions of the form X = X -<value> are supported.",
  );
  assertSyntaxError(
    "UPDATE t SET a = [1] + b WHERE k = 0",
    "line 1:23 Only expressions of the form X = <value> + X are supported.",
  );
});

Deno.test("parseCql() reads DELETE of rows and of columns, with a timestamp", () => {
  assert.deepEqual(
    statementOf('DELETE a, "B" FROM ks.t USING TIMESTAMP 42 WHERE k IN (1, 2) IF EXISTS'),
    {
      kind: "delete",
      table: { keyspace: "ks", name: "t" },
      columns: ["a", "B"],
      using: { timestamp: INT("42") },
      where: [{ columns: ["k"], op: "IN", value: { kind: "tuple", items: [INT("1"), INT("2")] } }],
      ifExists: true,
      conditions: [],
    },
  );
  const rows = statementOf("delete from t where k = ?");
  assert.deepEqual(rows.kind === "delete" && [rows.columns, rows.using], [[], {}]);
  assertSyntaxError(
    "DELETE FROM t USING TTL 5 WHERE k = 0",
    "line 1:20 mismatched input 'TTL' expecting K_TIMESTAMP",
  );
});

Deno.test("parseCql() reads batches and numbers their markers across statements", () => {
  const parsed = parseCql(
    "BEGIN UNLOGGED BATCH USING TIMESTAMP ?\n" +
      "  INSERT INTO t (a, b) VALUES (?, :b);\n" +
      "  UPDATE t SET b = ? WHERE a = ?\n" +
      "  DELETE FROM t WHERE a = :a;\n" +
      "APPLY BATCH;",
  );
  assert.deepEqual(parsed.markers, [undefined, undefined, "b", undefined, undefined, "a"]);
  const batch = parsed.statement;
  assert.ok(batch.kind === "batch");
  assert.equal(batch.type, "unlogged");
  assert.deepEqual(batch.using, { timestamp: BIND(0) });
  assert.deepEqual(batch.statements.map((s) => s.kind), ["insert", "update", "delete"]);
  assert.deepEqual(batch.statements[2].kind === "delete" && batch.statements[2].where, [
    { columns: ["a"], op: "=", value: BIND(5, "a") },
  ]);
  const counter = statementOf("BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 0 APPLY BATCH");
  assert.equal(counter.kind === "batch" && counter.type, "counter");
  const logged = statementOf("begin batch apply batch");
  assert.deepEqual(logged, { kind: "batch", type: "logged", using: {}, statements: [] });
  assertSyntaxError(
    "BEGIN BATCH SELECT * FROM t APPLY BATCH",
    "line 1:12 mismatched input 'SELECT' expecting K_APPLY",
  );
});

// ---- schema statements ----

Deno.test("parseCql() reads CREATE TABLE with a compound key and table options", () => {
  assert.deepEqual(
    statementOf(
      'CREATE TABLE ks.Events (Id int, "Day" text, at timestamp, v MAP<text, FROZEN<list<int>>>,' +
        " s int STATIC, tags set<text>, c 'org.apache.cassandra.db.marshal.UTF8Type'," +
        ' PRIMARY KEY ((id, "Day"), at, v)) WITH CLUSTERING ORDER BY (at DESC, v ASC)' +
        " AND COMPACT STORAGE AND comment = 'x' AND gc_grace_seconds = 10" +
        " AND bloom_filter_fp_chance = 0.01 AND caching = {'keys': 'ALL', 'rows': 1}" +
        " AND speculative_retry = NONE AND cdc = false",
    ),
    {
      kind: "createTable",
      table: { keyspace: "ks", name: "events" },
      ifNotExists: false,
      columns: [
        { name: "id", type: "int", isStatic: false },
        { name: "Day", type: "text", isStatic: false },
        { name: "at", type: "timestamp", isStatic: false },
        { name: "v", type: "map<text, frozen<list<int>>>", isStatic: false },
        { name: "s", type: "int", isStatic: true },
        { name: "tags", type: "set<text>", isStatic: false },
        { name: "c", type: "'org.apache.cassandra.db.marshal.UTF8Type'", isStatic: false },
      ],
      partitionKey: ["id", "Day"],
      clustering: ["at", "v"],
      clusteringOrder: { at: "DESC", v: "ASC" },
      compactStorage: true,
      options: {
        comment: "x",
        gc_grace_seconds: 10,
        bloom_filter_fp_chance: 0.01,
        caching: { keys: "ALL", rows: "1" },
        speculative_retry: "none",
        cdc: false,
      },
    },
  );
});

Deno.test("parseCql() reads a single-column PRIMARY KEY clause and other column types", () => {
  const statement = statementOf(
    "create table if not exists t (a int, b tuple<int, text>, c vector<float, 3>, " +
      'd frozen<"MyType">, e ks.udt, primary key (a),)',
  );
  assert.ok(statement.kind === "createTable");
  assert.deepEqual(statement.partitionKey, ["a"]);
  assert.deepEqual(statement.clustering, []);
  assert.deepEqual(statement.columns.map((c) => c.type), [
    "int",
    "tuple<int, text>",
    "vector<float, 3>",
    'frozen<"MyType">',
    "ks.udt",
  ]);
});

Deno.test("parseCql() requires exactly one PRIMARY KEY in CREATE TABLE", () => {
  assertSyntaxError(
    "CREATE TABLE t (a int, b int)",
    "line 1:15 no PRIMARY KEY specified (exactly one required)",
  );
  assertSyntaxError(
    "CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))",
    "line 1:42 multiple PRIMARY KEYs specified (exactly one required)",
  );
  assertSyntaxError(
    "CREATE TABLE t (, a int PRIMARY KEY)",
    "line 1:16 mismatched input ',' expecting IDENT",
  );
});

Deno.test("parseCql() reads the keyspace statements", () => {
  assert.deepEqual(
    statementOf(
      "ALTER KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
    ),
    {
      kind: "alterKeyspace",
      keyspace: "ks",
      options: { replication: { class: "NetworkTopologyStrategy", dc1: "3" } },
    },
  );
  assert.deepEqual(
    statementOf("create keyspace Ks with REPLICATION = {'class': 'SimpleStrategy'}"),
    {
      kind: "createKeyspace",
      keyspace: "ks",
      ifNotExists: false,
      options: { replication: { class: "SimpleStrategy" } },
    },
  );
  assert.deepEqual(statementOf("DROP KEYSPACE IF EXISTS ks"), {
    kind: "dropKeyspace",
    table: { name: "ks" },
    ifExists: true,
  });
  assert.deepEqual(statementOf("use Ks"), { kind: "use", keyspace: "ks" });
  assertSyntaxError(
    "CREATE KEYSPACE k WITH a = 1 AND a = 2",
    "line 1:33 multiple definition for property 'a'",
  );
});

Deno.test("parseCql() reads DROP TABLE and TRUNCATE", () => {
  assert.deepEqual(statementOf("DROP TABLE IF EXISTS ks.t"), {
    kind: "dropTable",
    table: { keyspace: "ks", name: "t" },
    ifExists: true,
  });
  assert.deepEqual(statementOf("drop table t"), {
    kind: "dropTable",
    table: { name: "t" },
    ifExists: false,
  });
  assert.deepEqual(statementOf("TRUNCATE TABLE ks.t"), {
    kind: "truncate",
    table: { keyspace: "ks", name: "t" },
  });
  assert.deepEqual(statementOf('truncate "T"'), { kind: "truncate", table: { name: "T" } });
});

Deno.test("parseCql() rejects statement kinds the embedded node does not support", () => {
  for (
    const [text, what] of [
      ["CREATE CUSTOM INDEX ON t (a) USING 'sai'", "CREATE CUSTOM INDEX"],
      ["create type ks.address (street text)", "CREATE TYPE"],
      ["CREATE MATERIALIZED VIEW v AS SELECT * FROM t", "CREATE MATERIALIZED VIEW"],
      ["CREATE OR REPLACE FUNCTION f() ...", "CREATE OR REPLACE"],
      ["ALTER TABLE t ADD c int", "ALTER TABLE"],
      ["DROP TYPE ks.address", "DROP TYPE"],
      ["GRANT SELECT ON t TO r", "GRANT"],
      ["LIST ROLES", "LIST"],
    ]
  ) {
    assertSyntaxError(text, `line 1:0 ${what} statements are not supported by the embedded node`);
  }
});

// ---- lexical structure ----

Deno.test("parseCql() reads every literal kind", async (t) => {
  const rows: [string, Term][] = [
    ["42", INT("42")],
    ["-12", INT("-12")],
    ["- 7", INT("-7")],
    ["1.5", { kind: "float", text: "1.5" }],
    ["1e3", { kind: "float", text: "1e3" }],
    ["-2.5E-3", { kind: "float", text: "-2.5E-3" }],
    ["NaN", { kind: "float", text: "NaN" }],
    ["infinity", { kind: "float", text: "Infinity" }],
    ["-Infinity", { kind: "float", text: "-Infinity" }],
    ["TRUE", { kind: "boolean", text: "true" }],
    ["False", { kind: "boolean", text: "false" }],
    ["NULL", { kind: "null", text: "null" }],
    ["0xCAFE", { kind: "hex", text: "cafe" }],
    ["0Xcafe", { kind: "hex", text: "cafe" }],
    ["123E4567-E89B-12d3-a456-426614174000", {
      kind: "uuid",
      text: "123e4567-e89b-12d3-a456-426614174000",
    }],
    ["deadbeef-0000-1000-8000-00aabbccddee", {
      kind: "uuid",
      text: "deadbeef-0000-1000-8000-00aabbccddee",
    }],
    ["1h30m", { kind: "duration", text: "1h30m" }],
    ["-2d", { kind: "duration", text: "-2d" }],
    ["1mo2w3ms4us5ns6s", { kind: "duration", text: "1mo2w3ms4us5ns6s" }],
    ["'it''s'", STR("it's")],
    ["''", STR("")],
    ['$$it\'s $ "x"$$', STR(`it's $ "x"`)],
    ["[1, 2]", { kind: "list", items: [INT("1"), INT("2")] }],
    ["[]", { kind: "list", items: [] }],
    ["{1, 2}", { kind: "set", items: [INT("1"), INT("2")] }],
    ["{}", { kind: "map", entries: [] }],
    ["{'a': 1, 'b': ?}", { kind: "map", entries: [[STR("a"), INT("1")], [STR("b"), BIND(0)]] }],
    ["(1, 'x')", { kind: "tuple", items: [INT("1"), STR("x")] }],
    ["now()", { kind: "function", name: "now", args: [] }],
    ["uuid()", { kind: "function", name: "uuid", args: [] }],
    ["toTimestamp(now())", {
      kind: "function",
      name: "totimestamp",
      args: [{ kind: "function", name: "now", args: [] }],
    }],
    ["(bigint) 3", { kind: "cast", type: "bigint", term: INT("3") }],
    ["(int)?", { kind: "cast", type: "int", term: BIND(0) }],
    ["(list<int>) [1]", {
      kind: "cast",
      type: "list<int>",
      term: { kind: "list", items: [INT("1")] },
    }],
    [":Name", BIND(0, "name")],
    [':"Name"', BIND(0, "Name")],
  ];
  for (const [text, expected] of rows) {
    await t.step(text, () => assert.deepEqual(termOf(text), expected));
  }
});

Deno.test("parseCql() folds unquoted identifiers and keeps quoted ones exactly", () => {
  const statement = statementOf(
    `SeLeCt MyCol, "MyCol", "a""b", "select" FROM "KS".Tab WHERE "Key" = 1`,
  );
  assert.ok(statement.kind === "select");
  assert.deepEqual(statement.selectors, [
    { kind: "column", name: "mycol" },
    { kind: "column", name: "MyCol" },
    { kind: "column", name: 'a"b' },
    { kind: "column", name: "select" },
  ]);
  assert.deepEqual(statement.table, { keyspace: "KS", name: "tab" });
  assert.deepEqual(statement.where[0].columns, ["Key"]);
});

Deno.test("parseCql() skips comments and whitespace and takes an optional semicolon", () => {
  const text = "-- leading comment\nSELECT /* inline\n comment */ a // to end of line\n\t" +
    "FROM\r\n t -- trailing\n ;  ";
  assert.deepEqual(statementOf(text), statementOf("SELECT a FROM t"));
  assertSyntaxError("SELECT a FROM t;;", "line 1:16 mismatched input ';' expecting EOF");
});

Deno.test("parseCql() numbers markers in textual order and keeps their names", () => {
  const parsed = parseCql("SELECT * FROM t WHERE a = ? AND b = :B AND c IN (?, :d) LIMIT ?");
  assert.deepEqual(parsed.markers, [undefined, "b", undefined, "d", undefined]);
  assert.ok(parsed.statement.kind === "select");
  assert.deepEqual(parsed.statement.limit, BIND(4));
});

// ---- errors ----

Deno.test("parseCql() reports errors at Cassandra-style line:column positions", async (t) => {
  const rows: [string, string][] = [
    ["SELECT * FORM t", "line 1:9 mismatched input 'FORM' expecting K_FROM"],
    ["SELEC * FROM t", "line 1:0 no viable alternative at input 'SELEC'"],
    ["", "line 1:0 no viable alternative at input '<EOF>'"],
    ["SELECT a FROM t WHERE", "line 1:21 mismatched input '<EOF>' expecting IDENT"],
    ["SELECT a\nFROM t\n  WHERE a = = 1", "line 3:12 no viable alternative at input '='"],
    ["SELECT a FROM t WHERE a ~ 1", "line 1:24 no viable alternative at character '~'"],
    ["INSERT INTO t (a) VALUES ('abc", "line 1:26 unterminated string literal"],
    ['SELECT "abc FROM t', "line 1:7 unterminated quoted identifier"],
    ["SELECT a /* FROM t", "line 1:9 unterminated comment"],
    ["SELECT a FROM t WHERE a = 12ab", "line 1:26 no viable alternative at input '12ab'"],
    ["SELECT a FROM t WHERE a = 0x", "line 1:26 no viable alternative at input '0x'"],
    ["SELECT from FROM t", "line 1:7 mismatched input 'from' expecting IDENT"],
    ["UPDATE t SET a = 1", "line 1:18 mismatched input '<EOF>' expecting K_WHERE"],
    ["SELECT a FROM t LIMIT 1 extra", "line 1:24 mismatched input 'extra' expecting EOF"],
    ["SELECT a FROM t WHERE a = [1, 2", "line 1:31 mismatched input '<EOF>' expecting ']'"],
    [
      "SELECT count(?) FROM t",
      "line 1:13 count over this argument is not supported by the embedded node",
    ],
    [
      "SELECT blobAsText(a) FROM t",
      "line 1:18 function selectors over columns are not supported by the embedded node",
    ],
    ["INSERT INTO t JSON '{}'", "line 1:14 INSERT JSON is not supported by the embedded node"],
  ];
  for (const [text, message] of rows) {
    await t.step(text.replaceAll("\n", " "), () => assertSyntaxError(text, message));
  }
});

Deno.test("parseCql() caps nesting at 64 levels", () => {
  const nested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);
  assert.equal(termOf(nested(63)).kind, "list");
  assert.throws(() => termOf(nested(65)), CqlSyntaxError);
  const casts = "(int) ".repeat(70) + "1";
  assert.throws(() => termOf(casts), /nesting deeper than 64 levels/);
  const type = "frozen<".repeat(70) + "int" + ">".repeat(70);
  assert.throws(() => parseCql(`CREATE TABLE t (a ${type} PRIMARY KEY)`), CqlSyntaxError);
  for (const open of ["(", "[", "{", "toTimestamp(", "((a, b) IN "]) {
    assert.throws(
      () => parseCql(`SELECT * FROM t WHERE a = ${open.repeat(100_000)}`),
      CqlSyntaxError,
    );
  }
});

Deno.test("CqlSyntaxError carries the line and column", () => {
  try {
    parseCql("SELECT a\n  FROM t WHERE ?");
    assert.fail("expected a syntax error");
  } catch (error) {
    assert.ok(error instanceof CqlSyntaxError);
    assert.equal(error.name, "CqlSyntaxError");
    assert.equal(error.line, 2);
    assert.equal(error.column, 15);
  }
});

// ---- properties ----

const VALID: readonly string[] = [
  STRESS_KEYSPACE,
  STRESS_STANDARD,
  STRESS_COUNTER,
  `UPDATE "standard1" USING TIMESTAMP ? SET "C0" = ?,"C1" = ? WHERE KEY=?`,
  `UPDATE counter1 SET "C0"="C0"+?,"C1"="C1"+? WHERE KEY=?`,
  "SELECT json distinct k, writetime(v) AS w, count(*) FROM ks.t WHERE (a, b) > (?, :x) " +
  "AND token(k) < 5 AND c IN (1, 2) AND m CONTAINS KEY 'k' ORDER BY c DESC " +
  "PER PARTITION LIMIT 2 LIMIT 10 ALLOW FILTERING",
  "INSERT INTO t (a, b, c, d) VALUES (0xCAFE, -1.5e3, {'k': [1, 2]}, (bigint) 3) " +
  "IF NOT EXISTS USING TTL 5 AND TIMESTAMP 6",
  "BEGIN BATCH INSERT INTO t (a) VALUES ($$x$$); UPDATE t SET l = ? + l, m[1] = 2 " +
  "WHERE k = 123e4567-e89b-12d3-a456-426614174000 IF a = 1; DELETE x FROM t WHERE k = 1h APPLY BATCH",
  "CREATE TABLE t (a int, b map<text, frozen<list<int>>>, PRIMARY KEY ((a), b)) " +
  "WITH CLUSTERING ORDER BY (b DESC) AND comment = 'c' /* x */ -- y",
  "ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  "DROP TABLE IF EXISTS ks.t; ",
  "TRUNCATE TABLE t",
];

const PIECES: readonly string[] = [
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ";",
  ".",
  ":",
  "?",
  "*",
  "+",
  "-",
  "=",
  "<",
  ">",
  "<=",
  "!=",
  "+=",
  "'",
  '"',
  "$$",
  "--",
  "/*",
  "*/",
  "0x",
  "1",
  "1.5e",
  "-",
  "select",
  "from",
  "where",
  "and",
  "in",
  "token",
  "if",
  "exists",
  "primary key",
  "with",
  "apply batch",
  "k",
  "\n",
  " ",
  "µ",
  "\u0000",
  "𝄞",
  "\uD800",
];

function assertOnlySyntaxErrors(text: string): void {
  try {
    parseCql(text);
  } catch (error) {
    if (!(error instanceof CqlSyntaxError)) {
      throw new Error(`parseCql(${JSON.stringify(text)}) threw ${error}`, { cause: error });
    }
    assert.match(error.message, /^line \d+:\d+ /);
  }
}

Deno.test("parseCql() throws only CqlSyntaxError on random strings", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: "binary", maxLength: 80 }),
        fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => p.join("")),
        fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => p.join(" ")),
      ),
      assertOnlySyntaxErrors,
    ),
    { numRuns: 500, seed: 20240611 },
  );
});

Deno.test("parseCql() throws only CqlSyntaxError on mutations of valid statements", () => {
  for (const text of VALID) parseCql(text);
  const edit = fc.record({
    at: fc.nat(),
    length: fc.nat({ max: 8 }),
    insert: fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: "binary", maxLength: 3 })),
  });
  fc.assert(
    fc.property(fc.constantFrom(...VALID), fc.array(edit, { minLength: 1, maxLength: 4 }), (
      text,
      edits,
    ) => {
      let mutated = text;
      for (const { at, length, insert } of edits) {
        const i = at % (mutated.length + 1);
        mutated = mutated.slice(0, i) + insert + mutated.slice(i + length);
      }
      assertOnlySyntaxErrors(mutated);
    }),
    { numRuns: 500, seed: 7 },
  );
});

Deno.test("parseCql() round trips escaped strings and quoted identifiers", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
      fc.string({ unit: "binary", maxLength: 20 }),
      (name, value) => {
        const quotedName = `"${name.replaceAll('"', '""')}"`;
        const quotedValue = `'${value.replaceAll("'", "''")}'`;
        const statement = statementOf(
          `INSERT INTO ${quotedName} (${quotedName}) VALUES (${quotedValue})`,
        );
        assert.ok(statement.kind === "insert");
        assert.equal(statement.table.name, name);
        assert.deepEqual(statement.columns, [name]);
        assert.deepEqual(statement.values, [STR(value)]);
      },
    ),
    { numRuns: 500, seed: 42 },
  );
});

Deno.test("parseCql() round trips integers and floats with their sign", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.bigInt(), fc.double({ noNaN: true, noDefaultInfinity: true })),
      (n) => {
        const text = typeof n === "bigint" ? n.toString() : String(n);
        const term = termOf(text);
        assert.equal(term.kind, typeof n === "bigint" || !/[.e]/.test(text) ? "integer" : "float");
        assert.ok(term.kind === "integer" || term.kind === "float");
        assert.equal(term.text, text === "0" && Object.is(n, -0) ? "0" : text);
      },
    ),
    { numRuns: 500, seed: 3 },
  );
});
