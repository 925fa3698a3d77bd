/**
 * Classifies a failed query into a stable kind for the "errors by kind" report: the
 * SQLSTATE and its condition name for a server error, the driver's code for a connection
 * problem.
 *
 * @module
 */

import { firstLineOf } from "../errors.ts";

/** A failed query's kind and one-line message. */
export interface QueryErrorKind {
  /**
   * `SQLSTATE condition_name` for an error the server sent (`57014 query_canceled`), just
   * the SQLSTATE when its name is not in our table, `connection CODE` for a connection that
   * could not be made or was lost (`connection CONNECTION_CLOSED`), or `other` for anything
   * else.
   */
  readonly kind: string;
  /** The error's message, first line only. */
  readonly message: string;
}

/** Condition names of the SQLSTATEs a query benchmark meets (PostgreSQL Appendix A). */
const CONDITION_NAMES: Readonly<Record<string, string>> = {
  "08000": "connection_exception",
  "08003": "connection_does_not_exist",
  "08006": "connection_failure",
  "22007": "invalid_datetime_format",
  "22008": "datetime_field_overflow",
  "22012": "division_by_zero",
  "22P02": "invalid_text_representation",
  "25P02": "in_failed_sql_transaction",
  "28000": "invalid_authorization_specification",
  "28P01": "invalid_password",
  "3D000": "invalid_catalog_name",
  "40001": "serialization_failure",
  "40P01": "deadlock_detected",
  "42501": "insufficient_privilege",
  "42601": "syntax_error",
  "42703": "undefined_column",
  "42883": "undefined_function",
  "42P01": "undefined_table",
  "53100": "disk_full",
  "53200": "out_of_memory",
  "53300": "too_many_connections",
  "55P03": "lock_not_available",
  "57014": "query_canceled",
  "57P01": "admin_shutdown",
  "57P02": "crash_shutdown",
  "57P03": "cannot_connect_now",
  "58030": "io_error",
  "XX000": "internal_error",
};

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Node-style socket error codes that mean the connection could not be made or was lost. */
const SOCKET_CODE = /^(E[A-Z]+|CONNECT(ION)?_[A-Z_]+)$/;

/**
 * Classifies an error thrown by a query (postgres.js's `PostgresError` carries the server's
 * SQLSTATE in `code`; its connection errors carry codes such as `CONNECTION_CLOSED`, and
 * socket errors `ECONNREFUSED`).
 *
 * @param error What the query threw.
 * @returns Its kind and message.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { queryErrorKind } from "./query_error_kind.ts";
 *
 * const server = Object.assign(new Error("division by zero"), { code: "22012" });
 * assert.deepEqual(queryErrorKind(server), {
 *   kind: "22012 division_by_zero",
 *   message: "division by zero",
 * });
 * const lost = Object.assign(new Error("write CONNECTION_CLOSED"), { code: "CONNECTION_CLOSED" });
 * assert.equal(queryErrorKind(lost).kind, "connection CONNECTION_CLOSED");
 * assert.equal(queryErrorKind("boom").kind, "other");
 * ```
 */
export function queryErrorKind(error: unknown): QueryErrorKind {
  const line = firstLineOf(error).trim();
  const message = line === "" ? "(no message)" : line;
  const code = typeof error === "object" && error !== null && "code" in error
    ? String((error as { code: unknown }).code)
    : "";
  if (SQLSTATE.test(code)) {
    const name = CONDITION_NAMES[code];
    const connection = code.startsWith("08") || code.startsWith("57P");
    const kind = name === undefined ? code : `${code} ${name}`;
    return { kind: connection ? `connection ${kind}` : kind, message };
  }
  if (SOCKET_CODE.test(code)) return { kind: `connection ${code}`, message };
  return { kind: "other", message };
}
