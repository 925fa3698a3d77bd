// Compiles a WHERE clause against a table: partition key values, clustering prefix and slice,
// and filters on other columns.
import type { Relation } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import { compareValues } from "../values/cql_value.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  splitCollection,
  type TermFn,
} from "./_bind.ts";
import { checkRestrictionMerge } from "./_restriction_merge.ts";
import { refuseNotEqual } from "./_refuse_not_equal.ts";
import { termText } from "./_term_text.ts";
import { compileTokenRelation, type TokenBound } from "./_token_relation.ts";
import { compileMapEntryFilter } from "./_map_entry_filter.ts";
import { compileMultiColumnIn, multiColumnInColumns } from "./_multi_column_in.ts";

export type { TokenBound };

/** Values for one key column: one for `=`, several for `IN`. */
export type ValuesFn = (ctx: ExecContext) => Uint8Array[];

/** One bound of a clustering slice: a clustering prefix and whether it is included. */
export interface SliceBound {
  values: TermFn[];
  inclusive: boolean;
}

/** A filter on any column, applied to each candidate row. */
export interface RowFilter {
  column: ColumnSchema;
  op: Relation["op"];
  value: TermFn;
  /** Tests the cell in place of `op` and `value` (a map entry's `m['k'] = v`). */
  test?: (cell: Uint8Array | null, ctx: ExecContext) => boolean;
  /** Checks the values bound before any row is read. */
  check?: (ctx: ExecContext) => void;
}

/** A compiled WHERE clause. */
export interface KeyPlan {
  /** The `token(...)` restrictions, `null` without any. */
  token: { lower?: TokenBound; upper?: TokenBound } | null;
  /** Per partition key column, or `null` when the partition key is not fully restricted. */
  partition: ValuesFn[] | null;
  /** Per leading clustering column restricted by `=`/`IN`. */
  clusteringEq: ValuesFn[];
  /** A slice on the clustering columns after the equal prefix. */
  lower?: SliceBound;
  upper?: SliceBound;
  filters: RowFilter[];
  /** Checks of the values bound, made before any row is read (a multi-column IN's). */
  checks: ((ctx: ExecContext) => void)[];
  /**
   * Tests on a row's clustering key: multi-column slices over clustering columns of mixed
   * order, which compare tuples in the columns' natural order rather than the table's.
   */
  clusteringTests: ((clustering: Uint8Array[], ctx: ExecContext) => boolean)[];
}

const listOf = (element: CqlType): CqlType => ({ kind: "list", element, frozen: false });

function column(table: TableSchema, name: string): ColumnSchema {
  const found = table.byName.get(name);
  if (!found) throw CqlError.undefinedColumn(name, table);
  return found;
}

function compileValues(
  col: ColumnSchema,
  relation: Relation,
  binds: BindCollector,
): ValuesFn {
  if (relation.op === "=") {
    const fn = compileTerm(col.type, relation.value, col.name, binds);
    return (ctx) => {
      const value = fn(ctx);
      if (value === null || value === undefined) {
        throw CqlError.invalid(`Invalid null value for column ${col.name}`);
      }
      return [value];
    };
  }
  // IN
  if (relation.value.kind === "tuple") {
    const fns = relation.value.items.map((item) => compileTerm(col.type, item, col.name, binds));
    return (ctx) =>
      distinct(
        col.type,
        fns.map((fn) => {
          const value = fn(ctx);
          if (value === null || value === undefined) {
            throw CqlError.invalid(`Invalid null value in condition for column ${col.name}`);
          }
          return value;
        }),
      );
  }
  const listFn = compileTerm(listOf(col.type), relation.value, `in(${col.name})`, binds);
  return (ctx) => {
    const list = listFn(ctx);
    // Cassandra 5.0.6's two messages: an unset list names the column, a null one the IN.
    if (list === undefined) throw CqlError.invalid(`Invalid unset value for column ${col.name}`);
    if (list === null) {
      throw CqlError.invalid(`Invalid null value for IN restriction on ${col.name}`);
    }
    return distinct(
      col.type,
      splitCollection(list, "IN list").filter((v): v is Uint8Array => v !== null),
    );
  };
}

/**
 * IN values without repeats, in the column type's order: Cassandra answers each key once, and
 * the partitions of an IN in the order of their key values.
 */
function distinct(type: CqlType, values: Uint8Array[]): Uint8Array[] {
  if (values.length < 2) return values;
  const sorted = values.slice().sort((a, b) => compareValues(type, a, b));
  return sorted.filter((value, i) => i === 0 || compareValues(type, sorted[i - 1], value) !== 0);
}

/** A clustering slice restriction, before it is placed as the lower or upper bound. */
interface Slice {
  col: ColumnSchema;
  op: string;
  values: TermFn[];
  width: number;
  /** Checked by a clustering test rather than placed as a bound. */
  filterOnly?: boolean;
  /** A slice in tuple notation's test of a row's clustering (tuples in natural order). */
  test?: (clustering: Uint8Array[], ctx: ExecContext) => boolean;
}

/** Compiles `where` for `table`. */
export function compileWhere(
  table: TableSchema,
  where: Relation[],
  binds: BindCollector,
  allowFiltering = false,
): KeyPlan {
  refuseNotEqual(where);
  for (const relation of where) if (relation.multiColumnIn) multiColumnInColumns(table, relation);
  checkRestrictionMerge(table, where, allowFiltering);
  const pk: (ValuesFn | undefined)[] = table.partitionKey.map(() => undefined);
  const ckEq: (ValuesFn | undefined)[] = table.clustering.map(() => undefined);
  const plan: KeyPlan = {
    token: null,
    partition: null,
    clusteringEq: [],
    filters: [],
    clusteringTests: [],
    checks: [],
  };
  const slices: Slice[] = [];
  for (const relation of where) {
    if (relation.token) {
      compileTokenRelation(table, relation, binds, plan);
      continue;
    }
    if (relation.element !== undefined) {
      const filter = compileMapEntryFilter(table, relation, binds);
      plan.filters.push(filter);
      plan.checks.push(filter.check);
      continue;
    }
    if (relation.multiColumnIn) {
      compileMultiColumnIn(table, relation, binds, { eq: ckEq, plan });
      continue;
    }
    if (relation.columns.length > 1 || isSingleColumnTuple(table, relation)) {
      compileMultiColumn(table, relation, binds, ckEq, slices, plan);
      continue;
    }
    const col = column(table, relation.columns[0]);
    const isKeyOp = relation.op === "=" || relation.op === "IN";
    if (col.kind === "partition_key" && isKeyOp) {
      pk[col.position] = compileValues(col, relation, binds);
    } else if (col.kind === "clustering" && isKeyOp) {
      ckEq[col.position] = compileValues(col, relation, binds);
    } else if (col.kind === "clustering" && ["<", "<=", ">", ">="].includes(relation.op)) {
      const value = compileTerm(col.type, relation.value, col.name, binds);
      slices.push({ col, op: relation.op, values: [boundValue(value, col)], width: 1 });
    } else plan.filters.push(compileFilter(col, relation, binds));
  }
  placePartitionKey(table, pk, plan);
  const prefix = placeClusteringEq(table, ckEq, plan);
  placeSlices(slices, prefix, plan, allowFiltering);
  return plan;
}

/** A relation on several clustering columns: `(c1, c2) = (?, ?)` or a slice `(c1, c2) > (...)`. */
function compileMultiColumn(
  table: TableSchema,
  relation: Relation,
  binds: BindCollector,
  ckEq: (ValuesFn | undefined)[],
  slices: Slice[],
  plan: KeyPlan,
): void {
  const cols = relation.columns.map((name) => column(table, name));
  const other = cols.find((col) => col.kind !== "clustering");
  if (other !== undefined) {
    throw CqlError.invalid(
      `Multi-column relations can only be applied to clustering columns but was applied to: ${other.name}`,
    );
  }
  if (cols.some((col, i) => col.position !== cols[0].position + i)) {
    throw CqlError.invalid(
      "Clustering columns must appear in the PRIMARY KEY order in multi-column relations: " +
        `(${relation.columns.join(", ")}) ${relation.op} ${termText(relation.value)}`,
    );
  }
  if (relation.value.kind !== "tuple") {
    throw CqlError.invalid("Multi-column relations need a tuple of values");
  }
  const count = relation.value.items.length;
  if (relation.op !== "IN" && count !== cols.length) {
    throw CqlError.invalid(
      `Expected ${cols.length} elements in value tuple, but got ${count}: ${
        termText(relation.value)
      }`,
    );
  }
  const fns = relation.value.items.map((item, i) =>
    boundValue(
      compileTerm(cols[i]?.type ?? cols[0].type, item, cols[i]?.name ?? cols[0].name, binds),
      cols[i] ?? cols[0],
      relation.op === "=" ? "Invalid null value for column" : undefined,
    )
  );
  if (relation.op === "=") {
    cols.forEach((col, i) => {
      const fn = fns[i];
      ckEq[col.position] = (ctx) => [fn(ctx) as Uint8Array];
    });
    return;
  }
  const test = tupleTest(cols, relation.op, fns);
  const slice: Slice = { col: cols[0], op: relation.op, values: fns, width: cols.length, test };
  const mixed = cols.some((col) => col.order === "desc") &&
    cols.some((col) => col.order !== "desc");
  if (mixed) {
    slice.filterOnly = true;
    plan.clusteringTests.push(test);
  }
  slices.push(slice);
}

/**
 * A clustering bound's value for one execution, refused when null or unset as Cassandra refuses
 * it (a slice bound, or an element of `(c1, c2) = (?, ?)`).
 */
function boundValue(
  fn: TermFn,
  col: ColumnSchema,
  nullMessage = "Invalid null value in condition for column",
): TermFn {
  return (ctx) => {
    const value = fn(ctx);
    if (value === null) throw CqlError.invalid(`${nullMessage} ${col.name}`);
    if (value === undefined) throw CqlError.invalid(`Invalid unset value for column ${col.name}`);
    return value;
  };
}

/**
 * `(c1) > (?)`: one column, a one-element tuple, and the column is no tuple itself. A tuple
 * after CONTAINS is a literal element (`l CONTAINS (1, 'a')` on a list of tuples).
 */
function isSingleColumnTuple(table: TableSchema, relation: Relation): boolean {
  if (relation.value.kind !== "tuple" || relation.op === "IN") return false;
  if (relation.op === "CONTAINS" || relation.op === "CONTAINS KEY") return false;
  return table.byName.get(relation.columns[0])?.type.kind !== "tuple";
}

/** `(c1, c2) op (v1, v2)` compared in the columns' natural order, as Cassandra answers it. */
function tupleTest(
  cols: ColumnSchema[],
  op: Relation["op"],
  fns: TermFn[],
): (clustering: Uint8Array[], ctx: ExecContext) => boolean {
  const first = cols[0].position;
  return (clustering, ctx) => {
    let c = 0;
    for (let i = 0; i < cols.length && c === 0; i++) {
      const bound = fns[i](ctx);
      if (bound === null || bound === undefined) {
        throw CqlError.invalid(`Invalid null value in condition for column ${cols[i].name}`);
      }
      c = compareValues(cols[i].type, clustering[first + i], bound);
    }
    return op === ">" ? c > 0 : op === ">=" ? c >= 0 : op === "<" ? c < 0 : c <= 0;
  };
}

/**
 * A relation applied to each candidate row (a non-key column, or a key column by other ops). A
 * null or unset value of a comparison or CONTAINS on a column outside the primary key is refused
 * when the statement runs, as Cassandra refuses it.
 */
function compileFilter(col: ColumnSchema, relation: Relation, binds: BindCollector): RowFilter {
  const type = relation.op === "IN"
    ? listOf(col.type)
    : relation.op === "CONTAINS"
    ? (("element" in col.type)
      ? col.type.element
      : col.type.kind === "map"
      ? col.type.value
      : col.type)
    : relation.op === "CONTAINS KEY" && col.type.kind === "map"
    ? col.type.key
    : col.type;
  const value = relation.op === "IN" && relation.value.kind === "tuple"
    ? compileInTuple(col, relation, binds)
    : compileTerm(type, relation.value, col.name, binds);
  const keyColumn = col.kind === "partition_key" || col.kind === "clustering";
  if (keyColumn || relation.op === "IN") {
    return { column: col, op: relation.op, value };
  }
  return {
    column: col,
    op: relation.op,
    value: (ctx) => {
      const bytes = value(ctx);
      if (bytes === null || bytes === undefined) {
        throw CqlError.invalid(
          `Unsupported ${bytes === null ? "null" : "unset"} value for column ${col.name}`,
        );
      }
      return bytes;
    },
  };
}

/** Sets the partition key of `plan` when fully restricted; a partial one can only filter. */
function placePartitionKey(table: TableSchema, pk: (ValuesFn | undefined)[], plan: KeyPlan): void {
  if (pk.every((fn) => fn !== undefined)) plan.partition = pk as ValuesFn[];
  else {
    pk.forEach((fn, i) => {
      if (fn) {
        plan.filters.push({
          column: table.partitionKey[i],
          op: "IN",
          value: (ctx) => joinValues(fn(ctx)),
        });
      }
    });
  }
}

/**
 * Sets the clustering prefix restricted by `=`/`IN` of `plan`; restricted columns after a gap
 * become filters. Returns the length of the prefix.
 */
function placeClusteringEq(
  table: TableSchema,
  ckEq: (ValuesFn | undefined)[],
  plan: KeyPlan,
): number {
  let prefix = 0;
  while (prefix < ckEq.length && ckEq[prefix] !== undefined) prefix++;
  plan.clusteringEq = ckEq.slice(0, prefix) as ValuesFn[];
  for (let i = prefix; i < ckEq.length; i++) {
    const fn = ckEq[i];
    if (!fn) continue;
    const col = table.clustering[i];
    plan.filters.push({ column: col, op: "IN", value: (ctx) => joinValues(fn(ctx)) });
  }
  return prefix;
}

/**
 * Places each slice as the lower or upper bound when it follows the equal prefix. A slice
 * elsewhere, which Cassandra answers only with ALLOW FILTERING (and never in tuple notation),
 * tests each row.
 */
function placeSlices(
  slices: Slice[],
  prefix: number,
  plan: KeyPlan,
  allowFiltering: boolean,
): void {
  for (const slice of slices) {
    if (slice.col.position !== prefix) {
      if (slice.test === undefined) {
        const value = slice.values[0];
        plan.filters.push({ column: slice.col, op: slice.op as Relation["op"], value });
      } else if (allowFiltering) {
        throw CqlError.invalid("Multi-column slice restrictions cannot be used for filtering.");
      } else if (!slice.filterOnly) plan.clusteringTests.push(slice.test);
      continue;
    }
    if (slice.filterOnly) continue;
    const bound = { values: slice.values, inclusive: slice.op.endsWith("=") };
    const descending = slice.col.order === "desc";
    // A slice over DESC columns only (mixed ones are tests) runs backwards in clustering order.
    const isLower = (slice.op[0] === ">") !== descending;
    if (isLower) plan.lower = bound;
    else plan.upper = bound;
  }
}

function compileInTuple(col: ColumnSchema, relation: Relation, binds: BindCollector): TermFn {
  const fn = compileValues(col, relation, binds);
  return (ctx) => joinValues(fn(ctx));
}

function joinValues(values: Uint8Array[]): Uint8Array {
  let size = 4;
  for (const v of values) size += 4 + v.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setInt32(0, values.length);
  let at = 4;
  for (const v of values) {
    view.setInt32(at, v.length);
    out.set(v, at + 4);
    at += 4 + v.length;
  }
  return out;
}

/** Whether a cell value passes a filter. */
export function passes(filter: RowFilter, cell: Uint8Array | null, ctx: ExecContext): boolean {
  if (filter.test !== undefined) return filter.test(cell, ctx);
  const value = filter.value(ctx);
  const type = filter.column.type;
  if (value === undefined) return true;
  if (filter.op === "IN") {
    if (value === null || cell === null) return false;
    return splitCollection(value, "IN list").some((v) =>
      v !== null && compareValues(type, v, cell) === 0
    );
  }
  if (filter.op === "CONTAINS" || filter.op === "CONTAINS KEY") {
    if (value === null || cell === null) return false;
    const items = splitCollection(cell, "collection", type.kind === "map" ? 2 : 1);
    const elementType = type.kind === "map"
      ? (filter.op === "CONTAINS KEY" ? type.key : type.value)
      : "element" in type
      ? type.element
      : type;
    const start = type.kind === "map" && filter.op === "CONTAINS" ? 1 : 0;
    const step = type.kind === "map" ? 2 : 1;
    for (let i = start; i < items.length; i += step) {
      const item = items[i];
      if (item !== null && compareValues(elementType, item, value) === 0) return true;
    }
    return false;
  }
  if (value === null || cell === null) return false;
  const c = compareValues(type, cell, value);
  switch (filter.op) {
    case "=":
      return c === 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    default:
      return c >= 0;
  }
}
