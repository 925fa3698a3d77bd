// The `[applied]` row a conditional write (or batch) answers with.
import type { ColumnSpec } from "./_select_plan.ts";
import type { ExecResult } from "./prepared_statement.ts";
import type { TableSchema } from "./schema.ts";

const BOOLEAN_TRUE = new Uint8Array([1]);
const BOOLEAN_FALSE = new Uint8Array([0]);

/** The `[applied]` column value. */
export function appliedBytes(applied: boolean): Uint8Array {
  return applied ? BOOLEAN_TRUE : BOOLEAN_FALSE;
}

/**
 * The result of a conditional write: `[applied]`, then, when `existing` is given (a write that
 * was not applied), the existing row in `SELECT *` order.
 */
export function appliedResult(
  applied: boolean,
  table: TableSchema,
  existing: (Uint8Array | null)[] | null,
): ExecResult {
  const columns: ColumnSpec[] = [{
    keyspace: table.keyspace,
    table: table.name,
    name: "[applied]",
    type: { kind: "native", name: "boolean" },
  }];
  if (existing === null) {
    return { kind: "rows", columns, rows: [[appliedBytes(applied)]], pagingState: null };
  }
  for (const col of table.columns) {
    columns.push({ keyspace: table.keyspace, table: table.name, name: col.name, type: col.type });
  }
  return {
    kind: "rows",
    columns,
    rows: [[appliedBytes(applied), ...existing]],
    pagingState: null,
  };
}
