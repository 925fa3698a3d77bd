import assert from "node:assert/strict";
import fc from "fast-check";
import { StressData, type StressDataOptions } from "../../lib/cql/stress_data.ts";
import { parseDistribution } from "../../lib/units/parse_distribution.ts";
import { OptionError } from "../../lib/errors.ts";

/** Vectors printed by cassandra-stress's own generator classes (see the file's `source`). */
interface VectorFile {
  source: string;
  configs: {
    name: string;
    keySizeBytes: number;
    columnNames: string[];
    columnSize: string;
    cases: { seed: number; key: string; values: string[] }[];
  }[];
}

const VECTORS: VectorFile = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/cs_generator_vectors.json", import.meta.url)),
);
const PROPERTY_SEED = 20240611;
const ASCII = new TextDecoder();

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function create(options: Partial<StressDataOptions> & { size?: string } = {}): StressData {
  return new StressData({
    keySizeBytes: options.keySizeBytes ?? 10,
    columnNames: options.columnNames ?? StressData.columnNamesFor(5),
    columnSize: options.columnSize ?? parseDistribution(options.size ?? "fixed(34)"),
    columnCount: options.columnCount ?? null,
  });
}

Deno.test("StressData matches the cassandra-stress vectors byte for byte", async (t) => {
  assert.ok(VECTORS.configs.length >= 9);
  for (const config of VECTORS.configs) {
    await t.step(`${config.name} (key ${config.keySizeBytes}, size ${config.columnSize})`, () => {
      const data = create({
        keySizeBytes: config.keySizeBytes,
        columnNames: config.columnNames,
        size: config.columnSize,
      });
      assert.ok(config.cases.length >= 30);
      for (const { seed, key, values } of config.cases) {
        assert.equal(hex(data.key(seed)), key, `key of seed ${seed}`);
        const row = data.row(seed);
        assert.deepEqual(row.values.map(hex), values, `values of seed ${seed}`);
      }
    });
  }
});

Deno.test("StressData.key() gives the keys of `write -pop seq=1..5` in real c-s", () => {
  // The same keys are asserted by scylladb/cql-stress, captured from a c-s run.
  const data = create();
  const keys = [1, 2, 3, 4, 5].map((seed) => ASCII.decode(data.key(seed)));
  assert.deepEqual(keys, ["0P37709P21", "O8LK79LO61", "OP001L5930", "9N54NK4861", "77596MO230"]);
});

Deno.test("StressData.row() sets every column even when -col n= varies", () => {
  const names = StressData.columnNamesFor(12);
  const data = create({ columnNames: names, columnCount: parseDistribution("uniform(1..12)") });
  const row = data.row(99);
  assert.deepEqual(row.columns, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(row.values.length, 12);
  assert.ok(row.values.every((v) => v.length === 34));
});

Deno.test("StressData.row() does not depend on earlier calls or on key()", () => {
  fc.assert(
    fc.property(
      fc.array(fc.maxSafeInteger(), { minLength: 1, maxLength: 6 }),
      fc.maxSafeInteger(),
      (earlier, seed) => {
        const used = create({ size: "uniform(0..70)" });
        for (const s of earlier) {
          used.key(s);
          used.row(s);
        }
        used.key(earlier[0]);
        const fresh = create({ size: "uniform(0..70)" });
        const a = used.row(seed);
        const b = fresh.row(seed);
        assert.deepEqual(a.values.map(hex), b.values.map(hex));
        assert.deepEqual(used.key(seed), fresh.key(seed));
      },
    ),
    { numRuns: 200, seed: PROPERTY_SEED },
  );
});

Deno.test("StressData.key() yields keysize characters from 0-9 and K-P", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 80 }), fc.maxSafeInteger(), (keySizeBytes, seed) => {
      const key = create({ keySizeBytes }).key(seed);
      assert.equal(key.length, keySizeBytes);
      assert.match(ASCII.decode(key), /^[0-9K-P]+$/);
    }),
    { numRuns: 300, seed: PROPERTY_SEED },
  );
});

Deno.test("StressData.row() keeps sizes inside the size distribution", () => {
  const data = create({ size: "gaussian(3..40)" });
  const seen = new Set<number>();
  for (let seed = 1; seed <= 400; seed++) {
    for (const value of data.row(seed).values) {
      assert.ok(value.length >= 3 && value.length <= 40, `size ${value.length}`);
      seen.add(value.length);
    }
  }
  assert.ok(seen.size > 10, "sizes should vary");
  assert.equal(data.maxValueSizeBytes, 40);
});

Deno.test("StressData.row() returns values that survive later calls", () => {
  const data = create();
  const first = data.row(1).values.map(hex);
  const kept = data.row(1).values;
  data.row(2);
  assert.deepEqual(kept.map(hex), first);
});

Deno.test("StressData.rowPrefixedInto() writes row()'s values as [int]-prefixed [value]s", () => {
  const data = create({ size: "gaussian(3..40)" });
  const out = new Uint8Array(2 + data.maxRowSizeBytes + 4 * data.valueSizes.length);
  for (let seed = 1; seed <= 50; seed++) {
    const values = data.row(seed).values;
    const expected = values.flatMap((v) => [0, 0, 0, v.length, ...v]);
    const written = data.rowPrefixedInto(seed, out, 2);
    assert.equal(written, expected.length);
    assert.deepEqual([...out.subarray(2, 2 + written)], expected);
  }
  assert.throws(() => data.rowPrefixedInto(1, new Uint8Array(8), 0), RangeError);
});

Deno.test("StressData.keyInto() writes at an offset and checks the room", () => {
  const data = create();
  const out = new Uint8Array(13);
  data.keyInto(42, out, 3);
  assert.deepEqual(out.subarray(3), data.key(42));
  assert.deepEqual(out.subarray(0, 3), new Uint8Array(3));
  assert.throws(() => data.keyInto(42, out, 4), RangeError);
});

Deno.test("StressData.key() rejects a seed that is not a safe integer", () => {
  const data = create();
  for (const seed of [1.5, NaN, 2 ** 53, -Infinity]) {
    assert.throws(() => data.key(seed), RangeError, String(seed));
  }
});

Deno.test("StressData.columnNamesFor() sorts names bytewise", () => {
  assert.deepEqual(StressData.columnNamesFor(12), [
    "C0",
    "C1",
    "C10",
    "C11",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "C7",
    "C8",
    "C9",
  ]);
});

Deno.test("new StressData() rejects what cassandra-stress cannot reproduce", async (t) => {
  const cases: [string, () => unknown, RegExp][] = [
    ["qextreme sizes", () => create({ size: "qextreme(1..100,2,4)" }), /not reproducible/],
    ["inverted sizes", () => create({ size: "~uniform(5..50)" }), /is inverted/],
    ["negative sizes", () => create({ size: "uniform(-5..50)" }), /at least 0/],
    ["a zero key size", () => create({ keySizeBytes: 0 }), /positive integer/],
    ["no columns", () => create({ columnNames: [] }), /at least one name/],
    [
      "a count max that is not the name count",
      () => create({ columnCount: parseDistribution("uniform(1..4)") }),
      /maximum "4" for 5 column names/,
    ],
  ];
  for (const [name, build, message] of cases) {
    await t.step(name, () => {
      assert.throws(build, (e: unknown) => e instanceof OptionError && message.test(e.message));
    });
  }
});
