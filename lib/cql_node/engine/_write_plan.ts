// Compiles INSERT, UPDATE and DELETE into functions that apply them to a table's store.
import type {
  Assignment,
  Condition,
  DeleteStatement,
  InsertStatement,
  UpdateStatement,
  UsingClause,
} from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import { compareValues } from "../values/cql_value.ts";
import type { RowCells } from "./row_slab.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import { isSystemKeyspace } from "./system_tables.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  joinCollection,
  sameBytes,
  splitCollection,
  type TermFn,
} from "./_bind.ts";
import { cartesian, clusteringRanges, decodePartitionKey, encodePartitionKey } from "./_keys.ts";
import { compileWhere, type KeyPlan } from "./_restrictions.ts";

const BOOLEAN_TRUE = new Uint8Array([1]);
const BOOLEAN_FALSE = new Uint8Array([0]);

/** What a write returns: nothing, or the `[applied]` row of a conditional write. */
export type WriteOutcome = null | {
  applied: boolean;
  /** When not applied, the existing row in `SELECT *` order (null when there is none). */
  existing: (Uint8Array | null)[] | null;
};

function rowValues(
  table: TableSchema,
  partitionKey: Uint8Array,
  clustering: Uint8Array[] | null,
  row: RowCells | null,
): (Uint8Array | null)[] | null {
  if (row === null) return null;
  const parts = decodePartitionKey(partitionKey, table.partitionKey.length);
  return table.columns.map((col) =>
    col.kind === "partition_key"
      ? parts[col.position].slice()
      : col.kind === "clustering"
      ? (clustering?.[col.position]?.slice() ?? null)
      : (row.cells[col.cell]?.slice() ?? null)
  );
}

/** A compiled write. */
export interface WritePlan {
  table: TableSchema;
  conditional: boolean;
  apply(ctx: ExecContext): WriteOutcome;
}

type CellChange = (cells: (Uint8Array | null)[], ctx: ExecContext) => void;

const INT: CqlType = { kind: "native", name: "int" };
const BIGINT: CqlType = { kind: "native", name: "bigint" };

function compileUsing(using: UsingClause, binds: BindCollector): void {
  if (using.ttl) compileTerm(INT, using.ttl, "[ttl]", binds);
  if (using.timestamp) compileTerm(BIGINT, using.timestamp, "[timestamp]", binds);
}

function columnOf(table: TableSchema, name: string): ColumnSchema {
  const col = table.byName.get(name);
  if (!col) throw CqlError.undefinedColumn(name, table);
  return col;
}

function addCounter(old: Uint8Array | null, delta: Uint8Array, negate: boolean): Uint8Array {
  const a = old === null ? 0n : new DataView(old.buffer, old.byteOffset, 8).getBigInt64(0);
  const view = new DataView(delta.buffer, delta.byteOffset, delta.byteLength);
  const d = view.getBigInt64(0);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, negate ? a - d : a + d));
  return out;
}

function collectionChange(
  col: ColumnSchema,
  op: Assignment["op"],
  value: Uint8Array,
  old: Uint8Array | null,
): Uint8Array {
  const type = col.type;
  const perItem = type.kind === "map" ? 2 : 1;
  const oldItems = old === null ? [] : splitCollection(old, col.name, perItem);
  if (type.kind === "list") {
    const items = splitCollection(value, col.name);
    if (op === "add") return joinCollection([...oldItems, ...items]);
    if (op === "prepend") return joinCollection([...items, ...oldItems]);
    // subtract: remove every occurrence
    const kept = oldItems.filter((o) => !items.some((i) => sameBytes(i, o)));
    return joinCollection(kept);
  }
  if (type.kind === "set") {
    const items = splitCollection(value, col.name);
    let merged = op === "add"
      ? [...oldItems, ...items]
      : oldItems.filter((o) => !items.some((i) => sameBytes(i, o)));
    merged = merged.filter((v): v is Uint8Array => v !== null)
      .sort((a, b) => compareValues(type.element, a!, b!))
      .filter((v, i, all) => i === 0 || compareValues(type.element, all[i - 1]!, v!) !== 0);
    return joinCollection(merged);
  }
  if (type.kind === "map") {
    const pairs: [Uint8Array, Uint8Array | null][] = [];
    for (let i = 0; i < oldItems.length; i += 2) pairs.push([oldItems[i]!, oldItems[i + 1]]);
    if (op === "add") {
      const items = splitCollection(value, col.name, 2);
      for (let i = 0; i < items.length; i += 2) {
        const at = pairs.findIndex(([k]) => compareValues(type.key, k, items[i]!) === 0);
        if (at >= 0) pairs[at][1] = items[i + 1];
        else pairs.push([items[i]!, items[i + 1]]);
      }
    } else {
      const keys = splitCollection(value, col.name);
      for (const key of keys) {
        const at = pairs.findIndex(([k]) => key !== null && compareValues(type.key, k, key) === 0);
        if (at >= 0) pairs.splice(at, 1);
      }
    }
    pairs.sort(([a], [b]) => compareValues(type.key, a, b));
    return joinCollection(pairs.flat(), pairs.length);
  }
  throw CqlError.invalid(`Invalid operation on non-collection column ${col.name}`);
}

function compileAssignment(
  table: TableSchema,
  assignment: Assignment,
  binds: BindCollector,
): { col: ColumnSchema; change: CellChange } {
  const col = columnOf(table, assignment.column);
  if (col.cell < 0) {
    throw CqlError.invalid(`PRIMARY KEY part ${col.name} found in SET part`);
  }
  const cell = col.cell;
  const isCounter = col.type.kind === "native" && col.type.name === "counter";
  const op = assignment.op;
  if (op === "set") {
    if (isCounter) {
      throw CqlError.invalid(
        `Cannot set the value of counter column ${col.name} (counters can only be incremented/decremented, not set)`,
      );
    }
    const value = compileTerm(col.type, assignment.value, col.name, binds);
    return {
      col,
      change: (cells, ctx) => {
        const v = value(ctx);
        if (v !== undefined) cells[cell] = v === null ? null : v;
      },
    };
  }
  if (op === "setElement") {
    if (col.type.kind !== "list" && col.type.kind !== "map") {
      throw CqlError.invalid(
        `Invalid operation (${col.name}[?] = ?) for non-list/map column ${col.name}`,
      );
    }
    const type = col.type;
    const key = compileTerm(type.kind === "map" ? type.key : INT, assignment.key!, col.name, binds);
    const value = compileTerm(
      type.kind === "map" ? type.value : type.element,
      assignment.value,
      col.name,
      binds,
    );
    return {
      col,
      change: (cells, ctx) => {
        const k = key(ctx);
        const v = value(ctx);
        if (k === null || k === undefined) {
          throw CqlError.invalid(`Invalid null key for ${col.name}`);
        }
        if (type.kind === "map") {
          const entry = joinCollection([k, v ?? null], 1);
          cells[cell] = collectionChange(
            col,
            v === null ? "subtract" : "add",
            v === null ? joinCollection([k]) : entry,
            cells[cell],
          );
          return;
        }
        const items = cells[cell] === null ? [] : splitCollection(cells[cell]!, col.name);
        const index = new DataView(k.buffer, k.byteOffset, 4).getInt32(0);
        if (index < 0 || index >= items.length) {
          throw CqlError.invalid(`List index ${index} out of bound, list has size ${items.length}`);
        }
        if (v === null) items.splice(index, 1);
        else if (v !== undefined) items[index] = v;
        cells[cell] = joinCollection(items);
      },
    };
  }
  if (isCounter) {
    if (op !== "add" && op !== "subtract") {
      throw CqlError.invalid(`Invalid operation for counter column ${col.name}`);
    }
    const delta = compileTerm(BIGINT, assignment.value, col.name, binds);
    binds.note(assignment.value, col.type, col.name);
    return {
      col,
      change: (cells, ctx) => {
        const d = delta(ctx);
        if (d === null) throw CqlError.invalid(`Invalid null value for counter increment`);
        if (d === undefined) return;
        cells[cell] = addCounter(cells[cell], d, op === "subtract");
      },
    };
  }
  if (col.type.kind === "native" || col.type.kind === "tuple" || col.type.kind === "custom") {
    throw CqlError.invalid(
      `Invalid operation (${col.name} = ${col.name} + ?) for non counter column ${col.name}`,
    );
  }
  const valueType: CqlType = op === "subtract" && col.type.kind === "map"
    ? { kind: "set", element: col.type.key, frozen: false }
    : col.type;
  const value = compileTerm(valueType, assignment.value, col.name, binds);
  return {
    col,
    change: (cells, ctx) => {
      const v = value(ctx);
      if (v === undefined || v === null) return;
      const next = collectionChange(col, op, v, cells[cell]);
      cells[cell] = isEmptyCollection(next) ? null : next;
    },
  };
}

function isEmptyCollection(bytes: Uint8Array): boolean {
  return bytes.length === 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0;
}

function checkWritable(table: TableSchema): void {
  if (isSystemKeyspace(table.keyspace)) {
    throw new CqlError(0x2100, `${table.keyspace} keyspace is not user-modifiable.`);
  }
}

function keysOf(plan: KeyPlan, ctx: ExecContext) {
  const pks = cartesian(plan.partition!.map((fn) => fn(ctx))).map(encodePartitionKey);
  const cks = cartesian(plan.clusteringEq.map((fn) => fn(ctx)));
  return { pks, cks };
}

/** The `IF EXISTS` / `IF ...` test of an UPDATE or DELETE, or `null` when it has none. */
function compileConditions(
  table: TableSchema,
  ifExists: boolean,
  conditions: Condition[],
  binds: BindCollector,
): ((row: RowCells | null, ctx: ExecContext) => boolean) | null {
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

function requirePartitionKey(table: TableSchema, keys: KeyPlan): void {
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
  compileUsing(statement.using, binds);
  const pk: (TermFn | undefined)[] = new Array(table.partitionKey.length);
  const ck: (TermFn | undefined)[] = new Array(table.clustering.length);
  const sets: [number, TermFn][] = [];
  const seen = new Set<string>();
  statement.columns.forEach((name, i) => {
    const col = columnOf(table, name);
    if (seen.has(name)) throw CqlError.invalid(`Multiple definitions found for column ${name}`);
    seen.add(name);
    const fn = compileTerm(col.type, statement.values[i], col.name, binds);
    if (col.kind === "partition_key") pk[col.position] = fn;
    else if (col.kind === "clustering") ck[col.position] = fn;
    else sets.push([col.cell, fn]);
  });
  const missing = [...table.partitionKey, ...table.clustering]
    .filter((col) => (col.kind === "partition_key" ? pk : ck)[col.position] === undefined);
  if (missing.length > 0) {
    throw CqlError.invalid(
      `Some ${
        missing[0].kind === "partition_key" ? "partition" : "clustering"
      } key parts are missing: ${missing.map((c) => c.name).join(", ")}`,
    );
  }
  const cellCount = table.cells.length;
  const keyValue = (fn: TermFn, ctx: ExecContext, name: string): Uint8Array => {
    const v = fn(ctx);
    if (v === null || v === undefined) {
      throw CqlError.invalid(`Invalid null value in condition for column ${name}`);
    }
    return v;
  };
  return {
    table,
    conditional: statement.ifNotExists,
    apply(ctx) {
      const key = encodePartitionKey(
        pk.map((fn, i) => keyValue(fn!, ctx, table.partitionKey[i].name)),
      );
      const clustering = ck.map((fn, i) => keyValue(fn!, ctx, table.clustering[i].name));
      let applied = true;
      let existing: (Uint8Array | null)[] | null = null;
      table.store.update(key, clustering, (old) => {
        if (statement.ifNotExists && old !== null) {
          applied = false;
          existing = rowValues(table, key, clustering, old);
          return old;
        }
        const cells = old === null
          ? new Array<Uint8Array | null>(cellCount).fill(null)
          : old.cells.slice();
        for (const [cell, fn] of sets) {
          const v = fn(ctx);
          if (v !== undefined) cells[cell] = v;
        }
        return { marker: true, cells };
      });
      return statement.ifNotExists ? { applied, existing } : null;
    },
  };
}

/** Compiles an UPDATE. */
export function compileUpdate(
  table: TableSchema,
  statement: UpdateStatement,
  binds: BindCollector,
): WritePlan {
  checkWritable(table);
  compileUsing(statement.using, binds);
  const changes = statement.assignments.map((a) => compileAssignment(table, a, binds));
  const keys = compileWhere(table, statement.where, binds);
  const condition = compileConditions(table, statement.ifExists, statement.conditions, binds);
  requirePartitionKey(table, keys);
  const onlyStatic = changes.length > 0 && changes.every((c) => c.col.kind === "static");
  if (!onlyStatic && keys.clusteringEq.length !== table.clustering.length) {
    const missing = table.clustering.slice(keys.clusteringEq.length).map((c) => c.name);
    throw CqlError.invalid(`Some clustering keys are missing: ${missing.join(", ")}`);
  }
  if (keys.filters.length > 0 || keys.lower || keys.upper) {
    throw CqlError.invalid(
      "Non PRIMARY KEY columns found in where clause or slice restriction in UPDATE",
    );
  }
  const cellCount = table.cells.length;
  const conditional = condition !== null;
  return {
    table,
    conditional,
    apply(ctx) {
      const { pks, cks } = keysOf(keys, ctx);
      let applied = true;
      let existing: (Uint8Array | null)[] | null = null;
      for (const pk of pks) {
        for (const ck of onlyStatic ? [null] : cks) {
          table.store.update(pk, ck, (old) => {
            if (condition && !condition(old, ctx)) {
              applied = false;
              existing = rowValues(table, pk, ck, old);
              return old;
            }
            const cells = old === null
              ? new Array<Uint8Array | null>(cellCount).fill(null)
              : old.cells.slice();
            for (const { change } of changes) change(cells, ctx);
            const marker = old?.marker ?? false;
            if (!marker && cells.every((c) => c === null)) return null;
            return { marker, cells };
          });
        }
      }
      return conditional ? { applied, existing } : null;
    },
  };
}

/** Compiles a DELETE. */
export function compileDelete(
  table: TableSchema,
  statement: DeleteStatement,
  binds: BindCollector,
): WritePlan {
  checkWritable(table);
  compileUsing(statement.using, binds);
  const cols = statement.columns.map((name) => columnOf(table, name));
  for (const col of cols) {
    if (col.cell < 0) {
      throw CqlError.invalid(
        `Invalid identifier ${col.name} for deletion (should not be a PRIMARY KEY part)`,
      );
    }
  }
  const keys = compileWhere(table, statement.where, binds);
  const condition = compileConditions(table, statement.ifExists, statement.conditions, binds);
  requirePartitionKey(table, keys);
  if (keys.filters.length > 0) {
    throw CqlError.invalid("Non PRIMARY KEY columns found in where clause");
  }
  const fullRow = keys.clusteringEq.length === table.clustering.length && !keys.lower &&
    !keys.upper;
  const conditional = condition !== null;
  // Only whole rows can be deleted by range; cells and conditions need the full primary key.
  if (!fullRow && (cols.length > 0 || table.clustering.length === 0 || conditional)) {
    throw CqlError.invalid(
      `Some clustering keys are missing: ${table.clustering.map((c) => c.name).join(", ")}`,
    );
  }
  return {
    table,
    conditional,
    apply(ctx) {
      const { pks, cks } = keysOf(keys, ctx);
      let applied = true;
      let existing: (Uint8Array | null)[] | null = null;
      for (const pk of pks) {
        if (!fullRow) {
          deleteRange(table, pk, keys, ctx);
          continue;
        }
        for (const ck of cks) {
          table.store.update(pk, ck, (old) => {
            if (condition && !condition(old, ctx)) {
              applied = false;
              existing = rowValues(table, pk, ck, old);
              return old;
            }
            if (old === null || cols.length === 0) return null;
            const cells = old.cells.slice();
            for (const col of cols) cells[col.cell] = null;
            if (!old.marker && cells.every((c) => c === null)) return null;
            return { marker: old.marker, cells };
          });
        }
      }
      return conditional ? { applied, existing } : null;
    },
  };
}

function deleteRange(
  table: TableSchema,
  pk: Uint8Array,
  keys: KeyPlan,
  ctx: ExecContext,
): void {
  const store = table.store;
  const found = store.getPartition(pk);
  if (found === undefined || typeof found === "number") return;
  if (keys.clusteringEq.length === 0 && !keys.lower && !keys.upper) {
    store.deletePartition(pk);
    return;
  }
  // Last range first, so deleting one does not shift the indexes of the others.
  for (const [from, to] of clusteringRanges(store, found, keys, ctx).reverse()) {
    store.deleteRange(found, from, to);
  }
  if (found.rows.length === 0 && found.staticHandle < 0) store.deletePartition(pk);
}

/** The `[applied]` column value. */
export function appliedBytes(applied: boolean): Uint8Array {
  return applied ? BOOLEAN_TRUE : BOOLEAN_FALSE;
}
