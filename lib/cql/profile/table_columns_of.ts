/**
 * Reads the columns of a CREATE TABLE statement: names and CQL types, the partition key, the
 * clustering columns and their order, the static columns.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { readCreateTable } from "./_read_create_table.ts";
import type { TableColumns } from "./table_columns.ts";

/**
 * Reads the shape of a table from its CREATE TABLE statement (as a profile's
 * `table_definition` holds it). Unquoted names are lower-cased as CQL does; quoted ones keep
 * their case. Table options other than `CLUSTERING ORDER BY` are skipped.
 *
 * @param tableDefinition The CREATE TABLE statement.
 * @returns The table's columns, keys and clustering order.
 * @throws {UsageError} When the statement is not a CREATE TABLE this reader understands, or
 *   names keys that are not columns.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableColumnsOf } from "./table_columns_of.ts";
 * const table = tableColumnsOf(`CREATE TABLE events (
 *   "userId" text, day date, at timeuuid, tags set<text>, owner text static,
 *   PRIMARY KEY (("userId", day), at)
 * ) WITH CLUSTERING ORDER BY (at DESC) AND comment = 'x'`);
 * assert.deepEqual(table.partitionKey, ["userId", "day"]);
 * assert.deepEqual(table.clustering, [{ name: "at", order: "DESC" }]);
 * assert.deepEqual(table.staticColumns, ["owner"]);
 * assert.equal(table.columns[3].type.text, "set<text>");
 * ```
 */
export function tableColumnsOf(tableDefinition: string): TableColumns {
  try {
    return readCreateTable(tableDefinition);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(`Cannot read CREATE TABLE statement: ${error.message}`, { cause: error });
  }
}
