/**
 * The built-in `validate` op of a `user` profile, as cassandra-stress runs it: each op takes one
 * statement group at random (the whole partition, or a slice at one clustering depth), one
 * statement of the group at random (the four bound variants at the deepest level), two random
 * bounds at that depth, regenerates the rows between them in the generator's sorted order, and
 * compares them value by value with the rows the node returns, in order; a missing, extra or
 * different row is `Data returned was not validated`. The statement is run by a
 * {@linkcode ValidateReader} of the target's client, whose answer compares each cell as a CQL
 * value (a set's elements in any order). Private to lib/cql/driver.
 *
 * @module
 */

import type { Prng } from "../../core/prng.ts";
import type { OpCount } from "../../engine/target.ts";
import type {
  ProfilePartition,
  ProfilePartitionGenerator,
  ProfileRow,
  ProfileTableLayout,
} from "../profile_data/profile_partition_generator.ts";
import { type ValidateBounds, validatedRows } from "../user/validated_rows.ts";
import { rowAt } from "./_user_rows.ts";

/** The rows a validate statement returned, as the comparison reads them. */
export interface ValidateAnswer {
  /** The rows of the (first) page. */
  readonly rowCount: number;
  /** Whether the node has more pages. */
  readonly hasMorePages: boolean;
  /** The result's column names, in order. */
  readonly columnNames: readonly string[];
  /**
   * Whether a cell holds the CQL value serialized as `expected` (null: NULL).
   *
   * @param row The row.
   * @param column The column.
   * @param expected The expected value's bytes.
   */
  holds(row: number, column: number, expected: Uint8Array | null): boolean;
}

/**
 * Runs one validate statement: its text, its bound values (the partition key, then the bounds),
 * the partition key alone (for routing), and the page size to ask for.
 */
export type ValidateReader = (
  cql: string,
  values: readonly Uint8Array[],
  key: readonly Uint8Array[],
  pageSize: number,
) => Promise<ValidateAnswer>;

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
 * const validate = new ValidatingQuery(reader, layout, generator, statements);
 * const { partitions, rows } = await validate.run(seed, prng);
 * ```
 */
export class ValidatingQuery {
  readonly #read: ValidateReader;
  readonly #layout: ProfileTableLayout;
  readonly #generator: ProfilePartitionGenerator;
  readonly #groups: Group[];
  /** The slice each failed op checked, by seed, for its retry. */
  readonly #retries = new Map<number, Draw>();

  /**
   * @param read Runs a statement on the target's client.
   * @param layout The table's columns by role.
   * @param generator The table's generator in sorted order (`order: "sorted"`).
   * @param statements The statement groups by depth (`validateStatements()`).
   */
  constructor(
    read: ValidateReader,
    layout: ProfileTableLayout,
    generator: ProfilePartitionGenerator,
    statements: readonly (readonly string[])[],
  ) {
    this.#read = read;
    this.#layout = layout;
    this.#generator = generator;
    this.#groups = groupsOf(statements);
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
    const partition = this.#generator.partition(seed);
    // A retry checks the same slice again, as cassandra-stress retries the same statement.
    const draw = this.#retries.get(seed) ?? this.#draw(partition, prng);
    this.#retries.delete(seed);
    const { statement, bounds } = draw;
    const { from, to } = validatedRows(partition.levels.map((level) => level.length), bounds);
    const params = this.#params(partition, bounds);
    const rows = to - from;
    try {
      const pageSize = Math.max(5000, rows + 1);
      const answer = await this.#read(statement.cql, params, partition.key, pageSize);
      if (answer.rowCount !== rows || answer.hasMorePages) throw notValidated();
      const sources = answer.columnNames.map((name) => sourceOf(this.#layout, name));
      for (let i = 0; i < rows; i++) {
        this.#compare(partition, rowAt(partition, from + i), answer, i, sources);
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

  #params(partition: ProfilePartition, bounds: ValidateBounds): Uint8Array[] {
    return [
      ...partition.key,
      ...bounds.lower.map((position, d) => partition.levels[d][position]),
      ...bounds.upper.map((position, d) => partition.levels[d][position]),
    ];
  }

  #compare(
    partition: ProfilePartition,
    expected: ProfileRow,
    answer: ValidateAnswer,
    row: number,
    sources: readonly ColumnSource[],
  ): void {
    for (let c = 0; c < sources.length; c++) {
      const source = sources[c];
      const bytes = source.role === "key"
        ? partition.key[source.index]
        : source.role === "clustering"
        ? expected.clustering[source.index]
        : expected.values[source.index];
      if (!answer.holds(row, c, bytes)) throw notValidated();
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
