// `DELETE m[key], l[index], s[element] FROM ...`: the elements of collections a DELETE removes,
// with Cassandra 5.0's refusals of the column, of a null key and of a list index out of bounds.
import type { Term } from "../parse/cql_ast.ts";
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

/** The element deletions of one DELETE. */
export interface ElementDeletions {
  /** The columns whose elements are deleted, once each. */
  columns: ColumnSchema[];
  /** Deletes the elements from a row's cells (the row's, or the static row's, as `cols` says). */
  apply(cells: (Uint8Array | null)[], ctx: ExecContext, cols: ColumnSchema[]): void;
}

const INT: CqlType = { kind: "native", name: "int" };

/** A compiled `col[key]`: deletes its element from the cell's value. */
interface ElementDeletion {
  col: ColumnSchema;
  remove(old: Uint8Array | null, ctx: ExecContext): Uint8Array | null;
}

/**
 * Compiles a DELETE's `col[key]` deletions on `table`.
 *
 * @throws {CqlError} Invalid for a key column, a column that is not a collection or is frozen,
 *   or a key of another type.
 */
export function compileElementDeletions(
  table: TableSchema,
  elements: { column: string; key: Term }[],
  binds: BindCollector,
): ElementDeletions {
  const deletions = elements.map(({ column, key }) => compileElement(table, column, key, binds));
  const columns = [...new Set(deletions.map((deletion) => deletion.col))];
  return {
    columns,
    apply(cells, ctx, cols) {
      for (const deletion of deletions) {
        if (!cols.includes(deletion.col)) continue;
        const cell = deletion.col.cell;
        cells[cell] = deletion.remove(cells[cell], ctx);
      }
    },
  };
}

function compileElement(
  table: TableSchema,
  name: string,
  key: Term,
  binds: BindCollector,
): ElementDeletion {
  const col = columnOf(table, name);
  if (col.cell < 0) {
    throw CqlError.invalid(
      `Invalid identifier ${col.name} for deletion (should not be a PRIMARY KEY part)`,
    );
  }
  const type = col.type;
  if (type.kind !== "list" && type.kind !== "set" && type.kind !== "map") {
    throw CqlError.invalid(`Invalid deletion operation for non collection column ${col.name}`);
  }
  if (type.frozen) {
    throw CqlError.invalid(`Invalid deletion operation for frozen collection column ${col.name}`);
  }
  if (type.kind === "list") {
    const index = compileTerm(INT, key, `idx(${col.name})`, binds);
    return { col, remove: (old, ctx) => removeIndex(old, index(ctx), col) };
  }
  const map = type.kind === "map";
  const element = compileTerm(
    map ? type.key : type.element,
    key,
    `${map ? "key" : "value"}(${col.name})`,
    binds,
  );
  return {
    col,
    remove(old, ctx) {
      const k = element(ctx);
      if (k === null) {
        throw CqlError.invalid(map ? "Invalid null map key" : "Invalid null set element");
      }
      if (k === undefined || old === null) return old;
      const next = collectionChange(col, "subtract", joinCollection([k]), old);
      return isEmptyCollection(next) ? null : next;
    },
  };
}

/** The list without its element at `index`, as Cassandra's DiscarderByIndex deletes it. */
function removeIndex(
  old: Uint8Array | null,
  index: Uint8Array | null | undefined,
  col: ColumnSchema,
): Uint8Array | null {
  if (index === null) throw CqlError.invalid("Invalid null value for list index");
  if (index === undefined) return old;
  if (old === null) {
    throw CqlError.invalid("Attempted to delete an element from a list which is null");
  }
  const items = splitCollection(old, col.name);
  const at = new DataView(index.buffer, index.byteOffset, 4).getInt32(0);
  if (at < 0 || at >= items.length) {
    throw CqlError.invalid(`List index ${at} out of bound, list has size ${items.length}`);
  }
  items.splice(at, 1);
  return items.length === 0 ? null : joinCollection(items);
}
