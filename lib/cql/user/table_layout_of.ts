/**
 * A profile table's layout from the rows of `system_schema.columns` and the table's `flags`
 * in `system_schema.tables`, as a driver's table metadata shows it (the metadata cassandra-stress
 * builds its statements from): key columns by position, the others by name, and a COMPACT
 * STORAGE table without the surrogate columns the server keeps for Thrift.
 *
 * @module
 */

import type { ColumnKind, TableColumn, TableLayout } from "./user_statements.ts";

export type { ColumnKind, TableColumn, TableLayout } from "./user_statements.ts";

/** One row of `system_schema.columns`. */
export interface SchemaColumnRow {
  /** `column_name`. */
  readonly name: string;
  /** `kind`: partition_key, clustering, static or regular. */
  readonly kind: ColumnKind;
  /** `position` (-1 for static and regular columns). */
  readonly position: number;
  /** `type`, as the schema writes it. */
  readonly type: string;
}

/** Partition key first, clustering next, then the others. */
function kindOrder(kind: ColumnKind): number {
  return kind === "partition_key" ? 0 : kind === "clustering" ? 1 : 2;
}

function byMetadataOrder(a: SchemaColumnRow, b: SchemaColumnRow): number {
  const byKind = kindOrder(a.kind) - kindOrder(b.kind);
  if (byKind !== 0) return byKind;
  if (kindOrder(a.kind) < 2) return a.position - b.position;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The columns a driver shows of a COMPACT STORAGE table (as the Java and Node.js drivers prune
 * them): a static compact table (no `compound`, `dense` or `super` flag) loses its surrogate
 * clustering column and `value` column, and its static columns are its regular ones; a dense
 * table loses its regular column of type `empty`.
 */
function visibleColumns(
  rows: readonly SchemaColumnRow[],
  flags: ReadonlySet<string> | null,
): readonly SchemaColumnRow[] {
  if (flags === null || flags.has("super")) return rows;
  const dense = flags.has("dense");
  if (!dense && !flags.has("compound")) {
    return rows.filter((row) => row.kind === "partition_key" || row.kind === "static")
      .map((row) => row.kind === "static" ? { ...row, kind: "regular" as const } : row);
  }
  if (!dense) return rows;
  return rows.filter((row) => !(row.kind === "regular" && row.type === "empty"));
}

/**
 * The layout of a table from its schema rows: the partition key and clustering columns by
 * position, then the others by name, without the surrogate columns of a COMPACT STORAGE table.
 *
 * @param table The table name, as stored.
 * @param rows The table's rows of `system_schema.columns`.
 * @param flags The table's `flags` in `system_schema.tables` (`compound`, `dense`, `super`), or
 * null when the node keeps none (then every column is shown).
 * @returns The layout.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableLayoutOf } from "./table_layout_of.ts";
 * const layout = tableLayoutOf("t", [
 *   { name: "value", kind: "regular", position: -1, type: "empty" },
 *   { name: "c", kind: "clustering", position: 0, type: "int" },
 *   { name: "k", kind: "partition_key", position: 0, type: "int" },
 * ], new Set(["dense"]));
 * assert.deepEqual(layout.columns.map((c) => c.name), ["k", "c"]);
 * ```
 */
export function tableLayoutOf(
  table: string,
  rows: readonly SchemaColumnRow[],
  flags: ReadonlySet<string> | null,
): TableLayout {
  const columns: TableColumn[] = [...visibleColumns(rows, flags)].sort(byMetadataOrder)
    .map(({ name, type, kind }) => ({ name, type, kind }));
  return { name: table, columns };
}
