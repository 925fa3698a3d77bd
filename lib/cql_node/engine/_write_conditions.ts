// Compiles the `IF EXISTS` / `IF col op value` conditions of an UPDATE or DELETE.
import type { Condition } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { compareValues } from "../values/cql_value.ts";
import type { RowCells } from "./row_slab.ts";
import type { TableSchema } from "./schema.ts";
import { type BindCollector, compileTerm, type ExecContext, sameBytes } from "./_bind.ts";
import { columnOf } from "./_column_of.ts";

/** Whether the existing row (null when there is none) meets a write's conditions. */
export type RowCondition = (row: RowCells | null, ctx: ExecContext) => boolean;

/** The `IF EXISTS` / `IF ...` test of an UPDATE or DELETE, or `null` when it has none. */
export function compileConditions(
  table: TableSchema,
  ifExists: boolean,
  conditions: Condition[],
  binds: BindCollector,
): RowCondition | null {
  if (ifExists) return (row) => row !== null;
  if (conditions.length === 0) return null;
  const checks = conditions.map((c) => {
    const col = columnOf(table, c.column);
    if (col.cell < 0) {
      throw CqlError.invalid(`PRIMARY KEY column '${col.name}' cannot have IF conditions`);
    }
    const value = compileTerm(col.type, c.value, col.name, binds);
    return (row: RowCells | null, ctx: ExecContext) => {
      const v = value(ctx) ?? null;
      const cell = row?.cells[col.cell] ?? null;
      if (c.op === "=") return sameBytes(cell, v);
      if (c.op === "!=") return !sameBytes(cell, v);
      if (cell === null || v === null) return false;
      const cmp = compareValues(col.type, cell, v);
      return c.op === "<" ? cmp < 0 : c.op === "<=" ? cmp <= 0 : c.op === ">" ? cmp > 0 : cmp >= 0;
    };
  });
  return (row, ctx) => checks.every((check) => check(row, ctx));
}
