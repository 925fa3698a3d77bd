// Compiles the conditions of a lightweight transaction (`IF EXISTS`, `IF NOT EXISTS`,
// `IF col op value AND ...`) and tests them as Cassandra does: conditions on static columns
// against the partition's static row, the others against the row.
import type { Condition } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { compareValues } from "../values/cql_value.ts";
import type { RowCells } from "./row_slab.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  sameBytes,
  splitCollection,
} from "./_bind.ts";
import { columnOf } from "./_column_of.ts";
import { decodePartitionKey } from "./_keys.ts";

/** The row a condition was tested on, and its partition's static row. */
export interface TestedRow {
  /** The serialized partition key. */
  pk: Uint8Array;
  /** The clustering key (empty without clustering columns; `null` for a static-only write). */
  ck: Uint8Array[] | null;
  row: RowCells | null;
  staticRow: RowCells | null;
}

/** A compiled condition. */
export interface WriteCondition {
  /** `IF EXISTS` / `IF NOT EXISTS`: a write not applied shows every column. */
  wildcard: boolean;
  /** The columns a write not applied shows: `SELECT *`'s, or the conditions' (regular first). */
  columns: ColumnSchema[];
  /** Reads the current row of (`pk`, `ck`) and tests the condition on it. */
  test(pk: Uint8Array, ck: Uint8Array[] | null, ctx: ExecContext): TestedRow & { applied: boolean };
}

/** The current row and static row of (`pk`, `ck`). */
export function readRow(table: TableSchema, pk: Uint8Array, ck: Uint8Array[] | null): TestedRow {
  const store = table.store;
  const found = store.getPartition(pk);
  const staticRow = found !== undefined && typeof found !== "number" && found.staticHandle >= 0
    ? store.readHandle(found.staticHandle)
    : null;
  const row = found === undefined || ck === null ? null : store.getRow(pk, ck);
  return { pk, ck, row, staticRow };
}

/**
 * The values of `columns` in a tested row, or `null` when there is nothing to show (neither the
 * row nor, when a static column is shown, the static row exists).
 */
export function shownValues(
  table: TableSchema,
  columns: ColumnSchema[],
  tested: TestedRow,
): (Uint8Array | null)[] | null {
  const { row, staticRow, ck } = tested;
  const staticShown = staticRow !== null && columns.some((c) => c.kind === "static");
  if (row === null && !staticShown) return null;
  const parts = decodePartitionKey(tested.pk, table.partitionKey.length);
  return columns.map((col) =>
    col.kind === "partition_key"
      ? parts[col.position].slice()
      : col.kind === "clustering"
      ? (row === null ? null : (ck?.[col.position]?.slice() ?? null))
      : col.kind === "static"
      ? (staticRow?.cells[col.cell]?.slice() ?? null)
      : (row?.cells[col.cell]?.slice() ?? null)
  );
}

type Check = (tested: TestedRow, ctx: ExecContext) => boolean;

/** The values of `IF col IN (a, b)` or `IF col IN ?` (a list), nulls included. */
function compileCandidates(
  col: ColumnSchema,
  c: Condition,
  binds: BindCollector,
): (ctx: ExecContext) => (Uint8Array | null)[] {
  if (c.value.kind === "tuple") {
    const fns = c.value.items.map((item) => compileTerm(col.type, item, col.name, binds));
    return (ctx) => fns.map((fn) => fn(ctx) ?? null);
  }
  const list = compileTerm(
    { kind: "list", element: col.type, frozen: false },
    c.value,
    `in(${col.name})`,
    binds,
  );
  return (ctx) => {
    const bytes = list(ctx);
    return bytes === null || bytes === undefined ? [] : splitCollection(bytes, "IN list");
  };
}

function compileCheck(table: TableSchema, c: Condition, binds: BindCollector): Check {
  const col = columnOf(table, c.column);
  if (col.cell < 0) {
    throw CqlError.invalid(`PRIMARY KEY column '${col.name}' cannot have IF conditions`);
  }
  const isStatic = col.kind === "static";
  if (c.op === "IN") {
    const candidates = compileCandidates(col, c, binds);
    return (tested, ctx) => {
      const cell = (isStatic ? tested.staticRow : tested.row)?.cells[col.cell] ?? null;
      return candidates(ctx).some((v) => sameBytes(cell, v));
    };
  }
  const value = compileTerm(col.type, c.value, col.name, binds);
  return (tested, ctx) => {
    const v = value(ctx) ?? null;
    const source = isStatic ? tested.staticRow : tested.row;
    const cell = source?.cells[col.cell] ?? null;
    if (c.op === "=") return sameBytes(cell, v);
    if (c.op === "!=") return !sameBytes(cell, v);
    if (cell === null || v === null) return false;
    const cmp = compareValues(col.type, cell, v);
    return c.op === "<" ? cmp < 0 : c.op === "<=" ? cmp <= 0 : c.op === ">" ? cmp > 0 : cmp >= 0;
  };
}

/**
 * Compiles a write's conditions, or returns `null` when it has none.
 *
 * @param exists `"exists"` for `IF EXISTS`, `"notExists"` for `IF NOT EXISTS`, else `null`.
 */
export function compileConditions(
  table: TableSchema,
  exists: "exists" | "notExists" | null,
  conditions: Condition[],
  binds: BindCollector,
): WriteCondition | null {
  if (exists === null && conditions.length === 0) return null;
  if (table.isCounter) throw CqlError.invalid("Conditions on counters are not supported");
  if (exists !== null) {
    const wanted = exists === "exists";
    return {
      wildcard: true,
      columns: table.columns,
      test: (pk, ck, _ctx) => {
        const tested = readRow(table, pk, ck);
        const present = (ck === null ? tested.staticRow : tested.row) !== null;
        return { ...tested, applied: present === wanted };
      },
    };
  }
  const checks = conditions.map((c) => compileCheck(table, c, binds));
  const named = conditions.map((c) => columnOf(table, c.column));
  const columns = [
    ...new Set([
      ...named.filter((c) => c.kind !== "static"),
      ...named.filter((c) => c.kind === "static"),
    ]),
  ];
  return {
    wildcard: false,
    columns,
    test: (pk, ck, ctx) => {
      const tested = readRow(table, pk, ck);
      return { ...tested, applied: checks.every((check) => check(tested, ctx)) };
    },
  };
}
