/**
 * The schema statement rules: USE, CREATE/ALTER/DROP KEYSPACE, CREATE/DROP TABLE, TRUNCATE.
 * Private to lib/cql_node.
 *
 * @module
 */

import type {
  AlterKeyspaceStatement,
  ColumnDefinition,
  CreateKeyspaceStatement,
  CreateTableStatement,
  DropStatement,
  TruncateStatement,
  UseStatement,
} from "./cql_ast.ts";
import type { CqlCursor } from "./_cql_cursor.ts";
import { parseType } from "./_parse_term.ts";
import { parseProperties, parseProperty, setOwn } from "./_parse_options.ts";

function acceptIfExists(c: CqlCursor, not: boolean): boolean {
  if (!c.acceptKeyword("if")) return false;
  if (not) c.expectKeyword("not");
  c.expectKeyword("exists");
  return true;
}

function expectKind(c: CqlCursor, words: readonly string[]): void {
  if (!words.some((word) => c.acceptKeyword(word))) {
    throw c.mismatched(`K_${words[0].toUpperCase()}`);
  }
}

const KEYSPACE = ["keyspace", "schema"] as const;
const TABLE = ["table", "columnfamily"] as const;

/**
 * Parses `USE ks`.
 *
 * @param c The cursor at `USE`.
 * @returns The statement.
 */
export function parseUse(c: CqlCursor): UseStatement {
  c.expectKeyword("use");
  return { kind: "use", keyspace: c.identifier() };
}

/**
 * Parses `CREATE KEYSPACE [IF NOT EXISTS] ks WITH ...`.
 *
 * @param c The cursor at `CREATE`.
 * @returns The statement.
 */
export function parseCreateKeyspace(c: CqlCursor): CreateKeyspaceStatement {
  c.expectKeyword("create");
  expectKind(c, KEYSPACE);
  const ifNotExists = acceptIfExists(c, true);
  const keyspace = c.identifier();
  c.expectKeyword("with");
  return { kind: "createKeyspace", keyspace, ifNotExists, options: parseProperties(c) };
}

/**
 * Parses `ALTER KEYSPACE ks WITH ...`.
 *
 * @param c The cursor at `ALTER`.
 * @returns The statement.
 */
export function parseAlterKeyspace(c: CqlCursor): AlterKeyspaceStatement {
  c.expectKeyword("alter");
  expectKind(c, KEYSPACE);
  const keyspace = c.identifier();
  c.expectKeyword("with");
  return { kind: "alterKeyspace", keyspace, options: parseProperties(c) };
}

/**
 * Parses `DROP KEYSPACE [IF EXISTS] ks` or `DROP TABLE [IF EXISTS] [ks.]t`.
 *
 * @param c The cursor at `DROP`.
 * @returns The statement.
 */
export function parseDrop(c: CqlCursor): DropStatement {
  c.expectKeyword("drop");
  if (c.acceptKeyword("keyspace") || c.acceptKeyword("schema")) {
    const ifExists = acceptIfExists(c, false);
    return { kind: "dropKeyspace", table: { name: c.identifier() }, ifExists };
  }
  expectKind(c, TABLE);
  const ifExists = acceptIfExists(c, false);
  return { kind: "dropTable", table: c.qualifiedName(), ifExists };
}

/**
 * Parses `TRUNCATE [TABLE] [ks.]t`.
 *
 * @param c The cursor at `TRUNCATE`.
 * @returns The statement.
 */
export function parseTruncate(c: CqlCursor): TruncateStatement {
  c.expectKeyword("truncate");
  if (!c.acceptKeyword("table")) c.acceptKeyword("columnfamily");
  return { kind: "truncate", table: c.qualifiedName() };
}

/** Reads one item of the column list: a column definition or a `PRIMARY KEY (...)` clause. */
function parseTableItem(c: CqlCursor, statement: CreateTableStatement, keyAt: number[]): void {
  const at = c.pos;
  if (c.acceptKeyword("primary")) {
    c.expectKeyword("key");
    c.expectPunct("(");
    const partitionKey: string[] = [];
    if (c.acceptPunct("(")) {
      do partitionKey.push(c.identifier()); while (c.acceptPunct(","));
      c.expectPunct(")");
    } else {
      partitionKey.push(c.identifier());
    }
    const clustering: string[] = [];
    while (c.acceptPunct(",")) clustering.push(c.identifier());
    c.expectPunct(")");
    statement.partitionKey = partitionKey;
    statement.clustering = clustering;
    keyAt.push(at);
    return;
  }
  const name = c.identifier();
  const column: ColumnDefinition = { name, type: parseType(c), isStatic: false };
  column.isStatic = c.acceptKeyword("static");
  const keyPos = c.pos;
  if (c.acceptKeyword("primary")) {
    c.expectKeyword("key");
    statement.partitionKey = [name];
    statement.clustering = [];
    keyAt.push(keyPos);
  }
  statement.columns.push(column);
}

function parseTableOptions(c: CqlCursor, statement: CreateTableStatement): void {
  do {
    if (c.acceptKeyword("clustering")) {
      c.expectKeyword("order");
      c.expectKeyword("by");
      c.expectPunct("(");
      do {
        const column = c.identifier();
        const order = c.acceptKeyword("desc") ? "DESC" : "ASC";
        if (order === "ASC") c.acceptKeyword("asc");
        setOwn(statement.clusteringOrder, column, order);
      } while (c.acceptPunct(","));
      c.expectPunct(")");
    } else if (c.acceptKeyword("compact")) {
      c.expectKeyword("storage");
      statement.compactStorage = true;
    } else {
      parseProperty(c, statement.options);
    }
  } while (c.acceptKeyword("and"));
}

/**
 * Parses `CREATE TABLE [IF NOT EXISTS] [ks.]t (defs) [WITH ...]`. Empty items in the column
 * list (`a int,, b int`) are skipped, as Cassandra's grammar allows.
 *
 * @param c The cursor at `CREATE`.
 * @returns The statement.
 */
export function parseCreateTable(c: CqlCursor): CreateTableStatement {
  c.expectKeyword("create");
  expectKind(c, TABLE);
  const ifNotExists = acceptIfExists(c, true);
  const statement: CreateTableStatement = {
    kind: "createTable",
    table: c.qualifiedName(),
    ifNotExists,
    columns: [],
    partitionKey: [],
    clustering: [],
    clusteringOrder: {},
    compactStorage: false,
    options: {},
  };
  const keyAt: number[] = [];
  const open = c.pos;
  c.expectPunct("(");
  parseTableItem(c, statement, keyAt);
  while (c.acceptPunct(",")) {
    if (!c.isPunct(",") && !c.isPunct(")")) parseTableItem(c, statement, keyAt);
  }
  c.expectPunct(")");
  if (keyAt.length === 0) {
    throw c.errorAt(open, "no PRIMARY KEY specified (exactly one required)");
  }
  if (keyAt.length > 1) {
    throw c.errorAt(keyAt[1], "multiple PRIMARY KEYs specified (exactly one required)");
  }
  if (c.acceptKeyword("with")) parseTableOptions(c, statement);
  return statement;
}
