/**
 * Grammar rules for WHERE relations, IF conditions and USING clauses. Private to
 * lib/cql_node.
 *
 * @module
 */

import type { Condition, Relation, Term, UsingClause } from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import { TOKEN_PUNCT } from "./_cql_lexer.ts";
import { parseTerm, parseTuple } from "./_parse_term.ts";

type Comparison = "=" | "<" | "<=" | ">" | ">=" | "!=";

function acceptComparison(c: CqlCursor): Comparison | undefined {
  if (c.kind() !== TOKEN_PUNCT) return undefined;
  const value = c.value();
  if (
    value === "=" || value === "<" || value === "<=" || value === ">" || value === ">=" ||
    value === "!="
  ) {
    c.pos++;
    return value;
  }
  return undefined;
}

/** `IN (t, ...)` gives a tuple; `IN ?` / `IN :name` a bind marker. */
function parseInValue(c: CqlCursor): Term {
  if (c.isPunct("(")) return parseTuple(c);
  if (c.isPunct("?") || c.isPunct(":")) return parseTerm(c);
  throw c.mismatched("'('");
}

const isMarker = (c: CqlCursor) => c.isPunct("?") || c.isPunct(":");

/**
 * After `(c1, c2) IN`: `?`, `()`, a tuple of tuple literals `((1, 2), (3, 4))` or a tuple of
 * markers `(?, ?)`, each marker a whole tuple (Cassandra's grammar mixes neither).
 */
function parseTupleInValue(c: CqlCursor): Term {
  if (isMarker(c)) return parseTerm(c);
  c.expectPunct("(");
  const items: Term[] = [];
  if (c.acceptPunct(")")) return { kind: "tuple", items };
  const markers = isMarker(c);
  if (!markers && !c.isPunct("(")) throw c.noViableAfterDecision();
  do {
    if (markers) {
      if (!isMarker(c)) throw c.noViable();
      items.push(parseTerm(c));
    } else {
      if (!c.isPunct("(")) throw c.mismatched("'('");
      items.push(parseTuple(c));
    }
  } while (c.acceptPunct(","));
  c.expectPunct(")");
  return { kind: "tuple", items };
}

function parseColumnList(c: CqlCursor): string[] {
  c.expectPunct("(");
  const columns: string[] = [];
  do columns.push(c.identifier()); while (c.acceptPunct(","));
  c.expectPunct(")");
  return columns;
}

function parseRelation(c: CqlCursor): Relation {
  if (c.isKeyword("token") && c.isPunct("(", 1)) {
    c.pos++;
    const columns = parseColumnList(c);
    const op = acceptComparison(c);
    if (op === undefined) throw c.noViable();
    // `system.token(...)` names the token function by its keyspace.
    const qualified = c.value() === "system" && c.isPunct(".", 1) && c.value(2) === "token";
    if (qualified && c.isPunct("(", 3)) c.pos += 2;
    return { columns, token: true, op, value: parseTerm(c) };
  }
  if (c.isPunct("(")) {
    const columns = parseColumnList(c);
    if (c.acceptKeyword("in")) {
      return { columns, op: "IN", value: parseTupleInValue(c), multiColumnIn: true };
    }
    const op = acceptComparison(c);
    if (op === undefined) throw c.noViable();
    return { columns, op, value: parseTerm(c) };
  }
  const column = c.identifier();
  if (c.acceptPunct("[")) {
    const element = parseTerm(c);
    c.expectPunct("]");
    const op = acceptComparison(c);
    if (op === undefined) throw c.noViable();
    return { columns: [column], op, value: parseTerm(c), element };
  }
  if (c.acceptKeyword("in")) return { columns: [column], op: "IN", value: parseInValue(c) };
  if (c.acceptKeyword("contains")) {
    const op = c.acceptKeyword("key") ? "CONTAINS KEY" : "CONTAINS";
    return { columns: [column], op, value: parseTerm(c) };
  }
  const op = acceptComparison(c);
  if (op === undefined) throw c.noViable();
  return { columns: [column], op, value: parseTerm(c) };
}

/**
 * Parses `rel AND rel ...` (after `WHERE`).
 *
 * @param c The cursor at the first relation.
 * @returns The relations.
 */
export function parseRelations(c: CqlCursor): Relation[] {
  const relations: Relation[] = [parseRelation(c)];
  while (c.acceptKeyword("and")) relations.push(parseRelation(c));
  return relations;
}

/**
 * Parses an optional `IF EXISTS` or `IF c = v AND ...` clause.
 *
 * @param c The cursor, maybe at `IF`.
 * @returns Whether `IF EXISTS` was given, and the conditions.
 */
export function parseIfClause(c: CqlCursor): { ifExists: boolean; conditions: Condition[] } {
  if (!c.acceptKeyword("if")) return { ifExists: false, conditions: [] };
  if (c.acceptKeyword("exists")) return { ifExists: true, conditions: [] };
  const conditions: Condition[] = [];
  do {
    const column = c.identifier();
    let element: Term | undefined;
    if (c.acceptPunct("[")) {
      element = parseTerm(c);
      c.expectPunct("]");
    }
    const at = element === undefined ? {} : { element };
    if (c.acceptKeyword("in")) {
      conditions.push({ column, ...at, op: "IN", value: parseInValue(c) });
      continue;
    }
    const op = acceptComparison(c);
    if (op === undefined) throw c.noViable();
    conditions.push({ column, ...at, op, value: parseTerm(c) });
  } while (c.acceptKeyword("and"));
  return { ifExists: false, conditions };
}

/**
 * Parses an optional `USING TTL x AND TIMESTAMP y` clause.
 *
 * @param c The cursor, maybe at `USING`.
 * @param allowTtl False for DELETE and BATCH, which only take a timestamp.
 * @returns The clause (empty when there is no `USING`).
 */
export function parseUsing(c: CqlCursor, allowTtl: boolean): UsingClause {
  const using: UsingClause = {};
  if (!c.acceptKeyword("using")) return using;
  do {
    if (allowTtl && c.acceptKeyword("ttl")) using.ttl = parseTerm(c);
    else if (c.acceptKeyword("timestamp")) using.timestamp = parseTerm(c);
    else throw c.mismatched(allowTtl ? "K_TTL or K_TIMESTAMP" : "K_TIMESTAMP");
  } while (c.acceptKeyword("and"));
  return using;
}
