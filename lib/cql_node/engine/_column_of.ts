// The column of a table by name, or the Undefined column name error Cassandra gives.
import { CqlError } from "../protocol/cql_error.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";

/** The column `name` of `table`; throws an invalid-request error when there is none. */
export function columnOf(table: TableSchema, name: string): ColumnSchema {
  const col = table.byName.get(name);
  if (!col) throw CqlError.undefinedColumn(name, table);
  return col;
}
