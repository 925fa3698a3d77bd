/**
 * The `WITH name = value AND ...` property rules of DDL statements. Private to
 * lib/cql_node.
 *
 * @module
 */

import type { OptionValue } from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import {
  TOKEN_FLOAT,
  TOKEN_IDENT,
  TOKEN_INTEGER,
  TOKEN_QUOTED,
  TOKEN_STRING,
} from "./_cql_lexer.ts";

/**
 * Sets an own enumerable property, safe for keys such as `__proto__`.
 *
 * @param target The record.
 * @param key The key.
 * @param value The value.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Reads a constant or bare word as text: strings unquoted, numbers as written. */
function parseScalarText(c: CqlCursor): string {
  const negative = c.acceptPunct("-");
  const kind = c.kind();
  if (negative && kind !== TOKEN_INTEGER && kind !== TOKEN_FLOAT) throw c.noViable();
  if (
    kind === TOKEN_STRING || kind === TOKEN_INTEGER || kind === TOKEN_FLOAT ||
    kind === TOKEN_IDENT || kind === TOKEN_QUOTED
  ) {
    const value = c.tokens.values[c.pos++];
    return negative ? `-${value}` : value;
  }
  throw c.noViable();
}

function parseMapValue(c: CqlCursor): Record<string, string> {
  c.expectPunct("{");
  const map: Record<string, string> = {};
  if (c.acceptPunct("}")) return map;
  do {
    const key = parseScalarText(c);
    c.expectPunct(":");
    setOwn(map, key, parseScalarText(c));
  } while (c.acceptPunct(","));
  c.expectPunct("}");
  return map;
}

/**
 * Parses one option value: a map (values stringified), a string, a number, a boolean or a
 * bare identifier.
 *
 * @param c The cursor at the value.
 * @returns The value.
 */
export function parseOptionValue(c: CqlCursor): OptionValue {
  if (c.isPunct("{")) return parseMapValue(c);
  const kind = c.kind();
  if (kind === TOKEN_STRING) return c.tokens.values[c.pos++];
  if (kind === TOKEN_IDENT && (c.value() === "true" || c.value() === "false")) {
    return c.tokens.values[c.pos++] === "true";
  }
  if (kind === TOKEN_IDENT || kind === TOKEN_QUOTED) return c.tokens.values[c.pos++];
  const text = parseScalarText(c);
  return Number(text);
}

/**
 * Parses one `name = value` property into `options`, rejecting a repeated name.
 *
 * @param c The cursor at the name.
 * @param options Where the property goes; the name is lower-cased.
 */
export function parseProperty(c: CqlCursor, options: Record<string, OptionValue>): void {
  const at = c.pos;
  const name = c.identifier().toLowerCase();
  if (Object.hasOwn(options, name)) {
    throw c.errorAt(at, `multiple definition for property '${name}'`);
  }
  c.expectPunct("=");
  setOwn(options, name, parseOptionValue(c));
}

/**
 * Parses `name = value AND name = value ...` (after `WITH`).
 *
 * @param c The cursor at the first name.
 * @returns The options, names lower-cased.
 */
export function parseProperties(c: CqlCursor): Record<string, OptionValue> {
  const options: Record<string, OptionValue> = {};
  do parseProperty(c, options); while (c.acceptKeyword("and"));
  return options;
}
