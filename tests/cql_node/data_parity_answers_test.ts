// The embedded node answers the data queries of cassandra-stress `user` profiles and our workloads
// as Apache Cassandra 5.0.6 answered them: clustering slices and tuples over a DESC column, IN,
// ORDER BY, LIMIT, PER PARTITION LIMIT, token ranges, statics, collections, counters, conditional
// writes and what they show when not applied, batches, deletes, count(*), DISTINCT, paging, and
// values of every common type. Every expected answer was recorded from a real node by sending it
// the same requests through cassandra-driver (tests/testdata/cassandra_5_data_answers.json, made by
// _record_answers.ts data); tests/cassandra/data_parity_test.ts compares with a live node.
import assert from "node:assert/strict";
import { DATA_KEYSPACE, dataStepGroups } from "./_data_parity_steps.ts";
import { withNode } from "./_driver_fixture.ts";

const RECORDED = JSON.parse(
  Deno.readTextFileSync(new URL("../testdata/cassandra_5_data_answers.json", import.meta.url)),
) as { steps: Record<string, unknown> };

Deno.test("the embedded node answers data queries as Cassandra 5.0.6 did", async (t) => {
  const groups = dataStepGroups();
  const labels = groups.flatMap((g) => g.steps.map((s) => s.label));
  assert.equal(new Set(labels).size, labels.length, "each step's label is its own");
  assert.deepEqual(labels, Object.keys(RECORDED.steps));
  await withNode({ limitMs: 120000 }, async ({ client }) => {
    await client.execute(
      `CREATE KEYSPACE ${DATA_KEYSPACE} WITH replication = ` +
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(`USE ${DATA_KEYSPACE}`);
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
