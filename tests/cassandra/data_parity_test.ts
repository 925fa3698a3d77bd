// The embedded node against a real Apache Cassandra 5.0 node on data queries: the steps of
// tests/cql_node/_data_parity_steps.ts (slices, IN, ORDER BY, LIMIT, token ranges, statics,
// collections, counters, conditional writes, batches, deletes, count(*), DISTINCT, paging, value
// types) go to both through cassandra-driver, in a keyspace of the same name, and every answer
// (columns with their types, rows, whether more pages follow, warnings, or the error's code and
// message) must agree. The real node's answers are recorded for the suite without a real node in
// tests/testdata/cassandra_5_data_answers.json (tests/cql_node/data_parity_answers_test.ts).
import assert from "node:assert/strict";
import type cassandra from "cassandra-driver";
import { dataStepGroups, runDataSteps } from "../cql_node/_data_parity_steps.ts";
import { cassandraNodes, uniqueKeyspace } from "./_cassandra_node.ts";
import { differencesOf, realAndEmbedded } from "./_side_by_side.ts";

const { plain } = cassandraNodes();

async function answersOf(client: cassandra.Client, ks: string): Promise<Record<string, unknown>> {
  try {
    return await runDataSteps(client, { ks });
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
    await client.shutdown();
  }
}

Deno.test("data queries are answered as a real node answers them", async () => {
  const ks = uniqueKeyspace("parity_data");
  const { real, embedded } = await realAndEmbedded(plain, ks, answersOf);
  const labels = dataStepGroups().flatMap((group) => group.steps.map((step) => step.label));
  assert.equal(new Set(labels).size, labels.length, "each step's label is its own");
  assert.deepEqual(Object.keys(real), labels);
  const differences = differencesOf(labels, (i) => real[labels[i]], (i) => embedded[labels[i]]);
  assert.deepEqual(differences, []);
});
