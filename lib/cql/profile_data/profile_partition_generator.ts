/**
 * The partitions of a cassandra-stress user profile, byte for byte: the partition key of a
 * population seed, the clustering values of each level and the value columns of each row, as
 * `PartitionGenerator` and `PartitionIterator` make them when every row is visited.
 *
 * @module
 */

import { BlobRowKernel, type EncodedRowTarget } from "./_blob_row_kernel.ts";
import { OptionError } from "../../errors.ts";
import { ByteArena } from "./_byte_arena.ts";
import { comparatorOf, mixValue, SCALAR } from "./_cql_kinds.ts";
import { SeedWords } from "./_seed_words.ts";
import { type ProfileColumnSpec, ProfileValueGenerator } from "./profile_value_generator.ts";

export type { ProfileColumnSpec } from "./profile_value_generator.ts";

/** A profile table: its columns by role, each with its `columnspec`. */
export interface ProfileTableLayout {
  /** The partition key columns, in key order (at least one). */
  readonly partitionKey: readonly ProfileColumnSpec[];
  /** The clustering columns, in clustering order. */
  readonly clustering: readonly ProfileColumnSpec[];
  /** The other columns, in the order cassandra-stress lists them (the table's). */
  readonly values: readonly ProfileColumnSpec[];
}

/** Options of {@linkcode ProfilePartitionGenerator}. */
export interface ProfilePartitionOptions {
  /**
   * The clustering order within a level (`-pop contents=`): `arbitrary` (generation order,
   * the default) or `sorted` (Java's natural order of the values, which is not always CQL's).
   * `shuffled` is not reproducible in cassandra-stress (ThreadLocalRandom) and is refused.
   */
  readonly order?: "arbitrary" | "sorted";
  /**
   * `row-population` ratio: value column k (1-based) of n is NULL when k / n exceeds it.
   * Default 1 (no NULLs).
   */
  readonly rowPopulationRatio?: number;
}

/** The data of one partition. */
export interface ProfilePartition {
  /** The partition key values (CQL wire bytes), one per key column. */
  readonly key: readonly Uint8Array[];
  /**
   * The distinct values of each clustering level, in iteration order. Every parent has the
   * same children: c-s seeds a level from the first value of the level above.
   */
  readonly levels: readonly (readonly Uint8Array[])[];
  /**
   * The value columns (null: not populated) of the rows whose last clustering value is
   * `levels[last][i]`, or of the only row when there is no clustering column.
   */
  readonly leafValues: readonly (readonly (Uint8Array | null)[])[];
  /** The number of rows: the product of the level sizes (1 without clustering). */
  readonly rowCount: number;
}

/**
 * One row of a table without clustering columns, packed: its key columns then its value
 * columns, back to back in `bytes`, with each one's size (-1: NULL). `bytes` is replaced by a
 * larger buffer when a row does not fit.
 */
export interface PackedRow {
  /** The columns' bytes, from offset 0. */
  bytes: Uint8Array;
  /** One size per column (key columns, then value columns); -1 for NULL. */
  readonly sizes: Int32Array;
}

/** One row: its clustering values and its value columns (arrays shared between rows). */
export interface ProfileRow {
  /** The clustering values, one per clustering column. */
  readonly clustering: readonly Uint8Array[];
  /** The value columns, null where `rowPopulationRatio` leaves them out. */
  readonly values: readonly (Uint8Array | null)[];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Values at most this long are generated straight into a packed row. */
const DIRECT_MAX_LENGTH = 4096;

/** Replaces `row.bytes` by a buffer of at least `size` bytes holding its first `used`. */
function grow(row: PackedRow, used: number, size: number): void {
  const grown = new Uint8Array(Math.max(size, row.bytes.length * 2));
  grown.set(row.bytes.subarray(0, used));
  row.bytes = grown;
}

/** Copies column `column`'s `length` bytes to `row.bytes[at..]` (growing it); the next offset. */
function appendColumn(
  row: PackedRow,
  at: number,
  column: number,
  bytes: Uint8Array,
  length: number,
): number {
  if (at + length > row.bytes.length) grow(row, at, at + length);
  const out = row.bytes;
  if (length <= 64) {
    for (let i = 0; i < length; i++) out[at + i] = bytes[i];
  } else {
    out.set(bytes.subarray(0, length), at);
  }
  row.sizes[column] = length;
  return at + length;
}

/** A latin1 string of bytes, to find duplicates as a Java `HashSet` does. */
function keyOf(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/**
 * Generates the partitions of a profile table from population seeds, byte-exact with
 * cassandra-stress: each key column is seeded with the population seed and folds its value
 * into the partition's seed; clustering level d is seeded with that seed (d = 0) or the
 * level above's, draws `cluster` values of `population` and drops duplicates; its first value
 * seeds the level below; each row's value columns are seeded with its last clustering value
 * folded into the last level's seed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProfilePartitionGenerator } from "./profile_partition_generator.ts";
 *
 * const fixed = (value: number) =>
 *   ({ kind: "fixed", value, inverted: false, source: `fixed(${value})` }) as const;
 * const generator = new ProfilePartitionGenerator({
 *   partitionKey: [{ name: "id", type: "bigint" }],
 *   clustering: [{ name: "day", type: "int", cluster: fixed(3) }],
 *   values: [{ name: "body", type: "text" }],
 * });
 * const partition = generator.partition(1);
 * assert.equal(partition.key[0].length, 8);
 * const rows = [...generator.rows(partition)];
 * assert.equal(rows.length, partition.rowCount);
 * assert.ok(rows.length >= 1 && rows.length <= 3);
 * ```
 */
export class ProfilePartitionGenerator {
  readonly #key: ProfileValueGenerator[];
  /** The WebAssembly rows of a table of text and blob columns without clustering, or null. */
  readonly #blobRows: BlobRowKernel | null;
  readonly #clustering: ProfileValueGenerator[];
  readonly #values: ProfileValueGenerator[];
  readonly #comparators: (((a: Uint8Array, b: Uint8Array) => number) | null)[];
  readonly #ratio: number;
  readonly #seed = new SeedWords();
  readonly #scratch = new SeedWords();
  readonly #arena = new ByteArena();
  /** The fewest rows a partition can have (product of the `cluster` minimums). */
  readonly minRowCount: number;
  /** The most rows a partition can have (product of the `cluster` maximums). */
  readonly maxRowCount: number;

  /**
   * Prepares one generator per column.
   *
   * @param layout The table's columns by role.
   * @param options The clustering order and the row-population ratio.
   * @throws {OptionError} For no partition key, a collection in the key or clustering, a
   * `cluster` that can draw fewer than 1 value, `shuffled` order, or what
   * {@linkcode ProfileValueGenerator} refuses.
   */
  constructor(layout: ProfileTableLayout, options: ProfilePartitionOptions = {}) {
    if (layout.partitionKey.length === 0) {
      throw new OptionError({
        option: "partition key",
        value: "",
        expected: "at least one partition key column",
      });
    }
    const order = options.order ?? "arbitrary";
    if (order !== "arbitrary" && order !== "sorted") {
      throw new OptionError({
        option: "-pop contents",
        value: order,
        problem: "is not reproducible",
        expected: "arbitrary or sorted",
      });
    }
    this.#ratio = options.rowPopulationRatio ?? 1;
    const keyed = (column: ProfileColumnSpec): ProfileValueGenerator => {
      const generator = new ProfileValueGenerator(column);
      if (generator.kind.collection !== SCALAR) {
        throw new OptionError({
          option: `column ${column.name}`,
          value: column.type,
          problem: "is a collection in the primary key",
          expected: "a scalar type",
        });
      }
      return generator;
    };
    this.#key = layout.partitionKey.map(keyed);
    this.#clustering = layout.clustering.map(keyed);
    this.#values = layout.values.map((column) => new ProfileValueGenerator(column));
    this.#blobRows = layout.clustering.length > 0 ? null : BlobRowKernel.of(
      this.#key.map((generator) => generator.blobColumn),
      this.#values.map((generator) => generator.blobColumn),
    );
    this.#comparators = this.#clustering.map((g) =>
      order === "sorted" ? comparatorOf(g.kind) : null
    );
    let min = 1;
    let max = 1;
    for (const [i, generator] of this.#clustering.entries()) {
      if (generator.cluster.minValue < 1) {
        throw new OptionError({
          option: `columnspec ${generator.name} cluster`,
          value: layout.clustering[i].cluster?.source ?? "",
          problem: "can draw fewer than 1 value",
          expected: "a distribution of at least 1",
        });
      }
      min *= generator.cluster.minValue;
      max *= generator.cluster.maxValue;
    }
    this.minRowCount = min;
    this.maxRowCount = max;
  }

  /**
   * The most bytes {@linkcode ProfilePartitionGenerator.packRow} writes into `encoded`, or
   * null when it cannot encode this table's rows (only text and blob columns with fixed or
   * uniform distributions and no clustering columns can).
   */
  get encodedRowBytes(): number | null {
    return this.#blobRows?.maxEncodedBytes ?? null;
  }

  /**
   * The partition of a population seed: its key, clustering levels and value columns.
   *
   * @param seed The population seed (what `-pop` yields): a safe integer.
   * @returns The partition; iterate its rows with {@linkcode ProfilePartitionGenerator.rows}.
   * @throws {RangeError} If `seed` is not a safe integer.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProfilePartitionGenerator } from "./profile_partition_generator.ts";
   *
   * const generator = new ProfilePartitionGenerator({
   *   partitionKey: [{ name: "name", type: "text" }],
   *   clustering: [],
   *   values: [{ name: "age", type: "int" }],
   * });
   * const partition = generator.partition(7);
   * assert.equal(partition.rowCount, 1);
   * assert.deepEqual(generator.partition(7), partition);
   * ```
   */
  partition(seed: number): ProfilePartition {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot generate a partition: seed "${seed}" is not a safe integer`);
    }
    const idseed = this.#seed;
    const scratch = this.#scratch;
    const seedHigh = Math.floor(seed / 4294967296) | 0;
    const seedLow = seed >>> 0;
    idseed.set(0, 0);
    const key = this.#key.map((generator) => {
      generator.setSeed(seedHigh, seedLow);
      const value = this.#next(generator);
      mixValue(generator.kind.scalar, value, idseed, scratch);
      return value;
    });
    if (this.#clustering.length === 0) {
      return { key, levels: [], leafValues: [this.#valueColumns(idseed)], rowCount: 1 };
    }
    const levels: Uint8Array[][] = [];
    let rowCount = 1;
    for (let d = 0; d < this.#clustering.length; d++) {
      const generator = this.#clustering[d];
      generator.setSeed(idseed.high, idseed.low);
      const values = this.#level(generator, generator.cluster.next() | 0, this.#comparators[d]);
      mixValue(generator.kind.scalar, values[0], idseed, scratch); // seeds the level below
      levels.push(values);
      rowCount *= values.length;
    }
    const leaf = this.#clustering[this.#clustering.length - 1];
    const rowSeed = new SeedWords();
    const leafValues = levels[levels.length - 1].map((value) => {
      rowSeed.copy(idseed);
      mixValue(leaf.kind.scalar, value, rowSeed, scratch);
      return this.#valueColumns(rowSeed);
    });
    return { key, levels, leafValues, rowCount };
  }

  /**
   * The only row of a partition of a table without clustering columns, written into `row`
   * with no allocation while it fits: the same bytes as {@linkcode ProfilePartitionGenerator.partition}
   * gives, with value column k (1-based) of n NULL when k / n exceeds `populated` (or the
   * generator's row-population ratio).
   *
   * @param seed The population seed: a safe integer.
   * @param row Where the key and value columns go (`sizes` has one entry per column).
   * @param populated The op's row-population ratio (default 1).
   * @param into Where the columns go instead, as the [value]s of a statement's markers (NULL
   * ones too; room for {@linkcode ProfilePartitionGenerator.encodedRowBytes}); `row` then gets
   * the sizes only.
   * @throws {RangeError} If `seed` is not a safe integer, the table has clustering columns, or
   * `into` is given for a row that cannot be encoded or a marker order that is not one.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProfilePartitionGenerator } from "./profile_partition_generator.ts";
   *
   * const generator = new ProfilePartitionGenerator({
   *   partitionKey: [{ name: "name", type: "text" }],
   *   clustering: [],
   *   values: [{ name: "age", type: "int" }, { name: "city", type: "text" }],
   * });
   * const row = { bytes: new Uint8Array(4), sizes: new Int32Array(3) };
   * generator.packRow(7, row, 0.5);
   * const { key, leafValues } = generator.partition(7);
   * const keySize = row.sizes[0];
   * assert.deepEqual(row.bytes.subarray(0, keySize), key[0]);
   * assert.deepEqual(row.bytes.subarray(keySize, keySize + 4), leafValues[0][0]);
   * assert.equal(row.sizes[2], -1); // 2 / 2 > 0.5
   * ```
   */
  packRow(seed: number, row: PackedRow, populated: number = 1, into?: EncodedRowTarget): void {
    if (this.#clustering.length > 0) {
      throw new RangeError("Cannot pack a row: the table has clustering columns");
    }
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot generate a partition: seed "${seed}" is not a safe integer`);
    }
    const values = this.#values;
    const n = values.length;
    const ratio = Math.min(this.#ratio, populated);
    const kernel = this.#blobRows;
    if (kernel !== null) {
      let set = 0;
      while (set < n && (set + 1) / n <= ratio) set++;
      kernel.pack(seed, row, set, into);
      for (let i = set; i < n; i++) row.sizes[this.#key.length + i] = -1;
      return;
    }
    if (into !== undefined) throw new RangeError("Cannot encode a row: not a text and blob row");
    const idseed = this.#seed;
    const seedHigh = Math.floor(seed / 4294967296) | 0;
    const seedLow = seed >>> 0;
    idseed.set(0, 0);
    const keys = this.#key;
    let at = 0;
    for (let k = 0; k < keys.length; k++) {
      const generator = keys[k];
      generator.setSeed(seedHigh, seedLow);
      const length = generator.generate();
      mixValue(generator.kind.scalar, generator.buffer, idseed, this.#scratch, length);
      at = appendColumn(row, at, k, generator.buffer, length);
    }
    for (let i = 0; i < n; i++) {
      if ((i + 1) / n > ratio) {
        row.sizes[keys.length + i] = -1;
        continue;
      }
      const generator = values[i];
      generator.setSeed(idseed.high, idseed.low);
      const max = generator.maxLength;
      if (max > DIRECT_MAX_LENGTH) {
        at = appendColumn(row, at, keys.length + i, generator.buffer, generator.generate());
        continue;
      }
      if (at + max > row.bytes.length) grow(row, at, at + max);
      const length = generator.generateInto(row.bytes, at);
      row.sizes[keys.length + i] = length;
      at += length;
    }
  }

  /**
   * The rows of a partition in cassandra-stress's iteration order (depth first over the
   * levels).
   *
   * @param partition A partition from {@linkcode ProfilePartitionGenerator.partition}.
   * @returns The rows, one at a time; their arrays share the partition's bytes.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProfilePartitionGenerator } from "./profile_partition_generator.ts";
   *
   * const fixed = (value: number) =>
   *   ({ kind: "fixed", value, inverted: false, source: `fixed(${value})` }) as const;
   * const generator = new ProfilePartitionGenerator({
   *   partitionKey: [{ name: "k", type: "int" }],
   *   clustering: [
   *     { name: "a", type: "bigint", cluster: fixed(2) },
   *     { name: "b", type: "bigint", cluster: fixed(2) },
   *   ],
   *   values: [{ name: "v", type: "blob" }],
   * });
   * const rows = [...generator.rows(generator.partition(3))];
   * assert.equal(rows.length, 4); // 2 x 2: 100B possible values, so no duplicates here
   * assert.deepEqual(rows[0].values, rows[2].values); // same last clustering value
   * ```
   */
  *rows(partition: ProfilePartition): Generator<ProfileRow> {
    const { levels, leafValues, rowCount } = partition;
    if (levels.length === 0) {
      yield { clustering: [], values: leafValues[0] };
      return;
    }
    const depth = levels.length;
    const index = new Array<number>(depth).fill(0);
    for (let row = 0; row < rowCount; row++) {
      yield {
        clustering: index.map((i, d) => levels[d][i]),
        values: leafValues[index[depth - 1]],
      };
      for (let d = depth - 1; d >= 0; d--) {
        if (++index[d] < levels[d].length) break;
        index[d] = 0;
      }
    }
  }

  /** One level's values: `count` draws, duplicates dropped, in the requested order. */
  #level(
    generator: ProfileValueGenerator,
    count: number,
    compare: ((a: Uint8Array, b: Uint8Array) => number) | null,
  ): Uint8Array[] {
    if (count === 1) return [this.#next(generator)];
    if (compare !== null) {
      const drawn = Array.from({ length: count }, () => this.#next(generator)).sort(compare);
      return drawn.filter((value, i) => i === 0 || compare(drawn[i - 1], value) < 0);
    }
    // Duplicates as a Java HashSet finds them: equal values have equal bytes.
    const seen = count > 32 ? new Set<string>() : null;
    const values: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const value = this.#next(generator);
      if (seen === null) {
        if (!values.some((other) => equalBytes(other, value))) values.push(value);
      } else {
        const key = keyOf(value);
        if (!seen.has(key)) {
          seen.add(key);
          values.push(value);
        }
      }
    }
    return values;
  }

  /** The generator's next value, copied into the arena. */
  #next(generator: ProfileValueGenerator): Uint8Array {
    const length = generator.generate();
    return this.#arena.copy(generator.buffer, length);
  }

  /** The value columns of a row seeded with `seed`, NULL past the row-population ratio. */
  #valueColumns(seed: SeedWords): (Uint8Array | null)[] {
    const values = this.#values;
    const n = values.length;
    const out = new Array<Uint8Array | null>(n);
    for (let i = 0; i < n; i++) {
      if ((i + 1) / n > this.#ratio) {
        out[i] = null;
      } else {
        values[i].setSeed(seed.high, seed.low);
        out[i] = this.#next(values[i]);
      }
    }
    return out;
  }
}
