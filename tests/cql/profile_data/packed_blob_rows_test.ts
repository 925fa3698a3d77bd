import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ProfileColumnSpec,
  ProfilePartitionGenerator,
} from "../../../lib/cql/profile_data/profile_partition_generator.ts";
import { ProfileValueGenerator } from "../../../lib/cql/profile_data/profile_value_generator.ts";
import { BlobRowKernel } from "../../../lib/cql/profile_data/_blob_row_kernel.ts";
import type { DistributionSpec } from "../../../lib/units/distribution_spec.ts";
import { hex } from "./_vectors.ts";
import { fixed, uniform } from "../user/_user_target_fixture.ts";

const PROPERTY_SEED = 20261207;

/** A fixed or uniform distribution within [low, high]. */
function distribution(low: number, high: number): fc.Arbitrary<DistributionSpec> {
  return fc.oneof(
    fc.integer({ min: low, max: high }).map(fixed),
    fc.tuple(fc.integer({ min: low, max: high }), fc.integer({ min: low, max: high }))
      .map(([a, b]) => uniform(Math.min(a, b), Math.max(a, b))),
  );
}

const column = (prefix: string) =>
  fc.record({
    name: fc.integer({ min: 0, max: 999 }).map((i) => `${prefix}${i}`),
    type: fc.constantFrom("blob", "text", "ascii", "varchar"),
    population: fc.oneof(distribution(-5_000, 5_000), fc.constant(undefined)),
    size: fc.oneof(distribution(0, 300), fc.constant(undefined)),
  }) as fc.Arbitrary<ProfileColumnSpec>;

/** The kernel's row against the column-by-column partition of the same seed. */
function assertSameRow(generator: ProfilePartitionGenerator, seed: number, populated: number) {
  const row = { bytes: new Uint8Array(8), sizes: new Int32Array(64) };
  generator.packRow(seed, row, populated);
  const { key, leafValues } = generator.partition(seed);
  const expected = [...key.map(hex), ...leafValues[0].map((v) => (v === null ? null : hex(v)))];
  let at = 0;
  const ours = expected.map((_, c) => {
    const size = row.sizes[c];
    if (size < 0) return null;
    at += size;
    return hex(row.bytes.subarray(at - size, at));
  });
  // partition() leaves columns out by the generator's ratio, packRow by min(ratio, populated).
  const cut = ours.map((v, c) => (expected[c] === null ? null : v));
  assert.deepEqual(cut, expected, `row of seed ${seed}`);
}

Deno.test("text and blob rows from the WebAssembly kernel are the column-by-column rows", () => {
  fc.assert(
    fc.property(
      fc.array(column("k"), { minLength: 1, maxLength: 3 }),
      fc.array(column("v"), { minLength: 0, maxLength: 6 }),
      fc.constantFrom(1, 0.5, 0.34),
      fc.array(fc.maxSafeInteger(), { minLength: 1, maxLength: 5 }),
      (partitionKey, values, ratio, seeds) => {
        const names = new Set([...partitionKey, ...values].map((c) => c.name));
        fc.pre(names.size === partitionKey.length + values.length);
        const keyGenerators = partitionKey.map((c) => new ProfileValueGenerator(c));
        const valueGenerators = values.map((c) => new ProfileValueGenerator(c));
        assert.notEqual(
          BlobRowKernel.of(
            keyGenerators.map((g) => g.blobColumn),
            valueGenerators.map((g) => g.blobColumn),
          ),
          null,
          "the kernel takes these columns",
        );
        const generator = new ProfilePartitionGenerator(
          { partitionKey, clustering: [], values },
          { rowPopulationRatio: ratio },
        );
        for (const seed of seeds) assertSameRow(generator, seed, 1);
      },
    ),
    { numRuns: 150, seed: PROPERTY_SEED },
  );
});

Deno.test("the kernel leaves out the value columns past the op's population ratio", () => {
  const generator = new ProfilePartitionGenerator({
    partitionKey: [{ name: "key", type: "blob", size: fixed(10) }],
    clustering: [],
    values: ["a", "b", "c", "d"].map((name) => ({ name, type: "text", size: uniform(1, 40) })),
  });
  const row = { bytes: new Uint8Array(8), sizes: new Int32Array(5) };
  generator.packRow(11, row, 0.5);
  assert.deepEqual([...row.sizes].map((s) => s >= 0), [true, true, true, false, false]);
  const { leafValues } = generator.partition(11);
  const first = row.sizes[0];
  assert.equal(hex(row.bytes.subarray(first, first + row.sizes[1])), hex(leafValues[0][0]!));
});
