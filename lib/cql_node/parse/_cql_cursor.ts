/**
 * The token cursor the CQL parser walks: keyword and punctuation checks, identifiers, bind
 * markers, nesting depth and Cassandra-style error messages. Private to lib/cql_node.
 *
 * @module
 */

import type { BindMarker, QualifiedName } from "./cql_ast.ts";
import {
  type CqlTokens,
  lexCql,
  positionOf,
  TOKEN_EOF,
  TOKEN_IDENT,
  TOKEN_PUNCT,
  TOKEN_QUOTED,
} from "./_cql_lexer.ts";
import { CqlSyntaxError } from "./cql_syntax_error.ts";

/** The deepest nesting of terms and types accepted. */
export const MAX_DEPTH = 64;

/** Cassandra's reserved keywords: never unquoted identifiers. */
const RESERVED: ReadonlySet<string> = new Set([
  "add",
  "allow",
  "alter",
  "and",
  "apply",
  "asc",
  "authorize",
  "batch",
  "begin",
  "by",
  "columnfamily",
  "create",
  "delete",
  "desc",
  "describe",
  "drop",
  "entries",
  "execute",
  "from",
  "full",
  "grant",
  "if",
  "in",
  "index",
  "infinity",
  "insert",
  "into",
  "is",
  "keyspace",
  "limit",
  "materialized",
  "modify",
  "nan",
  "norecursive",
  "not",
  "null",
  "of",
  "on",
  "or",
  "order",
  "primary",
  "rename",
  "replace",
  "revoke",
  "schema",
  "select",
  "set",
  "table",
  "to",
  "token",
  "truncate",
  "unlogged",
  "unset",
  "update",
  "use",
  "using",
  "view",
  "where",
  "with",
]);

/** How many tokens (hidden whitespace and comments included) Cassandra's snippet starts back. */
const SNIPPET_TOKENS_BACK = 10;

/**
 * The snippet Cassandra's error collector appends to a parser error: the query from up to ten
 * tokens before the offending one (whitespace runs count as tokens, as in its token stream) to
 * the offending one, which is put in brackets; `...` marks text left out at either end. Lines
 * are joined without their line breaks, as Cassandra does.
 */
function querySnippet(text: string, tokens: CqlTokens, offending: number): string {
  const units: number[] = [];
  let previousEnd = 0;
  for (let i = 0; i <= offending; i++) {
    if (tokens.starts[i] > previousEnd) units.push(previousEnd);
    units.push(tokens.starts[i]);
    previousEnd = tokens.ends[i];
  }
  const from = units[Math.max(0, units.length - 1 - SNIPPET_TOKENS_BACK)];
  const start = tokens.starts[offending];
  const end = tokens.ends[offending];
  const highlighted = `${text.slice(from, start)}[${text.slice(start, end)}]`;
  return ` (${from === 0 ? "" : "..."}${highlighted.replaceAll("\n", "")}${
    end === text.length ? "" : "..."
  })`;
}

/**
 * An identifier as Cassandra prints it in messages: as is when it is lower case (`[a-z][a-z0-9_]*`)
 * and not a reserved keyword, otherwise double-quoted.
 *
 * @param name The identifier.
 * @returns The printed identifier.
 */
export function maybeQuote(name: string): string {
  if (/^[a-z][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** A position in the token list with the helpers every grammar rule uses. */
export class CqlCursor {
  /** The statement text. */
  readonly text: string;
  /** The tokens of the text. */
  readonly tokens: CqlTokens;
  /** The index of the current token. */
  pos: number = 0;
  /** The names of the bind markers seen so far (undefined for `?`). */
  readonly markers: (string | undefined)[] = [];
  #depth = 0;

  /**
   * Lexes a text.
   *
   * @param text The statement text.
   */
  constructor(text: string) {
    this.text = text;
    this.tokens = lexCql(text);
  }

  /**
   * Looks ahead at a token's kind.
   *
   * @param offset How many tokens ahead of the current one.
   * @returns The kind (`TOKEN_EOF` past the end).
   */
  kind(offset = 0): number {
    const index = this.pos + offset;
    const kinds = this.tokens.kinds;
    return index < kinds.length ? kinds[index] : TOKEN_EOF;
  }

  /**
   * Looks ahead at a token's value.
   *
   * @param offset How many tokens ahead of the current one.
   * @returns The value (`""` past the end).
   */
  value(offset = 0): string {
    const index = this.pos + offset;
    const values = this.tokens.values;
    return index < values.length ? values[index] : "";
  }

  /**
   * Checks for an unquoted keyword.
   *
   * @param word The keyword, lower case.
   * @param offset How many tokens ahead of the current one.
   * @returns Whether that token is the keyword.
   */
  isKeyword(word: string, offset = 0): boolean {
    return this.kind(offset) === TOKEN_IDENT && this.value(offset) === word;
  }

  /**
   * Checks for punctuation.
   *
   * @param p The punctuation, e.g. `(` or `<=`.
   * @param offset How many tokens ahead of the current one.
   * @returns Whether that token is `p`.
   */
  isPunct(p: string, offset = 0): boolean {
    return this.kind(offset) === TOKEN_PUNCT && this.value(offset) === p;
  }

  /**
   * Consumes a keyword if it is the current token.
   *
   * @param word The keyword, lower case.
   * @returns Whether it was there.
   */
  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  /**
   * Consumes punctuation if it is the current token.
   *
   * @param p The punctuation.
   * @returns Whether it was there.
   */
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.pos++;
    return true;
  }

  /**
   * Consumes a keyword or throws.
   *
   * @param word The keyword, lower case.
   */
  expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.mismatched(`K_${word.toUpperCase()}`);
  }

  /**
   * Consumes punctuation or throws.
   *
   * @param p The punctuation.
   */
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw this.mismatched(`'${p}'`);
  }

  /**
   * Checks for an identifier (quoted, or unquoted and not reserved).
   *
   * @param offset How many tokens ahead of the current one.
   * @returns Whether that token can be an identifier.
   */
  isIdentifier(offset = 0): boolean {
    const kind = this.kind(offset);
    return kind === TOKEN_QUOTED || (kind === TOKEN_IDENT && !RESERVED.has(this.value(offset)));
  }

  /**
   * Consumes an identifier or throws.
   *
   * @returns The identifier, case-folded.
   */
  identifier(): string {
    if (!this.isIdentifier()) throw this.mismatched("IDENT");
    return this.tokens.values[this.pos++];
  }

  /**
   * Consumes a `[ks.]name` or throws.
   *
   * @returns The name.
   */
  qualifiedName(): QualifiedName {
    const first = this.identifier();
    if (!this.acceptPunct(".")) return { name: first };
    return { keyspace: first, name: this.identifier() };
  }

  /**
   * Records a bind marker.
   *
   * @param name The name of a `:name` marker, undefined for `?`.
   * @returns The marker, numbered after the ones seen so far.
   */
  bindMarker(name: string | undefined): BindMarker {
    const index = this.markers.length;
    this.markers.push(name);
    return name === undefined ? { kind: "bind", index } : { kind: "bind", index, name };
  }

  /** Enters one nesting level (a collection, tuple, call or type argument). */
  enter(): void {
    if (++this.#depth > MAX_DEPTH) {
      throw this.errorAt(
        this.pos,
        `nesting deeper than ${MAX_DEPTH} levels at input ${this.#quoted()}`,
      );
    }
  }

  /** Leaves one nesting level. */
  leave(): void {
    this.#depth--;
  }

  /**
   * Builds `mismatched input 'x' expecting <what>` at the current token.
   *
   * @param expecting What would have been accepted.
   * @returns The error, to throw.
   */
  mismatched(expecting: string): CqlSyntaxError {
    return this.#recognitionError(`mismatched input ${this.#quoted()} expecting ${expecting}`);
  }

  /**
   * Builds `no viable alternative at input 'x'` at the current token.
   *
   * @returns The error, to throw.
   */
  noViable(): CqlSyntaxError {
    return this.#recognitionError(`no viable alternative at input ${this.#quoted()}`);
  }

  /**
   * Builds `no viable alternative at input 'x'` at the current token, the token before it (where
   * ANTLR's decision began) highlighted in the snippet and the current one after it, as Cassandra
   * answers `(c1, c2) IN (1, 2)`.
   *
   * @returns The error, to throw.
   */
  noViableAfterDecision(): CqlSyntaxError {
    const error = this.noViable();
    if (this.pos === 0 || this.kind() === TOKEN_EOF) return error;
    const before = querySnippet(this.text, this.tokens, this.pos - 1);
    const current = this.text.slice(this.tokens.starts[this.pos], this.tokens.ends[this.pos]);
    const snippet = before.endsWith("...)")
      ? `${before.slice(0, -4)}${current}...)`
      : `${before.slice(0, -1)}${current})`;
    const offset = this.tokens.starts[this.pos];
    return new CqlSyntaxError(error.detail, positionOf(this.text, offset), { snippet });
  }

  /** An error of the parser proper at the current token, with Cassandra's snippet. */
  #recognitionError(detail: string): CqlSyntaxError {
    const atEnd = this.kind() === TOKEN_EOF;
    const starts = this.tokens.starts;
    const offset = atEnd ? this.text.length : starts[this.pos];
    const context = atEnd ? { atEnd } : { snippet: querySnippet(this.text, this.tokens, this.pos) };
    return new CqlSyntaxError(detail, positionOf(this.text, offset), context);
  }

  /**
   * Builds an error at a token.
   *
   * @param index The token index.
   * @param detail The message after `line L:C `.
   * @returns The error, to throw.
   */
  errorAt(index: number, detail: string): CqlSyntaxError {
    const starts = this.tokens.starts;
    const offset = index < starts.length ? starts[index] : this.text.length;
    return new CqlSyntaxError(detail, positionOf(this.text, offset));
  }

  /**
   * Builds the error of a check in Cassandra's grammar (its `addRecognitionError`), whose wire
   * message is the detail alone.
   *
   * @param index The token index.
   * @param detail The message.
   * @returns The error, to throw.
   */
  grammarErrorAt(index: number, detail: string): CqlSyntaxError {
    const error = this.errorAt(index, detail);
    return new CqlSyntaxError(detail, error, { bare: true });
  }

  /** The current token's text as written (at most 60 chars), quoted, or `'<EOF>'`. */
  #quoted(): string {
    if (this.kind() === TOKEN_EOF) return "'<EOF>'";
    const start = this.tokens.starts[this.pos];
    const end = this.tokens.ends[this.pos];
    return `'${this.text.slice(start, Math.min(end, start + 60))}'`;
  }
}
