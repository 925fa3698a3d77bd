/**
 * The error {@linkcode parseCql} throws for text it cannot parse.
 *
 * @module
 */

/** Where a parser error happened, as Cassandra's error collector shows it. */
export interface SyntaxErrorContext {
  /** The offending token is the end of the input (Cassandra says `line 0:-1` then). */
  atEnd?: boolean;
  /** The query snippet Cassandra appends, e.g. ` (SELECT * [FORM]...)`. */
  snippet?: string;
  /**
   * A check of Cassandra's grammar rather than a mismatched token (its `addRecognitionError`):
   * the wire message is the detail alone, without the position.
   */
  bare?: boolean;
}

/**
 * A CQL statement that does not parse, or uses a statement kind the embedded node does not
 * support. The message reads like Cassandra's (`line 1:9 mismatched input 'FORM' expecting
 * K_FROM`); {@linkcode CqlSyntaxError.wireMessage} is what a real node sends in its SYNTAX_ERROR
 * frame (the snippet appended, `line 0:-1` at the end of the input).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CqlSyntaxError } from "./cql_syntax_error.ts";
 * const error = new CqlSyntaxError("no viable alternative at input 'FORM'", { line: 1, column: 9 });
 * assert.equal(error.message, "line 1:9 no viable alternative at input 'FORM'");
 * assert.equal(error.name, "CqlSyntaxError");
 * assert.equal(error.column, 9);
 * assert.equal(error.wireMessage, error.message);
 * ```
 */
export class CqlSyntaxError extends Error {
  /** The 1-based line of the offending token. */
  readonly line: number;
  /** The 0-based column of the offending token within its line. */
  readonly column: number;
  /** The message without its position. */
  readonly detail: string;
  /** The parser context of the error (none for lexer errors). */
  readonly context: SyntaxErrorContext;

  /**
   * Creates a syntax error; the message is prefixed with `line L:C `.
   *
   * @param detail What is wrong, for example `no viable alternative at input 'FORM'`.
   * @param position The 1-based line and 0-based column of the offending token.
   * @param context The parser context (end of input, snippet), for the wire message.
   */
  constructor(
    detail: string,
    position: { line: number; column: number },
    context: SyntaxErrorContext = {},
  ) {
    super(`line ${position.line}:${position.column} ${detail}`);
    this.name = "CqlSyntaxError";
    this.line = position.line;
    this.column = position.column;
    this.detail = detail;
    this.context = context;
  }

  /** The message as Cassandra 5.0 words it in a SYNTAX_ERROR frame. */
  get wireMessage(): string {
    if (this.context.bare) return this.detail;
    if (this.context.atEnd) return `line 0:-1 ${this.detail}`;
    return this.message + (this.context.snippet ?? "");
  }
}
