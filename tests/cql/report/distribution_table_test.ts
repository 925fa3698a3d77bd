import assert from "node:assert/strict";
import type { DistributionSpec } from "../../../lib/units/distribution_spec.ts";
import { createDistribution } from "../../../lib/core/distribution.ts";
import { Prng } from "../../../lib/core/prng.ts";
import { formatDistributionTable } from "../../../lib/cql/report/distribution_table.ts";

function table(spec: DistributionSpec): string {
  return formatDistributionTable(createDistribution(spec, new Prng(1)));
}

const GAUSSIAN: DistributionSpec = {
  kind: "gaussian",
  min: 1,
  max: 1_000_000,
  mean: 500_000.5,
  stdev: 999_999 / 2 / 3,
  inverted: false,
  source: "gaussian(1..1000000)",
};
const EXP: DistributionSpec = {
  kind: "exp",
  min: 1,
  max: 1_000_000,
  inverted: false,
  source: "exp(1..1000000)",
};

Deno.test("formatDistributionTable() prints gaussian(1..1000000) as cassandra-stress does", async (t) => {
  const text = table(GAUSSIAN);
  const lines = text.split("\n");
  assert.equal(lines.length, 13);
  assert.equal(lines[0], "% of samples    Range       % of total");
  assert.equal(lines[5], "50.0            500000              50.0");
  assert.equal(lines[12], "100.0           1000000            100.0");
  await t.assertSnapshot(text);
});

Deno.test("formatDistributionTable() prints uniform(1..1000)", async (t) => {
  const text = table({
    kind: "uniform",
    min: 1,
    max: 1000,
    inverted: false,
    source: "uniform(1..1000)",
  });
  assert.equal(text.split("\n")[1], "10.0            101                 10.1");
  await t.assertSnapshot(text);
});

Deno.test("formatDistributionTable() prints exp(1..1000000)", async (t) => {
  await t.assertSnapshot(table(EXP));
});

Deno.test("formatDistributionTable() prints extreme(1..1000000,1.5)", async (t) => {
  await t.assertSnapshot(
    table({
      kind: "extreme",
      min: 1,
      max: 1_000_000,
      shape: 1.5,
      inverted: false,
      source: "extreme(1..1000000,1.5)",
    }),
  );
});

Deno.test("formatDistributionTable() prints ~exp(1..1000000) against the value at 100%", async (t) => {
  // cassandra-stress divides by inverseCumProb(1), which is min for an inverted distribution.
  const text = table({ ...EXP, inverted: true, source: "~exp(1..1000000)" });
  assert.equal(text.split("\n")[12], "100.0           1                  100.0");
  await t.assertSnapshot(text);
});

Deno.test("formatDistributionTable() prints NaN as Java does when the value at 100% is 0", () => {
  const text = table({ kind: "fixed", value: 0, inverted: false, source: "fixed(0)" });
  assert.equal(text.split("\n")[1], "10.0            0                    NaN");
});

Deno.test("formatDistributionTable() rounds half up like Java's %.1f", () => {
  // 0.15 is stored as 0.1499999...; Java still prints 0.2 (C and toFixed print 0.1).
  const dist = {
    minValue: 0,
    maxValue: 100,
    next: () => 0,
    inverseCumProb: (p: number) => (p === 1 ? 100 : 0.15),
  };
  assert.equal(
    formatDistributionTable(dist).split("\n")[1],
    "10.0            0.15                 0.2",
  );
});
