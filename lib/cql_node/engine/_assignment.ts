// Compiles one `SET` assignment of an UPDATE into a function that changes a row's cells.
import type { Assignment } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  joinCollection,
  splitCollection,
} from "./_bind.ts";
import { collectionChange, isEmptyCollection } from "./_collection_change.ts";
import { columnOf } from "./_column_of.ts";
import { termText } from "./_term_text.ts";
import { cellSize, isMultiCell } from "./_cell_size.ts";

/** Changes the cells of one row (in place) for one execution. */
export type CellChange = (cells: (Uint8Array | null)[], ctx: ExecContext) => void;

/** A compiled assignment: the column it sets and how. */
export interface CompiledAssignment {
  col: ColumnSchema;
  change: CellChange;
  /** The data size of what the assignment writes, as a batch's size counts it. */
  size: (ctx: ExecContext) => number;
}

const INT: CqlType = { kind: "native", name: "int" };
const BIGINT: CqlType = { kind: "native", name: "bigint" };

/** Compiles `col = ?`, `col[k] = ?`, `counter = counter + ?` or `col = col + ?` (and `-`). */
export function compileAssignment(
  table: TableSchema,
  assignment: Assignment,
  binds: BindCollector,
): CompiledAssignment {
  const col = columnOf(table, assignment.column);
  if (col.cell < 0) {
    throw CqlError.invalid(`PRIMARY KEY part ${col.name} found in SET part`);
  }
  const isCounter = col.type.kind === "native" && col.type.name === "counter";
  const op = assignment.op;
  if (op === "set") {
    if (isCounter) {
      throw CqlError.invalid(
        `Cannot set the value of counter column ${col.name} (counters can only be incremented/decremented, not set)`,
      );
    }
    return compileSet(col, assignment, binds);
  }
  if (op === "setElement") return compileSetElement(col, assignment, binds);
  if (op === "prepend" && col.type.kind !== "list") {
    // Cassandra 5.0.6 writes a prepend with '-'.
    throw CqlError.invalid(
      `Invalid operation (${col.name} = ${
        termText(assignment.value)
      } - ${col.name}) for non list column ${col.name}`,
    );
  }
  if (isCounter) return compileCounterChange(col, assignment, binds);
  return compileCollectionChange(col, assignment, binds);
}

/** `col = value`. */
function compileSet(
  col: ColumnSchema,
  assignment: Assignment,
  binds: BindCollector,
): CompiledAssignment {
  const cell = col.cell;
  const value = compileTerm(col.type, assignment.value, col.name, binds);
  // An empty non-frozen collection is no value, as in Cassandra.
  const multiCell = isMultiCell(col.type);
  return {
    col,
    change: (cells, ctx) => {
      const v = value(ctx);
      if (v !== undefined) cells[cell] = v !== null && multiCell && isEmptyCollection(v) ? null : v;
    },
    size: (ctx) => {
      const v = value(ctx);
      return v === undefined ? 0 : cellSize(col.type, v);
    },
  };
}

/** `list[index] = value` or `map[key] = value` (a null value removes the element). */
function compileSetElement(
  col: ColumnSchema,
  assignment: Assignment,
  binds: BindCollector,
): CompiledAssignment {
  const kind = col.type.kind;
  const collection = kind === "list" || kind === "set" || kind === "map";
  const frozen = "frozen" in col.type && col.type.frozen;
  if ((kind !== "list" && kind !== "map") || frozen) {
    const what = !collection ? "non collection" : frozen ? "frozen collection" : "set";
    throw CqlError.invalid(
      `Invalid operation (${setElementText(col, assignment)}) for ${what} column ${col.name}`,
    );
  }
  const cell = col.cell;
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
    size: (ctx) =>
      12 + 20 + (type.kind === "map" ? key(ctx)?.length ?? 0 : 16) + (value(ctx)?.length ?? 0),
    change: (cells, ctx) => {
      const k = key(ctx);
      const v = value(ctx);
      if (k === null || k === undefined) {
        throw CqlError.invalid(`Invalid null key for ${col.name}`);
      }
      if (type.kind === "map") {
        const entry = joinCollection([k, v ?? null], 1);
        const next = collectionChange(
          col,
          v === null ? "subtract" : "add",
          v === null ? joinCollection([k]) : entry,
          cells[cell],
        );
        cells[cell] = isEmptyCollection(next) ? null : next;
        return;
      }
      if (cells[cell] === null) {
        throw CqlError.invalid("Attempted to set an element on a list which is null");
      }
      const items = splitCollection(cells[cell]!, col.name);
      const index = new DataView(k.buffer, k.byteOffset, 4).getInt32(0);
      if (index < 0 || index >= items.length) {
        throw CqlError.invalid(`List index ${index} out of bound, list has size ${items.length}`);
      }
      if (v === null) items.splice(index, 1);
      else if (v !== undefined) items[index] = v;
      cells[cell] = items.length === 0 ? null : joinCollection(items);
    },
  };
}

/** `counter = counter + delta` or `counter = counter - delta`. */
function compileCounterChange(
  col: ColumnSchema,
  assignment: Assignment,
  binds: BindCollector,
): CompiledAssignment {
  const cell = col.cell;
  const op = assignment.op;
  const delta = compileTerm(BIGINT, assignment.value, col.name, binds);
  binds.note(assignment.value, col.type, col.name);
  return {
    col,
    size: () => 20 + 36, // a counter cell holds a one-shard counter context
    change: (cells, ctx) => {
      const d = delta(ctx);
      if (d === null) throw CqlError.invalid(`Invalid null value for counter increment`);
      if (d === undefined) return;
      cells[cell] = addCounter(cells[cell], d, op === "subtract");
    },
  };
}

/** `col = col + value`, `col = value + col` or `col = col - value` on a collection column. */
function compileCollectionChange(
  col: ColumnSchema,
  assignment: Assignment,
  binds: BindCollector,
): CompiledAssignment {
  if (col.type.kind === "native" || col.type.kind === "tuple" || col.type.kind === "custom") {
    const sign = assignment.op === "subtract" ? "-" : "+";
    const what = col.type.kind === "tuple" ? "tuple" : "non counter";
    throw CqlError.invalid(
      `Invalid operation (${col.name} = ${col.name} ${sign} ${
        termText(assignment.value)
      }) for ${what} column ${col.name}`,
    );
  }
  if ("frozen" in col.type && col.type.frozen) {
    const value = termText(assignment.value);
    // Cassandra 5.0.6's wording, its prepend message included ('-' and "list").
    throw CqlError.invalid(
      assignment.op === "prepend"
        ? `Invalid operation (${col.name} = ${value} - ${col.name}) for frozen list column ${col.name}`
        : `Invalid operation (${col.name} = ${col.name} ${
          assignment.op === "subtract" ? "-" : "+"
        } ${value}) for frozen collection column ${col.name}`,
    );
  }
  const cell = col.cell;
  const op = assignment.op;
  const valueType: CqlType = op === "subtract" && col.type.kind === "map"
    ? { kind: "set", element: col.type.key, frozen: false }
    : col.type;
  const value = compileTerm(valueType, assignment.value, col.name, binds);
  return {
    col,
    size: (ctx) => {
      const v = value(ctx);
      return v === undefined || v === null ? 0 : cellSize(valueType, v);
    },
    change: (cells, ctx) => {
      const v = value(ctx);
      if (v === undefined || v === null) return;
      const next = collectionChange(col, op, v, cells[cell]);
      cells[cell] = isEmptyCollection(next) ? null : next;
    },
  };
}

/** A term as Cassandra prints it in error messages: `?`, `'x'`, `[1, 2]`, `{'a': 1}`. */
/** `col[key] = value` as Cassandra shows it in its messages. */
function setElementText(col: ColumnSchema, assignment: Assignment): string {
  return `${col.name}[${termText(assignment.key!)}] = ${termText(assignment.value)}`;
}

function addCounter(old: Uint8Array | null, delta: Uint8Array, negate: boolean): Uint8Array {
  const a = old === null ? 0n : new DataView(old.buffer, old.byteOffset, 8).getBigInt64(0);
  const view = new DataView(delta.buffer, delta.byteOffset, delta.byteLength);
  const d = view.getBigInt64(0);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, negate ? a - d : a + d));
  return out;
}
