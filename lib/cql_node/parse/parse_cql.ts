/**
 * Parses the CQL subset the embedded node understands into the syntax tree of
 * {@linkcode ./cql_ast.ts}.
 *
 * @module
 */

import type { ParsedStatement, Statement } from "./cql_ast.ts";
import { CqlCursor } from "./_cql_cursor.ts";
import { TOKEN_EOF, TOKEN_IDENT } from "./_cql_lexer.ts";
import { parseSelect } from "./_parse_select.ts";
import { parseBatch, parseDelete, parseInsert, parseUpdate } from "./_parse_modification.ts";
import {
  parseAlterKeyspace,
  parseCreateKeyspace,
  parseCreateTable,
  parseDrop,
  parseTruncate,
  parseUse,
} from "./_parse_ddl.ts";
import { parseCreateIndex, parseDropIndex } from "./_parse_index.ts";
import type { CqlSyntaxError } from "./cql_syntax_error.ts";

/** Object kinds after CREATE/ALTER/DROP that are valid CQL but not supported here. */
const UNSUPPORTED_OBJECTS: ReadonlySet<string> = new Set([
  "index",
  "custom",
  "type",
  "function",
  "aggregate",
  "trigger",
  "materialized",
  "role",
  "user",
  "or",
  "table",
  "columnfamily",
]);

/** Statement kinds that are valid CQL but not supported here. */
const UNSUPPORTED_STATEMENTS: ReadonlySet<string> = new Set([
  "grant",
  "revoke",
  "list",
  "describe",
  "desc",
  "add",
  "login",
]);

function unsupported(c: CqlCursor, words: number): CqlSyntaxError {
  const start = c.tokens.starts[c.pos];
  const end = c.tokens.ends[c.pos + words - 1];
  const what = c.text.slice(start, Math.min(end, start + 60)).replace(/\s+/g, " ").toUpperCase();
  return c.errorAt(c.pos, `${what} statements are not supported by the embedded node`);
}

function parseSchemaStatement(c: CqlCursor, verb: string): Statement {
  const object = c.kind(1) === TOKEN_IDENT ? c.value(1) : "";
  if (object === "keyspace" || object === "schema") {
    if (verb === "create") return parseCreateKeyspace(c);
    if (verb === "alter") return parseAlterKeyspace(c);
    return parseDrop(c);
  }
  if ((object === "table" || object === "columnfamily") && verb !== "alter") {
    return verb === "create" ? parseCreateTable(c) : parseDrop(c);
  }
  if (object === "index" && verb !== "alter") {
    return verb === "create" ? parseCreateIndex(c) : parseDropIndex(c);
  }
  if (!UNSUPPORTED_OBJECTS.has(object)) {
    c.pos++;
    throw c.noViable();
  }
  const long = object === "custom" || object === "materialized" || object === "or";
  throw unsupported(c, long ? 3 : 2);
}

function parseStatement(c: CqlCursor): Statement {
  const verb = c.kind() === TOKEN_IDENT ? c.value() : "";
  switch (verb) {
    case "select":
      return parseSelect(c);
    case "insert":
      return parseInsert(c);
    case "update":
      return parseUpdate(c);
    case "delete":
      return parseDelete(c);
    case "begin":
      return parseBatch(c);
    case "use":
      return parseUse(c);
    case "truncate":
      return parseTruncate(c);
    case "create":
    case "alter":
    case "drop":
      return parseSchemaStatement(c, verb);
    default:
      if (UNSUPPORTED_STATEMENTS.has(verb)) throw unsupported(c, 1);
      throw c.noViable();
  }
}

/**
 * Parses one CQL statement: SELECT, INSERT, UPDATE, DELETE, BATCH, USE, CREATE/ALTER/DROP
 * KEYSPACE, CREATE/DROP TABLE, CREATE/DROP INDEX and TRUNCATE. Keywords are case-insensitive,
 * unquoted identifiers are lower-cased, quoted ones kept exactly; a trailing `;` is optional.
 * Bind markers (`?`, `:name`) are numbered from 0 in textual order, across a whole batch.
 *
 * @param text The statement.
 * @returns The syntax tree and the statement's bind markers.
 * @throws {CqlSyntaxError} When the text is not valid CQL of the supported subset (messages
 * like Cassandra's: `line 1:9 mismatched input 'FORM' expecting K_FROM`), nests deeper than 64
 * levels, or is another statement kind (CREATE TYPE, CREATE CUSTOM INDEX, GRANT, ...). Nothing
 * else is thrown.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCql } from "./parse_cql.ts";
 * const parsed = parseCql(`UPDATE counter1 SET "C0"="C0"+? WHERE KEY=?`);
 * assert.deepEqual(parsed.statement, {
 *   kind: "update",
 *   table: { name: "counter1" },
 *   using: {},
 *   assignments: [{ column: "C0", op: "add", value: { kind: "bind", index: 0 } }],
 *   where: [{ columns: ["key"], op: "=", value: { kind: "bind", index: 1 } }],
 *   ifExists: false,
 *   conditions: [],
 * });
 * assert.deepEqual(parsed.markers, [undefined, undefined]);
 * assert.throws(() => parseCql("SELECT * FORM t"), /line 1:9 mismatched input 'FORM'/);
 * ```
 */
export function parseCql(text: string): ParsedStatement {
  const c = new CqlCursor(text);
  const statement = parseStatement(c);
  c.acceptPunct(";");
  if (c.kind() !== TOKEN_EOF) throw c.mismatched("EOF");
  return { statement, markers: c.markers };
}
