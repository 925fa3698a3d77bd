/**
 * Grammar rules for terms (literals, bind markers, collections, calls, casts) and types.
 * Private to lib/cql_node.
 *
 * @module
 */

import type { FunctionTerm, Term } from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import {
  TOKEN_DURATION,
  TOKEN_FLOAT,
  TOKEN_HEX,
  TOKEN_IDENT,
  TOKEN_INTEGER,
  TOKEN_PUNCT,
  TOKEN_QUOTED,
  TOKEN_STRING,
  TOKEN_UUID,
} from "./_cql_lexer.ts";

/** The native CQL types, which may appear in a cast `(bigint) 3`. */
const NATIVE_TYPES: ReadonlySet<string> = new Set([
  "ascii",
  "bigint",
  "blob",
  "boolean",
  "counter",
  "date",
  "decimal",
  "double",
  "duration",
  "float",
  "inet",
  "int",
  "smallint",
  "text",
  "time",
  "timestamp",
  "timeuuid",
  "tinyint",
  "uuid",
  "varchar",
  "varint",
]);

/** Types that take arguments in angle brackets. */
const GENERIC_TYPES: ReadonlySet<string> = new Set([
  "frozen",
  "list",
  "set",
  "map",
  "tuple",
  "vector",
]);

/**
 * Parses one term at the cursor.
 *
 * @param c The cursor, left after the term.
 * @returns The term.
 */
export function parseTerm(c: CqlCursor): Term {
  const value = c.value();
  switch (c.kind()) {
    case TOKEN_STRING:
      c.pos++;
      return { kind: "string", text: value };
    case TOKEN_INTEGER:
      c.pos++;
      return { kind: "integer", text: value };
    case TOKEN_FLOAT:
      c.pos++;
      return { kind: "float", text: value };
    case TOKEN_HEX:
      c.pos++;
      return { kind: "hex", text: value };
    case TOKEN_UUID:
      c.pos++;
      return { kind: "uuid", text: value };
    case TOKEN_DURATION:
      c.pos++;
      return { kind: "duration", text: value };
    case TOKEN_IDENT:
      if (value === "true" || value === "false") {
        c.pos++;
        return { kind: "boolean", text: value };
      }
      if (value === "null") {
        c.pos++;
        return { kind: "null", text: "null" };
      }
      if (value === "nan" || value === "infinity") {
        c.pos++;
        return { kind: "float", text: value === "nan" ? "NaN" : "Infinity" };
      }
      if (c.isPunct("(", 1)) return parseFunctionCall(c);
      throw c.noViable();
    case TOKEN_QUOTED:
      if (c.isPunct("(", 1)) return parseFunctionCall(c);
      throw c.noViable();
    case TOKEN_PUNCT:
      return parsePunctTerm(c, value);
    default:
      throw c.noViable();
  }
}

function parsePunctTerm(c: CqlCursor, value: string): Term {
  switch (value) {
    case "?":
      c.pos++;
      return c.bindMarker(undefined);
    case ":":
      c.pos++;
      if (c.kind() !== TOKEN_IDENT && c.kind() !== TOKEN_QUOTED) throw c.mismatched("IDENT");
      return c.bindMarker(c.tokens.values[c.pos++]);
    case "-":
      return parseNegative(c);
    case "[":
      return parseList(c);
    case "{":
      return parseBraces(c);
    case "(":
      return isCastAhead(c) ? parseCast(c) : parseTuple(c);
    default:
      throw c.noViable();
  }
}

function parseNegative(c: CqlCursor): Term {
  c.pos++;
  const kind = c.kind();
  const value = c.value();
  if (kind === TOKEN_INTEGER || kind === TOKEN_FLOAT || kind === TOKEN_DURATION) {
    c.pos++;
    const literalKind = kind === TOKEN_INTEGER
      ? "integer"
      : kind === TOKEN_FLOAT
      ? "float"
      : "duration";
    return { kind: literalKind, text: `-${value}` };
  }
  if (kind === TOKEN_IDENT && (value === "nan" || value === "infinity")) {
    c.pos++;
    return { kind: "float", text: value === "nan" ? "NaN" : "-Infinity" };
  }
  throw c.noViable();
}

/**
 * Parses `name(args)` at the cursor.
 *
 * @param c The cursor at the function name.
 * @returns The call.
 */
export function parseFunctionCall(c: CqlCursor): FunctionTerm {
  const name = c.tokens.values[c.pos++];
  c.expectPunct("(");
  c.enter();
  const args: Term[] = [];
  if (!c.acceptPunct(")")) {
    do args.push(parseTerm(c)); while (c.acceptPunct(","));
    c.expectPunct(")");
  }
  c.leave();
  return { kind: "function", name, args };
}

function parseList(c: CqlCursor): Term {
  c.pos++;
  c.enter();
  const items: Term[] = [];
  if (!c.acceptPunct("]")) {
    do items.push(parseTerm(c)); while (c.acceptPunct(","));
    c.expectPunct("]");
  }
  c.leave();
  return { kind: "list", items };
}

function parseBraces(c: CqlCursor): Term {
  c.pos++;
  c.enter();
  if (c.acceptPunct("}")) {
    c.leave();
    return { kind: "map", entries: [] };
  }
  const first = parseTerm(c);
  let result: Term;
  if (c.acceptPunct(":")) {
    const entries: [Term, Term][] = [[first, parseTerm(c)]];
    while (c.acceptPunct(",")) {
      const key = parseTerm(c);
      c.expectPunct(":");
      entries.push([key, parseTerm(c)]);
    }
    result = { kind: "map", entries };
  } else {
    const items: Term[] = [first];
    while (c.acceptPunct(",")) items.push(parseTerm(c));
    result = { kind: "set", items };
  }
  c.expectPunct("}");
  c.leave();
  return result;
}

/**
 * Parses `(t, t, ...)` at the cursor (possibly empty).
 *
 * @param c The cursor at `(`.
 * @returns A `tuple` CollectionTerm.
 */
export function parseTuple(c: CqlCursor): Term {
  c.expectPunct("(");
  c.enter();
  const items: Term[] = [];
  if (!c.acceptPunct(")")) {
    do items.push(parseTerm(c)); while (c.acceptPunct(","));
    c.expectPunct(")");
  }
  c.leave();
  return { kind: "tuple", items };
}

function isCastAhead(c: CqlCursor): boolean {
  if (c.kind(1) !== TOKEN_IDENT) return false;
  const name = c.value(1);
  return (NATIVE_TYPES.has(name) && c.isPunct(")", 2)) ||
    (GENERIC_TYPES.has(name) && c.isPunct("<", 2));
}

function parseCast(c: CqlCursor): Term {
  c.pos++;
  const type = parseType(c);
  c.expectPunct(")");
  c.enter();
  const term = parseTerm(c);
  c.leave();
  return { kind: "cast", type, term };
}

/**
 * Parses a type: `int`, `map<text, frozen<list<int>>>`, `ks.udt`, `"Udt"`, `'custom.Class'`.
 *
 * @param c The cursor at the type.
 * @returns The type text, lower case, `", "` between arguments; quoted names and custom class
 * strings with their quotes, as written.
 */
export function parseType(c: CqlCursor): string {
  const kind = c.kind();
  if (kind === TOKEN_STRING) return `'${c.tokens.values[c.pos++].replaceAll("'", "''")}'`;
  if (kind === TOKEN_QUOTED) return quotedTypeName(c);
  if (kind !== TOKEN_IDENT) throw c.noViable();
  const name = c.tokens.values[c.pos++];
  if (GENERIC_TYPES.has(name) && c.acceptPunct("<")) {
    c.enter();
    const args: string[] = [];
    do {
      if (c.kind() === TOKEN_INTEGER) args.push(c.tokens.values[c.pos++]);
      else args.push(parseType(c));
    } while (c.acceptPunct(","));
    c.expectPunct(">");
    c.leave();
    return `${name}<${args.join(", ")}>`;
  }
  if (c.acceptPunct(".")) {
    return `${name}.${c.kind() === TOKEN_QUOTED ? quotedTypeName(c) : c.identifier()}`;
  }
  return name;
}

function quotedTypeName(c: CqlCursor): string {
  return `"${c.tokens.values[c.pos++].replaceAll('"', '""')}"`;
}
