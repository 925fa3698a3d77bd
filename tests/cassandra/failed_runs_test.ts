// Never a success that did not happen, against the real node: runs whose every op fails (a column
// the table does not have) end with FAILURE, exit 1 and their errors counted, whatever the retry
// settings, where our earlier default printed Op rate 0, Total errors 0 and exit 0.
import assert from "node:assert/strict";
import { cassandraNodes, resultNumber, runStress, uniqueKeyspace } from "./_cassandra_node.ts";

const { plain } = cassandraNodes();

for (
  const errors of [
    [],
    ["-errors", "retries=20", "delay-policy=exponential", "min-delay-ms=100"],
  ]
) {
  const label = errors.length === 0 ? "immediate retries" : errors.slice(1).join(" ");
  Deno.test(`write duration=3s -col n=FIXED(8) on a five-column table fails (${label})`, async () => {
    const ks = uniqueKeyspace("fixed8");
    const first = await runStress(plain, ["write", "n=200", "-schema", `keyspace=${ks}`]);
    assert.equal(first.code, 0, first.err.join("\n"));
    const run = await runStress(plain, [
      "write",
      "duration=3s",
      "no-warmup",
      "-col",
      "n=FIXED(8)",
      "-rate",
      "threads=8",
      ...errors,
      "-schema",
      `keyspace=${ks}`,
    ]);
    const context = [...run.out.slice(-22), ...run.err.slice(0, 3)].join("\n");
    assert.equal(run.code, 1, context);
    assert.equal(run.out.at(-1), "FAILURE", context);
    assert.ok(resultNumber(run.out, "Total errors") > 0, context);
    assert.equal(resultNumber(run.out, "Total errors"), resultNumber(run.out, "Total partitions"));
    assert.ok(run.err.some((line) => line.includes('Undefined column name "C5"')), context);
  });
}
