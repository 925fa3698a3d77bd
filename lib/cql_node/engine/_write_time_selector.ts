// The `writetime(col)`, `maxwritetime(col)` and `ttl(col)` selectors: a cell's write timestamp
// (bigint, microseconds) and its remaining TTL (int, seconds), null for an absent cell or a cell
// without TTL. `maxwritetime` is Cassandra 5.0's: per row, as `writetime`, and also answered for
// non-frozen collections (the node keeps one timestamp per collection: the last write's).
import { maybeQuote } from "../parse/_cql_cursor.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { ElementSelector } from "../parse/cql_ast.ts";
import type { CqlType } from "../values/cql_type.ts";
import type { ExecContext } from "./_bind.ts";
import { STRIDE, timeBytes } from "./_cell_times.ts";
import { isMultiCell } from "./_cell_size.ts";
import { collectionTypeOf } from "./_element_selection.ts";
import type { RowRef } from "./_keys.ts";
import type { RowCells } from "./row_slab.ts";
import type { TableSchema } from "./schema.ts";

const BIGINT: CqlType = { kind: "native", name: "bigint" };
const INT: CqlType = { kind: "native", name: "int" };

/** A compiled `writetime()`/`ttl()` selector. */
export interface WriteTimeSelector {
  name: string;
  type: CqlType;
  get: (ref: RowRef) => Uint8Array | null;
  bind: (ctx: ExecContext) => void;
}

/** Which selector, and what of the column it reads (`element`: an element or a slice). */
export interface WriteTimeOf {
  kind: "writetime" | "ttl" | "maxwritetime";
  name: string;
  element?: ElementSelector;
  alias?: string;
}

/**
 * Compiles `writetime(column)`, `maxwritetime(column)` or `ttl(column)`.
 *
 * @param table The table.
 * @param selector The selector.
 * @returns Its result column and how it reads a row.
 * @throws {CqlError} For an unknown or primary key column, an element of a list, or what the node
 *   does not answer: an element of a map or set, `writetime()` or `ttl()` of a non-frozen
 *   collection.
 */
export function compileWriteTimeSelector(
  table: TableSchema,
  selector: WriteTimeOf,
): WriteTimeSelector {
  const { kind, name: column, element, alias } = selector;
  const col = table.byName.get(column);
  if (!col) throw CqlError.undefinedColumn(column, table);
  if (element !== undefined) {
    collectionTypeOf(col, element.slice);
    throw CqlError.invalid(
      `Selector ${kind}() of an element is not supported by the embedded node`,
    );
  }
  if (col.cell < 0) {
    throw CqlError.invalid(`Cannot use selection function ${kind} on PRIMARY KEY part ${col.name}`);
  }
  if (kind !== "maxwritetime" && isMultiCell(col.type)) {
    throw CqlError.invalid(
      `Selector ${kind}() of a non-frozen collection is not supported by the embedded node`,
    );
  }
  const cell = col.cell;
  const rowOf = col.kind === "static"
    ? (ref: RowRef): RowCells => ref.row.statics ?? ref.row
    : (ref: RowRef): RowCells => ref.row;
  let nowSec = 0;
  const get = kind !== "ttl"
    ? (ref: RowRef): Uint8Array | null => {
      const row = rowOf(ref);
      if (row.cells[cell] === null) return null;
      const times = row.times;
      return times
        ? timeBytes(times[cell * STRIDE], times[cell * STRIDE + 1])
        : timeBytes(row.hi ?? 0, row.lo ?? 0);
    }
    : (ref: RowRef): Uint8Array | null => {
      const row = rowOf(ref);
      const expiry = row.times?.[cell * STRIDE + 3] ?? 0;
      if (row.cells[cell] === null || expiry === 0) return null;
      const out = new Uint8Array(4);
      new DataView(out.buffer).setInt32(0, expiry - nowSec);
      return out;
    };
  return {
    name: alias ?? `${kind}(${maybeQuote(col.name)})`,
    type: kind !== "ttl" ? BIGINT : INT,
    get,
    bind: (ctx) => {
      nowSec = Math.floor(ctx.nowMs / 1000);
    },
  };
}
