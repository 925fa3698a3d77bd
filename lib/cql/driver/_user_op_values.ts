/**
 * What the ops of a `user` profile send, whichever client sends them: each table's generators
 * and draws ({@linkcode UserTableState}), the bound values of an insert (the selected rows of
 * its partitions) and of a query (samerow or multirow), and the checks made before connecting.
 * Both `user` targets (cassandra-driver's and the native one) build their requests from these,
 * so they write and read the same rows and count them alike. Private to lib/cql/driver.
 *
 * @module
 */

import { createDistribution, type Distribution } from "../../core/distribution.ts";
import type { Prng } from "../../core/prng.ts";
import type { SeedSource } from "../../engine/target.ts";
import {
  type ProfilePartition,
  ProfilePartitionGenerator,
  type ProfileRow,
} from "../profile_data/profile_partition_generator.ts";
import { InsertVisits, type Visit } from "../user/insert_visits.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";
import type { UserTableSpec, UserTargetSpec } from "../user/user_target_spec.ts";
import { bindValues, type MarkerSource, markerSources, rowAt, selectRows } from "./_user_rows.ts";

/** The most statements cassandra-stress puts in one batch. */
export const MAX_BATCH = 65535;

/** What the ops of one profile table share. */
export interface UserTableState {
  readonly spec: UserTableSpec;
  readonly generator: ProfilePartitionGenerator;
  readonly insertSources: readonly MarkerSource[];
  /** The `select` ratio's numerator, drawn from the target's op PRNG. */
  readonly select: Distribution;
  /** The row-population ratio's numerator, drawn per partition per op. */
  readonly rowPopulation: Distribution;
  /** Partitions in progress under `-insert visits=` above 1, or null for one visit each. */
  readonly visits: InsertVisits | null;
  readonly partitions: Distribution;
}

/** The values of one op's statements, and the partition key to route them by. */
export interface UserOpValues {
  /** The partitions the op covers. */
  readonly partitions: number;
  /** The first partition's key columns (serialized), for token-aware routing. */
  readonly key: readonly Uint8Array[];
  /** One list of bound values per statement (per row, for an insert). */
  readonly params: (Uint8Array | null)[][];
}

/** Whether `-insert visits=` is one visit per partition (cassandra-stress's default). */
function isOneVisit(visits: DistributionSpec): boolean {
  return visits.kind === "fixed" ? visits.value <= 1 : visits.kind === "uniform" && visits.max <= 1;
}

/** The rows `[from, to)` of a partition, in the generator's iteration order. */
function* rowRange(partition: ProfilePartition, visit: Visit): Generator<ProfileRow> {
  for (let i = visit.from; i < visit.to; i++) yield rowAt(partition, i);
}

/**
 * Refuses what the `user` targets do not run, before connecting: a marker that follows no
 * generated column, a protocol version below 3.
 *
 * @param spec The target.
 * @throws {Error} For the first such problem.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkUserSpec } from "./_user_op_values.ts";
 * const spec = { protocolVersion: 2, ops: [], tables: [] };
 * assert.throws(() => checkUserSpec(spec as never), /native protocol 3 or newer/);
 * ```
 */
export function checkUserSpec(spec: UserTargetSpec): void {
  if (spec.protocolVersion !== null && spec.protocolVersion < 3) {
    // The generators write collections and dates as protocol v3+ encodes them.
    throw new Error(
      `protocolVersion=${spec.protocolVersion}: user profiles need native protocol 3 or newer`,
    );
  }
  for (const op of spec.ops) {
    const table = spec.tables[op.table];
    if (op.kind === "query") markerSources(op.cql, table.data);
    if (op.kind !== "insert") continue;
    markerSources(table.insert.statement, table.data);
  }
}

/**
 * Each table's generators and draws, in table order; the distributions draw from `prng` and are
 * created in the same order by both targets, so the same seeds give the same rows.
 *
 * @param spec The target.
 * @param prng The target's op PRNG.
 * @returns One state per table.
 *
 * @example Usage
 * ```ts ignore
 * const tables = userTableStates(spec, new Prng(1));
 * ```
 */
export function userTableStates(spec: UserTargetSpec, prng: Prng): UserTableState[] {
  const inserted = new Set(spec.ops.filter((op) => op.kind === "insert").map((op) => op.table));
  return spec.tables.map((table, i): UserTableState => ({
    spec: table,
    generator: new ProfilePartitionGenerator(table.data, { order: table.order }),
    insertSources: inserted.has(i) ? markerSources(table.insert.statement, table.data) : [],
    select: createDistribution(table.insert.select.distribution, prng),
    rowPopulation: createDistribution(table.rowPopulationRatio.distribution, prng),
    visits: isOneVisit(table.insert.visits)
      ? null
      : new InsertVisits(table.insert.visits, table.insert.revisit, prng),
    partitions: createDistribution(table.insert.partitions, prng),
  }));
}

/**
 * The row-population ratio of one partition of one op, clamped to [0, 1].
 *
 * @param table The table.
 * @returns The ratio drawn.
 *
 * @example Usage
 * ```ts ignore
 * const populated = populatedOf(table);
 * ```
 */
export function populatedOf(table: UserTableState): number {
  const ratio = table.rowPopulation.next() / table.spec.rowPopulationRatio.divisor;
  return Math.min(1, Math.max(0, ratio));
}

/**
 * The values of an insert: `partitions` per op (the further seeds come from the run, each
 * counting against `n=`), for each partition the rows `select` keeps (or the next share of a
 * partition written over several visits), one list of values per row.
 *
 * @param table The table.
 * @param seed The op's seed.
 * @param more The run's further seeds.
 * @param prng The target's op PRNG (reseeded with `seed`).
 * @returns The partitions, the first one's key and the rows' values.
 *
 * @example Usage
 * ```ts ignore
 * const { partitions, params } = insertValues(table, seed, more, prng);
 * ```
 */
export function insertValues(
  table: UserTableState,
  seed: number,
  more: SeedSource | undefined,
  prng: Prng,
): UserOpValues {
  const { generator, spec } = table;
  prng.reseed(seed);
  const count = Math.max(1, table.partitions.next());
  const seeds = [seed];
  for (let i = 0; i + 1 < count; i++) {
    const next = more?.seed(i) ?? -1;
    if (next < 0) break;
    seeds.push(next);
  }
  const params: (Uint8Array | null)[][] = [];
  let key: readonly Uint8Array[] = [];
  for (const runSeed of seeds) {
    const visit = table.visits?.next(runSeed, (seed) => generator.partition(seed).rowCount);
    const partition = generator.partition(visit?.seed ?? runSeed);
    if (key.length === 0) key = partition.key;
    // The select chance is drawn per partition per op, as cassandra-stress draws it.
    const ratio = table.select.next() / spec.insert.select.divisor;
    const populated = populatedOf(table);
    const rows = visit === undefined ? generator.rows(partition) : rowRange(partition, visit);
    for (const row of selectRows(rows, ratio, prng)) {
      params.push(bindValues(table.insertSources, partition, () => row, populated));
    }
  }
  return { partitions: seeds.length, key, params };
}

/**
 * The values of a query: samerow binds every marker from one random row of the partition (within
 * the rows written so far while it is written over several visits); multirow binds each marker
 * from one of the first rows (up to one per marker) at random.
 *
 * @param table The table.
 * @param query The query's marker sources and binding.
 * @param seed The op's seed (the partition).
 * @param prng The target's op PRNG (reseeded with `seed`).
 * @returns One partition, its key and the values (one list).
 *
 * @example Usage
 * ```ts ignore
 * const { key, params } = queryValues(table, { sources, multirow: false }, seed, prng);
 * ```
 */
export function queryValues(
  table: UserTableState,
  query: { readonly sources: readonly MarkerSource[]; readonly multirow: boolean },
  seed: number,
  prng: Prng,
): UserOpValues {
  const partition = table.generator.partition(seed);
  // A partition still being written (visits above 1) is read within the rows written so far.
  const rowCount = table.visits?.writtenRows(seed) ?? partition.rowCount;
  // As cassandra-stress, a query's rows have the value columns an insert of them would have.
  const populated = populatedOf(table);
  prng.reseed(seed);
  const { sources } = query;
  let params: (Uint8Array | null)[];
  if (query.multirow) {
    const count = Math.max(1, Math.min(sources.length, rowCount));
    const rows = Array.from({ length: count }, (_, i) => rowAt(partition, i));
    const rowOf = () => rows[Math.floor(prng.nextDouble() * count)];
    params = bindValues(sources, partition, rowOf, populated);
  } else {
    const row = rowAt(partition, Math.floor(prng.nextDouble() * rowCount));
    params = bindValues(sources, partition, () => row, populated);
  }
  return { partitions: 1, key: partition.key, params: [params] };
}
