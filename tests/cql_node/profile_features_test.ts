// What a cassandra-stress `user profile=` workload needs of the embedded node (issue 19): compound
// partition keys, DESC clustering, static columns, collections, counters in batches, IF
// conditions, token() range queries with paging and PER PARTITION LIMIT. Every expected answer was
// recorded from Apache Cassandra 5.0.6 by sending it the same requests through cassandra-driver
// (tests/testdata/cassandra_5_profile_answers.json, made by _record_answers.ts profile).
import { profileStepGroups } from "./_profile_steps.ts";
import { replayAnswers } from "./_replay_answers.ts";

Deno.test("the embedded node answers a profile workload's requests as Cassandra 5.0.6 did", async (t) => {
  await replayAnswers(t, {
    file: "cassandra_5_profile_answers.json",
    groups: profileStepGroups(),
    keyspace: "profile_ks",
    limitMs: 60000,
  });
});
