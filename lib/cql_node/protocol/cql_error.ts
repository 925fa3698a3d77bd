/**
 * The error a CQL request fails with, carried to an ERROR frame.
 *
 * @module
 */

import { CONSISTENCY_NAMES, ERROR_CODE } from "../../protocol/protocol_codes.ts";
import { maybeQuote } from "../parse/_cql_cursor.ts";

/** Extra fields some error codes carry in their ERROR frame body. */
export interface CqlErrorDetails {
  /** Consistency level code (unavailable, timeouts). */
  consistency?: number;
  /** Replicas required / block for. */
  required?: number;
  /** Replicas alive / received. */
  received?: number;
  /** Write type of a write timeout, e.g. `SIMPLE`. */
  writeType?: string;
  /** Whether data was present (read timeout). */
  dataPresent?: boolean;
  /** Keyspace (already exists). */
  keyspace?: string;
  /** Table (already exists); empty for a keyspace. */
  table?: string;
  /** Statement id (unprepared). */
  statementId?: Uint8Array;
}

/**
 * An error with a native-protocol error code, answered as an ERROR frame.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CqlError } from "./cql_error.ts";
 * import { CONSISTENCY_NAMES, ERROR_CODE } from "../../protocol/protocol_codes.ts";
import { maybeQuote } from "../parse/_cql_cursor.ts";
 * const error = CqlError.invalid("table x does not exist");
 * assert.equal(error.code, ERROR_CODE.invalid);
 * assert.equal(
 *   CqlError.undefinedColumn("C5", { keyspace: "ks", name: "t" }).message,
 *   'Undefined column name "C5" in table ks.t',
 * );
 * assert.equal(CqlError.unavailable(5, 2, 1).message, "Cannot achieve consistency level ALL");
 * ```
 */
export class CqlError extends Error {
  /** The protocol error code. */
  readonly code: number;
  /** Fields for the error body. */
  readonly details: CqlErrorDetails;

  /**
   * @param code The protocol error code.
   * @param message The message.
   * @param details Extra fields.
   */
  constructor(code: number, message: string, details: CqlErrorDetails = {}) {
    super(message);
    this.name = "CqlError";
    this.code = code;
    this.details = details;
  }

  /**
   * @param message The message.
   * @returns An Invalid (0x2200) error.
   */
  static invalid(message: string): CqlError {
    return new CqlError(ERROR_CODE.invalid, message);
  }

  /**
   * The error Cassandra 5.0 answers for a column a statement names that the table lacks.
   *
   * @param column The column name as written (case kept).
   * @param table The table's keyspace and name.
   * @returns An Invalid error `Undefined column name "C5" in table ks.t`.
   */
  static undefinedColumn(column: string, table: { keyspace: string; name: string }): CqlError {
    return CqlError.invalid(
      `Undefined column name ${maybeQuote(column)} in table ${maybeQuote(table.keyspace)}.${
        maybeQuote(table.name)
      }`,
    );
  }

  /**
   * The error a node answers when too few replicas are alive for a consistency level.
   *
   * @param consistency The consistency level's protocol code.
   * @param required How many replicas it needs.
   * @param alive How many are alive.
   * @returns An Unavailable (0x1000) error with its fields.
   */
  static unavailable(consistency: number, required: number, alive: number): CqlError {
    return new CqlError(
      ERROR_CODE.unavailable,
      `Cannot achieve consistency level ${CONSISTENCY_NAMES[consistency]}`,
      { consistency, required, received: alive },
    );
  }

  /**
   * @param message The message.
   * @returns A protocol error (0x000A).
   */
  static protocol(message: string): CqlError {
    return new CqlError(ERROR_CODE.protocolError, message);
  }
}
