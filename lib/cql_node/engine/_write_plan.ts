// Compiles INSERT, UPDATE and DELETE into functions that apply them to a table's store.
import type {
  DeleteStatement,
  InsertStatement,
  UpdateStatement,
  UsingClause,
} from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import type { RowCells } from "./row_slab.ts";
import type { TableSchema } from "./schema.ts";
import { isSystemKeyspace } from "./system_tables.ts";
import { type BindCollector, compileTerm, type ExecContext, type TermFn } from "./_bind.ts";
import { cartesian, clusteringRanges, decodePartitionKey, encodePartitionKey } from "./_keys.ts";
import { compileWhere, type KeyPlan } from "./_restrictions.ts";
import { compileAssignment } from "./_assignment.ts";
import { columnOf } from "./_column_of.ts";
import { compileConditions } from "./_write_conditions.ts";

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

const INT: CqlType = { kind: "native", name: "int" };
const BIGINT: CqlType = { kind: "native", name: "bigint" };

function compileUsing(using: UsingClause, binds: BindCollector): void {
  if (using.ttl) compileTerm(INT, using.ttl, "[ttl]", binds);
  if (using.timestamp) compileTerm(BIGINT, using.timestamp, "[timestamp]", binds);
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
