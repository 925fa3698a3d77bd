/**
 * Byte-exact reproduction of the data cassandra-stress writes for its predefined commands
 * (`write`, `read`, `mixed`, `counter_write`, `counter_read`): the partition key of a population
 * seed and the value of every column.
 *
 * How cassandra-stress derives them (tools/stress `generate/`):
 *
 * - Each generator has a 64-bit salt: the first half of MurmurHash3 x64/128 (seed 0) of
 *   `"randomstrkey"` for the key and `"randomstr" + columnName` for a column.
 * - Its identity distribution is `uniform(1..100B)`: a `java.util.Random` reseeded with
 *   `seed ^ salt` whose doubles are mapped onto `[1, 10^11]`.
 * - Key: the first identity draw is discarded (it would seed the size, which is
 *   `fixed(keysize)`); each further draw gives 16 characters, one per low nibble, as `0`-`9`
 *   and `K`-`P` (cassandra-stress adds the nibble to `'A'`, not to `'A' - 10`).
 * - The key bytes are folded into a data seed, `s = 31 * s + byte` over 64-bit longs.
 * - Column: reseed the identity with `dataSeed ^ salt`, draw `v`; the size distribution is
 *   reseeded with `v` and sampled; the bytes are the little-endian longs of a `FasterRandom`
 *   (xorshift, reseeded through `java.util.Random` every 31 longs) seeded with `~v`.
 *
 * All 64-bit arithmetic runs on pairs of 32-bit halves; nothing on the hot path uses BigInt.
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";
import { OptionError } from "../errors.ts";

export type * from "../units/distribution_spec.ts";

const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;
const INV_TWO_POW_24 = 1 / TWO_POW_24;
const INV_TWO_POW_53 = 1 / 9007199254740992;
/** `java.util.Random`'s multiplier 0x5DEECE66D, split at bit 24. */
const LCG_MUL_LOW = 0xece66d;
const LCG_MUL_HIGH = 0x5de;
/** `FasterRandom`'s output multiplier 2685821657736338717, as 32-bit halves and 16-bit limbs. */
const XS_MUL_HIGH = 0x2545f491;
const XS_MUL_LOW = 0x4f6cdd1d;
const XS_MUL_LOW_A = 0xdd1d;
const XS_MUL_LOW_B = 0x4f6c;
/** The identity distribution `uniform(1..100B)` is a uniform real over `[1, 100B + 1)`. */
const IDENTITY_MIN = 1;
const IDENTITY_MAX = 100_000_000_000;
/** `FasterRandom` reseeds itself on every 32nd long. */
const RESEED_PERIOD = 32;

/** Options of {@linkcode StressData}. */
export interface StressDataOptions {
  /** The partition key length in bytes (`-pop`'s key size, `keysize=` in c-s; 10 by default). */
  keySizeBytes: number;
  /**
   * The value column names in cassandra-stress order, which is sorted bytewise (`C0`, `C1`,
   * `C10`, ...); {@linkcode StressData.columnNamesFor} builds the default list. Index `i` of
   * {@linkcode StressData.row} refers to `columnNames[i]`.
   */
  columnNames: readonly string[];
  /** The cell size distribution (`-col size=`, `fixed(34)` by default). */
  columnSize: DistributionSpec;
  /**
   * The column count distribution (`-col n=`), or null for all of `columnNames`. Its maximum
   * must equal `columnNames.length`: cassandra-stress's CQL operations write and read all
   * `max` columns whatever the minimum, so a variable count changes nothing per operation.
   */
  columnCount: DistributionSpec | null;
}

/** One row as cassandra-stress writes it. */
export interface StressRow {
  /** The column indexes set (into `columnNames`), ascending. */
  readonly columns: readonly number[];
  /** The value bytes of each entry of `columns`, in the same order. */
  readonly values: readonly Uint8Array[];
}

/** `java.util.Random` (48-bit LCG) with its state as two 24-bit halves. */
class JavaRandom {
  #high = 0;
  #low = 0;
  /** The high and low words of the last {@linkcode JavaRandom.nextLong}. */
  longHigh = 0;
  longLow = 0;

  /** `setSeed(x)` for the long `high:low` (only its low 48 bits count). */
  setSeed(high: number, low: number): void {
    const low32 = (low ^ 0xdeece66d) >>> 0;
    const high16 = (high ^ 0x5) & 0xffff;
    this.#low = low32 & 0xffffff;
    this.#high = (low32 >>> 24) | (high16 << 8);
  }

  #step(): void {
    const low = this.#low;
    const t = low * LCG_MUL_LOW + 0xb; // < 2^48: exact
    const carry = Math.floor(t * INV_TWO_POW_24);
    this.#low = t - carry * TWO_POW_24;
    // Only the low 24 bits of the high half survive, so 32-bit products are enough.
    this.#high = (carry + Math.imul(this.#high, LCG_MUL_LOW) + Math.imul(low, LCG_MUL_HIGH)) &
      0xffffff;
  }

  /** `next(32)` as a signed int. */
  nextInt32(): number {
    this.#step();
    return ((this.#high << 8) | (this.#low >>> 16)) | 0;
  }

  /** `nextDouble()`: 53 bits from `next(26)` and `next(27)`. */
  nextDouble(): number {
    this.#step();
    const a = (this.#high << 2) | (this.#low >>> 22);
    this.#step();
    const b = (this.#high << 3) | (this.#low >>> 21);
    return (a * 134217728 + b) * INV_TWO_POW_53;
  }

  /** `nextLong()`, written to `longHigh`/`longLow` (both int32). */
  nextLong(): void {
    const a = this.nextInt32();
    const b = this.nextInt32();
    this.longHigh = (a + (b >> 31)) | 0;
    this.longLow = b;
  }

  /** The first `nextGaussian()` after a reseed (Marsaglia polar, as `java.util.Random`). */
  firstGaussian(): number {
    let v1 = 0;
    let s = 0;
    do {
      v1 = 2 * this.nextDouble() - 1;
      const v2 = 2 * this.nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    return v1 * Math.sqrt(-2 * Math.log(s) / s);
  }
}

/** cassandra-stress's `FasterRandom`: a 64-bit xorshift reseeded via `java.util.Random`. */
class FasterRandom {
  #high = 0;
  #low = 0;
  #count = 0;
  readonly #random = new JavaRandom();

  setSeed(high: number, low: number): void {
    this.#high = high;
    this.#low = low;
    this.#rollover();
  }

  #rollover(): void {
    const random = this.#random;
    this.#count = 0;
    random.setSeed(this.#high, this.#low);
    random.nextLong();
    this.#high = random.longHigh;
    this.#low = random.longLow;
  }

  /** Writes `size` bytes at `offset`: each long of output, least significant byte first. */
  fill(out: Uint8Array, offset: number, size: number): void {
    let h = this.#high;
    let l = this.#low;
    let count = this.#count;
    const end = offset + size;
    for (let at = offset; at < end; at += 8) {
      if (++count === RESEED_PERIOD) {
        this.#high = h;
        this.#low = l;
        this.#rollover();
        h = this.#high;
        l = this.#low;
        count = 0;
      }
      l ^= (l >>> 12) | (h << 20); // s ^= s >> 12
      h ^= h >> 12;
      h ^= (h << 25) | (l >>> 7); // s ^= s << 25
      l ^= l << 25;
      l ^= (l >>> 27) | (h << 5); // s ^= s >> 27
      h ^= h >> 27;
      // The low 64 bits of s * 2685821657736338717.
      const a = l >>> 0;
      const a0 = a & 0xffff;
      const a1 = a >>> 16;
      const p0 = a0 * XS_MUL_LOW_A;
      const mid = a1 * XS_MUL_LOW_A + a0 * XS_MUL_LOW_B + (p0 >>> 16);
      const carry = a1 * XS_MUL_LOW_B + Math.floor(mid / 65536);
      const lo = Math.imul(l, XS_MUL_LOW);
      const hi = (carry + Math.imul(h, XS_MUL_LOW) + Math.imul(l, XS_MUL_HIGH)) | 0;
      if (end - at >= 8) {
        out[at] = lo;
        out[at + 1] = lo >>> 8;
        out[at + 2] = lo >>> 16;
        out[at + 3] = lo >>> 24;
        out[at + 4] = hi;
        out[at + 5] = hi >>> 8;
        out[at + 6] = hi >>> 16;
        out[at + 7] = hi >>> 24;
      } else {
        for (let k = 0; at + k < end; k++) {
          out[at + k] = k < 4 ? lo >>> (k << 3) : hi >>> ((k - 4) << 3);
        }
      }
    }
    this.#high = h;
    this.#low = l;
    this.#count = count;
  }
}

const SIZE_FIXED = 0;
const SIZE_UNIFORM = 1;
const SIZE_GAUSSIAN = 2;
const SIZE_EXP = 3;
const SIZE_EXTREME = 4;
const SIZE_SEQ = 5;

/** commons-math3's Ahrens-Dieter table: partial sums of ln(2)^i / i! up to 1. */
function exponentialTable(): Float64Array {
  const sums: number[] = [];
  let sum = 0;
  let factorial = 1;
  for (let i = 1; sum < 1; i++) {
    factorial *= i;
    sum += Math.pow(Math.LN2, i) / factorial;
    sums.push(sum);
  }
  return Float64Array.from(sums);
}

/** The cell size distribution, reseeded with each value's identity as cassandra-stress does. */
class SizeSampler {
  readonly #kind: number;
  readonly #min: number;
  readonly #max: number;
  readonly #a: number;
  readonly #b: number;
  readonly #table: Float64Array;
  readonly #random = new JavaRandom();
  /** The largest size a sample can have. */
  readonly maxBytes: number;

  constructor(spec: DistributionSpec) {
    const fail = (problem: string, expected: string): OptionError =>
      new OptionError({ option: "-col size", value: spec.source, problem, expected });
    this.#table = new Float64Array(0);
    this.#a = 0;
    this.#b = 0;
    if (spec.kind === "fixed" || spec.min === spec.max) {
      const value = spec.kind === "fixed" ? spec.value : spec.min;
      if (!Number.isSafeInteger(value) || value < 0) {
        throw fail(`has size "${value}"`, "a size of at least 0 bytes");
      }
      this.#kind = SIZE_FIXED;
      this.#min = value;
      this.#max = value;
      this.maxBytes = value;
      return;
    }
    if (!Number.isSafeInteger(spec.min) || !Number.isSafeInteger(spec.max) || spec.min < 0) {
      throw fail(`has bounds "${spec.min}" and "${spec.max}"`, "integer sizes of at least 0");
    }
    if (spec.min > spec.max) {
      throw fail(`has min "${spec.min}" above max "${spec.max}"`, "min at most max");
    }
    if (spec.inverted) {
      // c-s sizes its buffer by the inverted distribution's maxValue(), which is the minimum,
      // and then fails with ArrayIndexOutOfBoundsException on the first larger value.
      throw fail("is inverted", 'a distribution without "~" (cassandra-stress fails on it)');
    }
    this.#min = spec.min;
    this.#max = spec.max;
    this.maxBytes = spec.max;
    const delta = spec.max - spec.min;
    switch (spec.kind) {
      case "uniform":
        this.#kind = SIZE_UNIFORM;
        return;
      case "gaussian":
        this.#kind = SIZE_GAUSSIAN;
        this.#a = spec.mean;
        this.#b = spec.stdev;
        return;
      case "exp":
        this.#kind = SIZE_EXP;
        // The mean puts P(X > max - min) at sqrt(1 / (max - min)).
        this.#a = delta / -Math.log(1 - (1 - Math.sqrt(1 / delta)));
        this.#table = exponentialTable();
        return;
      case "extreme":
        this.#kind = SIZE_EXTREME;
        this.#a = 1 / spec.shape;
        this.#b = delta / Math.pow(-Math.log1p(-(1 - Math.sqrt(1 / delta))), this.#a);
        return;
      case "seq":
        this.#kind = SIZE_SEQ;
        return;
      case "qextreme":
        // DistributionQuantized draws from an unseeded java.util.Random: not reproducible.
        throw fail("is not reproducible", "fixed, uniform, gaussian, exp, extreme or seq");
    }
  }

  /** The size for a value whose identity draw was `identity` (an integer in [1, 10^11]). */
  sample(identity: number): number {
    const kind = this.#kind;
    if (kind === SIZE_FIXED) return this.#min;
    if (kind === SIZE_SEQ) return this.#min + identity % (this.#max - this.#min + 1);
    const random = this.#random;
    random.setSeed(Math.floor(identity / TWO_POW_32), identity >>> 0);
    const min = this.#min;
    const max = this.#max;
    if (kind === SIZE_UNIFORM) {
      const u = random.nextDouble();
      return bound(min, max, u * (max + 1) + (1 - u) * min);
    }
    if (kind === SIZE_GAUSSIAN) return bound(min, max, this.#b * random.firstGaussian() + this.#a);
    if (kind === SIZE_EXP) return offset(min, max, this.#a * this.#exponential(random));
    const p = random.nextDouble();
    return offset(min, max, p === 0 ? 0 : this.#b * Math.pow(-Math.log1p(-p), this.#a));
  }

  /** A unit exponential by commons-math3's Ahrens-Dieter (1972) method. */
  #exponential(random: JavaRandom): number {
    const table = this.#table;
    let a = 0;
    let u = random.nextDouble();
    while (u < 0.5) {
      a += table[0];
      u *= 2;
    }
    u += u - 1;
    if (u <= table[0]) return a + u;
    let i = 0;
    let umin = random.nextDouble();
    do {
      ++i;
      const u2 = random.nextDouble();
      if (u2 < umin) umin = u2;
    } while (u > table[i]);
    return a + umin * table[0];
  }
}

/** Java's `(long) x` clamped into `[min, max]` (DistributionBoundApache). */
function bound(min: number, max: number, x: number): number {
  const r = Math.trunc(x) || 0;
  return r < min ? min : r > max ? max : r;
}

/** Java's `(long) x` clamped into `[0, max - min]`, plus `min` (DistributionOffsetApache). */
function offset(min: number, max: number, x: number): number {
  const r = Math.trunc(x) || 0;
  const delta = max - min;
  return min + (r < 0 ? 0 : r > delta ? delta : r);
}

const MASK_64 = (1n << 64n) - 1n;

function rotl64(v: bigint, n: bigint): bigint {
  return ((v << n) | (v >> (64n - n))) & MASK_64;
}

function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK_64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK_64;
  return k ^ (k >> 33n);
}

/**
 * The salt of a generator: h1 of Cassandra's MurmurHash3 x64/128 (seed 0) over the UTF-8 of
 * `text`, as `[high, low]` int32 words. Cassandra's version sign-extends the tail bytes.
 * Runs once per column at construction, so BigInt is fine here.
 */
function saltOf(text: string): [number, number] {
  const data = new TextEncoder().encode(text);
  const c1 = 0x87c37b91114253d5n;
  const c2 = 0x4cf5ad432745937fn;
  const block = (at: number): bigint => {
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(data[at + i]);
    return v;
  };
  const tail = (at: number): bigint => BigInt.asUintN(64, BigInt((data[at] << 24) >> 24));
  let h1 = 0n;
  let h2 = 0n;
  const blocks = data.length >> 4;
  for (let i = 0; i < blocks; i++) {
    let k1 = block(i * 16);
    let k2 = block(i * 16 + 8);
    k1 = (rotl64((k1 * c1) & MASK_64, 31n) * c2) & MASK_64;
    h1 ^= k1;
    h1 = (((rotl64(h1, 27n) + h2) * 5n) + 0x52dce729n) & MASK_64;
    k2 = (rotl64((k2 * c2) & MASK_64, 33n) * c1) & MASK_64;
    h2 ^= k2;
    h2 = (((rotl64(h2, 31n) + h1) * 5n) + 0x38495ab5n) & MASK_64;
  }
  const start = blocks * 16;
  const rest = data.length & 15;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = rest - 1; i >= 8; i--) k2 ^= (tail(start + i) << BigInt((i - 8) * 8)) & MASK_64;
  if (rest > 8) h2 ^= (rotl64((k2 * c2) & MASK_64, 33n) * c1) & MASK_64;
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) {
    k1 ^= (tail(start + i) << BigInt(i * 8)) & MASK_64;
  }
  if (rest > 0) h1 ^= (rotl64((k1 * c1) & MASK_64, 31n) * c2) & MASK_64;
  const length = BigInt(data.length);
  h1 ^= length;
  h2 ^= length;
  h1 = (h1 + h2) & MASK_64;
  h2 = (h2 + h1) & MASK_64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK_64;
  return [Number(BigInt.asIntN(32, h1 >> 32n)), Number(BigInt.asIntN(32, h1))];
}

/**
 * Generates the partition keys and column values of cassandra-stress's predefined commands,
 * byte for byte, from population seeds (the numbers `-pop seq=`/`dist=` yield).
 *
 * Writes set every column (`UPDATE ... SET "C0" = ?, ... WHERE KEY = ?`) and reads expect
 * every column back with exactly these bytes, even when `-col n=` has min < max.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { StressData } from "./stress_data.ts";
 *
 * const fixed = (value: number) => ({
 *   kind: "fixed",
 *   value,
 *   inverted: false,
 *   source: `fixed(${value})`,
 * } as const);
 * const data = new StressData({
 *   keySizeBytes: 10,
 *   columnNames: StressData.columnNamesFor(5),
 *   columnSize: fixed(34),
 *   columnCount: null,
 * });
 * assert.equal(new TextDecoder().decode(data.key(1)), "0P37709P21");
 * const row = data.row(1);
 * assert.deepEqual(row.columns, [0, 1, 2, 3, 4]);
 * assert.equal(row.values[0].length, 34);
 * ```
 */
export class StressData {
  readonly #keySizeBytes: number;
  readonly #keySaltHigh: number;
  readonly #keySaltLow: number;
  readonly #saltHigh: Int32Array;
  readonly #saltLow: Int32Array;
  readonly #columns: readonly number[];
  readonly #size: SizeSampler;
  readonly #identity = new JavaRandom();
  readonly #bytes = new FasterRandom();
  readonly #identities: Float64Array;
  readonly #sizes: Int32Array;
  readonly #scratchKey: Uint8Array;
  #seedValid = false;
  #seed = 0;
  #dataSeedHigh = 0;
  #dataSeedLow = 0;

  /**
   * Prepares the generators (hashes every column name once).
   *
   * @param options The key size, column names, cell size and column count.
   * @throws {OptionError} If the key size is not a positive integer, there are no columns, the
   * size distribution cannot be reproduced (`qextreme`, `~` inverted, negative sizes) or the
   * column count's maximum differs from the number of names.
   */
  constructor(options: StressDataOptions) {
    const { keySizeBytes, columnNames, columnSize, columnCount } = options;
    if (!Number.isSafeInteger(keySizeBytes) || keySizeBytes < 1) {
      throw new OptionError({
        option: "-pop keysize",
        value: String(keySizeBytes),
        expected: "a positive integer",
      });
    }
    if (columnNames.length === 0) {
      throw new OptionError({ option: "-col names", value: "", expected: "at least one name" });
    }
    if (columnCount !== null) {
      const max = columnCount.kind === "fixed" ? columnCount.value : columnCount.max;
      if (max !== columnNames.length) {
        throw new OptionError({
          option: "-col n",
          value: columnCount.source,
          problem: `has maximum "${max}" for ${columnNames.length} column names`,
          expected: "a maximum equal to the number of column names",
        });
      }
    }
    this.#keySizeBytes = keySizeBytes;
    [this.#keySaltHigh, this.#keySaltLow] = saltOf("randomstrkey");
    const n = columnNames.length;
    this.#saltHigh = new Int32Array(n);
    this.#saltLow = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      [this.#saltHigh[i], this.#saltLow[i]] = saltOf("randomstr" + columnNames[i]);
    }
    this.#columns = Object.freeze(Array.from({ length: n }, (_, i) => i));
    this.#size = new SizeSampler(columnSize);
    this.#identities = new Float64Array(n);
    this.#sizes = new Int32Array(n);
    this.#scratchKey = new Uint8Array(keySizeBytes);
  }

  /**
   * The default column names of `-col n=`: `C0` to `C{count-1}`, sorted bytewise as
   * cassandra-stress sorts them (`C0, C1, C10, C11, C2, ...`).
   *
   * @param count The number of columns (the count distribution's maximum).
   * @returns The names in cassandra-stress order.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { StressData } from "./stress_data.ts";
   *
   * assert.deepEqual(StressData.columnNamesFor(3), ["C0", "C1", "C2"]);
   * assert.deepEqual(StressData.columnNamesFor(12).slice(0, 4), ["C0", "C1", "C10", "C11"]);
   * ```
   */
  static columnNamesFor(count: number): string[] {
    const names = Array.from({ length: count }, (_, i) => "C" + i);
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The largest value a column can have, in bytes (the size distribution's maximum). */
  get maxValueSizeBytes(): number {
    return this.#size.maxBytes;
  }

  /**
   * The partition key bytes of a seed (byte-exact with cassandra-stress).
   *
   * @param seed The population seed: any safe integer, negative included.
   * @returns A new array of `keySizeBytes` ASCII bytes (`0`-`9`, `K`-`P`).
   * @throws {RangeError} If `seed` is not a safe integer.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { StressData } from "./stress_data.ts";
   *
   * const data = new StressData({
   *   keySizeBytes: 10,
   *   columnNames: ["C0"],
   *   columnSize: { kind: "fixed", value: 34, inverted: false, source: "fixed(34)" },
   *   columnCount: null,
   * });
   * assert.equal(new TextDecoder().decode(data.key(2)), "O8LK79LO61");
   * ```
   */
  key(seed: number): Uint8Array {
    const out = new Uint8Array(this.#keySizeBytes);
    this.keyInto(seed, out, 0);
    return out;
  }

  /**
   * Writes the partition key of a seed into `out` without allocating.
   *
   * @param seed The population seed: any safe integer.
   * @param out The destination.
   * @param at Where the key starts in `out`; `out` needs `keySizeBytes` bytes from there.
   * @throws {RangeError} If `seed` is not a safe integer or `out` is too short.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { StressData } from "./stress_data.ts";
   *
   * const data = new StressData({
   *   keySizeBytes: 10,
   *   columnNames: ["C0"],
   *   columnSize: { kind: "fixed", value: 34, inverted: false, source: "fixed(34)" },
   *   columnCount: null,
   * });
   * const buffer = new Uint8Array(12);
   * data.keyInto(1, buffer, 2);
   * assert.deepEqual(buffer.subarray(2), data.key(1));
   * ```
   */
  keyInto(seed: number, out: Uint8Array, at: number): void {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot generate a key: seed "${seed}" is not a safe integer`);
    }
    const size = this.#keySizeBytes;
    if (!(at >= 0 && at + size <= out.length)) {
      throw new RangeError(
        `Cannot generate a key: "${out.length - at}" bytes left in the output, expected ${size}`,
      );
    }
    const identity = this.#identity;
    identity.setSeed(
      (Math.floor(seed / TWO_POW_32) | 0) ^ this.#keySaltHigh,
      (seed >>> 0) ^ this.#keySaltLow,
    );
    nextIdentity(identity); // would seed the key size, which is fixed
    let high = 0;
    let low = 0;
    for (let i = 0; i < size; i += 16) {
      const value = nextIdentity(identity);
      const valueLow = value >>> 0;
      const valueHigh = Math.floor(value / TWO_POW_32);
      const end = size - i < 16 ? size - i : 16;
      for (let j = 0; j < end; j++) {
        const nibble = j < 8 ? (valueLow >>> (j << 2)) & 15 : (valueHigh >>> ((j - 8) << 2)) & 15;
        const byte = (nibble < 10 ? 48 : 65) + nibble;
        out[at + i + j] = byte;
        // data seed = 31 * data seed + byte, over a 64-bit long
        const t = low * 31 + byte;
        low = t >>> 0;
        high = (Math.imul(high, 31) + Math.floor(t / TWO_POW_32)) | 0;
      }
    }
    this.#seedValid = true;
    this.#seed = seed;
    this.#dataSeedHigh = high;
    this.#dataSeedLow = low;
  }

  /**
   * For a write of `seed`: which column indexes are set and their value bytes (byte-exact).
   * A read of `seed` expects exactly these values back.
   *
   * @param seed The population seed: any safe integer.
   * @returns Every column index, ascending, and its value. The values are views on one new
   * buffer per call, so they stay valid after later calls.
   * @throws {RangeError} If `seed` is not a safe integer.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { StressData } from "./stress_data.ts";
   *
   * const data = new StressData({
   *   keySizeBytes: 10,
   *   columnNames: ["C0", "C1"],
   *   columnSize: { kind: "uniform", min: 1, max: 8, inverted: false, source: "uniform(1..8)" },
   *   columnCount: null,
   * });
   * const row = data.row(7);
   * assert.deepEqual(row.columns, [0, 1]);
   * assert.ok(row.values.every((v) => v.length >= 1 && v.length <= 8));
   * assert.deepEqual(data.row(7), row);
   * ```
   */
  row(seed: number): StressRow {
    const sizes = this.#sizes;
    const total = this.#prepareRow(seed);
    const buffer = new Uint8Array(total);
    this.#fillRow(buffer, 0);
    const n = sizes.length;
    const values = new Array<Uint8Array>(n);
    let at = 0;
    for (let c = 0; c < n; c++) {
      values[c] = buffer.subarray(at, at + sizes[c]);
      at += sizes[c];
    }
    return { columns: this.#columns, values };
  }

  /**
   * Writes the values of {@linkcode StressData.row} back to back into `out` without
   * allocating; {@linkcode StressData.valueSizes} then holds each value's length.
   *
   * @param seed The population seed: any safe integer.
   * @param out The destination; {@linkcode StressData.maxRowSizeBytes} bytes from `at` always
   * suffice.
   * @param at Where the first value starts in `out`.
   * @returns The number of bytes written (the sum of `valueSizes`).
   * @throws {RangeError} If `seed` is not a safe integer or `out` is too short for this row.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { StressData } from "./stress_data.ts";
   *
   * const data = new StressData({
   *   keySizeBytes: 10,
   *   columnNames: ["C0", "C1"],
   *   columnSize: { kind: "fixed", value: 34, inverted: false, source: "fixed(34)" },
   *   columnCount: null,
   * });
   * const out = new Uint8Array(data.maxRowSizeBytes);
   * assert.equal(data.rowInto(5, out, 0), 68);
   * assert.deepEqual(Array.from(data.valueSizes), [34, 34]);
   * assert.deepEqual(out.subarray(34, 68), data.row(5).values[1]);
   * ```
   */
  rowInto(seed: number, out: Uint8Array, at: number): number {
    const total = this.#prepareRow(seed);
    if (!(at >= 0 && at + total <= out.length)) {
      throw new RangeError(
        `Cannot generate a row: "${out.length - at}" bytes left in the output, expected ${total}`,
      );
    }
    this.#fillRow(out, at);
    return total;
  }

  /**
   * The value lengths of the last {@linkcode StressData.row} or {@linkcode StressData.rowInto},
   * one per column (a live view, overwritten by the next call).
   */
  get valueSizes(): Int32Array {
    return this.#sizes;
  }

  /** The most bytes {@linkcode StressData.rowInto} can write: columns times the largest size. */
  get maxRowSizeBytes(): number {
    return this.#sizes.length * this.#size.maxBytes;
  }

  /** Draws each column's identity and size for `seed`; returns the total size. */
  #prepareRow(seed: number): number {
    if (!this.#seedValid || this.#seed !== seed) {
      this.keyInto(seed, this.#scratchKey, 0);
    }
    const identity = this.#identity;
    const identities = this.#identities;
    const sizes = this.#sizes;
    const saltHigh = this.#saltHigh;
    const saltLow = this.#saltLow;
    const high = this.#dataSeedHigh;
    const low = this.#dataSeedLow;
    let total = 0;
    for (let c = 0; c < identities.length; c++) {
      identity.setSeed(high ^ saltHigh[c], low ^ saltLow[c]);
      const value = nextIdentity(identity);
      identities[c] = value;
      const size = this.#size.sample(value);
      sizes[c] = size;
      total += size;
    }
    return total;
  }

  /** Writes the bytes of the values drawn by #prepareRow, back to back from `at`. */
  #fillRow(out: Uint8Array, at: number): void {
    const identities = this.#identities;
    const sizes = this.#sizes;
    const bytes = this.#bytes;
    for (let c = 0; c < identities.length; c++) {
      const value = identities[c];
      bytes.setSeed(~Math.floor(value / TWO_POW_32), ~(value >>> 0)); // seeded with ~value
      bytes.fill(out, at, sizes[c]);
      at += sizes[c];
    }
  }
}

/** The next draw of the identity distribution `uniform(1..100B)`. */
function nextIdentity(random: JavaRandom): number {
  const u = random.nextDouble();
  const x = Math.trunc(u * (IDENTITY_MAX + 1) + (1 - u) * IDENTITY_MIN);
  return x < IDENTITY_MIN ? IDENTITY_MIN : x > IDENTITY_MAX ? IDENTITY_MAX : x;
}
