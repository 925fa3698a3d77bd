import assert from "node:assert/strict";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";
import { batchShapeOf, formatBatchShapeLine } from "../../../lib/cql/profile/batch_shape.ts";
import { parseProfile } from "../../../lib/cql/profile/parse_profile.ts";
import type { StressProfile } from "../../../lib/cql/profile/stress_profile.ts";
import { readProfile } from "./_profiles.ts";

function insertOf(...params: string[]) {
  const args = ["user", "profile=x.yaml", "ops(insert=1)"];
  return parseStressArgs(params.length === 0 ? args : [...args, "-insert", ...params]).insert;
}

function clusteringOf(profile: StressProfile): string[] {
  return profile.tableColumns!.clustering.map((column) => column.name);
}

Deno.test("batchShapeOf() takes the YAML insert section and the clustering columns' cluster", async () => {
  const p = await readProfile("timeseries.yaml");
  const shape = batchShapeOf(p, clusteringOf(p), insertOf());
  assert.equal(shape.batchType, "UNLOGGED");
  assert.deepEqual(shape.partitionsRange, [1, 5]);
  assert.deepEqual(shape.rowsPerPartition, [10, 1000]);
  // select uniform(1..10)/10 is [0.1, 1]: 0.1 * 1 * 10 = 1 and 1 * 5 * 1000 = 5000.
  assert.ok(Math.abs(shape.batchRows[0] - 1) < 1e-9);
  assert.equal(shape.batchRows[1], 5000);
  assert.equal(
    formatBatchShapeLine(shape),
    "Generating batches with [1..5] partitions and [1..5000] rows (of [10..5000] total rows in the partitions)",
  );
  assert.equal(shape.error, null);
  assert.deepEqual(shape.warnings, []);
});

Deno.test("batchShapeOf() lets -insert override the YAML, and refuses LOGGED batches over 65535 rows", async () => {
  const p = await readProfile("timeseries.yaml");
  const shape = batchShapeOf(
    p,
    clusteringOf(p),
    insertOf("partitions=fixed(100)", "batchtype=LOGGED"),
  );
  assert.equal(shape.batchType, "LOGGED");
  assert.deepEqual(shape.partitionsRange, [100, 100]);
  assert.equal(
    shape.error,
    "ERROR: You have defined a workload that generates batches with more than 65k rows (100000), " +
      "but have required the use of LOGGED batches. There is a 65k row limit on a single batch.",
  );
  const visited = batchShapeOf(
    p,
    clusteringOf(p),
    insertOf("partitions=fixed(100)", "batchtype=LOGGED", "visits=fixed(2)"),
  );
  assert.equal(visited.batchRows[1], 50000);
  assert.equal(visited.error, null);
  const selected = batchShapeOf(p, clusteringOf(p), insertOf("select-ratio=fixed(1)/4"));
  assert.deepEqual(selected.batchRows, [2.5, 1250]);
});

Deno.test("batchShapeOf() reads the example's many clustering columns and tiny select ratio", async () => {
  const p = await readProfile("example_shape.yaml");
  const shape = batchShapeOf(p, clusteringOf(p), insertOf());
  // date uniform(20..40) and lval uniform(1..4); the other four clustering columns fixed(1).
  assert.deepEqual(shape.rowsPerPartition, [20, 160]);
  assert.equal(
    formatBatchShapeLine(shape),
    "Generating batches with [1..1] partitions and [0..0] rows (of [20..160] total rows in the partitions)",
  );
});

Deno.test("batchShapeOf() keeps Java's bounds of an inverted distribution, and warns on huge shapes", () => {
  const profile = (insert: string) =>
    parseProfile(
      "keyspace: ks\ntable: t\ncolumnspec:\n  - {name: a, cluster: fixed(200000)}\n" +
        `  - {name: b, cluster: fixed(1000)}\ninsert: {${insert}}\nqueries: {}`,
      "t.yaml",
    );
  const inverted = batchShapeOf(profile("partitions: ~uniform(1..10)"), [], insertOf());
  assert.deepEqual(inverted.partitionsRange, [10, 1]);
  const partitions = "WARNING: You have defined a schema that permits very large partitions " +
    "(200000000 max rows (>100M))";
  const unlogged = batchShapeOf(profile("batchtype: UNLOGGED"), ["a", "b"], insertOf());
  assert.deepEqual(unlogged.warnings, [
    partitions,
    "WARNING: You have defined a schema that permits very large batches (200000000 max rows " +
    "(>100K)). This may OOM this stress client, or the server.",
  ]);
  const logged = batchShapeOf(profile("batchtype: LOGGED"), ["a", "b"], insertOf());
  assert.deepEqual(logged.warnings, [partitions]);
  assert.match(logged.error ?? "", /more than 65k rows \(200000000\)/);
  assert.deepEqual(batchShapeOf(profile("batchtype: LOGGED"), ["a"], insertOf()).rowsPerPartition, [
    200000,
    200000,
  ]);
});
