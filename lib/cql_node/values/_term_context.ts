/**
 * Private helper of the value codec: what resolving a term needs (the statement's bound values,
 * the clock, randomness), its options, and the shape of the resolver itself, shared by
 * `_value_term.ts` and `_value_functions.ts` so that neither imports the other's types.
 *
 * @module
 */

import type { Term } from "../parse/cql_ast.ts";
import type { CqlType } from "./cql_type.ts";

/** What a term needs from the statement being executed: bound values, the clock, randomness. */
export interface TermContext {
  /** The bound value of marker `index`: bytes, `null` (CQL null) or `undefined` (unset). */
  bound(index: number): Uint8Array | null | undefined;
  /** The current time in milliseconds since the epoch, for `now()` and friends. */
  nowMs: number;
  /** `length` random bytes, for `now()` and `uuid()`. */
  randomBytes(length: number): Uint8Array;
}

/** Options of `resolveTerm`. */
export interface ResolveTermOptions {
  /**
   * The column the value is for, named in error messages.
   *
   * @default {undefined}
   */
  column?: string;
  /**
   * Whether to check bound values with `validateValue`.
   *
   * @default {true}
   */
  validateBound?: boolean;
}

/** Resolves `term` as a value of `type`: bytes, `null` (CQL null) or `undefined` (unset). */
export type TermResolver = (
  type: CqlType,
  term: Term,
  context: TermContext,
  options: ResolveTermOptions,
) => Uint8Array | null | undefined;
