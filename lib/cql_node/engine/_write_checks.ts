// Cassandra's checks of a conditional UPDATE or DELETE, and of a write of static columns only.
import type { Relation } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { KeyPlan } from "./_restrictions.ts";
import type { TableSchema } from "./schema.ts";
import type { WriteCondition } from "./_write_conditions.ts";

/** Cassandra's checks of a conditional UPDATE or DELETE: no IN, the row named for its columns. */
export function checkConditional(
  table: TableSchema,
  where: Relation[],
  condition: WriteCondition | null,
  onlyStatic: boolean,
  kind: "updates" | "deletions",
): void {
  if (condition === null) return;
  for (const relation of where) {
    if (relation.op !== "IN" || relation.token) continue;
    const col = table.byName.get(relation.columns[0]);
    if (col?.kind === "partition_key") {
      throw CqlError.invalid(`IN on the partition key is not supported with conditional ${kind}`);
    }
    if (col?.kind === "clustering") {
      throw CqlError.invalid(
        `IN on the clustering key columns is not supported with conditional ${kind}`,
      );
    }
  }
  if (onlyStatic && condition.columns.some((c) => c.kind === "regular") && !condition.wildcard) {
    throw CqlError.invalid(
      `Some clustering keys are missing: ${table.clustering.map((c) => c.name).join(", ")}`,
    );
  }
}

/** A write of only static columns may not name clustering columns (Cassandra's check). */
export function checkStaticOnly(
  table: TableSchema,
  keys: KeyPlan,
  onlyStatic: boolean,
  kind: "UPDATE" | "DELETE",
): void {
  if (onlyStatic && table.clustering.length > 0 && keys.clusteringEq.length > 0) {
    throw CqlError.invalid(
      `Invalid restrictions on clustering columns since the ${kind} statement modifies only static columns`,
    );
  }
}
