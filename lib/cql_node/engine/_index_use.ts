// Whether a SELECT reads through a secondary index, and whether it then still filters rows (so
// needs ALLOW FILTERING), decided as Cassandra 5.0 decides it for its default (COMPOSITES) indexes.
// The embedded node answers such a SELECT by scanning the rows it would read without the index
// (the whole table, or the partitions named) through the same filters: the index changes which
// queries are allowed, not how rows are found.
import type { Relation, SelectStatement } from "../parse/cql_ast.ts";
import type { IndexSchema, TableSchema } from "./schema.ts";
import type { KeyPlan } from "./_restrictions.ts";

/** How a SELECT uses the table's indexes. */
export interface IndexUse {
  /** Whether Cassandra would read it through an index. */
  usesIndex: boolean;
  /** Whether it filters beyond what the index finds (ALLOW FILTERING is then required). */
  needsFiltering: boolean;
}

const SLICE_OPS: ReadonlySet<string> = new Set(["<", "<=", ">", ">="]);

/** Whether `index` finds the rows `relation` selects (EQ, CONTAINS or CONTAINS KEY). */
function supports(index: IndexSchema, relation: Relation): boolean {
  if (relation.op === "=") return index.type === "simple" || index.type === "full";
  if (relation.op === "CONTAINS") return index.type === "values";
  if (relation.op === "CONTAINS KEY") return index.type === "keys";
  return false;
}

function isIndexed(table: TableSchema, relation: Relation): boolean {
  if (relation.token || relation.columns.length !== 1) return false;
  const name = relation.columns[0];
  return table.indexes.some((index) => index.column.name === name && supports(index, relation));
}

/** A restriction on clustering columns: its first and last column positions and its kind. */
interface ClusteringRestriction {
  first: number;
  last: number;
  slice: boolean;
  contains: boolean;
}

/**
 * Whether the clustering restrictions select rows that are not one slice of a partition: a
 * column restricted while a preceding one is not restricted by `=`/`IN`, or a CONTAINS.
 */
function clusteringNeedsFiltering(restrictions: ClusteringRestriction[]): boolean {
  let position = 0;
  for (const r of restrictions.toSorted((a, b) => a.first - b.first)) {
    if (r.contains || r.first !== position) return true;
    if (!r.slice) position = r.last + 1;
  }
  return false;
}

/**
 * How a SELECT on `table` uses its indexes, or `null` when no restriction has an index that
 * supports it. The restrictions counted towards filtering are those on columns outside the
 * primary key, those on a partition key that is only partly restricted, and (when the index is
 * used without the whole partition key, or the clustering restrictions skip a column) those on
 * clustering columns; more than one needs ALLOW FILTERING.
 *
 * @param table The table.
 * @param statement The SELECT.
 * @param keys Its compiled WHERE clause.
 * @returns The use, or null.
 */
export function indexUse(
  table: TableSchema,
  statement: SelectStatement,
  keys: KeyPlan,
): IndexUse | null {
  if (!statement.where.some((relation) => isIndexed(table, relation))) return null;
  let token = false;
  const partitionColumns = new Set<number>();
  const clustering: ClusteringRestriction[] = [];
  const clusteringColumns = new Set<number>();
  let clusteringIndexed = false;
  let others = 0;
  for (const relation of statement.where) {
    if (relation.token) {
      token = true;
      continue;
    }
    const columns = relation.columns.map((name) => table.byName.get(name)!);
    const kind = columns[0].kind;
    if (kind === "partition_key") {
      for (const column of columns) partitionColumns.add(column.position);
    } else if (kind === "clustering") {
      for (const column of columns) clusteringColumns.add(column.position);
      clustering.push({
        first: columns[0].position,
        last: columns[columns.length - 1].position,
        slice: SLICE_OPS.has(relation.op),
        contains: relation.op === "CONTAINS" || relation.op === "CONTAINS KEY",
      });
      if (isIndexed(table, relation)) clusteringIndexed = true;
    } else others++;
  }
  const keyRange = keys.partition === null;
  const partitionFiltered = keyRange && partitionColumns.size > 0;
  let usesIndex = partitionFiltered || (partitionColumns.size === 0 && !token);
  let count = partitionFiltered ? partitionColumns.size : 0;
  const clusteringFiltered = clusteringNeedsFiltering(clustering);
  if (clusteringFiltered || (keyRange && clusteringIndexed)) usesIndex = true;
  if (usesIndex || clusteringFiltered) count += clusteringColumns.size;
  if (others > 0) usesIndex = true;
  count += others;
  return {
    usesIndex,
    needsFiltering: count > 1 || (count === 0 && clusteringColumns.size > 0),
  };
}
