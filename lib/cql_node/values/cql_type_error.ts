/**
 * The error `parseCqlType` (`cql_type.ts`) throws for a type it cannot read.
 *
 * @module
 */

/**
 * A CQL type that is unknown or malformed. The embedded node reports it to the client as an
 * `Invalid` or `SyntaxException` error, with this message.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CqlTypeError } from "./cql_type_error.ts";
 * const error = new CqlTypeError("Unknown type foo");
 * assert.equal(error.name, "CqlTypeError");
 * assert.equal(error.message, "Unknown type foo");
 * ```
 */
export class CqlTypeError extends Error {
  /**
   * Creates a type error.
   *
   * @param message The message, worded like Cassandra's.
   * @param options The cause, if any.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CqlTypeError";
  }
}
