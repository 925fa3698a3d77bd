/**
 * The SELECT statement rule. Private to lib/cql_node.
 *
 * @module
 */

import type { Selector, SelectStatement, Term } from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import { TOKEN_IDENT, TOKEN_INTEGER, TOKEN_QUOTED } from "./_cql_lexer.ts";
import { parseTerm } from "./_parse_term.ts";
import { parseRelations } from "./_parse_where.ts";

const LITERAL_WORDS: ReadonlySet<string> = new Set(["true", "false", "null", "nan", "infinity"]);

/** Whether the token at `offset` ends a selector, so a preceding JSON/DISTINCT is a column. */
function endsSelector(c: CqlCursor, offset: number): boolean {
  return c.isKeyword("from", offset) || c.isPunct(",", offset) || c.isKeyword("as", offset);
}

function parseSelectorArgs(c: CqlCursor): Term[] {
  c.expectPunct("(");
  c.enter();
  const args: Term[] = [];
  if (!c.acceptPunct(")")) {
    do {
      const kind = c.kind();
      const columnRef = !c.isPunct("(", 1) &&
        (kind === TOKEN_QUOTED || (kind === TOKEN_IDENT && !LITERAL_WORDS.has(c.value())));
      if (columnRef) {
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

function parseSelector(c: CqlCursor): Selector {
  let selector: Selector;
  const callee = c.value();
  const isCall = (c.kind() === TOKEN_IDENT || c.kind() === TOKEN_QUOTED) && c.isPunct("(", 1);
  if (isCall && c.kind() === TOKEN_IDENT && callee === "count") {
    const at = c.pos + 2;
    c.pos += 2;
    if (!c.acceptPunct("*")) {
      if (c.kind() !== TOKEN_INTEGER || c.value() !== "1") {
        throw c.errorAt(at, "count over a column is not supported by the embedded node");
      }
      c.pos++;
    }
    c.expectPunct(")");
    selector = { kind: "count" };
  } else if (isCall && c.kind() === TOKEN_IDENT && (callee === "writetime" || callee === "ttl")) {
    c.pos += 2;
    const name = c.identifier();
    c.expectPunct(")");
    selector = { kind: callee, name };
  } else if (isCall && c.kind() === TOKEN_IDENT && callee === "token") {
    c.pos += 2;
    const columns: string[] = [];
    if (!c.isPunct(")")) { do columns.push(c.identifier()); while (c.acceptPunct(",")); }
    c.expectPunct(")");
    selector = { kind: "token", columns };
  } else if (isCall) {
    c.pos++;
    selector = { kind: "function", name: callee, args: parseSelectorArgs(c) };
  } else {
    selector = { kind: "column", name: c.identifier() };
  }
  if (c.acceptKeyword("as")) selector.alias = c.identifier();
  return selector;
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
