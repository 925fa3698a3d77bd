/**
 * Reads a CQL column type from its text, as a profile's table definition or the cluster's schema
 * (`system_schema.columns.type`) writes it: the one type reader of the `user` profiles.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { readTypeText } from "./_read_create_table.ts";
import type { CqlColumnType } from "./table_columns.ts";

export type { CqlColumnType } from "./table_columns.ts";

/**
 * Reads a CQL type.
 *
 * @param text The type, e.g. `frozen<set<text>>`.
 * @returns Its name, arguments and frozenness.
 * @throws {UsageError} When it is not a CQL type.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCqlColumnType } from "./parse_cql_column_type.ts";
 * const type = parseCqlColumnType("frozen<list<int>>");
 * assert.equal(type.name, "list");
 * assert.equal(type.frozen, true);
 * assert.equal(type.args[0].name, "int");
 * ```
 */
export function parseCqlColumnType(text: string): CqlColumnType {
  try {
    return readTypeText(text);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(`Cannot read the CQL type "${text}": ${error.message}`, {
      cause: error,
    });
  }
}
