// The user targets (cassandra-driver's and the native one) against the embedded node: inserts store exactly the generator's rows, queries find
// them with cassandra-stress's counts, write queries count 0/0, and what it does not run is
// refused at connect().
import { opCountOf } from "../../../lib/engine/target.ts";
import assert from "node:assert/strict";
import { parseRatioDistribution } from "../../../lib/units/parse_distribution.ts";
import { ProfilePartitionGenerator } from "../../../lib/cql/profile_data/profile_partition_generator.ts";
import type { UserTableSpec } from "../../../lib/cql/user/user_target_spec.ts";
import {
  elementsHex,
  fixed,
  hex,
  KV,
  KV_CQL,
  rowsOf,
  startNodeWith,
  tableSpec,
  targetSpec,
  uniform,
  userTargetTest,
  wireHex,
} from "./_user_target_fixture.ts";

const TS_COLUMNS = [
  { name: "id", type: "int", kind: "partition_key" },
  { name: "day", type: "int", kind: "clustering", population: uniform(1, 5), cluster: fixed(2) },
  { name: "at", type: "bigint", kind: "clustering", cluster: uniform(1, 4) },
  { name: "val", type: "blob", kind: "regular" },
] as const;
const HALF = { distribution: fixed(1), divisor: 2, source: "fixed(1)/2" };
const TS_HALF = tableSpec("ts", TS_COLUMNS, { select: HALF, batchType: "UNLOGGED" });
const TS_ALL = tableSpec("ts", TS_COLUMNS, { batchType: "LOGGED" });
const TS_CQL =
  "CREATE TABLE ts (id int, day int, at bigint, val blob, PRIMARY KEY (id, day, at)) " +
  "WITH CLUSTERING ORDER BY (day ASC, at DESC)";

const COLL = tableSpec("coll", [
  { name: "k", type: "int", kind: "partition_key" },
  { name: "s", type: "set<int>", kind: "regular", population: uniform(1, 50), size: fixed(5) },
  { name: "l", type: "list<text>", kind: "regular", size: uniform(1, 4) },
]);
const COLL_CQL = "CREATE TABLE coll (k int PRIMARY KEY, s set<int>, l list<text>)";

const CNT = tableSpec("cnt", [
  { name: "k", type: "int", kind: "partition_key" },
  { name: "c", type: "int", kind: "clustering", population: uniform(1, 1000), cluster: fixed(3) },
  { name: "n", type: "counter", kind: "regular", population: fixed(1) },
], { batchType: "COUNTER" });
const CNT_CQL = "CREATE TABLE cnt (k int, c int, n counter, PRIMARY KEY (k, c))";

const generatorOf = (table: UserTableSpec) => new ProfilePartitionGenerator(table.data);

/** The generated rows of seeds, as `pk|clustering...` -> value column hexes. */
function expectedRows(table: UserTableSpec, seeds: Iterable<number>): Map<string, string[]> {
  const generator = generatorOf(table);
  const out = new Map<string, string[]>();
  for (const seed of seeds) {
    const partition = generator.partition(seed);
    for (const row of generator.rows(partition)) {
      const id = [...partition.key, ...row.clustering].map(hex).join("|");
      out.set(id, row.values.map((v) => hex(v) ?? "null"));
    }
  }
  return out;
}

/** The stored rows of a table, keyed as {@linkcode expectedRows}. */
async function storedRows(
  admin: Parameters<typeof rowsOf>[0],
  table: UserTableSpec,
): Promise<Map<string, string[]>> {
  const columns = table.layout.columns;
  const keys = columns.filter((c) => c.kind === "partition_key" || c.kind === "clustering");
  const values = columns.filter((c) => c.kind !== "partition_key" && c.kind !== "clustering");
  const out = new Map<string, string[]>();
  for (const row of await rowsOf(admin, table.layout.name)) {
    const id = keys.map((c) => wireHex(row.get(c.name), c.type)).join("|");
    out.set(id, values.map((c) => wireHex(row.get(c.name), c.type) ?? "null"));
  }
  return out;
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

userTargetTest(
  "insert: a key-value table stores the generator's rows byte for byte, 1/1 per op",
  async (Target) => {
    const { node, admin } = await startNodeWith([KV_CQL]);
    for (const prepared of [true, false]) {
      const target = await Target.connect(
        targetSpec(node, [KV], [{ kind: "insert", table: 0 }], prepared),
      );
      try {
        for (const seed of SEEDS) {
          assert.deepEqual(opCountOf(await target.op(0, seed)), { partitions: 1, rows: 1 });
        }
      } finally {
        await target.close();
      }
    }
    try {
      const stored = await storedRows(admin, KV);
      assert.equal(stored.size, SEEDS.length);
      assert.deepEqual(stored, expectedRows(KV, SEEDS));
    } finally {
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "insert: partitions fixed(3) takes two further seeds and writes the three partitions in one batch",
  async (Target) => {
    const { node, admin } = await startNodeWith([KV_CQL]);
    const many = {
      ...KV,
      insert: { ...KV.insert, partitions: fixed(3), batchType: "UNLOGGED" },
    } as const;
    const target = await Target.connect(targetSpec(node, [many], [{ kind: "insert", table: 0 }]));
    try {
      const asked: number[] = [];
      const more = { seed: (index: number) => (asked.push(index), 100 + index) };
      assert.deepEqual(opCountOf(await target.op(0, 7, more)), { partitions: 3, rows: 3 });
      assert.deepEqual(asked, [0, 1]);
      // The run has no cycle left after one further seed: the op writes the two it got.
      const short = { seed: (index: number) => (index === 0 ? 200 : -1) };
      assert.deepEqual(opCountOf(await target.op(0, 8, short)), { partitions: 2, rows: 2 });
      assert.deepEqual(await storedRows(admin, KV), expectedRows(KV, [7, 100, 101, 8, 200]));
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "insert: row-population-ratio 0.5 leaves the last half of the value columns NULL",
  async (Target) => {
    const cql = "CREATE TABLE wide (k bigint PRIMARY KEY, a text, b text, c text, d text)";
    const wide = {
      ...tableSpec("wide", [
        { name: "k", type: "bigint", kind: "partition_key" },
        { name: "a", type: "text", kind: "regular" },
        { name: "b", type: "text", kind: "regular" },
        { name: "c", type: "text", kind: "regular" },
        { name: "d", type: "text", kind: "regular" },
      ]),
      rowPopulationRatio: parseRatioDistribution("fixed(1)/2"),
    };
    const { node, admin } = await startNodeWith([cql]);
    const target = await Target.connect(targetSpec(node, [wide], [{ kind: "insert", table: 0 }]));
    try {
      for (const seed of SEEDS) opCountOf(await target.op(0, seed));
      const stored = await storedRows(admin, wide);
      assert.equal(stored.size, SEEDS.length);
      for (const values of stored.values()) {
        assert.deepEqual(values.map((v) => v === "null"), [false, false, true, true]);
      }
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "insert: a row-population-ratio that varies is drawn per partition: the NULLs are always the last columns",
  async (Target) => {
    const cql = "CREATE TABLE wide (k bigint PRIMARY KEY, a text, b text, c text, d text)";
    const wide = {
      ...tableSpec("wide", [
        { name: "k", type: "bigint", kind: "partition_key" },
        { name: "a", type: "text", kind: "regular" },
        { name: "b", type: "text", kind: "regular" },
        { name: "c", type: "text", kind: "regular" },
        { name: "d", type: "text", kind: "regular" },
      ]),
      // 1/4 .. 4/4: from one value column to all four (with none, an UPDATE writes no row).
      rowPopulationRatio: parseRatioDistribution("uniform(1..4)/4"),
    };
    const { node, admin } = await startNodeWith([cql]);
    const target = await Target.connect(targetSpec(node, [wide], [{ kind: "insert", table: 0 }]));
    try {
      for (const seed of SEEDS) opCountOf(await target.op(0, seed));
      const stored = await storedRows(admin, wide);
      assert.equal(stored.size, SEEDS.length);
      const filled = new Set<number>();
      for (const values of stored.values()) {
        const nulls = values.map((v) => v === "null");
        const count = nulls.indexOf(true) < 0 ? 4 : nulls.indexOf(true);
        // Written columns first, then only NULLs.
        assert.deepEqual(nulls, [0, 1, 2, 3].map((i) => i >= count), values.join());
        filled.add(count);
      }
      assert.ok(filled.size >= 3, `column counts seen: ${[...filled]}`);
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "insert: select 0.5 on a time series (DESC clustering) writes about half the rows, one at least",
  async (Target) => {
    const { node, admin } = await startNodeWith([TS_CQL]);
    const target = await Target.connect(
      targetSpec(node, [TS_HALF], [{ kind: "insert", table: 0 }]),
    );
    try {
      let written = 0;
      const counts = new Map<number, number>();
      for (const seed of SEEDS) {
        const count = opCountOf(await target.op(0, seed));
        assert.equal(count.partitions, 1);
        assert.ok(count.rows >= 1);
        counts.set(seed, count.rows);
        written += count.rows;
      }
      const expected = expectedRows(TS_HALF, SEEDS);
      const stored = await storedRows(admin, TS_HALF);
      assert.equal(stored.size, written);
      for (const [id, values] of stored) assert.deepEqual(values, expected.get(id), id);
      const ratio = written / expected.size;
      assert.ok(ratio > 0.35 && ratio < 0.75, `wrote ${written} of ${expected.size} rows`);
      // Every partition has at least one stored row, and exactly the op's count.
      const generator = generatorOf(TS_HALF);
      for (const seed of SEEDS) {
        const key = hex(generator.partition(seed).key[0])!;
        const mine = [...stored.keys()].filter((id) => id.startsWith(key + "|")).length;
        assert.equal(mine, counts.get(seed), `seed ${seed}`);
      }
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest("insert: select 1 in LOGGED batches writes every generated row", async (Target) => {
  const { node, admin } = await startNodeWith([TS_CQL]);
  const target = await Target.connect(
    targetSpec(node, [TS_ALL], [{ kind: "insert", table: 0 }], false),
  );
  try {
    const generator = generatorOf(TS_ALL);
    for (const seed of SEEDS) {
      const rowCount = generator.partition(seed).rowCount;
      assert.deepEqual(opCountOf(await target.op(0, seed)), { partitions: 1, rows: rowCount });
    }
    assert.deepEqual(await storedRows(admin, TS_ALL), expectedRows(TS_ALL, SEEDS));
  } finally {
    await target.close();
    await admin.shutdown();
    await node.close();
  }
});

userTargetTest(
  "insert: set and list columns are appended with the generated elements",
  async (Target) => {
    const { node, admin } = await startNodeWith([COLL_CQL]);
    const target = await Target.connect(targetSpec(node, [COLL], [{ kind: "insert", table: 0 }]));
    try {
      for (const seed of SEEDS) {
        assert.deepEqual(opCountOf(await target.op(0, seed)), { partitions: 1, rows: 1 });
      }
      const generator = generatorOf(COLL);
      const rows = await rowsOf(admin, "coll");
      assert.equal(rows.length, SEEDS.length);
      const byKey = new Map(rows.map((row) => [wireHex(row.get("k"), "int"), row]));
      for (const seed of SEEDS) {
        const partition = generator.partition(seed);
        const row = byKey.get(hex(partition.key[0]));
        assert.ok(row !== undefined, `seed ${seed}`);
        const [set, list] = partition.leafValues[0];
        const storedSet = (row.get("s") as number[]).map((n) => wireHex(n, "int"));
        assert.deepEqual(storedSet, [...new Set(elementsHex(set!))].sort());
        const storedList = (row.get("l") as string[]).map((t) => wireHex(t, "text"));
        assert.deepEqual(storedList, elementsHex(list!));
      }
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "insert: a counter table in COUNTER batches adds the population to every row",
  async (Target) => {
    const { node, admin } = await startNodeWith([CNT_CQL]);
    const target = await Target.connect(targetSpec(node, [CNT], [{ kind: "insert", table: 0 }]));
    try {
      const seeds = SEEDS.slice(0, 10);
      let written = 0;
      for (const seed of seeds) {
        const count = opCountOf(await target.op(0, seed));
        assert.equal(count.rows, generatorOf(CNT).partition(seed).rowCount);
        written += count.rows;
      }
      opCountOf(await target.op(0, 1)); // seed 1 again: its counters reach 2
      const expected = expectedRows(CNT, seeds);
      const rows = await rowsOf(admin, "cnt");
      assert.equal(rows.length, written);
      const first = hex(generatorOf(CNT).partition(1).key[0]);
      for (const row of rows) {
        const key = `${wireHex(row.get("k"), "int")}|${wireHex(row.get("c"), "int")}`;
        assert.ok(expected.has(key), key);
        const n = Number(row.get("n"));
        assert.equal(n, key.startsWith(`${first}|`) ? 2 : 1, key);
      }
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);
