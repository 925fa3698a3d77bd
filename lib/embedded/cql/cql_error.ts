/**
 * The error a CQL request fails with, carried to an ERROR frame.
 *
 * @module
 */

import { ERROR_CODE } from "./protocol_constants.ts";

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
 * import { ERROR_CODE } from "./protocol_constants.ts";
 * const error = CqlError.invalid("unconfigured table x");
 * assert.equal(error.code, ERROR_CODE.invalid);
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
   * @param message The message.
   * @returns A protocol error (0x000A).
   */
  static protocol(message: string): CqlError {
    return new CqlError(ERROR_CODE.protocolError, message);
  }
}
