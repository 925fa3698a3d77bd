// Multi-column IN on clustering columns, as Cassandra 5.0 answers it: `(c1, c2) IN ((1, 2), ...)`,
// `(c1) IN ((1))`, `(c1, c2) IN (?, ?)` (each marker a whole tuple) and `(c1, c2) IN ?`. Each
// column is restricted by the values its tuples hold, as a single-column IN would be, and a test of
// each row's clustering keeps only the tuples named, so rows come once each, in clustering order.
import type { Relation } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import { compareValues } from "../values/cql_value.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import { type BindCollector, compileTerm, type ExecContext, splitCollection } from "./_bind.ts";
import { termText } from "./_term_text.ts";

/** The tuples of one execution, each a value per column. */
type TuplesFn = (ctx: ExecContext) => Uint8Array[][];

/** Where a multi-column IN puts what it compiles to. */
export interface MultiColumnInTarget {
  /** The `=`/IN values per clustering column, by position. */
  eq: (((ctx: ExecContext) => Uint8Array[]) | undefined)[];
  /** The plan, for its tests of a row's clustering and its checks of the values bound. */
  plan: {
    clusteringTests: ((clustering: Uint8Array[], ctx: ExecContext) => boolean)[];
    checks: ((ctx: ExecContext) => void)[];
  };
}

/**
 * Checks the columns of a multi-column IN as Cassandra does before it merges restrictions:
 * clustering columns only, each once, consecutive and in the primary key's order.
 *
 * @param table The table.
 * @param relation The `(c1, c2) IN ...` relation.
 * @returns The columns.
 * @throws {CqlError} Invalid for columns Cassandra refuses.
 */
export function multiColumnInColumns(table: TableSchema, relation: Relation): ColumnSchema[] {
  const cols = relation.columns.map((name) => {
    const found = table.byName.get(name);
    if (!found) throw CqlError.undefinedColumn(name, table);
    return found;
  });
  const other = cols.find((col) => col.kind !== "clustering");
  if (other !== undefined) {
    throw CqlError.invalid(
      `Multi-column relations can only be applied to clustering columns but was applied to: ${other.name}`,
    );
  }
  const text = `(${relation.columns.join(", ")}) IN ${termText(relation.value)}`;
  const twice = cols.find((col, i) => cols.indexOf(col) !== i);
  if (twice !== undefined) {
    throw CqlError.invalid(`Column "${twice.name}" appeared twice in a relation: ${text}`);
  }
  if (cols.some((col, i) => col.position !== cols[0].position + i)) {
    throw CqlError.invalid(
      `Clustering columns must appear in the PRIMARY KEY order in multi-column relations: ${text}`,
    );
  }
  return cols;
}

/**
 * Compiles a multi-column IN into the values of each of its columns and a test of the tuples.
 *
 * @param table The table.
 * @param relation The `(c1, c2) IN ...` relation.
 * @param binds The statement's markers.
 * @param target Where the columns' values and the test go.
 */
export function compileMultiColumnIn(
  table: TableSchema,
  relation: Relation,
  binds: BindCollector,
  target: MultiColumnInTarget,
): void {
  const cols = multiColumnInColumns(table, relation);
  const tuples = cachedPerExecution(compileTuples(cols, relation, binds));
  cols.forEach((col, i) => {
    target.eq[col.position] = (ctx: ExecContext) =>
      distinct(col.type, tuples(ctx).map((tuple) => tuple[i]));
  });
  const first = cols[0].position;
  target.plan.checks.push((ctx) => void tuples(ctx));
  target.plan.clusteringTests.push((clustering, ctx) =>
    tuples(ctx).some((tuple) =>
      tuple.every((value, i) => compareValues(cols[i].type, clustering[first + i], value) === 0)
    )
  );
}

/** The tuples a multi-column IN names, as its value is written. */
function compileTuples(cols: ColumnSchema[], relation: Relation, binds: BindCollector): TuplesFn {
  const tupleType: CqlType = { kind: "tuple", elements: cols.map((col) => col.type) };
  const names = cols.map((col) => col.name).join(",");
  const value = relation.value;
  if (value.kind !== "tuple") {
    const listType: CqlType = { kind: "list", element: tupleType, frozen: false };
    const list = compileTerm(listType, value, `in(${names})`, binds);
    return (ctx) => {
      const bytes = list(ctx);
      if (bytes === null) throw CqlError.invalid("Invalid null value for IN restriction");
      if (bytes === undefined) throw CqlError.invalid(`Invalid unset value for in(${names})`);
      return splitCollection(bytes, "IN list").map((item) => {
        const tuple = item === null ? null : splitTuple(item, cols.length);
        if (tuple === null || tuple.some((v) => v === null)) {
          throw CqlError.invalid(
            `Invalid null value in condition for columns: [${cols.map((c) => c.name).join(", ")}]`,
          );
        }
        return tuple as Uint8Array[];
      });
    };
  }
  const items: TuplesFn[] = value.items.map((item) => {
    if (item.kind === "bind") {
      const fn = compileTerm(tupleType, item, `(${names})`, binds);
      return (ctx) => [wholeTuple(fn(ctx), cols, names)];
    }
    const elements = item.kind === "tuple" ? item.items : [item];
    if (elements.length !== cols.length) {
      throw CqlError.invalid(
        `Expected ${cols.length} elements in value tuple, but got ${elements.length}: ${
          termText(item)
        }`,
      );
    }
    const fns = elements.map((element, i) =>
      compileTerm(cols[i].type, element, cols[i].name, binds)
    );
    return (ctx) => [fns.map((fn, i) => elementValue(fn(ctx), cols[i], i))];
  });
  return (ctx) => items.flatMap((item) => item(ctx));
}

/** One value of a tuple literal for one execution, refused when null or unset as Cassandra does. */
function elementValue(value: Uint8Array | null | undefined, col: ColumnSchema, i: number) {
  if (value === null) throw CqlError.invalid(`Invalid null value for column ${col.name}`);
  if (value === undefined) {
    throw CqlError.invalid(`Invalid unset value for tuple field number ${i}`);
  }
  return value;
}

/**
 * A tuple bound whole (`IN (?, ?)`), refused when unset or a value of it is null as Cassandra
 * refuses it (a null tuple, which Cassandra 5.0.6 answers with a server error, is refused too).
 */
function wholeTuple(
  bytes: Uint8Array | null | undefined,
  cols: ColumnSchema[],
  names: string,
): Uint8Array[] {
  if (bytes === undefined) throw CqlError.invalid(`Invalid unset value for tuple (${names})`);
  if (bytes === null) throw CqlError.invalid(`Invalid null value for tuple (${names})`);
  const tuple = splitTuple(bytes, cols.length);
  tuple.forEach((value, i) => elementValue(value, cols[i], i));
  return tuple as Uint8Array[];
}

/** Splits a serialized tuple into its `count` values (missing trailing values are null). */
function splitTuple(bytes: Uint8Array, count: number): (Uint8Array | null)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (Uint8Array | null)[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) {
      out.push(null);
      continue;
    }
    const length = view.getInt32(at);
    at += 4;
    out.push(length < 0 ? null : bytes.subarray(at, at + length));
    if (length > 0) at += length;
  }
  return out;
}

/** `fn` evaluated once per execution (the scan asks for the tuples per partition and row). */
function cachedPerExecution(fn: TuplesFn): TuplesFn {
  let seen: ExecContext | null = null;
  let tuples: Uint8Array[][] = [];
  return (ctx) => {
    if (seen !== ctx) {
      tuples = fn(ctx);
      seen = ctx;
    }
    return tuples;
  };
}

/** Values without repeats, in the column type's order. */
function distinct(type: CqlType, values: Uint8Array[]): Uint8Array[] {
  const sorted = values.slice().sort((a, b) => compareValues(type, a, b));
  return sorted.filter((value, i) => i === 0 || compareValues(type, sorted[i - 1], value) !== 0);
}
