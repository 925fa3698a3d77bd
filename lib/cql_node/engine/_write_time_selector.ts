// The `writetime(col)` and `ttl(col)` selectors: a cell's write timestamp (bigint, microseconds)
// and its remaining TTL (int, seconds), null for an absent cell or a cell without TTL.
import { maybeQuote } from "../parse/_cql_cursor.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import type { ExecContext } from "./_bind.ts";
import { STRIDE, timeBytes } from "./_cell_times.ts";
import { isMultiCell } from "./_cell_size.ts";
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

/**
 * Compiles `writetime(column)` or `ttl(column)`.
 *
 * @param table The table.
 * @param kind Which selector.
 * @param column The column named.
 * @param alias Its alias, if any.
 * @returns Its result column and how it reads a row.
 * @throws {CqlError} For an unknown or primary key column, or a non-frozen collection.
 */
export function compileWriteTimeSelector(
  table: TableSchema,
  kind: "writetime" | "ttl",
  column: string,
  alias: string | undefined,
): WriteTimeSelector {
  const col = table.byName.get(column);
  if (!col) throw CqlError.undefinedColumn(column, table);
  if (col.cell < 0) {
    throw CqlError.invalid(`Cannot use selection function ${kind} on PRIMARY KEY part ${col.name}`);
  }
  if (isMultiCell(col.type)) {
    throw CqlError.invalid(
      `Selector ${kind}() of a non-frozen collection is not supported by the embedded node`,
    );
  }
  const cell = col.cell;
  const rowOf = col.kind === "static"
    ? (ref: RowRef): RowCells => ref.row.statics ?? ref.row
    : (ref: RowRef): RowCells => ref.row;
  let nowSec = 0;
  const get = kind === "writetime"
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
    type: kind === "writetime" ? BIGINT : INT,
    get,
    bind: (ctx) => {
      nowSec = Math.floor(ctx.nowMs / 1000);
    },
  };
}
