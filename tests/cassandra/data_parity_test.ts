// The embedded node against a real Apache Cassandra 5.0 node on data queries: the steps of
// tests/cql_node/_data_parity_steps.ts (slices, IN, ORDER BY, LIMIT, token ranges, statics,
// collections, counters, conditional writes, batches, deletes, count(*), DISTINCT, paging, value
// types) go to both through cassandra-driver, in a keyspace of the same name, and every answer
// (columns with their types, rows, whether more pages follow, warnings, or the error's code and
// message) must agree. The real node's answers are recorded for the suite without a real node in
// tests/testdata/cassandra_5_data_answers.json (tests/cql_node/data_parity_answers_test.ts).
import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { dataStepGroups, runDataSteps } from "../cql_node/_data_parity_steps.ts";
import { cassandraNodes, nodeClient, uniqueKeyspace } from "./_cassandra_node.ts";

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
  const real = await answersOf(await nodeClient(plain), ks);
  const node = await CqlServer.start({ hostname: "127.0.0.1", port: 0 });
  let embedded: Record<string, unknown>;
  try {
    const client = new cassandra.Client({
      contactPoints: [`127.0.0.1:${node.port}`],
      localDataCenter: "datacenter1",
    });
    await client.connect();
    embedded = await answersOf(client, ks);
  } finally {
    await node.close();
  }
  const labels = dataStepGroups().flatMap((group) => group.steps.map((step) => step.label));
  assert.equal(new Set(labels).size, labels.length, "each step's label is its own");
  assert.deepEqual(Object.keys(real), labels);
  const differences = labels
    .filter((label) => JSON.stringify(embedded[label]) !== JSON.stringify(real[label]))
    .map((label) =>
      `${label}:\n  real:     ${JSON.stringify(real[label])}\n` +
      `  embedded: ${JSON.stringify(embedded[label])}`
    );
  assert.deepEqual(differences, []);
});
