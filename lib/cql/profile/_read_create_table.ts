// Private helper: reads the columns, keys and clustering order of a CREATE TABLE statement, and
// the name of a CREATE KEYSPACE statement. Errors are UsageErrors whose message is the detail
// only (`expected "(" at line 1, column 20, found "x"`); callers add what was being read.
import { UsageError } from "../../errors.ts";
import { CqlCursor } from "./_cql_cursor.ts";
import type {
  ClusteringColumn,
  CqlColumnType,
  TableColumn,
  TableColumns,
} from "./table_columns.ts";

function readType(cursor: CqlCursor): CqlColumnType {
  const token = cursor.peek();
  let name: string;
  if (token.kind === "word" || token.kind === "number") {
    name = cursor.next().text.toLowerCase();
    if (token.kind === "word" && cursor.acceptSymbol(".")) {
      name = `${name}.${cursor.identifier("a type name")}`;
    }
  } else if (token.kind === "quoted") {
    name = cursor.next().text;
  } else {
    return cursor.fail("a type");
  }
  if (name === "frozen") {
    cursor.expectSymbol("<");
    const inner = readType(cursor);
    cursor.expectSymbol(">");
    return { ...inner, frozen: true, text: `frozen<${inner.text}>` };
  }
  const args: CqlColumnType[] = [];
  if (cursor.acceptSymbol("<")) {
    do args.push(readType(cursor)); while (cursor.acceptSymbol(","));
    cursor.expectSymbol(">");
  }
  const text = args.length === 0 ? name : `${name}<${args.map((arg) => arg.text).join(", ")}>`;
  return { name, args, frozen: false, text };
}

/**
 * Reads a CQL type written alone (`frozen<list<text>>`, `map<text, int>`, as the schema's
 * `system_schema.columns.type` writes it).
 */
export function readTypeText(text: string): CqlColumnType {
  const cursor = new CqlCursor(text);
  const type = readType(cursor);
  if (cursor.peek().kind !== "end") cursor.fail("the end of the type");
  return type;
}

interface PrimaryKey {
  readonly partition: string[];
  readonly clustering: string[];
}

function readPrimaryKey(cursor: CqlCursor): PrimaryKey {
  cursor.expectSymbol("(");
  const partition: string[] = [];
  if (cursor.acceptSymbol("(")) {
    do partition.push(cursor.identifier("a partition key column")); while (
      cursor.acceptSymbol(",")
    );
    cursor.expectSymbol(")");
  } else {
    partition.push(cursor.identifier("a partition key column"));
  }
  const clustering: string[] = [];
  while (cursor.acceptSymbol(",")) clustering.push(cursor.identifier("a clustering column"));
  cursor.expectSymbol(")");
  return { partition, clustering };
}

/** Reads the `WITH` options: the clustering order; every other option is skipped. */
function readOptions(cursor: CqlCursor): Map<string, "ASC" | "DESC"> {
  const order = new Map<string, "ASC" | "DESC">();
  if (!cursor.acceptKeywords("WITH")) return order;
  do {
    if (cursor.acceptKeywords("CLUSTERING", "ORDER", "BY")) {
      cursor.expectSymbol("(");
      do {
        const name = cursor.identifier("a clustering column");
        order.set(name, cursor.acceptKeywords("DESC") ? "DESC" : "ASC");
        if (order.get(name) === "ASC") cursor.acceptKeywords("ASC");
      } while (cursor.acceptSymbol(","));
      cursor.expectSymbol(")");
      continue;
    }
    let depth = 0;
    let taken = 0;
    for (;;) {
      const token = cursor.peek();
      const atTop = depth === 0 && (cursor.isKeyword("AND") || token.text === ";");
      if (token.kind === "end" || atTop) break;
      if (token.kind === "symbol" && "({[".includes(token.text)) depth++;
      if (token.kind === "symbol" && ")}]".includes(token.text)) depth--;
      cursor.next();
      taken++;
    }
    if (taken === 0) cursor.fail("a table option");
  } while (cursor.acceptKeywords("AND"));
  return order;
}

function readDefinitions(
  cursor: CqlCursor,
): { columns: TableColumn[]; keys: PrimaryKey[] } {
  const columns: TableColumn[] = [];
  const keys: PrimaryKey[] = [];
  cursor.expectSymbol("(");
  do {
    if (cursor.peek().kind === "symbol" && cursor.peek().text === ")") break;
    if (cursor.acceptKeywords("PRIMARY", "KEY")) {
      keys.push(readPrimaryKey(cursor));
      continue;
    }
    const name = cursor.identifier("a column name");
    const type = readType(cursor);
    const isStatic = cursor.acceptKeywords("STATIC");
    if (cursor.acceptKeywords("PRIMARY", "KEY")) keys.push({ partition: [name], clustering: [] });
    columns.push({ name, type, isStatic });
  } while (cursor.acceptSymbol(","));
  cursor.expectSymbol(")");
  return { columns, keys };
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new UsageError(message);
}

function checkShape(
  table: string,
  columns: readonly TableColumn[],
  keys: readonly PrimaryKey[],
  order: ReadonlyMap<string, "ASC" | "DESC">,
): void {
  const names = columns.map((column) => column.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  check(twice === undefined, `column "${twice}" is defined twice`);
  check(keys.length > 0, `table "${table}" has no PRIMARY KEY`);
  check(keys.length === 1, `table "${table}" has more than one PRIMARY KEY`);
  const key = [...keys[0].partition, ...keys[0].clustering];
  for (const name of key) {
    check(names.includes(name), `PRIMARY KEY column "${name}" is not a column of "${table}"`);
  }
  for (const name of order.keys()) {
    check(
      keys[0].clustering.includes(name),
      `CLUSTERING ORDER BY names "${name}", which is not a clustering column of "${table}"`,
    );
  }
  for (const column of columns.filter((c) => c.isStatic)) {
    check(!key.includes(column.name), `static column "${column.name}" is in the PRIMARY KEY`);
    check(
      keys[0].clustering.length > 0,
      `static column "${column.name}" needs a table with clustering columns`,
    );
  }
}

/** Reads a CREATE TABLE statement. */
export function readCreateTable(text: string): TableColumns {
  const cursor = new CqlCursor(text);
  cursor.expectKeywords("CREATE");
  if (!cursor.acceptKeywords("TABLE") && !cursor.acceptKeywords("COLUMNFAMILY")) {
    cursor.fail("TABLE");
  }
  cursor.acceptKeywords("IF", "NOT", "EXISTS");
  let keyspace: string | null = null;
  let table = cursor.identifier("a table name");
  if (cursor.acceptSymbol(".")) {
    keyspace = table;
    table = cursor.identifier("a table name");
  }
  const { columns, keys } = readDefinitions(cursor);
  const order = readOptions(cursor);
  cursor.acceptSymbol(";");
  if (cursor.peek().kind !== "end") cursor.fail("the end of the statement");
  checkShape(table, columns, keys, order);
  const clustering: ClusteringColumn[] = keys[0].clustering.map((name) => ({
    name,
    order: order.get(name) ?? "ASC",
  }));
  return {
    keyspace,
    table,
    columns,
    partitionKey: keys[0].partition,
    clustering,
    staticColumns: columns.filter((column) => column.isStatic).map((column) => column.name),
  };
}

/** Reads the keyspace name of a CREATE KEYSPACE statement (the rest is not checked). */
export function readCreateKeyspaceName(text: string): string {
  const cursor = new CqlCursor(text);
  cursor.expectKeywords("CREATE");
  if (!cursor.acceptKeywords("KEYSPACE") && !cursor.acceptKeywords("SCHEMA")) {
    cursor.fail("KEYSPACE");
  }
  cursor.acceptKeywords("IF", "NOT", "EXISTS");
  return cursor.identifier("a keyspace name");
}
