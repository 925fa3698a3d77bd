// Secondary indexes on the embedded node (issue 19 item 5): CREATE INDEX and DROP INDEX parsed,
// then through cassandra-driver every step of _secondary_index_steps.ts answered as Apache
// Cassandra 5.0.6 answered it (tests/testdata/cassandra_5_secondary_index_answers.json, made by
// _record_answers.ts secondary-index): the indexes in system_schema.indexes and the driver's
// metadata, SELECTs by indexed columns, the refusals and their messages, DROP INDEX / TABLE /
// KEYSPACE. Last, what the embedded node refuses that Cassandra has: entries() indexes, custom
// and storage-attached indexes.
import assert from "node:assert/strict";
import { parseCql } from "../../lib/cql_node/parse/parse_cql.ts";
import { CqlSyntaxError } from "../../lib/cql_node/parse/cql_syntax_error.ts";
import { INDEX_KEYSPACE, indexStepGroups } from "./_secondary_index_steps.ts";
import { withNode } from "./_driver_fixture.ts";
import { replayAnswers } from "./_replay_answers.ts";

Deno.test("parseCql() reads CREATE INDEX and DROP INDEX", () => {
  assert.deepEqual(
    parseCql("CREATE INDEX IF NOT EXISTS readings_unit ON readings (unit)").statement,
    {
      kind: "createIndex",
      name: "readings_unit",
      table: { name: "readings" },
      ifNotExists: true,
      targets: [{ column: "unit", type: "simple" }],
      options: {},
    },
  );
  assert.deepEqual(parseCql('create index on ks."T" (keys(m));').statement, {
    kind: "createIndex",
    table: { keyspace: "ks", name: "T" },
    ifNotExists: false,
    targets: [{ column: "m", type: "keys" }],
    options: {},
  });
  assert.deepEqual(
    parseCql("CREATE INDEX i ON t (values(l), FULL(f), keys) WITH options = {'a': 'b'}")
      .statement,
    {
      kind: "createIndex",
      name: "i",
      table: { name: "t" },
      ifNotExists: false,
      targets: [
        { column: "l", type: "values" },
        { column: "f", type: "full" },
        { column: "keys", type: "simple" },
      ],
      options: { options: { a: "b" } },
    },
  );
  assert.deepEqual(parseCql("CREATE INDEX ON t ()").statement, {
    kind: "createIndex",
    table: { name: "t" },
    ifNotExists: false,
    targets: [],
    options: {},
  });
  assert.deepEqual(parseCql("DROP INDEX IF EXISTS ks.i").statement, {
    kind: "dropIndex",
    index: { keyspace: "ks", name: "i" },
    ifExists: true,
  });
  assert.deepEqual(parseCql('drop index "I"').statement, {
    kind: "dropIndex",
    index: { name: "I" },
    ifExists: false,
  });
});

Deno.test("parseCql() refuses the index kinds the embedded node does not have", () => {
  const refusals: [string, string][] = [
    ["CREATE INDEX ON t (entries(m))", "line 1:19 entries() indexes are not supported"],
    [
      "CREATE INDEX ON t (v) USING 'sai'",
      "line 1:22 CREATE INDEX ... USING statements are not supported",
    ],
    [
      "CREATE CUSTOM INDEX ON t (v) USING 'StorageAttachedIndex'",
      "line 1:0 CREATE CUSTOM INDEX statements are not supported",
    ],
    ["CREATE INDEX ks.i ON t (v)", "line 1:15 mismatched input '.' expecting K_ON"],
    ["DROP INDEX ON t", "line 1:11 no viable alternative at input 'ON'"],
  ];
  for (const [text, message] of refusals) {
    assert.throws(() => parseCql(text), (error: unknown) => {
      assert.ok(error instanceof CqlSyntaxError);
      assert.ok(error.message.startsWith(message), `${text}: ${error.message}`);
      return true;
    });
  }
});

Deno.test("the embedded node answers secondary index requests as Cassandra 5.0.6 did", async (t) => {
  await replayAnswers(t, {
    file: "cassandra_5_secondary_index_answers.json",
    groups: indexStepGroups(),
    keyspace: INDEX_KEYSPACE,
    limitMs: 60000,
  });
});

Deno.test("the embedded node refuses entries(), custom and storage-attached indexes", async () => {
  await withNode({}, async ({ client }) => {
    await client.execute(
      "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v int, m map<int, int>)");
    for (
      const [cql, message] of [
        ["CREATE INDEX ON ks.t (entries(m))", "entries() indexes are not supported"],
        ["CREATE INDEX ON ks.t (v) USING 'sai'", "USING statements are not supported"],
        ["CREATE CUSTOM INDEX ON ks.t (v) USING 'sai'", "CUSTOM INDEX statements are not"],
      ]
    ) {
      await assert.rejects(() => client.execute(cql), (error: Error & { code?: number }) => {
        assert.equal(error.code, 0x2000);
        assert.match(error.message, new RegExp(message.replace(/[()]/g, "\\$&")));
        return true;
      });
    }
    const rows = await client.execute(
      "SELECT index_name FROM system_schema.indexes WHERE keyspace_name = 'ks'",
    );
    assert.deepEqual(rows.rows, []);
  });
});
