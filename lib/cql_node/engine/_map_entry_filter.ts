// `m['k'] = v` in a WHERE clause, as Cassandra 5.0 answers it: a filter (so ALLOW FILTERING is
// needed) on the rows whose non-frozen map holds that value at that key, with Cassandra's
// refusals of other columns, other operators and null or unset keys and values.
import type { Relation } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { compareValues } from "../values/cql_value.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  splitCollection,
  type TermFn,
} from "./_bind.ts";

/**
 * Compiles `m[key] = value` into a row filter.
 *
 * @param table The table.
 * @param relation The relation (its `element` the key).
 * @param binds The statement's markers.
 * @returns The filter.
 * @throws {CqlError} For a column that is not a non-frozen map, or an operator other than `=`.
 */
/** A map entry's filter: a row filter (see `_restrictions.ts`) with its test and check. */
export interface MapEntryFilter {
  column: ColumnSchema;
  op: "=";
  value: TermFn;
  test: (cell: Uint8Array | null, ctx: ExecContext) => boolean;
  check: (ctx: ExecContext) => void;
}

export function compileMapEntryFilter(
  table: TableSchema,
  relation: Relation,
  binds: BindCollector,
): MapEntryFilter {
  const name = relation.columns[0];
  const col = table.byName.get(name);
  if (!col) throw CqlError.undefinedColumn(name, table);
  const type = col.type;
  if (type.kind === "list") {
    throw CqlError.invalid(
      "Indexes on list entries (l[index] = value) are not currently supported.",
    );
  }
  if (type.kind !== "map") throw CqlError.invalid(`Column ${col.name} cannot be used as a map`);
  if (relation.op !== "=") throw CqlError.invalid("Only EQ relations are supported on map entries");
  if (type.frozen) {
    throw CqlError.invalid(
      `Map-entry equality predicates on frozen map column ${col.name} are not supported`,
    );
  }
  const keyFn = compileTerm(type.key, relation.element!, `key(${col.name})`, binds);
  const valueFn = compileTerm(type.value, relation.value, `value(${col.name})`, binds);
  const bound = (fn: typeof keyFn, ctx: ExecContext, what: string): Uint8Array => {
    const value = fn(ctx);
    if (value === null || value === undefined) {
      const state = value === null ? "null" : "unset";
      throw CqlError.invalid(`Unsupported ${state} map ${what} for column ${col.name}`);
    }
    return value;
  };
  const test = (cell: Uint8Array | null, ctx: ExecContext): boolean => {
    const key = bound(keyFn, ctx, "key");
    const value = bound(valueFn, ctx, "value");
    if (cell === null) return false;
    const items = splitCollection(cell, "map", 2);
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i];
      const v = items[i + 1];
      if (k !== null && compareValues(type.key, k, key) === 0) {
        return v !== null && compareValues(type.value, v, value) === 0;
      }
    }
    return false;
  };
  // The key and value are checked when the statement runs, before any row is read.
  return { column: col, op: "=", value: valueFn, test, check: (ctx) => void test(null, ctx) };
}
