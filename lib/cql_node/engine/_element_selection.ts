// Element and slice selection, as Cassandra 5.0 answers it: `m['k']` (the value of a map's key),
// `s[3]` (a set's element), `m['a'..'c']`, `m['b'..]`, `m[..'c']`, `s[3..5]` (the entries or
// elements between two bounds, both included): null when the cell holds none. Lists are refused.
// The result column is named by the selector's text, each marker written `?`.
import type { ElementSelector, Term } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { type CqlType, formatCqlType } from "../values/cql_type.ts";
import { compareValues } from "../values/cql_value.ts";
import type { TableSchema } from "./schema.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  joinCollection,
  splitCollection,
  type TermFn,
} from "./_bind.ts";
import type { RowRef } from "./_keys.ts";
import { cellOf } from "./_aggregates.ts";
import { termText } from "./_term_text.ts";

/** An element selector compiled: its name, type, reader, and the binding of its bounds. */
export interface ElementOutput {
  /** The result column's name (the alias or the selector's text). */
  name: string;
  type: CqlType;
  /** Reads the selected element or slice of a row, with the bounds of the last `bind`. */
  get: (ref: RowRef) => Uint8Array | null;
  /** Takes the bounds of one execution; the plan calls it before reading any row. */
  bind: (ctx: ExecContext) => void;
}

/** The selector as Cassandra names its column: `m['a']`, `m[?..?]`, `m['b'..]`. */
function selectorText(selector: ElementSelector): string {
  const bound = (term?: Term) =>
    term === undefined ? "" : term.kind === "bind" ? "?" : termText(term);
  const slice = selector.slice ? ".." : "";
  return `${selector.name}[${bound(selector.from)}${slice}${bound(selector.to)}]`;
}

/**
 * Compiles `col[key]` or `col[from..to]`.
 *
 * @param table The table.
 * @param selector The selector.
 * @param binds The statement's markers.
 * @returns The output.
 * @throws {CqlError} For an unknown column, one not a set or map, or a bound of the wrong type.
 */
/** A map or a set: a collection whose elements can be selected. */
type ElementCollection =
  | Extract<CqlType, { kind: "map" }>
  | (Extract<CqlType, { kind: "list" | "set" }> & { kind: "set" });

/**
 * The type of a column an element or slice is selected from, refused with Cassandra's messages
 * when it is a list or no collection.
 *
 * @param col The column.
 * @param slice Whether a slice is selected (else an element).
 * @returns Its map or set type.
 */
export function collectionTypeOf(
  col: { readonly name: string; readonly type: CqlType },
  slice: boolean,
): ElementCollection {
  const type = col.type;
  if (type.kind === "list") {
    throw CqlError.invalid(
      `${
        slice ? "Slice" : "Element"
      } selection is only allowed on sets and maps, but ${col.name} is a list`,
    );
  }
  if (type.kind !== "map" && type.kind !== "set") {
    throw CqlError.invalid(
      `Invalid element selection: ${col.name} is of type ${
        formatCqlType(type)
      } is not a collection`,
    );
  }
  return type as ElementCollection;
}

export function compileElementSelector(
  table: TableSchema,
  selector: ElementSelector,
  binds: BindCollector,
): ElementOutput {
  const col = table.byName.get(selector.name);
  if (!col) throw CqlError.undefinedColumn(selector.name, table);
  const type = collectionTypeOf(col, selector.slice);
  const isMap = type.kind === "map";
  const keyType = isMap ? type.key : type.element;
  const keyName = `${isMap ? "key" : "value"}(${col.name})`;
  const compile = (term?: Term) =>
    term === undefined ? null : compileTerm(keyType, term, keyName, binds);
  const from = compile(selector.from);
  const to = compile(selector.to);
  const cell = cellOf(col);
  const step = isMap ? 2 : 1;
  let low: Uint8Array | undefined;
  let high: Uint8Array | undefined;
  const bind = selector.slice
    ? (ctx: ExecContext) => {
      low = sliceBound(from, ctx, col.name);
      high = sliceBound(to, ctx, col.name);
    }
    : (ctx: ExecContext) => {
      low = elementKey(from!, ctx, col.name);
    };
  const get = (ref: RowRef): Uint8Array | null => {
    const bytes = cell(ref);
    if (bytes === null) return null;
    const items = splitCollection(bytes, "collection", step);
    const inside = (key: Uint8Array | null) =>
      key !== null && (low === undefined || compareValues(keyType, key, low) >= 0) &&
      (high === undefined || compareValues(keyType, key, high) <= 0);
    if (!selector.slice) {
      for (let i = 0; i < items.length; i += step) {
        const key = items[i];
        if (key !== null && compareValues(keyType, key, low!) === 0) return items[i + step - 1];
      }
      return null;
    }
    const kept: (Uint8Array | null)[] = [];
    for (let i = 0; i < items.length; i += step) {
      if (inside(items[i])) kept.push(...items.slice(i, i + step));
    }
    return kept.length === 0 ? null : joinCollection(kept, kept.length / step);
  };
  const resultType: CqlType = selector.slice
    ? (isMap
      ? { kind: "map", key: type.key, value: type.value, frozen: false }
      : { kind: "set", element: type.element, frozen: false })
    : isMap
    ? type.value
    : type.element;
  return { name: selector.alias ?? selectorText(selector), type: resultType, get, bind };
}

/** The key of `m[?]` for one execution, refused when null or unset as Cassandra refuses it. */
function elementKey(fn: TermFn, ctx: ExecContext, name: string): Uint8Array {
  const value = fn(ctx);
  if (value === null) throw CqlError.invalid(`Invalid null value for element selection on ${name}`);
  if (value === undefined) {
    throw CqlError.invalid(`Invalid unset value for element selection on ${name}`);
  }
  return value;
}

/** A slice bound for one execution: none when absent or unset, refused when null. */
function sliceBound(fn: TermFn | null, ctx: ExecContext, name: string): Uint8Array | undefined {
  if (fn === null) return undefined;
  const value = fn(ctx);
  if (value === null) throw CqlError.invalid(`Invalid null value for slice selection on ${name}`);
  return value;
}
