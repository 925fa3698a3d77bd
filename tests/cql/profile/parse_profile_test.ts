import assert from "node:assert/strict";
import {
  parseDistribution,
  parseRatioDistribution,
} from "../../../lib/units/parse_distribution.ts";
import { readProfile } from "./_profiles.ts";
import { parseProfile } from "../../../lib/cql/profile/parse_profile.ts";

const dist = parseDistribution;

Deno.test("parseProfile() reads a key-value profile", async () => {
  const p = await readProfile("keyvalue.yaml");
  assert.equal(p.fileName, "keyvalue.yaml");
  assert.equal(p.specName, "kvks.kv");
  assert.equal(p.keyspace, "kvks");
  assert.match(p.keyspaceDefinition ?? "", /^CREATE KEYSPACE kvks WITH replication = \{/);
  assert.equal(p.table, "kv");
  assert.ok(p.tableDefinition?.endsWith("WITH comment = 'key-value pairs'\n"));
  assert.equal(p.extraDefinitions, null);
  assert.deepEqual(p.tableColumns?.partitionKey, ["key"]);
  assert.deepEqual(p.tableColumns?.clustering, []);
  assert.deepEqual(p.columnSpecs, [
    { name: "key", size: dist("fixed(10)"), population: dist("uniform(1..1M)"), cluster: null },
    { name: "value", size: dist("gaussian(50..150)"), population: null, cluster: null },
  ]);
  assert.equal(
    p.columnSpecs[0].population?.kind === "uniform" && p.columnSpecs[0].population.max,
    1_000_000,
  );
  assert.deepEqual(p.insert, {
    partitions: dist("fixed(1)"),
    select: null,
    batchType: "UNLOGGED",
    rowPopulation: null,
    condition: null,
    consistencyLevel: null,
    serialConsistencyLevel: null,
    given: [["partitions", "fixed(1)"], ["batchtype", "UNLOGGED"]],
  });
  assert.deepEqual(p.queries, [{
    name: "read",
    cql: "SELECT value FROM kv WHERE key = ?",
    fields: "samerow",
    fieldsGiven: "samerow",
    consistencyLevel: null,
    serialConsistencyLevel: null,
  }]);
  assert.deepEqual(p.tokenRangeQueries, []);
});

Deno.test("parseProfile() reads a time series with clustering, specname and extra definitions", async () => {
  const p = await readProfile("timeseries.yaml");
  assert.equal(p.specName, "sensors");
  assert.equal(p.keyspace, "metrics");
  assert.equal(
    p.keyspaceDefinition,
    "CREATE KEYSPACE IF NOT EXISTS metrics WITH replication = " +
      "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3};\n",
  );
  assert.equal(p.tableColumns?.keyspace, "metrics");
  assert.equal(p.tableColumns?.table, "readings");
  assert.deepEqual(p.tableColumns?.partitionKey, ["sensor", "day"]);
  assert.deepEqual(p.tableColumns?.clustering, [{ name: "at", order: "DESC" }]);
  assert.deepEqual(p.tableColumns?.staticColumns, ["unit"]);
  assert.deepEqual(p.extraDefinitions, [
    "CREATE INDEX IF NOT EXISTS readings_unit ON readings (unit)",
  ]);
  assert.deepEqual(p.columnSpecs.map((c) => c.name), ["sensor", "day", "at"]);
  assert.deepEqual(p.columnSpecs[2].cluster, dist("uniform(10..1000)"));
  assert.equal(p.columnSpecs[1].size, null);
  assert.deepEqual(p.insert.partitions, dist("uniform(1..5)"));
  assert.deepEqual(p.insert.select, parseRatioDistribution("uniform(1..10)/10"));
  assert.equal(p.insert.select?.divisor, 10);
  assert.equal(p.insert.batchType, "UNLOGGED");
  assert.deepEqual(p.queries.map((q) => [q.name, q.fields, q.fieldsGiven]), [
    ["latest", "samerow", "samerow"],
    ["window", "multirow", "MultiRow"],
  ]);
});

Deno.test("parseProfile() reads every generated type, the collections and quoted names", async () => {
  const p = await readProfile("alltypes.yaml");
  const types = Object.fromEntries(p.tableColumns!.columns.map((c) => [c.name, c.type.text]));
  assert.equal(types.c_clock, "time");
  assert.equal(types.tags, "set<text>");
  assert.equal(types.scores, "list<int>");
  assert.equal(types.frozen_scores, "frozen<list<bigint>>");
  assert.equal(types.frozen_tags, "frozen<set<ascii>>");
  assert.equal(types.frozen_ids, "frozen<set<uuid>>");
  assert.equal(types.MixedCase, "text");
  assert.equal(p.tableColumns!.columns.length, 26);
  const frozen = p.tableColumns!.columns.find((c) => c.name === "frozen_ids")!.type;
  assert.equal(frozen.frozen, true);
  assert.deepEqual(frozen.args.map((a) => a.name), ["uuid"]);
  assert.deepEqual(p.tableColumns!.partitionKey, ["k_text", "k_int"]);
  assert.deepEqual(p.tableColumns!.clustering, [{ name: "c_time", order: "ASC" }]);
  assert.deepEqual(p.tableColumns!.staticColumns, ["owner"]);
  assert.deepEqual(p.columnSpecs.map((c) => c.name), [
    "tags",
    "scores",
    "frozen_scores",
    "MixedCase",
    "c_time",
  ]);
  assert.equal(p.columnSpecs[4].population?.inverted, true);
  assert.equal(p.columnSpecs[4].population?.kind, "exp");
  assert.equal(p.insert.given, null);
  assert.equal(p.insert.batchType, null);
  assert.equal(p.queries[0].fields, "multirow");
  assert.equal(p.queries[0].fieldsGiven, null);
});

Deno.test("parseProfile() reads a counter table with COUNTER batches", async () => {
  const p = await readProfile("counters.yaml");
  assert.equal(p.insert.batchType, "COUNTER");
  assert.deepEqual(
    p.tableColumns?.columns.filter((c) => c.type.name === "counter").map((c) => c.name),
    ["views", "likes"],
  );
  assert.deepEqual(p.tableColumns?.clustering, [{ name: "page", order: "ASC" }]);
  assert.deepEqual(p.columnSpecs.find((c) => c.name === "views")?.population, dist("fixed(1)"));
  assert.deepEqual(p.columnSpecs.find((c) => c.name === "page")?.cluster, dist("uniform(1..20)"));
});

Deno.test("parseProfile() reads an insert condition and conditional queries", async () => {
  const p = await readProfile("lwt.yaml");
  assert.equal(p.insert.condition, "IF body = NULL");
  assert.deepEqual(p.insert.given?.at(-1), ["condition", "IF body = NULL"]);
  assert.equal(p.queries[0].name, "debit");
  assert.equal(p.queries[0].cql, "UPDATE accounts SET balance = ? WHERE id = ? IF balance = ?");
  assert.equal(p.queries[0].fields, "samerow");
  assert.match(p.queries[1].cql, /IF NOT EXISTS$/);
});

Deno.test("parseProfile() reads token range queries with their page size", async () => {
  const p = await readProfile("token_ranges.yaml");
  assert.deepEqual(p.tokenRangeQueries, [
    { name: "all_columns", columns: "*", pageSize: 5000 },
    { name: "NamesOnly", columns: "name, price", pageSize: 500 },
  ]);
  assert.deepEqual(p.tableColumns?.columns.map((c) => c.type.name), ["bigint", "text", "decimal"]);
});

Deno.test("parseProfile() reads the two profiles of a multi-profile run", async () => {
  const a = await readProfile("spec_a.yaml");
  const b = await readProfile("spec_b.yaml");
  assert.equal(a.specName, "alpha_workload");
  assert.equal(b.specName, "multi.beta");
  assert.equal(a.keyspace, b.keyspace);
  assert.equal(b.keyspaceDefinition, null);
  assert.equal(b.insert.batchType, "COUNTER");
  assert.deepEqual(b.queries.map((q) => q.name), ["read", "scan_one"]);
});

Deno.test("parseProfile() reads the cassandra-stress example shape", async () => {
  const p = await readProfile("example_shape.yaml");
  assert.equal(p.specName, "stresscql.typestest");
  assert.deepEqual(p.tableColumns?.partitionKey, ["name", "choice"]);
  assert.deepEqual(
    p.tableColumns?.clustering.map((c) => c.name),
    ["date", "address", "dbl", "lval", "ival", "uid"],
  );
  assert.deepEqual(p.insert.select, parseRatioDistribution("fixed(1)/1200"));
  assert.equal(p.insert.select?.divisor, 1200);
  const lval = p.columnSpecs.find((c) => c.name === "lval")!;
  assert.equal(lval.population?.kind === "gaussian" && lval.population.stdev, 999 / 6);
  assert.deepEqual(lval.cluster, dist("uniform(1..4)"));
  assert.deepEqual(p.queries.map((q) => `${q.name}:${q.fields}`), [
    "simple1:samerow",
    "range1:multirow",
    "simple2:samerow",
  ]);
});

Deno.test("parseProfile() reads queries in the plain-string form, with no table_definition", async () => {
  const p = await readProfile("legacy.yaml");
  assert.equal(p.specName, "legacy");
  assert.equal(p.table, "Users");
  assert.equal(p.tableDefinition, null);
  assert.equal(p.tableColumns, null);
  assert.deepEqual(p.columnSpecs, []);
  assert.deepEqual(p.queries.map((q) => [q.name, q.cql, q.fields, q.fieldsGiven]), [
    ["byname", 'SELECT * FROM "Users" WHERE name = ?', "multirow", null],
    ["readByUser", 'SELECT * FROM "Users" WHERE name = ? LIMIT 1', "multirow", null],
  ]);
});

Deno.test("parseProfile() follows YAML aliases and merge keys", async () => {
  const p = await readProfile("anchors.yaml");
  assert.deepEqual(p.columnSpecs, [
    {
      name: "a",
      size: dist("uniform(1..10)"),
      population: dist("uniform(1..1000)"),
      cluster: null,
    },
    {
      name: "b",
      size: dist("uniform(1..10)"),
      population: dist("uniform(1..1000)"),
      cluster: null,
    },
  ]);
  assert.deepEqual(p.queries.map((q) => [q.name, q.cql, q.fields]), [
    ["one", "SELECT * FROM t WHERE k = ?", "samerow"],
    ["other", "SELECT * FROM t WHERE k = ?", "multirow"],
    ["again", "SELECT * FROM t WHERE k = ?", "samerow"],
  ]);
});

Deno.test("parseProfile() reads the insert's consistencyLevel and serialConsistencyLevel (the fork 3.19)", () => {
  const text = "keyspace: ks\ntable: t\nqueries: {}\n" +
    "insert: {consistencyLevel: quorum, serialConsistencyLevel: local_serial}";
  const insert = parseProfile(text, "t.yaml").insert;
  assert.equal(insert.consistencyLevel, "QUORUM");
  assert.equal(insert.serialConsistencyLevel, "LOCAL_SERIAL");
});
