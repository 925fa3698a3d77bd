// Compiles INSERT, UPDATE and DELETE into functions that apply them to a table's store.
import type {
  DeleteStatement,
  InsertStatement,
  Relation,
  UpdateStatement,
} from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { RowCells } from "./row_slab.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import { isSystemKeyspace } from "./system_tables.ts";
import { type BindCollector, compileTerm, type ExecContext, type TermFn } from "./_bind.ts";
import { cartesian, encodePartitionKey } from "./_keys.ts";
import { compileWhere, type KeyPlan } from "./_restrictions.ts";
import { checkClusteringGap } from "./_restriction_merge.ts";
import { compileAssignment, type CompiledAssignment } from "./_assignment.ts";
import { cellSize, isMultiCell } from "./_cell_size.ts";
import { isEmptyCollection } from "./_collection_change.ts";
import { columnOf } from "./_column_of.ts";
import { compileElementDeletions } from "./_element_deletion.ts";
import { compileConditions, shownValues, type WriteCondition } from "./_write_conditions.ts";
import { checkCounterUsing, compileUsing, withStamp } from "./_using.ts";
import { checkConditional, checkStaticOnly } from "./_write_checks.ts";

/** What a write returns: nothing, or the `[applied]` answer of a conditional write. */
export type WriteOutcome = null | {
  applied: boolean;
  /** The columns shown after `[applied]` when not applied. */
  columns: ColumnSchema[];
  /** When not applied, the existing row (none when it does not exist). */
  rows: (Uint8Array | null)[][];
};

/** A row a write addresses: its serialized partition key and clustering key. */
export interface WriteTarget {
  pk: Uint8Array;
  /** Empty without clustering columns; `null` for the partition's static row. */
  ck: Uint8Array[] | null;
}

/** A compiled write. */
export interface WritePlan {
  table: TableSchema;
  conditional: boolean;
  /** The write's condition, `null` without one. */
  condition: WriteCondition | null;
  /** The rows the write addresses for one execution. */
  targets(ctx: ExecContext): WriteTarget[];
  /** Whether it is a DELETE (in a batch, deletions shadow the batch's own writes). */
  deletes: boolean;
  /** Writes, ignoring the condition. */
  write(ctx: ExecContext): void;
  /** The data size of each cell written to each target row (cell index, bytes), as a batch's
   * size counts it. */
  cellSizes(ctx: ExecContext): [number, number][];
  /** Tests the condition (if any) and writes when it holds. */
  apply(ctx: ExecContext): WriteOutcome;
}

/** Builds `apply` from the condition, the targets and the unconditional write. */
function conditionalApply(
  table: TableSchema,
  condition: WriteCondition | null,
  targets: (ctx: ExecContext) => WriteTarget[],
  write: (ctx: ExecContext) => void,
): (ctx: ExecContext) => WriteOutcome {
  if (condition === null) {
    return (ctx) => {
      write(ctx);
      return null;
    };
  }
  return (ctx) => {
    const rows: (Uint8Array | null)[][] = [];
    let applied = true;
    for (const { pk, ck } of targets(ctx)) {
      const tested = condition.test(pk, ck, ctx);
      if (tested.applied) continue;
      applied = false;
      const shown = shownValues(table, condition.columns, tested);
      if (shown !== null) rows.push(shown);
    }
    if (applied) write(ctx);
    return { applied, columns: condition.columns, rows };
  };
}

function checkWritable(table: TableSchema): void {
  if (isSystemKeyspace(table.keyspace)) {
    throw new CqlError(0x2100, `${table.keyspace} keyspace is not user-modifiable.`);
  }
}

function keysOf(plan: KeyPlan, ctx: ExecContext) {
  const pks = cartesian(plan.partition!.map((fn) => fn(ctx))).map(encodePartitionKey);
  const tests = plan.clusteringTests;
  // A multi-column IN names tuples, not the product of its columns' values.
  const cks = cartesian(plan.clusteringEq.map((fn) => fn(ctx)))
    .filter((ck) => tests.every((test) => test(ck, ctx)));
  return { pks, cks };
}

/** The multi-column INs of a WHERE clause, each a test of the clustering keys written. */
function multiColumnIns(where: Relation[]): number {
  return where.filter((relation) => relation.multiColumnIn).length;
}

function targetsOf(plan: KeyPlan, ctx: ExecContext, staticOnly: boolean): WriteTarget[] {
  const { pks, cks } = keysOf(plan, ctx);
  const out: WriteTarget[] = [];
  for (const pk of pks) {
    if (staticOnly) out.push({ pk, ck: null });
    else for (const ck of cks) out.push({ pk, ck });
  }
  return out;
}

function requirePartitionKey(table: TableSchema, keys: KeyPlan, kind: "UPDATE" | "DELETE"): void {
  if (keys.token !== null) {
    throw CqlError.invalid(
      `The token function cannot be used in WHERE clauses for ${kind} statements`,
    );
  }
  if (keys.partition === null) {
    const missing = table.partitionKey.map((c) => c.name).join(", ");
    throw CqlError.invalid(`Some partition key parts are missing: ${missing}`);
  }
}

/** Compiles an INSERT. */
export function compileInsert(
  table: TableSchema,
  statement: InsertStatement,
  binds: BindCollector,
): WritePlan {
  checkWritable(table);
  if (table.isCounter) {
    throw CqlError.invalid(
      "INSERT statements are not allowed on counter tables, use UPDATE instead",
    );
  }
  if (statement.columns.length !== statement.values.length) {
    throw CqlError.invalid("Unmatched column names/values");
  }
  if (new Set(statement.columns).size !== statement.columns.length) {
    throw CqlError.invalid("The column names contains duplicates");
  }
  const using = compileUsing(statement.using, binds);
  const pk: (TermFn | undefined)[] = new Array(table.partitionKey.length);
  const ck: (TermFn | undefined)[] = new Array(table.clustering.length);
  const sets: [number, TermFn][] = [];
  let onlyStatic = true;
  statement.columns.forEach((name, i) => {
    const col = columnOf(table, name);
    const fn = compileTerm(col.type, statement.values[i], col.name, binds);
    if (col.kind === "partition_key") pk[col.position] = fn;
    else if (col.kind === "clustering") ck[col.position] = fn;
    else sets.push([col.cell, fn]);
    if (col.kind === "regular") onlyStatic = false;
  });
  const missingPk = table.partitionKey.filter((col) => pk[col.position] === undefined);
  if (missingPk.length > 0) {
    throw CqlError.invalid(
      `Some partition key parts are missing: ${missingPk.map((c) => c.name).join(", ")}`,
    );
  }
  // Only static columns and no clustering column: the partition's static row.
  const staticRow = onlyStatic && sets.length > 0 && ck.every((fn) => fn === undefined);
  const missingCk = staticRow
    ? []
    : table.clustering.filter((col) => ck[col.position] === undefined);
  if (missingCk.length > 0) {
    throw CqlError.invalid(
      `Some clustering keys are missing: ${missingCk.map((c) => c.name).join(", ")}`,
    );
  }
  const keyValue = (fn: TermFn, ctx: ExecContext, name: string): Uint8Array => {
    const v = fn(ctx);
    if (v === null || v === undefined) {
      throw CqlError.invalid(`Invalid null value in condition for column ${name}`);
    }
    return v;
  };
  const targets = (ctx: ExecContext): WriteTarget[] => [{
    pk: encodePartitionKey(pk.map((fn, i) => keyValue(fn!, ctx, table.partitionKey[i].name))),
    ck: staticRow ? null : ck.map((fn, i) => keyValue(fn!, ctx, table.clustering[i].name)),
  }];
  const write = withStamp(
    table,
    using,
    { marker: !staticRow, deletesRow: false, deletes: false, cells: sets.map(([cell]) => cell) },
    insertWrite(table, sets, staticRow, targets),
  );
  const condition = compileConditions(
    table,
    statement.ifNotExists ? "notExists" : null,
    [],
    binds,
    {
      staticRow: sets.some(([cell]) => table.cells[cell].kind === "static"),
      regularRows: !staticRow,
    },
  );
  const cellSizes = (ctx: ExecContext): [number, number][] => {
    const sizes: [number, number][] = [];
    for (const [cell, fn] of sets) {
      const v = fn(ctx);
      if (v !== undefined) sizes.push([cell, cellSize(table.cells[cell].type, v)]);
    }
    return sizes;
  };
  return {
    table,
    conditional: condition !== null,
    condition,
    deletes: false,
    targets,
    write,
    cellSizes,
    apply: conditionalApply(table, condition, targets, write),
  };
}

/** The write of an INSERT: static columns to the partition's static row, the others to the row. */
function insertWrite(
  table: TableSchema,
  sets: [number, TermFn][],
  staticRow: boolean,
  targets: (ctx: ExecContext) => WriteTarget[],
): (ctx: ExecContext) => void {
  const cellCount = table.cells.length;
  const rowSets = staticRow ? sets : sets.filter(([cell]) => table.cells[cell].kind !== "static");
  const staticSets = staticRow ? [] : sets.filter(([cell]) => table.cells[cell].kind === "static");
  // An empty non-frozen collection is no value, as in Cassandra.
  const multiCell = table.cells.map((col) => isMultiCell(col.type));
  const setCells = (list: [number, TermFn][], old: RowCells | null, ctx: ExecContext) => {
    const cells = old === null
      ? new Array<Uint8Array | null>(cellCount).fill(null)
      : old.cells.slice();
    for (const [cell, fn] of list) {
      const v = fn(ctx);
      if (v !== undefined) {
        cells[cell] = v !== null && multiCell[cell] && isEmptyCollection(v) ? null : v;
      }
    }
    return cells;
  };
  return (ctx) => {
    const [{ pk: key, ck: clustering }] = targets(ctx);
    // A static row has no row marker: it goes when its cells go.
    table.store.update(key, clustering, (old) => ({
      marker: !staticRow,
      cells: setCells(rowSets, old, ctx),
    }));
    if (staticSets.length > 0) {
      table.store.update(key, null, (old) => {
        const cells = setCells(staticSets, old, ctx);
        return cells.every((c) => c === null) ? null : { marker: false, cells };
      });
    }
  };
}

/** Compiles an UPDATE. */
export function compileUpdate(
  table: TableSchema,
  statement: UpdateStatement,
  binds: BindCollector,
): WritePlan {
  checkWritable(table);
  checkCounterUsing(table, statement.using);
  const using = compileUsing(statement.using, binds);
  const changes = statement.assignments.map((a) => compileAssignment(table, a, binds));
  const keys = compileWhere(table, statement.where, binds);
  const onlyStatic = changes.length > 0 && changes.every((c) => c.col.kind === "static");
  const condition = compileConditions(
    table,
    statement.ifExists ? "exists" : null,
    statement.conditions,
    binds,
    { staticRow: changes.some((c) => c.col.kind === "static"), regularRows: !onlyStatic },
  );
  requirePartitionKey(table, keys, "UPDATE");
  checkStaticOnly(table, keys, onlyStatic, "UPDATE");
  checkConditional(table, statement.where, condition, onlyStatic, "updates");
  if (!onlyStatic && keys.clusteringEq.length !== table.clustering.length) {
    const missing = table.clustering.slice(keys.clusteringEq.length).map((c) => c.name);
    throw CqlError.invalid(`Some clustering keys are missing: ${missing.join(", ")}`);
  }
  const slices = keys.clusteringTests.length > multiColumnIns(statement.where);
  if (keys.filters.length > 0 || keys.lower || keys.upper || slices) {
    throw CqlError.invalid(
      "Non PRIMARY KEY columns found in where clause or slice restriction in UPDATE",
    );
  }
  const cellCount = table.cells.length;
  const targets = (ctx: ExecContext) => targetsOf(keys, ctx, onlyStatic);
  // Static columns live in the partition's static row, the others in the row.
  const rowChanges = onlyStatic ? changes : changes.filter((c) => c.col.kind !== "static");
  const staticChanges = onlyStatic ? [] : changes.filter((c) => c.col.kind === "static");
  const changeOf =
    (list: CompiledAssignment[]) => (old: RowCells | null, ctx: ExecContext): RowCells | null => {
      const cells = old === null
        ? new Array<Uint8Array | null>(cellCount).fill(null)
        : old.cells.slice();
      for (let i = 0; i < list.length; i++) list[i].change(cells, ctx);
      const marker = old?.marker ?? false;
      if (!marker && cells.every((c) => c === null)) return null;
      return { marker, cells };
    };
  const change = changeOf(rowChanges);
  const staticChange = changeOf(staticChanges);
  // The hot path of cassandra-stress's writes: no target objects, one closure per execution.
  const shape = {
    marker: false,
    deletesRow: false,
    deletes: false,
    cells: changes.map((c) => c.col.cell),
  };
  const write = withStamp(table, using, shape, (ctx: ExecContext): void => {
    const { pks, cks } = keysOf(keys, ctx);
    const update = (old: RowCells | null) => change(old, ctx);
    for (const pk of pks) {
      if (onlyStatic) table.store.update(pk, null, update);
      else for (const ck of cks) table.store.update(pk, ck, update);
      if (staticChanges.length > 0) table.store.update(pk, null, (old) => staticChange(old, ctx));
    }
  });
  return {
    table,
    conditional: condition !== null,
    condition,
    deletes: false,
    targets,
    write,
    cellSizes: (ctx) => changes.map((c) => [c.col.cell, c.size(ctx)]),
    apply: conditionalApply(table, condition, targets, write),
  };
}

const DELETE_NEEDS_KEY =
  "DELETE statements must restrict all PRIMARY KEY columns with equality relations";

/** Compiles a DELETE. */
export function compileDelete(
  table: TableSchema,
  statement: DeleteStatement,
  binds: BindCollector,
): WritePlan {
  checkWritable(table);
  if (table.isCounter && statement.using.timestamp) {
    throw CqlError.invalid("Cannot provide custom timestamp for counter updates");
  }
  const using = compileUsing(statement.using, binds);
  const deleted = statement.columns.map((name) => columnOf(table, name));
  for (const col of deleted) {
    if (col.cell < 0) {
      throw CqlError.invalid(
        `Invalid identifier ${col.name} for deletion (should not be a PRIMARY KEY part)`,
      );
    }
  }
  const elements = compileElementDeletions(table, statement.elements ?? [], binds);
  const cols = [...deleted, ...elements.columns.filter((col) => !deleted.includes(col))];
  const keys = compileWhere(table, statement.where, binds);
  const onlyStatic = cols.length > 0 && cols.every((c) => c.kind === "static");
  const condition = compileConditions(
    table,
    statement.ifExists ? "exists" : null,
    statement.conditions,
    binds,
    { staticRow: cols.some((c) => c.kind === "static"), regularRows: !onlyStatic },
  );
  requirePartitionKey(table, keys, "DELETE");
  checkClusteringGap(table, statement.where);
  if (keys.filters.length > 0) {
    const names = [...new Set(keys.filters.map((filter) => filter.column.name))].sort();
    throw CqlError.invalid(`Non PRIMARY KEY columns found in where clause: ${names.join(", ")} `);
  }
  if (keys.clusteringTests.length > multiColumnIns(statement.where)) {
    throw CqlError.invalid(
      "Multi-column slices over clustering columns of mixed order are not supported by the embedded node in DELETE",
    );
  }
  checkStaticOnly(table, keys, onlyStatic, "DELETE");
  if (onlyStatic && condition?.columns.some((c) => c.kind === "regular") && !condition.wildcard) {
    throw CqlError.invalid(
      `${DELETE_NEEDS_KEY} in order to use IF condition on non static columns`,
    );
  }
  checkConditional(table, statement.where, condition, onlyStatic, "deletions");
  const fullRow = onlyStatic ||
    (keys.clusteringEq.length === table.clustering.length && !keys.lower && !keys.upper);
  // Only whole rows can be deleted by range; cells and conditions need the full primary key.
  if (!fullRow && condition !== null) {
    throw CqlError.invalid(`${DELETE_NEEDS_KEY} in order to delete non static columns`);
  }
  if (!fullRow && statement.where.some((r) => r.multiColumnIn && r.columns.length > 1)) {
    throw CqlError.invalid(
      "Range deletions by a multi-column IN are not supported by the embedded node",
    );
  }
  if (!fullRow && cols.length > 0) {
    throw CqlError.invalid("Range deletions are not supported for specific columns");
  }
  const targets = (ctx: ExecContext) => targetsOf(keys, ctx, onlyStatic);
  const rowCols = cols.filter((col) => col.kind !== "static");
  const staticCols = cols.filter((col) => col.kind === "static");
  const shape = {
    marker: false,
    deletesRow: cols.length === 0,
    deletes: true,
    cells: cols.map((col) => col.cell),
  };
  const write = withStamp(table, using, shape, (ctx: ExecContext): void => {
    if (!fullRow) {
      for (const { pk } of targetsOf(keys, ctx, true)) deleteRange(table, pk, keys, ctx);
      return;
    }
    const clear = (list: ColumnSchema[]) => (old: RowCells | null): RowCells | null => {
      if (cols.length === 0 || (old === null && elements.columns.length === 0)) return null;
      const cells = old === null ? new Array(table.cells.length).fill(null) : old.cells.slice();
      for (const col of list) if (deleted.includes(col)) cells[col.cell] = null;
      elements.apply(cells, ctx, list);
      if (!old?.marker && cells.every((c) => c === null)) return null;
      return { marker: old?.marker ?? false, cells };
    };
    for (const { pk, ck } of targets(ctx)) {
      table.store.update(pk, ck, clear(ck === null ? cols : rowCols));
      if (ck !== null && staticCols.length > 0) table.store.update(pk, null, clear(staticCols));
    }
  });
  return {
    table,
    conditional: condition !== null,
    condition,
    deletes: true,
    targets,
    write,
    cellSizes: () => cols.map((col) => [col.cell, 20]),
    apply: conditionalApply(table, condition, targets, write),
  };
}

function deleteRange(
  table: TableSchema,
  pk: Uint8Array,
  keys: KeyPlan,
  ctx: ExecContext,
): void {
  const store = table.store;
  if (keys.clusteringEq.length === 0 && !keys.lower && !keys.upper) {
    store.deletePartition(pk);
    return;
  }
  const edge = (bound: NonNullable<KeyPlan["lower"]> | undefined) =>
    bound &&
    { values: bound.values.map((fn) => fn(ctx) as Uint8Array), inclusive: bound.inclusive };
  const lower = edge(keys.lower);
  const upper = edge(keys.upper);
  const prefixes = cartesian(keys.clusteringEq.map((fn) => fn(ctx)));
  store.deleteSlices(pk, prefixes.map((prefix) => ({ prefix, lower, upper })));
}
