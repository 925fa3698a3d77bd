// The result columns of a SELECT: the columns and `token(...)` selectors and how each reads a
// row, or the columns of an aggregate SELECT; and Cassandra's checks of what a SELECT DISTINCT,
// or a SELECT of static columns only, may select.
import type { Relation, Selector, SelectStatement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { type CqlType, formatCqlType } from "../values/cql_type.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import { encodePartitionKey, type RowRef } from "./_keys.ts";
import type { KeyPlan } from "./_restrictions.ts";
import { tokenBytes } from "./_token_scan.ts";
import type { BindCollector, ExecContext } from "./_bind.ts";
import { compileElementSelector } from "./_element_selection.ts";
import { compileWriteTimeSelector } from "./_write_time_selector.ts";
import {
  type AggregateColumn,
  aggregateColumn,
  cellOf,
  firstRowColumn,
  rowCountColumn,
} from "./_aggregates.ts";

/** A result column. */
export interface ColumnSpec {
  keyspace: string;
  table: string;
  name: string;
  type: CqlType;
}

/** One output column of a SELECT and how to read it from a row. */
export interface Output {
  spec: ColumnSpec;
  get: (ref: RowRef) => Uint8Array | null;
  /** Takes the values bound for one execution (an element selector's key), before any row. */
  bind?: (ctx: ExecContext) => void;
}

/** A result column of an aggregate SELECT. */
export type AggregateOutput = AggregateColumn<ColumnSpec>;

/** What a SELECT returns: columns read from each row, or one row of aggregates. */
export interface SelectOutputs {
  outputs: Output[];
  /**
   * The columns of an aggregate SELECT (one with an aggregate among its selectors), the plain
   * ones among them reading the first row; `null` for other SELECTs.
   */
  aggregates: AggregateOutput[] | null;
  /** The table columns the selectors name (all of them for `*`), as Cassandra checks DISTINCT. */
  selected: ColumnSchema[];
}

const BIGINT: CqlType = { kind: "native", name: "bigint" };

export { cellOf };

/**
 * The result columns of `statement` on `table`.
 *
 * @throws {CqlError} For an unknown column, or a selector the node does not answer or Cassandra
 *   refuses.
 */
export function selectOutputs(
  table: TableSchema,
  statement: SelectStatement,
  binds?: BindCollector,
): SelectOutputs {
  const spec = (name: string, type: CqlType): ColumnSpec => ({
    keyspace: table.keyspace,
    table: table.name,
    name,
    type,
  });
  if (statement.selectors === null) {
    const outputs = table.columns.map((col) => ({
      spec: spec(col.name, col.type),
      get: cellOf(col),
    }));
    return { outputs, aggregates: null, selected: table.columns };
  }
  const columns: (Output | AggregateOutput)[] = [];
  const selected: ColumnSchema[] = [];
  for (const selector of statement.selectors) {
    if (selector.kind === "element" && binds !== undefined) {
      const element = compileElementSelector(table, selector, binds);
      selected.push(table.byName.get(selector.name)!);
      columns.push({
        spec: spec(element.name, element.type),
        get: element.get,
        bind: element.bind,
      });
      continue;
    }
    columns.push(selectorOutput(table, selector, spec, selected));
  }
  const outputs = columns.filter((column): column is Output => "get" in column);
  if (outputs.length === columns.length) return { outputs, aggregates: null, selected };
  const aggregates = columns.map((column) =>
    "get" in column ? firstRowColumn(column.spec, column.get) : column
  );
  return { outputs, aggregates, selected };
}

/** The output of one selector; the table columns it names go to `selected`. */
function selectorOutput(
  table: TableSchema,
  selector: Selector,
  spec: (name: string, type: CqlType) => ColumnSpec,
  selected: ColumnSchema[],
): Output | AggregateOutput {
  switch (selector.kind) {
    case "column": {
      const col = table.byName.get(selector.name);
      if (!col) throw CqlError.undefinedColumn(selector.name, table);
      selected.push(col);
      return { spec: spec(selector.alias ?? col.name, col.type), get: cellOf(col) };
    }
    case "token": {
      const output = tokenOutput(table, selector.columns, selector.alias, spec);
      for (const name of selector.columns) selected.push(table.byName.get(name)!);
      return output;
    }
    case "count":
      return rowCountColumn(spec(selector.alias ?? "count", BIGINT));
    case "writetime":
    case "maxwritetime":
    case "ttl": {
      const compiled = compileWriteTimeSelector(table, selector);
      selected.push(table.byName.get(selector.name)!);
      return { spec: spec(compiled.name, compiled.type), get: compiled.get, bind: compiled.bind };
    }
    case "aggregate": {
      const { column, selected: col } = aggregateColumn(table, selector, spec);
      selected.push(col);
      return column;
    }
  }
  throw CqlError.invalid(
    `Selector ${
      selector.kind === "function" ? selector.name : selector.kind
    }() is not supported by the embedded node`,
  );
}

/** The `token(k1, k2)` selector: the Murmur3 token of the partition key the columns give. */
function tokenOutput(
  table: TableSchema,
  names: string[],
  alias: string | undefined,
  spec: (name: string, type: CqlType) => ColumnSpec,
): Output {
  const pk = table.partitionKey;
  if (names.length !== pk.length) {
    throw CqlError.invalid(
      `Invalid number of arguments in call to function system.token: ${pk.length} required but ${names.length} provided`,
    );
  }
  const cols = names.map((name, i) => {
    const col = table.byName.get(name);
    if (!col) throw CqlError.undefinedColumn(name, table);
    if (formatCqlType(col.type) !== formatCqlType(pk[i].type)) {
      throw CqlError.invalid(
        `Type error: ${name} cannot be passed as argument ${i} of function system.token of type ${
          formatCqlType(pk[i].type)
        }`,
      );
    }
    return cellOf(col);
  });
  const isKey = cols.length === pk.length && names.every((name, i) => name === pk[i].name);
  const get = isKey
    ? (ref: RowRef) => tokenBytes(encodePartitionKey(ref.partitionKey))
    : (ref: RowRef) => {
      const parts = cols.map((get) => get(ref));
      return parts.some((p) => p === null)
        ? null
        : tokenBytes(encodePartitionKey(parts as Uint8Array[]));
    };
  return { spec: spec(alias ?? `system.token(${names.join(", ")})`, BIGINT), get };
}

/**
 * Cassandra's checks of what a SELECT DISTINCT selects: partition key and static columns only,
 * and every partition key column when the partitions are not named by `=`/IN.
 *
 * @param table The table.
 * @param keys The compiled WHERE clause.
 * @param selected The table columns the SELECT names (all of them for `*`).
 * @throws {CqlError} Invalid when it selects otherwise.
 */
export function checkDistinctSelection(
  table: TableSchema,
  keys: KeyPlan,
  selected: ColumnSchema[],
): void {
  for (const col of selected) {
    if (col.kind !== "partition_key" && col.kind !== "static") {
      throw CqlError.invalid(
        `SELECT DISTINCT queries must only request partition key columns and/or static columns (not ${col.name})`,
      );
    }
  }
  if (keys.partition !== null) return;
  for (const col of table.partitionKey) {
    if (!selected.includes(col)) {
      throw CqlError.invalid(
        `SELECT DISTINCT queries must request all the partition key columns (missing ${col.name})`,
      );
    }
  }
}

/**
 * Cassandra's refusal of a SELECT of static columns only (with partition key columns or not)
 * that restricts clustering columns.
 *
 * @param table The table.
 * @param where The SELECT's relations.
 * @param selected The table columns the SELECT names (all of them for `*`).
 * @throws {CqlError} Invalid for such a SELECT.
 */
export function checkStaticSelection(
  table: TableSchema,
  where: Relation[],
  selected: ColumnSchema[],
): void {
  const onlyStatic = selected.some((col) => col.kind === "static") &&
    selected.every((col) => col.kind === "static" || col.kind === "partition_key");
  if (!onlyStatic) return;
  const clustering = where.some((relation) =>
    !relation.token && table.byName.get(relation.columns[0])?.kind === "clustering"
  );
  if (clustering) {
    throw CqlError.invalid("Cannot restrict clustering columns when selecting only static columns");
  }
}
