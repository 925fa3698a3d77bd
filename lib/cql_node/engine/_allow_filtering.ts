// Cassandra's refusal of SELECTs that would filter rows unless they say ALLOW FILTERING, and of
// the SELECTs an index or DISTINCT cannot answer.
import type { SelectStatement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { TableSchema } from "./schema.ts";
import type { KeyPlan } from "./_restrictions.ts";
import { type IndexUse, indexUse } from "./_index_use.ts";
import { checkClusteringGap } from "./_restriction_merge.ts";

const REQUIRES_ALLOW_FILTERING = "Cannot execute this query as it might involve data filtering " +
  "and thus may have unpredictable performance. If you want to execute this query despite the " +
  "performance unpredictability, use ALLOW FILTERING";

/**
 * Throws what Cassandra 5.0 answers a SELECT without ALLOW FILTERING that would filter: a
 * clustering column restricted while a preceding one is not, a restriction on a column outside
 * the primary key, a partly restricted partition key, or clustering restrictions on a query that
 * does not name its partitions. A restriction a secondary index supports is no filter: such a
 * SELECT is refused only when it restricts more than the index finds (see `_index_use.ts`), or
 * names partitions by IN, or has an ORDER BY. SELECT DISTINCT may restrict only the partition
 * key and static columns.
 */
export function checkAllowFiltering(
  table: TableSchema,
  statement: SelectStatement,
  keys: KeyPlan,
): void {
  const index = indexUse(table, statement, keys);
  if (index?.usesIndex) {
    checkIndexedSelect(table, statement, index);
    return;
  }
  checkFiltering(table, statement, keys);
  checkDistinct(table, statement);
}

/** The checks of a SELECT read through an index, in the order Cassandra makes them. */
function checkIndexedSelect(table: TableSchema, statement: SelectStatement, index: IndexUse): void {
  const partitionIn = statement.where.some((relation) =>
    !relation.token && relation.op === "IN" &&
    table.byName.get(relation.columns[0])?.kind === "partition_key"
  );
  if (partitionIn) {
    throw CqlError.invalid(
      "Select on indexed columns and with IN clause for the PRIMARY KEY are not supported",
    );
  }
  checkDistinct(table, statement);
  if (statement.orderBy.length > 0) {
    throw CqlError.invalid(
      "ORDER BY with 2ndary indexes is not supported, except for ANN queries.",
    );
  }
  if (!statement.allowFiltering && index.needsFiltering) {
    throw CqlError.invalid(REQUIRES_ALLOW_FILTERING);
  }
}

/** SELECT DISTINCT restricting a clustering or regular column. */
function checkDistinct(table: TableSchema, statement: SelectStatement): void {
  if (!statement.distinct) return;
  const rowRestricted = statement.where.some((relation) => {
    const kind = relation.token ? "partition_key" : table.byName.get(relation.columns[0])?.kind;
    return kind === "clustering" || kind === "regular";
  });
  if (rowRestricted) {
    throw CqlError.invalid(
      "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.",
    );
  }
}

/** The checks of a SELECT that reads no index. */
function checkFiltering(table: TableSchema, statement: SelectStatement, keys: KeyPlan): void {
  if (statement.allowFiltering) return;
  checkClusteringGap(table, statement.where);
  const clusteringRestricted = statement.where.some((relation) =>
    !relation.token && table.byName.get(relation.columns[0])?.kind === "clustering"
  );
  const filtersRows = keys.filters.some((f) => f.column.kind !== "clustering");
  if (filtersRows || (keys.partition === null && clusteringRestricted)) {
    throw CqlError.invalid(REQUIRES_ALLOW_FILTERING);
  }
}
