/**
 * `-errors skip-unsupported-columns` (ScyllaDB's cassandra-stress fork): a `user` table's
 * regular and static columns whose values cannot be generated (maps, collections of
 * collections) are left out of the inserts and the validating reads, with one warning each, as
 * the fork does; a key column of such a type still stops the run.
 *
 * @module
 */

import { isGeneratedType, type TableLayout } from "./user_statements.ts";

/** A table without the columns it skips, and the warnings for them. */
export interface SkippedColumns {
  /** The table as the run sees it: every key column, and the columns it can generate. */
  readonly layout: TableLayout;
  /** One `WARNING: Table 't' has column 'c' of unsupported type` line per skipped column. */
  readonly warnings: readonly string[];
}

/**
 * Leaves out the regular and static columns whose values cannot be generated.
 *
 * @param layout The table as read from the cluster.
 * @returns The table without them, and a warning for each.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { skipUnsupportedColumns } from "./skip_unsupported_columns.ts";
 * const { layout, warnings } = skipUnsupportedColumns({
 *   name: "t",
 *   columns: [
 *     { name: "k", type: "int", kind: "partition_key" },
 *     { name: "m", type: "map<text, int>", kind: "regular" },
 *     { name: "v", type: "text", kind: "regular" },
 *   ],
 * });
 * assert.deepEqual(layout.columns.map((c) => c.name), ["k", "v"]);
 * assert.deepEqual(warnings, ["WARNING: Table 't' has column 'm' of unsupported type"]);
 * ```
 */
export function skipUnsupportedColumns(layout: TableLayout): SkippedColumns {
  const skipped = layout.columns.filter((column) =>
    (column.kind === "regular" || column.kind === "static") && !isGeneratedType(column.type)
  );
  return {
    layout: skipped.length === 0 ? layout : {
      ...layout,
      columns: layout.columns.filter((column) => !skipped.includes(column)),
      skipped: skipped.map((column) => column.name),
    },
    warnings: skipped.map((column) =>
      `WARNING: Table '${layout.name}' has column '${column.name}' of unsupported type`
    ),
  };
}
