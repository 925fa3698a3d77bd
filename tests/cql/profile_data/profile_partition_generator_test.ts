import assert from "node:assert/strict";
import {
  type ProfileColumnSpec,
  ProfilePartitionGenerator,
} from "../../../lib/cql/profile_data/profile_partition_generator.ts";
import { parseDistribution } from "../../../lib/units/parse_distribution.ts";
import { OptionError } from "../../../lib/errors.ts";
import { hex, type PartitionVectors, type VectorColumn, VECTORS } from "./_vectors.ts";

function columnOf(column: VectorColumn): ProfileColumnSpec {
  const spec = (text: string | null) => (text === null ? null : parseDistribution(text));
  return {
    name: column.name,
    type: column.type,
    population: spec(column.population),
    size: spec(column.size),
    cluster: spec(column.cluster),
  };
}

function generatorOf(vectors: PartitionVectors): ProfilePartitionGenerator {
  return new ProfilePartitionGenerator(
    {
      partitionKey: vectors.partitionKey.map(columnOf),
      clustering: vectors.clustering.map(columnOf),
      values: vectors.values.map(columnOf),
    },
    {
      order: vectors.order === "SORTED" ? "sorted" : "arbitrary",
      rowPopulationRatio: vectors.rowPopulation,
    },
  );
}

/** Our rows in the vectors' form; sets compared as sorted element lists (c-s sends HashSet order). */
function rowsOf(generator: ProfilePartitionGenerator, seed: number, vectors: PartitionVectors) {
  const partition = generator.partition(seed);
  const rows = [...generator.rows(partition)].map((row) => [
    ...row.clustering.map(hex),
    ...row.values.map((v) => (v === null ? null : hex(v))),
  ]);
  return { key: partition.key.map(hex), rows: rows.map((row) => normaliseSets(row, vectors)) };
}

function normaliseSets(row: (string | null)[], vectors: PartitionVectors): (string | null)[] {
  const types = [...vectors.clustering, ...vectors.values].map((c) => c.type);
  return row.map((value, i) => {
    if (value === null || !types[i].startsWith("set")) return value;
    const bytes = Uint8Array.from(value.match(/../g) ?? [], (h) => parseInt(h, 16));
    const view = new DataView(bytes.buffer);
    const elements: string[] = [];
    let at = 4;
    for (let n = 0; n < view.getInt32(0); n++) {
      const length = view.getInt32(at);
      elements.push(hex(bytes.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    return `set:${elements.sort().join(",")}`;
  });
}

Deno.test("ProfilePartitionGenerator matches cassandra-stress's PartitionIterator", async (t) => {
  assert.ok(VECTORS.partitions.some((p) => p.clustering.length === 2));
  assert.ok(VECTORS.partitions.some((p) => p.order === "SORTED"));
  assert.ok(VECTORS.partitions.some((p) => p.rowPopulation < 1));
  for (const vectors of VECTORS.partitions) {
    await t.step(vectors.name, () => {
      const generator = generatorOf(vectors);
      for (const { seed, key, rows } of vectors.cases) {
        const ours = rowsOf(generator, Number(seed), vectors);
        assert.deepEqual(ours.key, key, `key of seed ${seed}`);
        assert.deepEqual(
          ours.rows,
          rows.map((row) => normaliseSets(row, vectors)),
          `rows of seed ${seed}`,
        );
      }
    });
  }
});

Deno.test("ProfilePartitionGenerator keeps c-s's quirks: every parent has the same children", () => {
  const vectors = VECTORS.partitions.find((p) => p.name === "two levels")!;
  const generator = generatorOf(vectors);
  for (const { seed } of vectors.cases) {
    const partition = generator.partition(Number(seed));
    assert.equal(partition.levels.length, 2);
    assert.equal(partition.rowCount, partition.levels[0].length * partition.levels[1].length);
    assert.ok(
      partition.rowCount >= generator.minRowCount && partition.rowCount <= generator.maxRowCount,
    );
  }
  assert.equal(generator.minRowCount, 3);
  assert.equal(generator.maxRowCount, 12);
});

Deno.test("ProfilePartitionGenerator refuses what c-s cannot reproduce or generate", () => {
  const key = [{ name: "k", type: "int" }];
  const make = (layout: Partial<Parameters<typeof create>[0]>, order?: string) => () =>
    create({ partitionKey: key, clustering: [], values: [], ...layout }, order);
  function create(
    layout: ConstructorParameters<typeof ProfilePartitionGenerator>[0],
    order?: string,
  ) {
    return new ProfilePartitionGenerator(layout, { order: order as "sorted" | undefined });
  }
  assert.throws(make({ partitionKey: [] }), OptionError);
  assert.throws(make({}, "shuffled"), OptionError);
  assert.throws(make({ partitionKey: [{ name: "k", type: "set<int>" }] }), OptionError);
  assert.throws(make({ clustering: [{ name: "c", type: "list<int>" }] }), OptionError);
  assert.throws(
    make({ clustering: [{ name: "c", type: "int", cluster: parseDistribution("uniform(0..3)") }] }),
    OptionError,
  );
  // The message names the distribution as written (an inverted one draws its minimum too).
  assert.throws(
    make({
      clustering: [{ name: "c", type: "int", cluster: parseDistribution("~uniform(0..3)") }],
    }),
    {
      message: 'Cannot parse option "columnspec c cluster": "~uniform(0..3)" can draw fewer ' +
        "than 1 value, expected a distribution of at least 1",
    },
  );
  assert.throws(
    () => create({ partitionKey: key, clustering: [], values: [] }).partition(0.5),
    RangeError,
  );
});

Deno.test("ProfilePartitionGenerator's values stay intact while later partitions are made", () => {
  const vectors = VECTORS.partitions.find((p) => p.name === "two levels")!;
  const generator = generatorOf(vectors);
  const first = rowsOf(generator, 1, vectors);
  const partition = generator.partition(1);
  const kept = [...generator.rows(partition)];
  for (let seed = 2; seed < 3000; seed++) generator.partition(seed);
  const again = kept.map((row) =>
    normaliseSets([
      ...row.clustering.map(hex),
      ...row.values.map((v) => (v === null ? null : hex(v))),
    ], vectors)
  );
  assert.deepEqual(partition.key.map(hex), first.key);
  assert.deepEqual(again, first.rows);
});
