/**
 * The INSERT, UPDATE, DELETE and BATCH statement rules. Private to lib/cql_node.
 *
 * @module
 */

import type {
  Assignment,
  BatchStatement,
  DeleteStatement,
  InsertStatement,
  Term,
  UpdateStatement,
} from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import { TOKEN_IDENT } from "./_cql_lexer.ts";
import { parseTerm } from "./_parse_term.ts";
import { parseIfClause, parseRelations, parseUsing } from "./_parse_where.ts";

const LITERAL_WORDS: ReadonlySet<string> = new Set(["true", "false", "null"]);

/**
 * Parses `INSERT INTO t (cols) VALUES (terms) [IF NOT EXISTS] [USING ...]`; as Cassandra's, the
 * grammar takes any number of values, which the statement then checks against the columns.
 *
 * @param c The cursor at `INSERT`.
 * @returns The statement.
 */
export function parseInsert(c: CqlCursor): InsertStatement {
  c.expectKeyword("insert");
  c.expectKeyword("into");
  const table = c.qualifiedName();
  if (c.isKeyword("json")) {
    throw c.errorAt(c.pos, "INSERT JSON is not supported by the embedded node");
  }
  c.expectPunct("(");
  const columns: string[] = [];
  do columns.push(c.identifier()); while (c.acceptPunct(","));
  c.expectPunct(")");
  c.expectKeyword("values");
  c.expectPunct("(");
  c.enter();
  const values: Term[] = [];
  do values.push(parseTerm(c)); while (c.acceptPunct(","));
  c.expectPunct(")");
  c.leave();
  let ifNotExists = false;
  if (c.acceptKeyword("if")) {
    c.expectKeyword("not");
    c.expectKeyword("exists");
    ifNotExists = true;
  }
  return { kind: "insert", table, columns, values, ifNotExists, using: parseUsing(c, true) };
}

function isColumnReference(c: CqlCursor): boolean {
  return c.isIdentifier() && !c.isPunct("(", 1) &&
    !(c.kind() === TOKEN_IDENT && LITERAL_WORDS.has(c.value()));
}

/** Cassandra's grammar check that `X = X + v` and `X = v + X` name one column. */
function expectSameColumn(c: CqlCursor, column: string, form: string): void {
  const at = c.pos;
  if (c.identifier() !== column) {
    throw c.grammarErrorAt(at, `Only expressions of the form ${form} are supported.`);
  }
}

function parseAssignment(c: CqlCursor): Assignment {
  const column = c.identifier();
  if (c.acceptPunct("[")) {
    const key = parseTerm(c);
    c.expectPunct("]");
    c.expectPunct("=");
    return { column, op: "setElement", key, value: parseTerm(c) };
  }
  if (c.acceptPunct("+=")) return { column, op: "add", value: parseTerm(c) };
  if (c.acceptPunct("-=")) return { column, op: "subtract", value: parseTerm(c) };
  c.expectPunct("=");
  if (isColumnReference(c) && (c.isPunct("+", 1) || c.isPunct("-", 1))) {
    const op = c.isPunct("+", 1) ? "add" : "subtract";
    expectSameColumn(c, column, `X = X ${op === "add" ? "+" : "-"}<value>`);
    c.pos++;
    return { column, op, value: parseTerm(c) };
  }
  const value = parseTerm(c);
  if (c.acceptPunct("+")) {
    expectSameColumn(c, column, "X = <value> + X");
    return { column, op: "prepend", value };
  }
  return { column, op: "set", value };
}

/**
 * Parses `UPDATE t [USING ...] SET ... WHERE ... [IF ...]`.
 *
 * @param c The cursor at `UPDATE`.
 * @returns The statement.
 */
export function parseUpdate(c: CqlCursor): UpdateStatement {
  c.expectKeyword("update");
  const table = c.qualifiedName();
  const using = parseUsing(c, true);
  c.expectKeyword("set");
  const assignments: Assignment[] = [];
  do assignments.push(parseAssignment(c)); while (c.acceptPunct(","));
  c.expectKeyword("where");
  const where = parseRelations(c);
  const { ifExists, conditions } = parseIfClause(c);
  return { kind: "update", table, using, assignments, where, ifExists, conditions };
}

/**
 * Parses `DELETE [cols] FROM t [USING TIMESTAMP x] WHERE ... [IF ...]`.
 *
 * @param c The cursor at `DELETE`.
 * @returns The statement.
 */
export function parseDelete(c: CqlCursor): DeleteStatement {
  c.expectKeyword("delete");
  const columns: string[] = [];
  const elements: { column: string; key: Term }[] = [];
  if (!c.isKeyword("from")) {
    do {
      const column = c.identifier();
      if (c.acceptPunct("[")) {
        elements.push({ column, key: parseTerm(c) });
        c.expectPunct("]");
      } else columns.push(column);
    } while (c.acceptPunct(","));
  }
  c.expectKeyword("from");
  const table = c.qualifiedName();
  const using = parseUsing(c, false);
  c.expectKeyword("where");
  const where = parseRelations(c);
  const { ifExists, conditions } = parseIfClause(c);
  const statement: DeleteStatement = {
    kind: "delete",
    table,
    columns,
    using,
    where,
    ifExists,
    conditions,
  };
  if (elements.length > 0) statement.elements = elements;
  return statement;
}

/**
 * Parses `BEGIN [UNLOGGED | COUNTER] BATCH [USING ...] stmt [;] ... APPLY BATCH`.
 *
 * @param c The cursor at `BEGIN`.
 * @returns The statement.
 */
export function parseBatch(c: CqlCursor): BatchStatement {
  c.expectKeyword("begin");
  let type: BatchStatement["type"] = "logged";
  if (c.acceptKeyword("unlogged")) type = "unlogged";
  else if (c.acceptKeyword("counter")) type = "counter";
  c.expectKeyword("batch");
  // Cassandra's grammar takes a TTL here; the statement then refuses it.
  const using = parseUsing(c, true);
  const statements: BatchStatement["statements"] = [];
  while (!c.acceptKeyword("apply")) {
    if (c.isKeyword("insert")) statements.push(parseInsert(c));
    else if (c.isKeyword("update")) statements.push(parseUpdate(c));
    else if (c.isKeyword("delete")) statements.push(parseDelete(c));
    else throw c.mismatched("K_APPLY");
    c.acceptPunct(";");
  }
  c.expectKeyword("batch");
  return { kind: "batch", type, using, statements };
}
