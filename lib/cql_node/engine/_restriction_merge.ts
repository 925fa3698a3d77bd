// Cassandra 5.0's refusal of several restrictions on one primary key column: a column restricted
// by `=` or IN takes no other restriction, and a slice takes at most one start bound and one end
// bound (`c > 1 AND c < 5` is one slice). Cassandra merges each restriction into the one already
// on its columns, so the message depends on which came first.
import type { Relation } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";

/** The restriction on some columns, merged so far. */
interface Restriction {
  kind: "eq" | "in" | "slice";
  columns: ColumnSchema[];
  start: boolean;
  end: boolean;
}

function restrictionOf(relation: Relation, columns: ColumnSchema[]): Restriction | null {
  const op = relation.op;
  if (op === "=") return { kind: "eq", columns, start: false, end: false };
  // Cassandra merges a multi-column IN as an equality.
  const inKind = relation.multiColumnIn ? "eq" : "in";
  if (op === "IN") return { kind: inKind, columns, start: false, end: false };
  if (op === "<" || op === "<=" || op === ">" || op === ">=") {
    return { kind: "slice", columns, start: op[0] === ">", end: op[0] === "<" };
  }
  return null;
}

/** The columns two restrictions share, named as Cassandra names them in its messages. */
function shared(a: Restriction, b: Restriction): string {
  return a.columns.filter((col) => b.columns.includes(col)).map((col) => col.name).join(" ,");
}

/** Merges `next` into `existing` (on some of the same columns), or throws Cassandra's error. */
function merge(existing: Restriction, next: Restriction): Restriction {
  const names = shared(existing, next);
  if (existing.kind === "eq") {
    throw CqlError.invalid(
      `${names} cannot be restricted by more than one relation if it includes an Equal`,
    );
  }
  if (existing.kind === "in") {
    throw CqlError.invalid(
      `${names} cannot be restricted by more than one relation if it includes a IN`,
    );
  }
  if (next.kind !== "slice") {
    throw CqlError.invalid(
      `Column "${names}" cannot be restricted by both an equality and an inequality relation`,
    );
  }
  if (existing.columns[0] !== next.columns[0]) {
    const later = existing.columns[0].position > next.columns[0].position
      ? existing.columns[0]
      : next.columns[0];
    throw CqlError.invalid(
      `Column "${later.name}" cannot be restricted by two inequalities not starting with the same column`,
    );
  }
  if (existing.start && next.start) {
    throw CqlError.invalid(`More than one restriction was found for the start bound on ${names}`);
  }
  if (existing.end && next.end) {
    throw CqlError.invalid(`More than one restriction was found for the end bound on ${names}`);
  }
  return {
    kind: "slice",
    columns: existing.columns.length >= next.columns.length ? existing.columns : next.columns,
    start: existing.start || next.start,
    end: existing.end || next.end,
  };
}

/** The restriction of `byColumn` on the clustering column with the highest position. */
function lastClustering(byColumn: Map<ColumnSchema, Restriction>): Restriction | undefined {
  let last: ColumnSchema | undefined;
  for (const col of byColumn.keys()) {
    if (col.kind === "clustering" && (last === undefined || col.position > last.position)) {
      last = col;
    }
  }
  return last === undefined ? undefined : byColumn.get(last);
}

/**
 * Cassandra's checks of the order of clustering restrictions as each is added (without ALLOW
 * FILTERING): nothing may follow a slice, and a slice may not come before a restricted column.
 */
function checkClusteringOrder(
  byColumn: Map<ColumnSchema, Restriction>,
  next: Restriction,
): void {
  const last = lastClustering(byColumn);
  if (last === undefined) return;
  const start = next.columns[0];
  const lastStart = last.columns[0];
  if (last.kind === "slice" && start.position > lastStart.position) {
    throw CqlError.invalid(
      `Clustering column "${start.name}" cannot be restricted (preceding column "${lastStart.name}" is restricted by a non-EQ relation)`,
    );
  }
  if (start.position < lastStart.position && next.kind === "slice") {
    const following = [...byColumn.keys()]
      .filter((col) => col.kind === "clustering" && col.position > start.position)
      .sort((a, b) => a.position - b.position)[0];
    throw CqlError.invalid(
      `PRIMARY KEY column "${following.name}" cannot be restricted (preceding column "${start.name}" is restricted by a non-EQ relation)`,
    );
  }
}

/** Whether an index of `table` finds the rows `relation` selects (`=` on an indexed column). */
function isIndexed(table: TableSchema, relation: Relation, col: ColumnSchema): boolean {
  return relation.op === "=" && table.indexes.some((index) => index.column === col);
}

/**
 * Throws what Cassandra answers a WHERE clause that restricts a partition key or clustering
 * column more than it can merge: `p = 1 AND p = 2`, `c IN (1, 2) AND c = 3`, `c > 1 AND c = 2`,
 * `c > 1 AND c >= 2`; and, without ALLOW FILTERING, clustering restrictions after a slice
 * (`c1 > 1 AND c2 = 2`) or a slice before a restricted column. Restrictions on other columns,
 * `!=`, CONTAINS and `token(...)` are left to the compilation of each relation.
 *
 * @param table The table.
 * @param where The relations, in statement order.
 * @param allowFiltering Whether the statement says ALLOW FILTERING (only a SELECT can).
 * @throws {CqlError} Invalid for restrictions that do not merge.
 */
export function checkRestrictionMerge(
  table: TableSchema,
  where: Relation[],
  allowFiltering = false,
): void {
  const byColumn = new Map<ColumnSchema, Restriction>();
  for (const relation of where) {
    if (relation.token) continue;
    const columns = relation.columns.map((name) => table.byName.get(name));
    if (columns.some((col) => col === undefined)) continue;
    const cols = columns as ColumnSchema[];
    if (cols[0].kind !== "partition_key" && cols[0].kind !== "clustering") continue;
    let restriction = restrictionOf(relation, cols);
    if (restriction === null) continue;
    const existing = cols.map((col) => byColumn.get(col)).find((r) => r !== undefined);
    if (existing !== undefined) restriction = merge(existing, restriction);
    if (cols[0].kind === "clustering" && !allowFiltering && !isIndexed(table, relation, cols[0])) {
      checkClusteringOrder(byColumn, restriction);
    }
    for (const col of [...(existing?.columns ?? []), ...cols]) byColumn.set(col, restriction);
  }
}

/**
 * Throws what Cassandra answers clustering restrictions that skip a column without ALLOW
 * FILTERING: `PRIMARY KEY column "c2" cannot be restricted as preceding column "c1" is not
 * restricted`.
 *
 * @param table The table.
 * @param where The relations.
 * @throws {CqlError} Invalid when a restricted clustering column follows an unrestricted one.
 */
export function checkClusteringGap(table: TableSchema, where: Relation[]): void {
  const restricted = new Set<number>();
  for (const relation of where) {
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
        `PRIMARY KEY column "${table.clustering[position].name}" cannot be restricted as ` +
          `preceding column "${table.clustering[i].name}" is not restricted`,
      );
    }
  });
}
