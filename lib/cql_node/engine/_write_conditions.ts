// Compiles the conditions of a lightweight transaction (`IF EXISTS`, `IF NOT EXISTS`,
// `IF col op value AND ...`) and tests them as Cassandra does: conditions on static columns
// against the partition's static row, the others against the row.
import type { Condition, Term } from "../parse/cql_ast.ts";
import type { CqlType } from "../values/cql_type.ts";
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

/**
 * What a conditional write read, as a write not applied shows it: Cassandra reads the row the
 * write names (when it has conditions on the row: `IF EXISTS` of a row, a regular column's
 * condition), else the partition's first row; the static row only when static columns are in a
 * condition (or, for `IF [NOT] EXISTS`, set by the write), and the row's regular columns only when
 * they are (or the write sets a row).
 */
export interface ReadRow {
  /** The serialized partition key. */
  pk: Uint8Array;
  /** The clustering key of `row`. */
  ck: Uint8Array[] | null;
  /** The row read, `null` when there is none. */
  row: RowCells | null;
  /** The static row, `null` when there is none or it was not read. */
  staticRow: RowCells | null;
  /** Whether the row's regular columns were read. */
  regulars: boolean;
}

/** Which rows a write with conditions sets: its partition's static row, its regular rows. */
export interface WriteUpdates {
  /** The write sets or deletes a static column. */
  staticRow: boolean;
  /** The write names a row (all its clustering columns, or the table has none). */
  regularRows: boolean;
}

/** A compiled condition. */
export interface WriteCondition {
  /** `IF EXISTS` / `IF NOT EXISTS`: a write not applied shows every column. */
  wildcard: boolean;
  /**
   * What a batch keys by row (a batch may not mix them on one row): `IF EXISTS`, `IF NOT
   * EXISTS`, or column conditions, on the row's regular columns, on its static ones or both.
   */
  kind: "exists" | "notExists" | "columns";
  /** Column conditions on regular columns (tested on the row the write names). */
  onRow: boolean;
  /** Column conditions on static columns (tested on the partition's static row). */
  onStatic: boolean;
  /** The columns a write not applied shows: `SELECT *`'s, or the conditions' (regular first). */
  columns: ColumnSchema[];
  /** Reads the current row of (`pk`, `ck`), tests the condition on it, and says what it read. */
  test(pk: Uint8Array, ck: Uint8Array[] | null, ctx: ExecContext): ReadRow & { applied: boolean };
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
 * What a condition read of (`pk`, `ck`): the named row or the partition's first row, the static
 * row when read.
 */
function readFor(
  table: TableSchema,
  tested: TestedRow,
  read: { namedRow: boolean; statics: boolean; regulars: boolean },
): ReadRow {
  const staticRow = read.statics ? tested.staticRow : null;
  if (read.namedRow) return { ...tested, staticRow, regulars: read.regulars };
  const found = table.store.getPartition(tested.pk);
  const first = found !== undefined && typeof found !== "number" ? found.rows[0] : undefined;
  return {
    pk: tested.pk,
    ck: first?.clustering ?? null,
    row: first === undefined ? null : table.store.readHandle(first.handle),
    staticRow,
    regulars: read.regulars,
  };
}

/**
 * The values of `columns` in what a condition read, or `null` when there is nothing to show
 * (neither the row nor, when a static column is shown, the static row was read).
 */
export function shownValues(
  table: TableSchema,
  columns: ColumnSchema[],
  read: ReadRow,
): (Uint8Array | null)[] | null {
  const { row, staticRow } = read;
  const staticShown = staticRow !== null && columns.some((c) => c.kind === "static");
  if (row === null && !staticShown) return null;
  const ck = row === null ? null : read.ck;
  const parts = decodePartitionKey(read.pk, table.partitionKey.length);
  return columns.map((col) =>
    col.kind === "partition_key"
      ? parts[col.position].slice()
      : col.kind === "clustering"
      ? (ck?.[col.position]?.slice() ?? null)
      : col.kind === "static"
      ? (staticRow?.cells[col.cell]?.slice() ?? null)
      : read.regulars
      ? (row?.cells[col.cell]?.slice() ?? null)
      : null
  );
}

const INT: CqlType = { kind: "native", name: "int" };

type Check = (tested: TestedRow, ctx: ExecContext) => boolean;

/** `IF m[key]` / `IF l[index]`: the element's type, and how to read it from the cell. */
function compileElement(
  col: ColumnSchema,
  element: Term,
  binds: BindCollector,
): { type: CqlType; read: (cell: Uint8Array | null, ctx: ExecContext) => Uint8Array | null } {
  const type = col.type;
  if (type.kind === "map") {
    const key = compileTerm(type.key, element, `key(${col.name})`, binds);
    return {
      type: type.value,
      read: (cell, ctx) => {
        const k = key(ctx) ?? null;
        if (cell === null || k === null) return null;
        const items = splitCollection(cell, col.name, 2);
        for (let i = 0; i < items.length; i += 2) {
          if (items[i] !== null && compareValues(type.key, items[i]!, k) === 0) return items[i + 1];
        }
        return null;
      },
    };
  }
  if (type.kind === "list") {
    const index = compileTerm(INT, element, `idx(${col.name})`, binds);
    return {
      type: type.element,
      read: (cell, ctx) => {
        const i = index(ctx) ?? null;
        if (cell === null || i === null) return null;
        const items = splitCollection(cell, col.name);
        return items[new DataView(i.buffer, i.byteOffset, 4).getInt32(0)] ?? null;
      },
    };
  }
  throw CqlError.invalid(`Invalid element access syntax for non-collection column ${col.name}`);
}

/** The values of `IF col IN (a, b)` or `IF col IN ?` (a list), nulls included. */
function compileCandidates(
  type: CqlType,
  name: string,
  c: Condition,
  binds: BindCollector,
): (ctx: ExecContext) => (Uint8Array | null)[] {
  if (c.value.kind === "tuple") {
    const fns = c.value.items.map((item) => compileTerm(type, item, name, binds));
    return (ctx) => fns.map((fn) => fn(ctx) ?? null);
  }
  const list = compileTerm(
    { kind: "list", element: type, frozen: false },
    c.value,
    `in(${name})`,
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
  const { type, read } = c.element === undefined
    ? { type: col.type, read: (cell: Uint8Array | null) => cell }
    : compileElement(col, c.element, binds);
  const cellOf = (tested: TestedRow, ctx: ExecContext) =>
    read((isStatic ? tested.staticRow : tested.row)?.cells[col.cell] ?? null, ctx);
  if (c.op === "IN") {
    const candidates = compileCandidates(type, col.name, c, binds);
    return (tested, ctx) => {
      const cell = cellOf(tested, ctx);
      return candidates(ctx).some((v) => sameBytes(cell, v));
    };
  }
  const value = compileTerm(type, c.value, col.name, binds);
  return (tested, ctx) => {
    const v = value(ctx) ?? null;
    const cell = cellOf(tested, ctx);
    if (c.op === "=") return sameBytes(cell, v);
    if (c.op === "!=") return !sameBytes(cell, v);
    if (cell === null || v === null) return false;
    const cmp = compareValues(type, cell, v);
    return c.op === "<" ? cmp < 0 : c.op === "<=" ? cmp <= 0 : c.op === ">" ? cmp > 0 : cmp >= 0;
  };
}

/**
 * Compiles a write's conditions, or returns `null` when it has none.
 *
 * @param exists `"exists"` for `IF EXISTS`, `"notExists"` for `IF NOT EXISTS`, else `null`.
 * @param updates Which rows the write sets (what `IF [NOT] EXISTS` reads when not applied).
 */
export function compileConditions(
  table: TableSchema,
  exists: "exists" | "notExists" | null,
  conditions: Condition[],
  binds: BindCollector,
  updates: WriteUpdates,
): WriteCondition | null {
  if (exists === null && conditions.length === 0) return null;
  if (table.isCounter) throw CqlError.invalid("Conditions on counters are not supported");
  if (exists !== null) {
    const wanted = exists === "exists";
    return {
      wildcard: true,
      kind: exists,
      onRow: false,
      onStatic: false,
      columns: table.columns,
      test: (pk, ck, _ctx) => {
        const tested = readRow(table, pk, ck);
        const present = (ck === null ? tested.staticRow : tested.row) !== null;
        const statics = updates.staticRow;
        const read = { namedRow: ck !== null, statics, regulars: updates.regularRows };
        return { ...readFor(table, tested, read), applied: present === wanted };
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
  // Conditions on static columns only read the partition's first row.
  const regulars = named.some((c) => c.kind !== "static");
  const read = { namedRow: regulars, statics: named.some((c) => c.kind === "static"), regulars };
  return {
    wildcard: false,
    kind: "columns",
    onRow: regulars,
    onStatic: read.statics,
    columns,
    test: (pk, ck, ctx) => {
      const tested = readRow(table, pk, ck);
      const applied = checks.every((check) => check(tested, ctx));
      return { ...readFor(table, tested, read), applied };
    },
  };
}
