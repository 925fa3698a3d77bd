// The ORDER BY of a SELECT, checked and answered as Cassandra 5.0 does: the clustering columns in
// their declared order (a column restricted by `=` may be skipped), all in their declared direction
// or all reversed; with an IN on the partition key the rows of the partitions are sorted together.
import type { SelectStatement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { compareValues } from "../values/cql_value.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import type { RowRef } from "./_keys.ts";
import type { KeyPlan } from "./_restrictions.ts";

/** How a SELECT orders its rows. */
export interface SelectOrder {
  /** Whether each partition is read against its clustering order. */
  reversed: boolean;
  /**
   * Orders rows of several partitions (an IN on the partition key), `null` when the partitions
   * are answered one after the other.
   */
  compare: ((a: RowRef, b: RowRef) => number) | null;
}

const PAGING_WITH_ORDER = "Cannot page queries with both ORDER BY and a IN restriction on the " +
  "partition key; you must either remove the ORDER BY or the IN and sort client side, or disable " +
  "paging for this query";

const NOT_DECLARED_ORDER = "Order by currently only supports the ordering of columns following " +
  "their declared order in the PRIMARY KEY";

/**
 * The ORDER BY columns and whether each is descending. Cassandra keys them by column: a column
 * named twice keeps its first place and takes its last direction.
 */
export function orderingColumns(
  table: TableSchema,
  statement: SelectStatement,
): Map<ColumnSchema, boolean> {
  const columns = new Map<ColumnSchema, boolean>();
  for (const { column, descending } of statement.orderBy) {
    const col = table.byName.get(column);
    if (!col) throw CqlError.undefinedColumn(column, table);
    columns.set(col, descending);
  }
  return columns;
}

/** The clustering columns a `=` (not an IN) restricts, by position. */
function restrictedByEq(table: TableSchema, statement: SelectStatement): Set<number> {
  const positions = new Set<number>();
  for (const relation of statement.where) {
    if (relation.token || relation.op !== "=") continue;
    for (const name of relation.columns) {
      const col = table.byName.get(name);
      if (col?.kind === "clustering") positions.add(col.position);
    }
  }
  return positions;
}

/** Whether the partition key is restricted by IN (so rows of several partitions are sorted). */
function partitionKeyIn(table: TableSchema, statement: SelectStatement): boolean {
  return statement.where.some((relation) =>
    !relation.token && relation.op === "IN" &&
    table.byName.get(relation.columns[0])?.kind === "partition_key"
  );
}

/**
 * Checks the ORDER BY of a SELECT and says how its rows are ordered.
 *
 * @param table The table.
 * @param statement The SELECT.
 * @param keys Its compiled WHERE clause.
 * @param columns Its ORDER BY columns (see {@linkcode orderingColumns}).
 * @returns The order.
 * @throws {CqlError} Invalid for an ORDER BY Cassandra refuses.
 */
export function selectOrder(
  table: TableSchema,
  statement: SelectStatement,
  keys: KeyPlan,
  columns: Map<ColumnSchema, boolean>,
): SelectOrder {
  if (columns.size === 0) return { reversed: false, compare: null };
  if (keys.partition === null) {
    throw CqlError.invalid(
      "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
    );
  }
  const eq = restrictedByEq(table, statement);
  const flips: (boolean | undefined)[] = table.clustering.map(() => undefined);
  let next = 0;
  for (const [col, descending] of columns) {
    if (col.kind !== "clustering") {
      throw CqlError.invalid(
        `Order by is currently only supported on the clustered columns of the PRIMARY KEY, got ${col.name}`,
      );
    }
    if (col.position < next) throw CqlError.invalid(NOT_DECLARED_ORDER);
    for (; next < col.position; next++) {
      if (!eq.has(next)) throw CqlError.invalid(NOT_DECLARED_ORDER);
    }
    next++;
    flips[col.position] = descending !== (col.order === "desc");
  }
  const set = flips.filter((flip) => flip !== undefined);
  if (set.some((flip) => flip !== set[0])) throw CqlError.invalid("Unsupported order by relation");
  const reversed = set[0]!;
  return {
    reversed,
    compare: partitionKeyIn(table, statement) ? rowComparator([...columns.keys()], reversed) : null,
  };
}

/** Orders rows by the ORDER BY columns in their clustering order, reversed when asked. */
function rowComparator(
  columns: ColumnSchema[],
  reversed: boolean,
): (a: RowRef, b: RowRef) => number {
  return (a, b) => {
    for (const col of columns) {
      const x = a.clustering[col.position];
      const y = b.clustering[col.position];
      // The static row of a partition without rows has no clustering: it sorts first.
      let c = x === null || y === null
        ? (x === null ? 0 : 1) - (y === null ? 0 : 1)
        : compareValues(col.type, x, y);
      if (col.order === "desc") c = -c;
      if (c !== 0) return reversed ? -c : c;
    }
    return 0;
  };
}

/**
 * Throws Cassandra's refusal of a paged SELECT whose rows are sorted across partitions.
 *
 * @param order The SELECT's order.
 * @param pageSize The page size asked for (0 or less: no paging).
 * @throws {CqlError} Invalid when both.
 */
export function checkOrderPaging(order: SelectOrder, pageSize: number): void {
  if (order.compare !== null && pageSize > 0) throw CqlError.invalid(PAGING_WITH_ORDER);
}
