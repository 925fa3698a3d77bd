/**
 * The statements of cassandra-stress's predefined commands (`write`, `read`, `counter_write`,
 * `counter_read`) as it writes them, and the error of a read that does not validate: shared by
 * the cassandra-driver target and the native one, with no driver loaded.
 *
 * @module
 */

import type { OpCount } from "../engine/target.ts";
import type { CqlOpKind } from "./cql_target_spec.ts";

/** A read that found no row or different data. */
export class ReadValidationError extends Error {
  /** Validation failures are not retried (as in cassandra-stress). */
  readonly retryable = false;
  /** The op ran but its answer was wrong: its line is the message alone, as cassandra-stress's. */
  readonly validated = false;
  /** What the failed read counts: the rows it got back, as cassandra-stress counts them. */
  readonly opCount: OpCount;
  /**
   * Creates the error.
   *
   * @param rows The rows the read got back (0 for a key never written).
   */
  constructor(rows = 0) {
    super("Data returned was not validated");
    this.name = "ReadValidationError";
    this.opCount = readCountOf(rows);
  }
}

const READ_NOTHING: OpCount = { partitions: 0, rows: 0 };
const READ_ONE: OpCount = { partitions: 1, rows: 1 };

/**
 * What a predefined read counts, as cassandra-stress's `read` and `counter_read` count it: a
 * partition and a row for each row the node returned, so a key never written counts none,
 * whether the read then fails validation or validation is skipped.
 *
 * @param rows The rows the read got back.
 * @returns The partitions and rows the read counts.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCountOf } from "./stress_statements.ts";
 * assert.deepEqual(readCountOf(0), { partitions: 0, rows: 0 });
 * assert.deepEqual(readCountOf(1), { partitions: 1, rows: 1 });
 * ```
 */
export function readCountOf(rows: number): OpCount {
  if (rows === 0) return READ_NOTHING;
  return rows === 1 ? READ_ONE : { partitions: rows, rows };
}

/**
 * A CQL identifier in double quotes, as cassandra-stress writes column and keyspace names.
 *
 * @param name The identifier.
 * @returns The quoted identifier.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteIdentifier } from "./stress_statements.ts";
 * assert.equal(quoteIdentifier('C"0'), '"C""0"');
 * ```
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** What shapes a statement besides its op kind. */
export interface StatementOptions {
  /**
   * `-col timestamp=`: writes carry `USING TIMESTAMP`.
   *
   * @default {null}
   */
  timestamp?: string | null;
  /**
   * `-col slice`: reads select `*`.
   *
   * @default {false}
   */
  slice?: boolean;
}

/**
 * The CQL statement cassandra-stress sends for an op kind.
 *
 * @param kind The op kind.
 * @param columnNames The columns the statement sets or selects.
 * @param options `USING TIMESTAMP` and `slice`.
 * @returns The CQL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { statementOf } from "./stress_statements.ts";
 * assert.equal(statementOf("read", ["C0", "C1"]), 'SELECT "C0","C1" FROM "standard1" WHERE KEY=?');
 * assert.equal(
 *   statementOf("write", ["C0"], { timestamp: "7" }),
 *   'UPDATE "standard1" USING TIMESTAMP 7 SET "C0" = ? WHERE KEY=?',
 * );
 * ```
 */
export function statementOf(
  kind: CqlOpKind,
  columnNames: readonly string[],
  options: StatementOptions = {},
): string {
  const cols = columnNames.map(quoteIdentifier);
  const using = options.timestamp == null ? "" : ` USING TIMESTAMP ${options.timestamp}`;
  switch (kind) {
    case "write":
      return `UPDATE "standard1"${using} SET ${cols.map((c) => `${c} = ?`).join(",")} WHERE KEY=?`;
    case "read":
      return `SELECT ${options.slice ? "*" : cols.join(",")} FROM "standard1" WHERE KEY=?`;
    case "counter_write":
      return `UPDATE counter1${using} SET ${cols.map((c) => `${c}=${c}+?`).join(",")} WHERE KEY=?`;
    case "counter_read":
      return `SELECT * FROM "counter1" WHERE KEY=?`;
  }
}
