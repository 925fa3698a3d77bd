// What a cassandra-stress `user profile=` workload needs of the embedded node (issue 19): compound
// partition keys, DESC clustering, static columns, collections, counters in batches, IF
// conditions, token() range queries with paging and PER PARTITION LIMIT. Every expected answer was
// recorded from Apache Cassandra 5.0.6 by sending it the same requests through cassandra-driver
// (tests/testdata/cassandra_5_profile_answers.json, made by _record_answers.ts profile).
import assert from "node:assert/strict";
import { profileStepGroups } from "./_profile_steps.ts";
import { withNode } from "./_driver_fixture.ts";

const RECORDED = JSON.parse(
  Deno.readTextFileSync(new URL("../testdata/cassandra_5_profile_answers.json", import.meta.url)),
) as { steps: Record<string, unknown> };

Deno.test("the embedded node answers a profile workload's requests as Cassandra 5.0.6 did", async (t) => {
  const groups = profileStepGroups();
  assert.deepEqual(
    groups.flatMap((g) => g.steps.map((s) => s.label)),
    Object.keys(RECORDED.steps),
  );
  await withNode({ limitMs: 60000 }, async ({ client }) => {
    await client.execute(
      "CREATE KEYSPACE profile_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute("USE profile_ks");
    for (const { group, steps } of groups) {
      await t.step(group, async () => {
        const failures: string[] = [];
        for (const step of steps) {
          const answer = await step.run(client);
          try {
            assert.deepEqual(answer, RECORDED.steps[step.label]);
          } catch {
            failures.push(
              `${step.label}:\n  recorded ${JSON.stringify(RECORDED.steps[step.label])}\n` +
                `  embedded ${JSON.stringify(answer)}`,
            );
          }
        }
        assert.deepEqual(failures, []);
      });
    }
  });
});
