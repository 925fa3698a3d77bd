/**
 * Benchmarks of the cassandra-stress key and value generation (lib/cql/stress_data.ts)
 * for the default predefined schema: a 10-byte key and five 34-byte values.
 *
 * The baselines are the simplest correct version: the same algorithm written directly on
 * BigInt longs (salts hard-coded from cassandra-stress's GeneratorConfig).
 */

import { StressData } from "../lib/cql/stress_data.ts";

const M64 = (1n << 64n) - 1n;
const M48 = (1n << 48n) - 1n;
const KEY_SALT = -6294861599187687378n;
const COLUMN_SALTS = [
  5919258029671157411n,
  2823822333041508710n,
  -4400155034025812751n,
  -611415708070891864n,
  -329182932806138863n,
];

/** `java.util.Random` on a BigInt state. */
class SimpleJavaRandom {
  state = 0n;
  setSeed(seed: bigint): void {
    this.state = (seed ^ 0x5deece66dn) & M48;
  }
  next(bits: number): number {
    this.state = (this.state * 0x5deece66dn + 0xbn) & M48;
    return Number(BigInt.asIntN(32, this.state >> BigInt(48 - bits)));
  }
  nextDouble(): number {
    return (this.next(26) * 2 ** 27 + this.next(27)) / 2 ** 53;
  }
  nextLong(): bigint {
    return BigInt.asIntN(64, (BigInt(this.next(32)) << 32n) + BigInt(this.next(32)));
  }
}

function simpleIdentity(random: SimpleJavaRandom): bigint {
  const u = random.nextDouble();
  const x = Math.trunc(u * 100000000001 + (1 - u) * 1);
  return BigInt(Math.min(Math.max(x, 1), 100000000000));
}

function simpleKey(seed: number): { key: Uint8Array; dataSeed: bigint } {
  const random = new SimpleJavaRandom();
  random.setSeed(BigInt(seed) ^ KEY_SALT);
  simpleIdentity(random);
  let value = simpleIdentity(random);
  const key = new Uint8Array(10);
  let dataSeed = 0n;
  for (let i = 0; i < 10; i++) {
    const nibble = Number(value & 15n);
    value >>= 4n;
    key[i] = (nibble < 10 ? 48 : 65) + nibble;
    dataSeed = BigInt.asIntN(64, 31n * dataSeed + BigInt(key[i]));
  }
  return { key, dataSeed };
}

function simpleRow(seed: number): Uint8Array[] {
  const { dataSeed } = simpleKey(seed);
  const random = new SimpleJavaRandom();
  const values: Uint8Array[] = [];
  for (const salt of COLUMN_SALTS) {
    random.setSeed(dataSeed ^ salt);
    const identity = simpleIdentity(random);
    random.setSeed(~identity);
    let state = random.nextLong();
    const value = new Uint8Array(34);
    let i = 0;
    for (let n = 0; i < 34; n++) {
      if (n + 1 === 32) throw new Error("not needed for 34 bytes");
      state ^= state >> 12n;
      state = BigInt.asIntN(64, state ^ (state << 25n));
      state ^= state >> 27n;
      let out = (state * 2685821657736338717n) & M64;
      for (let k = 0; k < 8 && i < 34; k++, i++) {
        value[i] = Number(out & 0xffn);
        out >>= 8n;
      }
    }
    values.push(value);
  }
  return values;
}

const data = new StressData({
  keySizeBytes: 10,
  columnNames: StressData.columnNamesFor(5),
  columnSize: { kind: "fixed", value: 34, inverted: false, source: "fixed(34)" },
  columnCount: null,
});
const keyBuffer = new Uint8Array(10);
// The two implementations must agree before their speed means anything.
for (let seed = 1; seed <= 100; seed++) {
  const expected = simpleRow(seed).map((v) => v.join()).join();
  if (data.row(seed).values.map((v) => v.join()).join() !== expected) {
    throw new Error(`Cannot benchmark: implementations differ for seed "${seed}"`);
  }
}
let seed = 0;

// ---- key: 10-byte partition key of a seed ----

Deno.bench({
  name: "key, BigInt reference",
  group: "key",
  baseline: true,
  fn() {
    simpleKey(++seed);
  },
});

Deno.bench({
  name: "StressData.key() (new array)",
  group: "key",
  fn() {
    data.key(++seed);
  },
});

Deno.bench({
  name: "StressData.keyInto() (preallocated)",
  group: "key",
  fn() {
    data.keyInto(++seed, keyBuffer, 0);
  },
});

// ---- row: five 34-byte values of a seed ----

Deno.bench({
  name: "row, BigInt reference",
  group: "row",
  baseline: true,
  fn() {
    simpleRow(++seed);
  },
});

Deno.bench({
  name: "StressData.row() alone (computes the key too)",
  group: "row",
  fn() {
    data.row(++seed);
  },
});

Deno.bench({
  name: "StressData.key() then row() (one write op)",
  group: "row",
  fn() {
    const s = ++seed;
    data.key(s);
    data.row(s);
  },
});

const rowBuffer = new Uint8Array(data.maxRowSizeBytes);

Deno.bench({
  name: "StressData.keyInto() then rowInto() (no allocation)",
  group: "row",
  fn() {
    const s = ++seed;
    data.keyInto(s, keyBuffer, 0);
    data.rowInto(s, rowBuffer, 0);
  },
});
