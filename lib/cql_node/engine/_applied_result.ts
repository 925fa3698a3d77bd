// The `[applied]` row a conditional write (or batch) answers with.
import type { ColumnSpec } from "./_select_plan.ts";
import type { ExecResult } from "./prepared_statement.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";

const BOOLEAN_TRUE = new Uint8Array([1]);
const BOOLEAN_FALSE = new Uint8Array([0]);

/** The `[applied]` column value. */
export function appliedBytes(applied: boolean): Uint8Array {
  return applied ? BOOLEAN_TRUE : BOOLEAN_FALSE;
}

/**
 * The result of a conditional write: `[applied]`, then, when `rows` is not empty (a write that
 * was not applied, and the rows it read exist), `columns` with one row per existing row.
 */
export function appliedResult(
  applied: boolean,
  table: TableSchema,
  columns: ColumnSchema[],
  rows: (Uint8Array | null)[][],
): ExecResult {
  const specs: ColumnSpec[] = [{
    keyspace: table.keyspace,
    table: table.name,
    name: "[applied]",
    type: { kind: "native", name: "boolean" },
  }];
  const flag = appliedBytes(applied);
  if (rows.length === 0) {
    return { kind: "rows", columns: specs, rows: [[flag]], pagingState: null };
  }
  for (const col of columns) {
    specs.push({ keyspace: table.keyspace, table: table.name, name: col.name, type: col.type });
  }
  return {
    kind: "rows",
    columns: specs,
    rows: rows.map((row) => [flag, ...row]),
    pagingState: null,
  };
}
