// Test fixture: replays a suite of parity steps against the embedded node and checks every answer
// against the one a real Cassandra node gave (recorded by _record_answers.ts into tests/testdata),
// one test step per group, each listing every step that differs.
import assert from "node:assert/strict";
import type cassandra from "cassandra-driver";
import { withNode } from "./_driver_fixture.ts";

/** A group of steps, as each parity suite defines them. */
export interface ReplayGroup {
  /** The group's name (a test step). */
  readonly group: string;
  /** Its steps, in order: each sends its requests and resolves with the answer as plain data. */
  readonly steps: readonly {
    readonly label: string;
    run(client: cassandra.Client): Promise<unknown>;
  }[];
}

/** What to replay. */
export interface ReplayOptions {
  /** The file in tests/testdata the real node's answers were recorded into. */
  readonly file: string;
  /** The suite's step groups. */
  readonly groups: readonly ReplayGroup[];
  /** The keyspace the steps run in (created first, as on the real node). */
  readonly keyspace: string;
  /** The time limit of the whole replay. */
  readonly limitMs: number;
}

/**
 * Replays the steps on a fresh embedded node; each group is a test step that fails with every
 * step whose answer is not the recorded one.
 */
export async function replayAnswers(t: Deno.TestContext, options: ReplayOptions): Promise<void> {
  const recorded = JSON.parse(
    await Deno.readTextFile(new URL(`../testdata/${options.file}`, import.meta.url)),
  ) as { steps: Record<string, unknown> };
  const labels = options.groups.flatMap((g) => g.steps.map((s) => s.label));
  assert.equal(new Set(labels).size, labels.length, "each step's label is its own");
  assert.deepEqual(labels, Object.keys(recorded.steps));
  await withNode({ limitMs: options.limitMs }, async ({ client }) => {
    await client.execute(
      `CREATE KEYSPACE ${options.keyspace} WITH replication = ` +
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(`USE ${options.keyspace}`);
    for (const { group, steps } of options.groups) {
      await t.step(group, async () => {
        const failures: string[] = [];
        for (const step of steps) {
          const answer = await step.run(client);
          const expected = recorded.steps[step.label];
          try {
            assert.deepEqual(answer, expected);
          } catch {
            failures.push(
              `${step.label}:\n  recorded ${JSON.stringify(expected)}\n` +
                `  embedded ${JSON.stringify(answer)}`,
            );
          }
        }
        assert.deepEqual(failures, []);
      });
    }
  });
}
