// The columns of an aggregate SELECT, as Cassandra 5.0 answers them: `count(*)`, the native
// aggregates `min`, `max`, `sum`, `avg` and `count` over a column (their result names, types and
// refusals), and the plain columns beside them, which take the first row's values.
import type { Selector } from "../parse/cql_ast.ts";
import { maybeQuote } from "../parse/_cql_cursor.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import { compareValues } from "../values/cql_value.ts";
import { createAggregateFold, SUMMABLE_TYPES } from "../values/_aggregate_fold.ts";
import { int64Bytes } from "../values/_value_bytes.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import type { RowRef } from "./_keys.ts";

/** A result column of one execution of an aggregate SELECT: fed every row, read at the end. */
export interface Aggregator {
  add(ref: RowRef): void;
  result(): Uint8Array | null;
}

/** A result column of an aggregate SELECT, as the column spec carries it. */
export interface AggregateColumn<Spec> {
  spec: Spec;
  /** A new aggregator for one execution. */
  start(): Aggregator;
}

type AggregateSelector = Extract<Selector, { kind: "aggregate" }>;

const BIGINT: CqlType = { kind: "native", name: "bigint" };

/** Cassandra's overloads of `sum` and `avg`, in the order its messages list them. */
const SIGNATURES: Record<string, string[]> = {
  sum: ["decimal", "counter", "tinyint", "int", "double", "smallint", "bigint", "varint", "float"],
  avg: ["bigint", "int", "tinyint", "double", "counter", "float", "varint", "decimal", "smallint"],
};

function signatures(name: string, types: string[]): string {
  return types.map((type) => `system.${name} : (${type}) -> ${type}`).join(", ");
}

/** Cassandra's refusal of an aggregate's arguments: their number, or a type it does not take. */
function checkArguments(selector: AggregateSelector, col: ColumnSchema | undefined): void {
  const { name, args } = selector;
  const shown = selector.qualified ? `system.${name}` : name;
  if (name === "count" && args.length !== 1) {
    throw CqlError.invalid(
      `Invalid number of arguments in call to function system.count: 1 required but ${args.length} provided`,
    );
  }
  if ((name === "min" || name === "max") && args.length !== 1) {
    throw CqlError.invalid(`Invalid number of arguments for function system.${name}(any)`);
  }
  if (name !== "sum" && name !== "avg") return;
  const type = col?.type;
  if (type?.kind === "native" && type.name === "timestamp") {
    throw CqlError.invalid(
      `Ambiguous call to function ${shown} (can be matched by following signatures: ${
        signatures(name, ["bigint", "varint"])
      }): use type casts to disambiguate`,
    );
  }
  if (args.length !== 1 || type?.kind !== "native" || !SUMMABLE_TYPES.has(type.name)) {
    throw CqlError.invalid(
      `Invalid call to function ${shown}, none of its type signatures match (known type signatures: ${
        signatures(name, SIGNATURES[name])
      })`,
    );
  }
}

/**
 * The result column of aggregate `selector` over a column of `table`, and that column.
 *
 * @throws {CqlError} Invalid for an unknown column or arguments the function does not take.
 */
export function aggregateColumn<Spec>(
  table: TableSchema,
  selector: AggregateSelector,
  spec: (name: string, type: CqlType) => Spec,
): { column: AggregateColumn<Spec>; selected: ColumnSchema } {
  const arg = selector.args.length === 1 ? selector.args[0] : undefined;
  const col = arg === undefined ? undefined : table.byName.get(arg);
  if (arg !== undefined && col === undefined) throw CqlError.undefinedColumn(arg, table);
  checkArguments(selector, col);
  const name = selector.alias ?? `system.${selector.name}(${maybeQuote(col!.name)})`;
  const type = selector.name === "count" ? BIGINT : col!.type;
  return {
    column: { spec: spec(name, type), start: aggregatorOf(selector.name, col!) },
    selected: col!,
  };
}

/** How each execution of aggregate `name` over `col` starts. */
function aggregatorOf(name: string, col: ColumnSchema): () => Aggregator {
  const get = cellOf(col);
  if (name === "count") {
    return () => {
      let n = 0n;
      return { add: (ref) => void (get(ref) !== null && n++), result: () => int64Bytes(n) };
    };
  }
  if (name === "min" || name === "max") {
    const sign = name === "min" ? -1 : 1;
    return () => {
      let best: Uint8Array | null = null;
      return {
        add(ref) {
          const value = get(ref);
          if (value === null) return;
          if (best === null || sign * compareValues(col.type, value, best) > 0) best = value;
        },
        result: () => best,
      };
    };
  }
  const typeName = col.type.kind === "native" ? col.type.name : "int";
  return () => {
    const fold = createAggregateFold(name === "sum" ? "sum" : "avg", typeName);
    return {
      add(ref) {
        const value = get(ref);
        // A numeric type reads an empty value as null.
        if (value !== null && value.length > 0) fold.add(value);
      },
      result: () => fold.result(),
    };
  };
}

/** The `count(*)` column: the number of rows. */
export function rowCountColumn<Spec>(spec: Spec): AggregateColumn<Spec> {
  return {
    spec,
    start() {
      let n = 0n;
      return { add: () => void n++, result: () => int64Bytes(n) };
    },
  };
}

/** A plain column beside aggregates: the value of the first row, null without rows. */
export function firstRowColumn<Spec>(
  spec: Spec,
  get: (ref: RowRef) => Uint8Array | null,
): AggregateColumn<Spec> {
  return {
    spec,
    start() {
      let value: Uint8Array | null = null;
      let seen = false;
      return {
        add(ref) {
          if (seen) return;
          seen = true;
          value = get(ref);
        },
        result: () => value,
      };
    },
  };
}

/** Reads one column's value from a row. */
export function cellOf(col: ColumnSchema): (ref: RowRef) => Uint8Array | null {
  if (col.kind === "partition_key") return (ref) => ref.partitionKey[col.position] ?? null;
  if (col.kind === "clustering") return (ref) => ref.clustering[col.position] ?? null;
  return (ref) => ref.row.cells[col.cell];
}
