/**
 * The partitions of a cassandra-stress user profile, byte for byte: the partition key of a
 * population seed, the clustering values of each level and the value columns of each row, as
 * `PartitionGenerator` and `PartitionIterator` make them when every row is visited.
 *
 * @module
 */

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
    this.#comparators = this.#clustering.map((g) =>
      order === "sorted" ? comparatorOf(g.kind) : null
    );
    let min = 1;
    let max = 1;
    for (const generator of this.#clustering) {
      if (generator.cluster.minValue < 1) {
        throw new OptionError({
          option: `columnspec ${generator.name} cluster`,
          value: String(generator.cluster.minValue),
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
