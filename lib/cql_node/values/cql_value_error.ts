/**
 * The error the value codec (`cql_value.ts`) throws for a value that does not fit its type.
 *
 * @module
 */

/**
 * A value that does not fit its CQL type. The embedded node reports it to the client as an
 * `Invalid` error, with this message.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CqlValueError } from "./cql_value_error.ts";
 * const error = new CqlValueError('Invalid STRING constant (foo) for "k" of type int');
 * assert.equal(error.name, "CqlValueError");
 * assert.equal(error.message, 'Invalid STRING constant (foo) for "k" of type int');
 * ```
 */
export class CqlValueError extends Error {
  /**
   * Creates a value error.
   *
   * @param message The message, worded like Cassandra's.
   * @param options The cause, if any.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CqlValueError";
  }
}
