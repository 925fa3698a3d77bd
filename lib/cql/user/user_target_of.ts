/**
 * Builds the target of a `user` run from its profiles, its resolved ops and the tables as the
 * cluster's schema describes them: per table the insert statement, the generators' column
 * configuration and the batch settings; per op (in the run's op-name order) what it runs.
 *
 * @module
 */

import { OptionError, UsageError } from "../../errors.ts";
import type { CqlConnectionSpec } from "../cql_connection_spec.ts";
import type { InsertSettings } from "../options/stress_settings.ts";
import { type BatchShape, batchShapeOf } from "../profile/batch_shape.ts";
import type { ResolvedOp } from "../profile/resolve_ops.ts";
import type { StressProfile } from "../profile/stress_profile.ts";
import {
  type ProfileColumnSpec,
  ProfilePartitionGenerator,
  type ProfileTableLayout,
} from "../profile_data/profile_partition_generator.ts";
import {
  insertStatement,
  isGeneratedType,
  storedKeyspaceName,
  type TableLayout,
  validateStatements,
} from "./user_statements.ts";
import type { UserOpSpec, UserTableSpec, UserTargetSpec } from "./user_target_spec.ts";

/** What a `user` run's target is built from. */
export interface UserRunInput {
  /** The profiles, in `profile=` order. */
  readonly profiles: readonly StressProfile[];
  /** Each profile's table as read from the cluster, same order. */
  readonly layouts: readonly TableLayout[];
  /** The ops, in the run's op-name order (sorted). */
  readonly ops: readonly ResolvedOp[];
  /** `-insert`. */
  readonly insert: InsertSettings;
  /** `-pop contents=`. */
  readonly order: "arbitrary" | "sorted";
  /** `-tokenrange`: `split-factor=` and `wrap`. */
  readonly tokenRange: { readonly splitFactor: number; readonly wrap: boolean };
}

/** A column of the table with its `columnspec`, for the generators. */
function columnSpecOf(profile: StressProfile, name: string, type: string): ProfileColumnSpec {
  const spec = profile.columnSpecs.findLast((column) => column.name === name);
  return {
    name,
    type,
    population: spec?.population ?? null,
    size: spec?.size ?? null,
    cluster: spec?.cluster ?? null,
  };
}

/**
 * Refuses an insert that can draw fewer than 1 partition (`insert.partitions`, or
 * `-insert partitions=`), when the run inserts into the profile's table: cassandra-stress stops
 * a thread that draws 0 (our inserts would write 1 instead), so such a profile measures nothing
 * it says.
 */
function checkInsertPartitions(
  profile: StressProfile,
  shape: BatchShape,
  input: UserRunInput,
  index: number,
): void {
  // Java's bounds of an inverted distribution are swapped (`~uniform(0..3)` is [3..0]).
  const fewest = Math.min(...shape.partitionsRange);
  if (fewest >= 1) return;
  if (!input.ops.some((op) => op.kind === "insert" && op.profileIndex === index)) return;
  const key = input.insert.partitions !== null ? "-insert partitions=" : "insert.partitions";
  throw new UsageError(
    `Cannot run profile "${profile.fileName}": ${key} "${shape.partitions.source}" can draw ` +
      `${fewest} partitions per insert, expected a distribution of at least 1 (cassandra-stress ` +
      "stops a thread that draws fewer)",
  );
}

/**
 * Builds the table's generators once, so that a `columnspec` they refuse (a `cluster` that can
 * draw 0 values, a `qextreme` size, ...) is one error naming the profile.
 */
function checkGenerators(
  profile: StressProfile,
  data: ProfileTableLayout,
  order: UserRunInput["order"],
): void {
  try {
    new ProfilePartitionGenerator(data, { order });
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    throw new UsageError(
      `Cannot run profile "${profile.fileName}": ${
        error.message.replace(/^Cannot parse option /, "")
      }`,
      { cause: error },
    );
  }
}

/** One profile's table: checks that every column can be generated, then its data and insert. */
function tableOf(
  profile: StressProfile,
  layout: TableLayout,
  input: UserRunInput,
  index: number,
): UserTableSpec {
  const ungenerated = layout.columns.find((column) => !isGeneratedType(column.type));
  if (ungenerated !== undefined) {
    throw new UsageError(
      `Cannot run profile "${profile.fileName}": table ${profile.keyspace}.${layout.name} has ` +
        `column ${ungenerated.name} of type ${ungenerated.type}, which cassandra-stress cannot ` +
        "generate values for (maps, tuples, UDTs, durations and collections of collections)",
    );
  }
  const named = (kind: string) =>
    layout.columns.filter((c) => c.kind === kind).map((c) => columnSpecOf(profile, c.name, c.type));
  const clustering = layout.columns.filter((c) => c.kind === "clustering").map((c) => c.name);
  const shape = batchShapeOf(profile, clustering, input.insert);
  checkInsertPartitions(profile, shape, input, index);
  const data: ProfileTableLayout = {
    partitionKey: named("partition_key"),
    clustering: named("clustering"),
    values: layout.columns.filter((c) => c.kind === "static" || c.kind === "regular")
      .map((c) => columnSpecOf(profile, c.name, c.type)),
  };
  checkGenerators(profile, data, input.order);
  return {
    keyspace: storedKeyspaceName(profile.keyspace),
    layout,
    data,
    order: input.order,
    rowPopulationRatio: input.insert.rowPopulationRatio,
    insert: {
      statement: insertStatement(layout, profile.insert.condition),
      partitions: shape.partitions,
      select: shape.select,
      batchType: shape.batchType,
      visits: input.insert.visits,
      revisit: input.insert.revisit,
      consistency: profile.insert.consistencyLevel,
      serialConsistency: profile.insert.serialConsistencyLevel,
    },
  };
}

/** What one resolved op runs. */
function opOf(
  op: ResolvedOp,
  layouts: readonly TableLayout[],
  tokenRange: UserRunInput["tokenRange"],
): UserOpSpec {
  switch (op.kind) {
    case "insert":
      return { kind: "insert", table: op.profileIndex };
    case "query":
      return {
        kind: "query",
        table: op.profileIndex,
        cql: op.query.cql,
        fields: op.query.fields,
        consistency: op.query.consistencyLevel?.toUpperCase() ?? null,
        serialConsistency: op.query.serialConsistencyLevel?.toUpperCase() ?? null,
      };
    case "token_range":
      return {
        kind: "token_range",
        table: op.profileIndex,
        columns: op.query.columns,
        pageSize: op.query.pageSize,
        splitFactor: tokenRange.splitFactor,
        wrap: tokenRange.wrap,
      };
    case "validate":
      return {
        kind: "validate",
        table: op.profileIndex,
        statements: validateStatements(layouts[op.profileIndex]),
      };
  }
}

/**
 * The target of a `user` run.
 *
 * @param connection How the Workers connect, by which client, and the ring they route by.
 * @param input The profiles, the tables, the ops and the settings that shape the data.
 * @returns The target spec.
 * @throws {UsageError} For a column type without a generator, or an insert that can draw fewer
 * than 1 partition.
 *
 * @example Usage
 * ```ts ignore
 * const spec = userTargetOf(connection, { profiles, layouts, ops, insert, order: "arbitrary" });
 * ```
 */
export function userTargetOf(
  connection: CqlConnectionSpec & Pick<UserTargetSpec, "client" | "ring" | "replicationByKeyspace">,
  input: UserRunInput,
): UserTargetSpec {
  return {
    ...connection,
    kind: "cql-user",
    tables: input.profiles.map((profile, i) => tableOf(profile, input.layouts[i], input, i)),
    ops: input.ops.map((op) => opOf(op, input.layouts, input.tokenRange)),
  };
}
