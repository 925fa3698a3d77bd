// Records what a real Cassandra node answers to the data parity steps
// (tests/cql_node/_data_parity_steps.ts) into tests/testdata/cassandra_5_data_answers.json. Start a
// node with `deno task cassandra`, then: deno run -A tests/cql_node/_record_data_answers.ts PORT
// The steps run in their own keyspace (data_ks), dropped again at the end.
// deno-lint-ignore-file no-console
import cassandra from "cassandra-driver";
import { DATA_KEYSPACE, runDataSteps } from "./_data_parity_steps.ts";

const port = Number(Deno.args[0]);
if (!Number.isInteger(port)) throw new TypeError("usage: _record_data_answers.ts PORT");
const client = new cassandra.Client({
  contactPoints: [`127.0.0.1:${port}`],
  localDataCenter: "datacenter1",
});
await client.connect();
try {
  const local = await client.execute("SELECT release_version FROM system.local");
  const answers = await runDataSteps(client, { ks: DATA_KEYSPACE });
  await client.execute(`DROP KEYSPACE IF EXISTS ${DATA_KEYSPACE}`);
  const out = new URL("../testdata/cassandra_5_data_answers.json", import.meta.url);
  const recordedFrom = `Apache Cassandra ${local.rows[0]["release_version"]}, one node ` +
    "(datacenter1, num_tokens 16), cassandra-driver 4.8.0, native protocol v4";
  Deno.writeTextFileSync(out, JSON.stringify({ recordedFrom, steps: answers }, null, 2) + "\n");
  console.log(`recorded ${Object.keys(answers).length} answers into ${out.pathname}`);
} finally {
  await client.shutdown();
}
