import assert from "node:assert/strict";
import { ProfileValueGenerator } from "../../../lib/cql/profile_data/profile_value_generator.ts";
import { parseDistribution } from "../../../lib/units/parse_distribution.ts";
import { OptionError } from "../../../lib/errors.ts";

import { hex, type TypeVectors, VECTORS, words } from "./_vectors.ts";

function generatorOf(vectors: TypeVectors): ProfileValueGenerator {
  return new ProfileValueGenerator({
    name: vectors.column,
    type: vectors.type,
    population: vectors.population === null ? null : parseDistribution(vectors.population),
    size: vectors.size === null ? null : parseDistribution(vectors.size),
  });
}

/** A list or set value as its elements (hex). */
function elementsOf(value: string): string[] {
  const bytes = Uint8Array.from(value.match(/../g) ?? [], (h) => parseInt(h, 16));
  const view = new DataView(bytes.buffer);
  const out: string[] = [];
  let at = 4;
  for (let i = 0; i < view.getInt32(0); i++) {
    const length = view.getInt32(at);
    out.push(hex(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return out;
}

const fixedLength = (v: TypeVectors) => v.size?.startsWith("fixed") ?? false;

Deno.test("ProfileValueGenerator matches cassandra-stress's scalar generators byte for byte", async (t) => {
  const scalars = VECTORS.types.filter((v) => !v.type.includes("<"));
  assert.ok(new Set(scalars.map((v) => v.type)).size >= 20);
  for (const vectors of scalars) {
    await t.step(`${vectors.type} population=${vectors.population} size=${vectors.size}`, () => {
      const gen = generatorOf(vectors);
      for (const { seed, values } of vectors.cases) {
        gen.setSeed(...words(seed));
        assert.deepEqual(values.map(() => hex(gen.value())), values, `seed ${seed}`);
      }
    });
  }
});

Deno.test("ProfileValueGenerator.generateInto() writes cassandra-stress's scalars in place", () => {
  const scalars = VECTORS.types.filter((v) => !v.type.includes("<"));
  for (const vectors of scalars) {
    const gen = generatorOf(vectors);
    const out = new Uint8Array(3 + gen.maxLength).fill(0xee);
    for (const { seed, values } of vectors.cases) {
      gen.setSeed(...words(seed));
      const written = values.map(() => {
        const length = gen.generateInto(out, 3);
        return hex(out.subarray(3, 3 + length));
      });
      assert.deepEqual(written, values, `${vectors.type} seed ${seed}`);
      assert.deepEqual([...out.subarray(0, 3)], [0xee, 0xee, 0xee]);
    }
    assert.throws(() => gen.generateInto(out, 4), RangeError);
  }
});

Deno.test("ProfileValueGenerator matches cassandra-stress's list and set elements", async (t) => {
  const collections = VECTORS.types.filter((v) => v.type.includes("<"));
  assert.ok(collections.some((v) => v.type.startsWith("set")));
  assert.ok(collections.some((v) => v.type.startsWith("list")));
  for (const vectors of collections) {
    await t.step(`${vectors.type} population=${vectors.population} size=${vectors.size}`, () => {
      const gen = generatorOf(vectors);
      const isSet = vectors.type.startsWith("set");
      for (const { seed, values } of vectors.cases) {
        gen.setSeed(...words(seed));
        const ours = values.map(() => elementsOf(hex(gen.value())));
        const theirs = values.map(elementsOf);
        if (fixedLength(vectors)) {
          // c-s sends a HashSet in hash order; the stored set is the same either way.
          const order = (sets: string[][]) => isSet ? sets.map((s) => s.toSorted()) : sets;
          assert.deepEqual(order(ours), order(theirs), `seed ${seed}`);
        } else if (!isSet) {
          // c-s draws the lengths unseeded; the elements are one stream all the same.
          const flatOurs = ours.flat();
          const flatTheirs = theirs.flat();
          const n = Math.min(flatOurs.length, flatTheirs.length);
          assert.ok(n >= 4 || vectors.size === "uniform(0..3)", `seed ${seed}: ${n} elements`);
          assert.deepEqual(flatOurs.slice(0, n), flatTheirs.slice(0, n), `seed ${seed}`);
        }
      }
    });
  }
});

Deno.test("ProfileValueGenerator generates a frozen list or set as the unfrozen one", () => {
  const fixed3 = { kind: "fixed", value: 3, inverted: false, source: "fixed(3)" } as const;
  for (const type of ["list<int>", "set<text>"]) {
    const plain = new ProfileValueGenerator({ name: "c", type, size: fixed3 });
    const frozen = new ProfileValueGenerator({ name: "c", type: `frozen<${type}>`, size: fixed3 });
    plain.setSeed(0, 42);
    frozen.setSeed(0, 42);
    assert.deepEqual(frozen.value(), plain.value(), type);
  }
});

Deno.test("ProfileValueGenerator rejects what cassandra-stress cannot generate", () => {
  for (
    const type of [
      "map<int,int>",
      "frozen<map<int,int>>",
      "tuple<int,int>",
      "duration",
      "list<list<int>>",
    ]
  ) {
    assert.throws(() => new ProfileValueGenerator({ name: "c", type }), OptionError, type);
  }
  assert.throws(
    () =>
      new ProfileValueGenerator({
        name: "c",
        type: "int",
        population: parseDistribution("qextreme(1..10,2,4)"),
      }),
    OptionError,
  );
  assert.throws(
    () =>
      new ProfileValueGenerator({
        name: "c",
        type: "text",
        size: parseDistribution("uniform(-1..4)"),
      }),
    OptionError,
  );
  for (const type of ["text", "blob", "list<int>"]) {
    const size = parseDistribution("~exp(1..10)");
    assert.throws(() => new ProfileValueGenerator({ name: "c", type, size }), OptionError);
  }
  // Sizes mean nothing to the other types, so c-s accepts anything there.
  new ProfileValueGenerator({ name: "c", type: "int", size: parseDistribution("~exp(1..10)") });
});
