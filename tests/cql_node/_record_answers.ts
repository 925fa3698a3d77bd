// Records what a real Cassandra node answers to one suite of parity steps, into the file of
// tests/testdata that the suite's no-node test replays. Start a node with `deno task cassandra`,
// then: deno run -A tests/cql_node/_record_answers.ts SUITE PORT
// SUITE: `data` (_data_parity_steps.ts), `secondary-index` (_secondary_index_steps.ts) or
// `profile` (_profile_steps.ts). Each runs in keyspaces of its own, dropped again at the end.
// deno-lint-ignore-file no-console
import cassandra from "cassandra-driver";
import { DATA_KEYSPACE, runDataSteps } from "./_data_parity_steps.ts";
import { INDEX_KEYSPACE, runIndexSteps } from "./_secondary_index_steps.ts";
import { runProfileSteps } from "./_profile_steps.ts";

/** A suite: its steps' runner, the keyspace left to drop, and the file of its answers. */
interface Suite {
  run(client: cassandra.Client): Promise<Record<string, unknown>>;
  keyspace: string;
  file: string;
}

const SUITES: Record<string, Suite> = {
  "data": {
    run: (client) => runDataSteps(client, { ks: DATA_KEYSPACE }),
    keyspace: DATA_KEYSPACE,
    file: "cassandra_5_data_answers.json",
  },
  "secondary-index": {
    run: runIndexSteps,
    keyspace: INDEX_KEYSPACE,
    file: "cassandra_5_secondary_index_answers.json",
  },
  "profile": {
    run: (client) => runProfileSteps(client, "profile_ks"),
    keyspace: "profile_ks",
    file: "cassandra_5_profile_answers.json",
  },
};

const suite = SUITES[Deno.args[0]];
const port = Number(Deno.args[1]);
if (suite === undefined || !Number.isInteger(port)) {
  throw new TypeError(`usage: _record_answers.ts ${Object.keys(SUITES).join("|")} PORT`);
}
const client = new cassandra.Client({
  contactPoints: [`127.0.0.1:${port}`],
  localDataCenter: "datacenter1",
});
await client.connect();
try {
  const local = await client.execute("SELECT release_version FROM system.local");
  const answers = await suite.run(client);
  await client.execute(`DROP KEYSPACE IF EXISTS ${suite.keyspace}`);
  const out = new URL(`../testdata/${suite.file}`, import.meta.url);
  const recordedFrom = `Apache Cassandra ${local.rows[0]["release_version"]}, one node ` +
    "(datacenter1, num_tokens 16), cassandra-driver 4.8.0, native protocol v4";
  Deno.writeTextFileSync(out, JSON.stringify({ recordedFrom, steps: answers }, null, 2) + "\n");
  console.log(`recorded ${Object.keys(answers).length} answers into ${out.pathname}`);
} finally {
  await client.shutdown();
}
