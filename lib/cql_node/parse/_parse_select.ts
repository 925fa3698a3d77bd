/**
 * The SELECT statement rule. Private to lib/cql_node.
 *
 * @module
 */

import type { ElementSelector, Selector, SelectStatement, Term } from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import {
  TOKEN_FLOAT,
  TOKEN_IDENT,
  TOKEN_INTEGER,
  TOKEN_QUOTED,
  TOKEN_STRING,
} from "./_cql_lexer.ts";
import { parseTerm } from "./_parse_term.ts";
import { parseRelations } from "./_parse_where.ts";

const LITERAL_WORDS: ReadonlySet<string> = new Set(["true", "false", "null", "nan", "infinity"]);

/** The native aggregate functions a selector may call over columns. */
const AGGREGATES: ReadonlySet<string> = new Set(["min", "max", "sum", "avg", "count"]);

/** Whether the token at `offset` ends a selector, so a preceding JSON/DISTINCT is a column. */
function endsSelector(c: CqlCursor, offset: number): boolean {
  return c.isKeyword("from", offset) || c.isPunct(",", offset) || c.isKeyword("as", offset);
}

function parseSelectorArgs(c: CqlCursor): Term[] {
  c.expectPunct("(");
  c.enter();
  const args: Term[] = [];
  // Only count(*) takes a star.
  if (c.isPunct("*")) throw c.mismatched("')'");
  if (!c.acceptPunct(")")) {
    do {
      if (isColumnRef(c, 0)) {
        throw c.errorAt(
          c.pos,
          "function selectors over columns are not supported by the embedded node",
        );
      }
      args.push(parseTerm(c));
    } while (c.acceptPunct(","));
    c.expectPunct(")");
  }
  c.leave();
  return args;
}

/** Whether the token at `offset` names a column (not a literal word or a function call). */
function isColumnRef(c: CqlCursor, offset: number): boolean {
  const kind = c.kind(offset);
  return !c.isPunct("(", offset + 1) &&
    (kind === TOKEN_QUOTED || (kind === TOKEN_IDENT && !LITERAL_WORDS.has(c.value(offset))));
}

/** Whether the tokens at `offset` are `(col, ...)` or `()`: an aggregate's arguments. */
function hasColumnArgs(c: CqlCursor, offset: number): boolean {
  if (!c.isPunct("(", offset)) return false;
  let i = offset + 1;
  if (c.isPunct(")", i)) return true;
  while (isColumnRef(c, i)) {
    if (c.isPunct(")", i + 1)) return true;
    if (!c.isPunct(",", i + 1)) return false;
    i += 2;
  }
  return false;
}

/** Whether the token at `offset` names a function: an identifier or a quoted name. */
function isName(c: CqlCursor, offset: number): boolean {
  return c.kind(offset) === TOKEN_IDENT || c.kind(offset) === TOKEN_QUOTED;
}

/** `count(1)`, `count('a')`, `count(-2.5)`: a constant counts the rows as `count(*)` does. */
function isCountConstant(c: CqlCursor, offset: number): boolean {
  const at = c.isPunct("-", offset) ? offset + 1 : offset;
  const kind = c.kind(at);
  const literal = kind === TOKEN_INTEGER || kind === TOKEN_FLOAT ||
    (kind === TOKEN_STRING && at === offset);
  return literal && c.isPunct(")", at + 1);
}

/** `count(*)` or `count(<constant>)` (the cursor at `count`). */
function parseCountRows(c: CqlCursor): Selector {
  const at = c.pos + 2;
  c.pos += 2;
  if (!c.acceptPunct("*")) {
    if (!isCountConstant(c, 0)) {
      throw c.errorAt(at, "count over this argument is not supported by the embedded node");
    }
    c.pos += c.isPunct("-") ? 2 : 1;
  }
  c.expectPunct(")");
  return { kind: "count" };
}

/**
 * `[system.]name(col, ...)` of an aggregate (min, max, sum, avg, count) over columns, or
 * `undefined` when the cursor is not at one.
 */
function parseAggregate(c: CqlCursor): Selector | undefined {
  const qualified = isName(c, 0) && c.isPunct(".", 1) && isName(c, 2);
  const at = qualified ? 2 : 0;
  if (qualified && c.value() !== "system") return undefined;
  if (!isName(c, at) || !AGGREGATES.has(c.value(at)) || !hasColumnArgs(c, at + 1)) {
    return undefined;
  }
  const name = c.value(at);
  c.pos += at + 2;
  const args: string[] = [];
  if (!c.acceptPunct(")")) {
    do args.push(c.identifier()); while (c.acceptPunct(","));
    c.expectPunct(")");
  }
  return { kind: "aggregate", name, qualified, args };
}

function parseSelector(c: CqlCursor): Selector {
  const selector = parseAggregate(c) ?? parseOtherSelector(c);
  if (c.acceptKeyword("as")) selector.alias = c.identifier();
  return selector;
}

const WRITE_TIMES = new Set(["writetime", "ttl", "maxwritetime"]);

function parseOtherSelector(c: CqlCursor): Selector {
  const callee = c.value();
  const isCall = isName(c, 0) && c.isPunct("(", 1);
  if (isCall && c.kind() === TOKEN_IDENT && callee === "count") return parseCountRows(c);
  if (isCall && c.kind() === TOKEN_IDENT && WRITE_TIMES.has(callee)) {
    c.pos += 2;
    const name = c.identifier();
    const element = c.isPunct("[") ? parseElementSelector(c, name) as ElementSelector : undefined;
    c.expectPunct(")");
    const kind = callee as "writetime" | "ttl" | "maxwritetime";
    return element === undefined ? { kind, name } : { kind, name, element };
  }
  if (isCall && c.kind() === TOKEN_IDENT && callee === "token") {
    c.pos += 2;
    const columns: string[] = [];
    if (!c.isPunct(")")) { do columns.push(c.identifier()); while (c.acceptPunct(",")); }
    c.expectPunct(")");
    return { kind: "token", columns };
  }
  if (isCall) {
    c.pos++;
    return { kind: "function", name: callee, args: parseSelectorArgs(c) };
  }
  const name = c.identifier();
  if (c.isPunct("[")) return parseElementSelector(c, name);
  return { kind: "column", name };
}

/** `[key]`, `[from..to]`, `[from..]` or `[..to]` after a column name. */
function parseElementSelector(c: CqlCursor, name: string): Selector {
  c.expectPunct("[");
  c.enter();
  const selector: Selector = { kind: "element", name, slice: false };
  if (!c.isPunct("..")) selector.from = parseTerm(c);
  if (c.acceptPunct("..")) {
    selector.slice = true;
    if (!c.isPunct("]")) selector.to = parseTerm(c);
  }
  c.expectPunct("]");
  c.leave();
  return selector;
}

/** The columns of `GROUP BY c, ...` (the cursor after `GROUP`). */
function parseGroupBy(c: CqlCursor): string[] {
  c.expectKeyword("by");
  const columns: string[] = [];
  do {
    if (isName(c, 0) && c.isPunct("(", 1)) {
      throw c.errorAt(c.pos, "GROUP BY functions are not supported by the embedded node");
    }
    if (!c.isIdentifier()) throw c.noViable();
    columns.push(c.identifier());
  } while (c.acceptPunct(","));
  return columns;
}

/**
 * Parses `SELECT ...` (the cursor at `SELECT`).
 *
 * @param c The cursor.
 * @returns The statement.
 */
export function parseSelect(c: CqlCursor): SelectStatement {
  c.expectKeyword("select");
  let json = false;
  let distinct = false;
  if (c.isKeyword("json") && !endsSelector(c, 1)) {
    json = true;
    c.pos++;
  }
  if (c.isKeyword("distinct") && !endsSelector(c, 1)) {
    distinct = true;
    c.pos++;
  }
  let selectors: Selector[] | null = null;
  if (!c.acceptPunct("*")) {
    selectors = [];
    do selectors.push(parseSelector(c)); while (c.acceptPunct(","));
  }
  c.expectKeyword("from");
  const table = c.qualifiedName();
  const statement: SelectStatement = {
    kind: "select",
    table,
    selectors,
    distinct,
    json,
    where: [],
    orderBy: [],
    allowFiltering: false,
  };
  if (c.acceptKeyword("where")) statement.where = parseRelations(c);
  if (c.acceptKeyword("group")) statement.groupBy = parseGroupBy(c);
  if (c.acceptKeyword("order")) {
    c.expectKeyword("by");
    do {
      const column = c.identifier();
      const descending = c.acceptKeyword("desc");
      if (!descending) c.acceptKeyword("asc");
      statement.orderBy.push({ column, descending });
    } while (c.acceptPunct(","));
  }
  if (c.acceptKeyword("per")) {
    c.expectKeyword("partition");
    c.expectKeyword("limit");
    statement.perPartitionLimit = parseTerm(c);
  }
  if (c.acceptKeyword("limit")) statement.limit = parseTerm(c);
  if (c.acceptKeyword("allow")) {
    c.expectKeyword("filtering");
    statement.allowFiltering = true;
  }
  return statement;
}
