/**
 * The built-in `validate` op of a `user` profile, as cassandra-stress runs it: each op takes one
 * statement group at random (the whole partition, or a slice at one clustering depth), one
 * statement of the group at random (the four bound variants at the deepest level), two random
 * bounds at that depth, regenerates the rows between them in the generator's sorted order, and
 * compares them value by value with the rows the node returns, in order; a missing, extra or
 * different row is `Data returned was not validated`. Rows are compared as CQL values (a set's
 * elements in any order), decoded with the driver's own decoder. Private to lib/cql/driver.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import type { Prng } from "../../core/prng.ts";
import type { OpCount } from "../../engine/target.ts";
import type {
  ProfilePartition,
  ProfilePartitionGenerator,
  ProfileRow,
  ProfileTableLayout,
} from "../profile_data/profile_partition_generator.ts";
import { type ValidateBounds, validatedRows } from "../user/validated_rows.ts";
import { bufferOf, rowAt } from "./_user_rows.ts";

/** The driver's decoder of CQL values (public in its JavaScript, missing from its types). */
interface Decoder {
  decode(buffer: Buffer, type: unknown): unknown;
}

const decoder: Decoder = new (cassandra as unknown as {
  Encoder: new (version: number, options: object) => Decoder;
}).Encoder(4, {});

/** The CQL type code of a set. */
const SET_TYPE = 0x22;

/** A value as text that compares equal for equal CQL values (set elements sorted). */
function comparable(value: unknown, setType: boolean): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Uint8Array) {
    return `0x${[...value].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  if (value instanceof Date) return `t${value.getTime()}`;
  if (Array.isArray(value)) {
    const items = value.map((item) => comparable(item, false));
    if (setType) items.sort();
    return `[${items.join(",")}]`;
  }
  return String(value);
}

/** Where a result column's expected value comes from. */
type ColumnSource = { role: "key" | "clustering" | "value"; index: number };

function sourceOf(layout: ProfileTableLayout, name: string): ColumnSource {
  const find = (role: ColumnSource["role"], columns: readonly { name: string }[]) => {
    const index = columns.findIndex((column) => column.name === name);
    return index < 0 ? null : { role, index };
  };
  const found = find("key", layout.partitionKey) ?? find("clustering", layout.clustering) ??
    find("value", layout.values);
  if (found === null) throw new Error(`validate: the result has column ${name}, not in the table`);
  return found;
}

/** The most failed slices kept for their retries (a bound on the memory they take). */
const MAX_RETRIES_KEPT = 1024;

/** One op's statement and bounds. */
interface Draw {
  readonly statement: { readonly cql: string };
  readonly bounds: ValidateBounds;
}

/** A statement group of one depth: its statements and their bound inclusiveness. */
interface Group {
  readonly depth: number;
  readonly statements: readonly { cql: string; inclusiveStart: boolean; inclusiveEnd: boolean }[];
}

/** The groups of `validateStatements()`, with each statement's inclusiveness read off its text. */
function groupsOf(statements: readonly (readonly string[])[]): Group[] {
  return statements.map((group, depth) => ({
    depth,
    statements: group.map((cql) => ({
      cql,
      inclusiveStart: depth === 0 || />=\(/.test(cql),
      inclusiveEnd: depth === 0 || /<=\(/.test(cql),
    })),
  }));
}

/**
 * Runs `validate` ops on one table.
 *
 * @example Usage
 * ```ts ignore
 * const validate = new ValidatingQuery(client, layout, generator, statements, options);
 * const { partitions, rows } = await validate.run(seed, prng);
 * ```
 */
export class ValidatingQuery {
  readonly #client: cassandra.Client;
  readonly #layout: ProfileTableLayout;
  readonly #generator: ProfilePartitionGenerator;
  readonly #groups: Group[];
  readonly #options: cassandra.QueryOptions;
  /** The slice each failed op checked, by seed, for its retry. */
  readonly #retries = new Map<number, Draw>();

  /**
   * @param client A connected client.
   * @param layout The table's columns by role.
   * @param generator The table's generator in sorted order (`order: "sorted"`).
   * @param statements The statement groups by depth (`validateStatements()`).
   * @param options The run's query options.
   */
  constructor(
    client: cassandra.Client,
    layout: ProfileTableLayout,
    generator: ProfilePartitionGenerator,
    statements: readonly (readonly string[])[],
    options: cassandra.QueryOptions,
  ) {
    this.#client = client;
    this.#layout = layout;
    this.#generator = generator;
    this.#groups = groupsOf(statements);
    this.#options = options;
  }

  /**
   * Validates one slice of the partition of `seed`.
   *
   * @param seed The population seed.
   * @param prng Draws the group, the statement and the bounds.
   * @returns One partition (none when the slice is empty) and the rows compared.
   * @throws {Error} `Data returned was not validated` when the node's rows differ.
   */
  async run(seed: number, prng: Prng): Promise<OpCount> {
    let partition = this.#generator.partition(seed);
    // A retry checks the same slice again, as cassandra-stress retries the same statement.
    const draw = this.#retries.get(seed) ?? this.#draw(partition, prng);
    this.#retries.delete(seed);
    const { statement, bounds } = draw;
    const { from, to } = validatedRows(partition.levels.map((level) => level.length), bounds);
    const params = this.#params(partition, bounds);
    const rows = to - from;
    try {
      const result = await this.#client.execute(statement.cql, params, {
        ...this.#options,
        fetchSize: Math.max(5000, rows + 1),
      });
      const actual = result.rows ?? [];
      if (actual.length !== rows || result.pageState != null) throw notValidated();
      const sources = result.columns.map((column) => sourceOf(this.#layout, column.name));
      // The generator's arena was reused by other ops while this one waited: regenerate the
      // partition (the same bytes) and compare before the next await.
      partition = this.#generator.partition(seed);
      for (let i = 0; i < rows; i++) {
        this.#compare(partition, rowAt(partition, from + i), actual[i], result.columns, sources);
      }
    } catch (error) {
      if (this.#retries.size >= MAX_RETRIES_KEPT) this.#retries.clear();
      this.#retries.set(seed, draw);
      throw error;
    }
    return { partitions: Math.min(1, rows), rows };
  }

  /** A random group, statement of the group and bounds at its depth. */
  #draw(partition: ProfilePartition, prng: Prng): Draw {
    const group = this.#groups[Math.floor(prng.nextDouble() * this.#groups.length)];
    const statement = group.statements[Math.floor(prng.nextDouble() * group.statements.length)];
    return { statement, bounds: randomBounds(partition, group.depth, prng, statement) };
  }

  #params(partition: ProfilePartition, bounds: ValidateBounds): Buffer[] {
    const bytes = [
      ...partition.key,
      ...bounds.lower.map((position, d) => partition.levels[d][position]),
      ...bounds.upper.map((position, d) => partition.levels[d][position]),
    ];
    return bytes.map((value) => bufferOf(value)!);
  }

  #compare(
    partition: ProfilePartition,
    expected: ProfileRow,
    actual: cassandra.types.Row,
    columns: { name: string; type: { code: number } }[],
    sources: readonly ColumnSource[],
  ): void {
    for (let c = 0; c < columns.length; c++) {
      const source = sources[c];
      const bytes = source.role === "key"
        ? partition.key[source.index]
        : source.role === "clustering"
        ? expected.clustering[source.index]
        : expected.values[source.index];
      const setType = columns[c].type.code === SET_TYPE;
      const want = bytes === null ? null : decoder.decode(bufferOf(bytes)!, columns[c].type);
      if (comparable(want, setType) !== comparable(actual.get(c), setType)) throw notValidated();
    }
  }
}

/** Two bounds at `depth`, each a random position per level, the lower first. */
function randomBounds(
  partition: ProfilePartition,
  depth: number,
  prng: Prng,
  statement: { inclusiveStart: boolean; inclusiveEnd: boolean },
): ValidateBounds {
  const draw = () =>
    partition.levels.slice(0, depth).map((level) => Math.floor(prng.nextDouble() * level.length));
  let lower = draw();
  let upper = draw();
  const order = lower.findIndex((position, d) => position !== upper[d]);
  if (order >= 0 && lower[order] > upper[order]) [lower, upper] = [upper, lower];
  return { lower, upper, ...statement };
}

function notValidated(): Error {
  return new Error("Data returned was not validated");
}
