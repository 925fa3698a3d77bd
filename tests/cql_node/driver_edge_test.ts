// Statements a developer's application sends through cassandra-driver that the embedded node
// once answered otherwise than Apache Cassandra: each test names the statement and the answer
// Cassandra gives.
import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { withNode } from "./_driver_fixture.ts";

const KEYSPACE =
  "CREATE KEYSPACE edge WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";

Deno.test("CONTAINS with a tuple literal filters a list of tuples", async () => {
  await withNode({}, async ({ client }) => {
    await client.execute(KEYSPACE);
    await client.execute(
      "CREATE TABLE edge.lt (k int PRIMARY KEY, li list<frozen<tuple<int, text>>>)",
    );
    await client.execute("INSERT INTO edge.lt (k, li) VALUES (1, [(1, 'one'), (2, 'two')])");
    await client.execute("INSERT INTO edge.lt (k, li) VALUES (2, [(3, 'three')])");
    const literal = await client.execute(
      "SELECT k FROM edge.lt WHERE li CONTAINS (2, 'two') ALLOW FILTERING",
    );
    assert.deepEqual(literal.rows.map((r) => r.k), [1]);
    const bound = await client.execute(
      "SELECT k FROM edge.lt WHERE li CONTAINS ? ALLOW FILTERING",
      [new cassandra.types.Tuple(3, "three")],
      { prepare: true },
    );
    assert.deepEqual(bound.rows.map((r) => r.k), [2]);
  });
});
