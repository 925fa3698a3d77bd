/**
 * The schema side of a `user` run: each profile's keyspace, table and extra definitions created
 * as cassandra-stress creates them, the table read back from the cluster's schema, and the
 * tables truncated for `truncate=`.
 *
 * @module
 */

import cassandra from "cassandra-driver";
import { firstLineOf, TargetError, UsageError } from "../../errors.ts";
import type { CommandIo } from "../../cli/command_io.ts";
import type { StressProfile } from "../profile/stress_profile.ts";
import type { ColumnKind, TableLayout } from "../user/user_statements.ts";
import { tableLayoutOf } from "../user/table_layout_of.ts";
import { quoteIdentifier, storedKeyspaceName } from "../user/user_statements.ts";
import type { CqlCluster } from "./cql_cluster.ts";
import { consistencyOf } from "./_request_queue.ts";

/** How long to sleep after schema changes (default one second per node). */
export interface SchemaSleep {
  /** The sleep (tests pass one that returns at once; the line is printed either way). */
  readonly sleep: (ms: number) => Promise<void>;
  /** The consistency level name of the DDL. */
  readonly consistency: string;
}

const ALREADY_EXISTS = 0x2400;

/** Runs one DDL statement; an "already exists" answer is not an error, as in cassandra-stress. */
async function runDdl(
  cluster: CqlCluster,
  statement: string,
  what: string,
  consistency: string,
): Promise<void> {
  try {
    await cluster.client.execute(statement, [], { consistency: consistencyOf(consistency) });
  } catch (error) {
    if ((error as { code?: number }).code === ALREADY_EXISTS) return;
    throw new TargetError(`Cannot ${what}: ${firstLineOf(error)}`, { cause: error });
  }
}

/**
 * The consistency of the ScyllaDB fork's DDL: QUORUM, LOCAL_QUORUM for a DC-local `cl=` or a
 * `-node datacenter=`, or `cl=` itself when it is stronger (ALL, EACH_QUORUM).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ddlConsistencyOf } from "./profile_schema.ts";
 * assert.equal(ddlConsistencyOf("LOCAL_ONE", false), "LOCAL_QUORUM");
 * assert.equal(ddlConsistencyOf("ONE", false), "QUORUM");
 * assert.equal(ddlConsistencyOf("ALL", true), "ALL");
 * ```
 */
export function ddlConsistencyOf(cl: string, datacenterGiven: boolean): string {
  if (cl === "ALL" || cl === "EACH_QUORUM") return cl;
  return cl.startsWith("LOCAL_") || datacenterGiven ? "LOCAL_QUORUM" : "QUORUM";
}

/**
 * Creates a profile's schema (reference section 2.2): `keyspace_definition`, `USE keyspace`,
 * `table_definition` then `Created schema. Sleeping Ns for propagation.`, each of
 * `extra_definitions` then `Created extra schema. Sleeping Ns for propagation.`
 *
 * @param cluster The control session.
 * @param profile The profile.
 * @param io Where the lines go.
 * @param options The sleep and the DDL's consistency.
 * @throws {TargetError} When a statement fails (other than "already exists").
 */
export async function createProfileSchema(
  cluster: CqlCluster,
  profile: StressProfile,
  io: CommandIo,
  options: SchemaSleep,
): Promise<void> {
  const cl = options.consistency;
  const sleepMs = cluster.hostCount * 1000;
  if (profile.keyspaceDefinition !== null) {
    await runDdl(cluster, profile.keyspaceDefinition, `create keyspace ${profile.keyspace}`, cl);
  }
  const use = profile.keyspaceDefinition === null
    ? `use keyspace ${profile.keyspace} (profile "${profile.fileName}" has no keyspace_definition)`
    : `use keyspace ${profile.keyspace}`;
  await runDdl(cluster, `USE ${quoteIdentifier(storedKeyspaceName(profile.keyspace))}`, use, cl);
  if (profile.tableDefinition !== null) {
    await runDdl(cluster, profile.tableDefinition, `create table ${profile.table}`, cl);
    io.out(`Created schema. Sleeping ${cluster.hostCount}s for propagation.`);
    await options.sleep(sleepMs);
  }
  if (profile.extraDefinitions !== null && profile.extraDefinitions.length > 0) {
    for (const statement of profile.extraDefinitions) {
      await runDdl(cluster, statement, "create the extra schema", cl);
    }
    io.out(`Created extra schema. Sleeping ${cluster.hostCount}s for propagation.`);
    await options.sleep(sleepMs);
  }
}

/** The table's `flags` (`compound`, `dense`, `super`), or null when the node keeps none. */
async function tableFlagsOf(
  cluster: CqlCluster,
  keyspace: string,
  table: string,
): Promise<Set<string> | null> {
  let result;
  try {
    result = await cluster.client.execute(
      "SELECT flags FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
      [keyspace, table],
    );
  } catch {
    return null; // a node whose schema tables have no flags: every column is shown
  }
  const flags = result.rows[0]?.get("flags") as Iterable<string> | null | undefined;
  return flags === null || flags === undefined ? null : new Set(flags);
}

/**
 * Reads a table's columns from `system_schema.columns`, in the driver's metadata order: the
 * partition key and clustering columns by position, then the others by name; a COMPACT STORAGE
 * table without its surrogate columns, as a driver shows it.
 *
 * @param cluster The control session.
 * @param keyspace The keyspace, as the profile writes it (`MyKs` is the keyspace `myks`).
 * @param table The table, as stored.
 * @returns The layout.
 * @throws {UsageError} When the table does not exist (`Unable to find table ks.tbl`).
 */
export async function readTableLayout(
  cluster: CqlCluster,
  keyspace: string,
  table: string,
): Promise<TableLayout> {
  const result = await cluster.client.execute(
    "SELECT column_name, kind, position, type FROM system_schema.columns " +
      "WHERE keyspace_name = ? AND table_name = ?",
    [storedKeyspaceName(keyspace), table],
  );
  if (result.rows.length === 0) {
    throw new UsageError(`Unable to find table ${keyspace}.${table}`);
  }
  const rows = result.rows.map((row) => ({
    name: String(row.get("column_name")),
    kind: String(row.get("kind")) as ColumnKind,
    position: Number(row.get("position")),
    type: String(row.get("type")),
  }));
  return tableLayoutOf(
    table,
    rows,
    await tableFlagsOf(cluster, storedKeyspaceName(keyspace), table),
  );
}

/**
 * Truncates each profile's table (`truncate=once|always`) at CL ONE, printing
 * `Truncated ks.tbl. Sleeping Ns for propagation.` after each.
 *
 * @param cluster The control session.
 * @param tables The keyspace (as the profile writes it) and table of each profile.
 * @param io Where the lines go.
 * @param sleep The sleep.
 * @throws {TargetError} When a truncate fails.
 */
export async function truncateProfileTables(
  cluster: CqlCluster,
  tables: readonly { keyspace: string; table: string }[],
  io: CommandIo,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  for (const { keyspace, table } of tables) {
    const name = `${quoteIdentifier(storedKeyspaceName(keyspace))}.${quoteIdentifier(table)}`;
    try {
      await cluster.client.execute(`TRUNCATE ${name}`, [], {
        consistency: cassandra.types.consistencies.one,
      });
    } catch (error) {
      throw new TargetError(`Cannot truncate ${name}: ${firstLineOf(error)}`, { cause: error });
    }
    io.out(`Truncated ${keyspace}.${table}. Sleeping ${cluster.hostCount}s for propagation.`);
    await sleep(cluster.hostCount * 1000);
  }
}
