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
 * The generators run in a small WebAssembly module of our own (`_random_kernel.ts`, through
 * `_stress_data_kernel.ts`) on 64-bit integers; nothing on the hot path uses BigInt.
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";
import { OptionError } from "../errors.ts";
import { StressDataKernel } from "./_stress_data_kernel.ts";
import { saltOf } from "./_murmur_salt.ts";
import { SizeSampler } from "./_size_sampler.ts";

export type * from "../units/distribution_spec.ts";

/** 2^32, to split a long into its words. */
const TWO_POW_32 = 4294967296;

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
  readonly #columns: readonly number[];
  readonly #size: SizeSampler;
  readonly #kernel: StressDataKernel;
  readonly #identities: Float64Array;
  readonly #sizes: Int32Array;
  readonly #scratchKey: Uint8Array;
  #seedValid = false;
  #seed = 0;
  #dataSeedHigh = 0;
  #dataSeedLow = 0;

  /**
   * Checks the options as the constructor does, without preparing anything: the main thread
   * calls it before it connects, so that a bad `-col` or `-pop keysize` fails at once.
   *
   * @param options The key size, column names, cell size and column count.
   * @returns The cell size sampler the options describe.
   * @throws {OptionError} As the constructor.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { StressData } from "./stress_data.ts";
   * const size = { kind: "fixed", value: -1, inverted: false, source: "FIXED(-1)" } as const;
   * const options = { keySizeBytes: 10, columnNames: ["C0"], columnSize: size, columnCount: null };
   * assert.throws(() => StressData.check(options), /"FIXED\(-1\)" has size "-1"/);
   * ```
   */
  static check(options: StressDataOptions): SizeSampler {
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
    return new SizeSampler(columnSize);
  }

  /**
   * Prepares the generators (hashes every column name once).
   *
   * @param options The key size, column names, cell size and column count.
   * @throws {OptionError} If the key size is not a positive integer, there are no columns, the
   * size distribution cannot be reproduced (`qextreme`, `~` inverted, negative sizes) or the
   * column count's maximum differs from the number of names.
   */
  constructor(options: StressDataOptions) {
    const { keySizeBytes, columnNames } = options;
    this.#size = StressData.check(options);
    this.#keySizeBytes = keySizeBytes;
    [this.#keySaltHigh, this.#keySaltLow] = saltOf("randomstrkey");
    const n = columnNames.length;
    const saltHigh = new Int32Array(n);
    const saltLow = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      [saltHigh[i], saltLow[i]] = saltOf("randomstr" + columnNames[i]);
    }
    this.#kernel = new StressDataKernel(keySizeBytes, saltHigh, saltLow);
    this.#columns = Object.freeze(Array.from({ length: n }, (_, i) => i));
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
    const kernel = this.#kernel;
    kernel.keyInto(
      (Math.floor(seed / TWO_POW_32) | 0) ^ this.#keySaltHigh,
      (seed >>> 0) ^ this.#keySaltLow,
      out,
      at,
    );
    this.#seedValid = true;
    this.#seed = seed;
    this.#dataSeedHigh = kernel.dataSeedHigh;
    this.#dataSeedLow = kernel.dataSeedLow;
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
    this.#fillRow(buffer, 0, total);
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
    this.#fillRow(out, at, total);
    return total;
  }

  /**
   * Writes the values of {@linkcode StressData.row} into `out` as the native protocol's [value]s:
   * each an [int] length (big-endian) then its bytes, back to back, without allocating.
   *
   * @param seed The population seed: any safe integer.
   * @param out The destination; {@linkcode StressData.maxRowSizeBytes} plus 4 bytes per column
   * from `at` always suffice.
   * @param at Where the first length starts in `out`.
   * @returns The number of bytes written (the values and their lengths).
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
   *   columnSize: { kind: "fixed", value: 3, inverted: false, source: "fixed(3)" },
   *   columnCount: null,
   * });
   * const out = new Uint8Array(14);
   * assert.equal(data.rowPrefixedInto(5, out, 0), 14);
   * assert.deepEqual(out.subarray(0, 4), new Uint8Array([0, 0, 0, 3]));
   * assert.deepEqual(out.subarray(11, 14), data.row(5).values[1]);
   * ```
   */
  rowPrefixedInto(seed: number, out: Uint8Array, at: number): number {
    const total = this.#prepareRow(seed) + 4 * this.#sizes.length;
    if (!(at >= 0 && at + total <= out.length)) {
      throw new RangeError(
        `Cannot generate a row: "${out.length - at}" bytes left in the output, expected ${total}`,
      );
    }
    this.#fillRow(out, at, total, true);
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
    const identities = this.#identities;
    const sizes = this.#sizes;
    this.#kernel.identities(this.#dataSeedHigh, this.#dataSeedLow, identities);
    let total = 0;
    for (let c = 0; c < identities.length; c++) {
      const size = this.#size.sample(identities[c]);
      sizes[c] = size;
      total += size;
    }
    return total;
  }

  /**
   * Writes the bytes of the values drawn by #prepareRow, back to back from `at`, each after its
   * length as a big-endian [int] when `prefixed`.
   */
  #fillRow(out: Uint8Array, at: number, total: number, prefixed = false): void {
    this.#kernel.fillRowInto(this.#sizes, total, out, at, prefixed);
  }
}
