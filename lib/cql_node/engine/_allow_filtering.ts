// Cassandra's refusal of SELECTs that would filter rows unless they say ALLOW FILTERING.
import type { SelectStatement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { TableSchema } from "./schema.ts";
import type { KeyPlan } from "./_restrictions.ts";

const REQUIRES_ALLOW_FILTERING = "Cannot execute this query as it might involve data filtering " +
  "and thus may have unpredictable performance. If you want to execute this query despite the " +
  "performance unpredictability, use ALLOW FILTERING";

/**
 * Throws what Cassandra 5.0 answers a SELECT without ALLOW FILTERING that would filter: a
 * clustering column restricted while a preceding one is not, a restriction on a column outside
 * the primary key, a partly restricted partition key, or clustering restrictions on a query that
 * does not name its partitions.
 */
export function checkAllowFiltering(
  table: TableSchema,
  statement: SelectStatement,
  keys: KeyPlan,
): void {
  if (statement.allowFiltering) return;
  const restricted = new Set<number>();
  for (const relation of statement.where) {
    if (relation.token) continue;
    for (const name of relation.columns) {
      const col = table.byName.get(name);
      if (col?.kind === "clustering") restricted.add(col.position);
    }
  }
  const positions = [...restricted].sort((a, b) => a - b);
  positions.forEach((position, i) => {
    if (position !== i) {
      throw CqlError.invalid(
        `PRIMARY KEY column "${
          table.clustering[position].name
        }" cannot be restricted as preceding column "${
          table.clustering[i].name
        }" is not restricted`,
      );
    }
  });
  const filtersRows = keys.filters.some((f) => f.column.kind !== "clustering");
  if (filtersRows || (keys.partition === null && positions.length > 0)) {
    throw CqlError.invalid(REQUIRES_ALLOW_FILTERING);
  }
}
