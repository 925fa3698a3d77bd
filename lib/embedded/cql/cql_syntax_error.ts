/**
 * The error {@linkcode parseCql} throws for text it cannot parse.
 *
 * @module
 */

/**
 * A CQL statement that does not parse, or uses a statement kind the embedded node does not
 * support. The message reads like Cassandra's (`line 1:9 mismatched input 'FORM' expecting
 * K_FROM`), so the server can send it unchanged in a SYNTAX_ERROR frame.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CqlSyntaxError } from "./cql_syntax_error.ts";
 * const error = new CqlSyntaxError("no viable alternative at input 'FORM'", { line: 1, column: 9 });
 * assert.equal(error.message, "line 1:9 no viable alternative at input 'FORM'");
 * assert.equal(error.name, "CqlSyntaxError");
 * assert.equal(error.column, 9);
 * ```
 */
export class CqlSyntaxError extends Error {
  /** The 1-based line of the offending token. */
  readonly line: number;
  /** The 0-based column of the offending token within its line. */
  readonly column: number;

  /**
   * Creates a syntax error; the message is prefixed with `line L:C `.
   *
   * @param detail What is wrong, for example `no viable alternative at input 'FORM'`.
   * @param position The 1-based line and 0-based column of the offending token.
   */
  constructor(detail: string, position: { line: number; column: number }) {
    super(`line ${position.line}:${position.column} ${detail}`);
    this.name = "CqlSyntaxError";
    this.line = position.line;
    this.column = position.column;
  }
}
