/**
 * The secondary index rules: CREATE INDEX and DROP INDEX. Private to lib/cql_node.
 *
 * @module
 */

import type { CreateIndexStatement, DropIndexStatement, IndexTarget } from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import { TOKEN_IDENT } from "./_cql_lexer.ts";
import { parseProperties } from "./_parse_options.ts";

/** The target forms `keys(m)`, `values(l)`, `full(f)` and the refused `entries(m)`. */
const TARGET_FORMS: ReadonlySet<string> = new Set(["keys", "values", "full", "entries"]);

/** Reads one target: a column, or `keys(c)`/`values(c)`/`full(c)`. */
function parseTarget(c: CqlCursor): IndexTarget {
  const form = c.kind() === TOKEN_IDENT ? c.value() : "";
  if (TARGET_FORMS.has(form) && c.isPunct("(", 1)) {
    if (form === "entries") {
      throw c.errorAt(c.pos, "entries() indexes are not supported by the embedded node");
    }
    c.pos += 2;
    const column = c.identifier();
    c.expectPunct(")");
    return { column, type: form as IndexTarget["type"] };
  }
  return { column: c.identifier(), type: "simple" };
}

/**
 * Parses `CREATE INDEX [IF NOT EXISTS] [name] ON [ks.]t ([target, ...]) [WITH ...]`. A target is
 * a column or `keys(c)`, `values(c)`, `full(c)`. Refuses `entries(c)` targets and `USING`
 * (custom and storage-attached indexes), which the embedded node does not have.
 *
 * @param c The cursor at `CREATE`.
 * @returns The statement.
 */
export function parseCreateIndex(c: CqlCursor): CreateIndexStatement {
  c.expectKeyword("create");
  c.expectKeyword("index");
  let ifNotExists = false;
  if (c.acceptKeyword("if")) {
    c.expectKeyword("not");
    c.expectKeyword("exists");
    ifNotExists = true;
  }
  const name = c.isKeyword("on") ? undefined : c.identifier();
  c.expectKeyword("on");
  const table = c.qualifiedName();
  c.expectPunct("(");
  const targets: IndexTarget[] = [];
  if (!c.isPunct(")")) {
    do targets.push(parseTarget(c)); while (c.acceptPunct(","));
  }
  c.expectPunct(")");
  if (c.isKeyword("using")) {
    throw c.errorAt(
      c.pos,
      "CREATE INDEX ... USING statements are not supported by the embedded node",
    );
  }
  const options = c.acceptKeyword("with") ? parseProperties(c) : {};
  const statement: CreateIndexStatement = {
    kind: "createIndex",
    table,
    ifNotExists,
    targets,
    options,
  };
  if (name !== undefined) statement.name = name;
  return statement;
}

/**
 * Parses `DROP INDEX [IF EXISTS] [ks.]name`.
 *
 * @param c The cursor at `DROP`.
 * @returns The statement.
 */
export function parseDropIndex(c: CqlCursor): DropIndexStatement {
  c.expectKeyword("drop");
  c.expectKeyword("index");
  let ifExists = false;
  if (c.acceptKeyword("if")) {
    c.expectKeyword("exists");
    ifExists = true;
  }
  if (!c.isIdentifier()) throw c.noViable();
  return { kind: "dropIndex", index: c.qualifiedName(), ifExists };
}
