// The embedded node answers the data queries of cassandra-stress `user` profiles and our workloads
// as Apache Cassandra 5.0.6 answered them: clustering slices and tuples over a DESC column, IN,
// ORDER BY, LIMIT, PER PARTITION LIMIT, token ranges, statics, collections, counters, conditional
// writes and what they show when not applied, batches, deletes, count(*), DISTINCT, paging, and
// values of every common type. Every expected answer was recorded from a real node by sending it
// the same requests through cassandra-driver (tests/testdata/cassandra_5_data_answers.json, made by
// _record_answers.ts data); tests/cassandra/data_parity_test.ts compares with a live node.
import { DATA_KEYSPACE, dataStepGroups } from "./_data_parity_steps.ts";
import { replayAnswers } from "./_replay_answers.ts";

Deno.test("the embedded node answers data queries as Cassandra 5.0.6 did", async (t) => {
  await replayAnswers(t, {
    file: "cassandra_5_data_answers.json",
    groups: dataStepGroups(),
    keyspace: DATA_KEYSPACE,
    limitMs: 120000,
  });
});
