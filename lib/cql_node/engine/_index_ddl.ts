// CREATE INDEX and DROP INDEX: secondary indexes of Cassandra's default kind (COMPOSITES), with
// the checks and messages of Cassandra 5.0.
import type { CreateIndexStatement, DropIndexStatement, IndexTarget } from "../parse/cql_ast.ts";
import { maybeQuote } from "../parse/_cql_cursor.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { ERROR_CODE } from "../../protocol/protocol_codes.ts";
import type { CqlType } from "../values/cql_type.ts";
import type { ExecResult, SchemaChange, Session } from "./prepared_statement.ts";
import type { ColumnSchema, IndexSchema, KeyspaceSchema, Schema, TableSchema } from "./schema.ts";
import { keyspaceOf } from "./_table_lookup.ts";

/** What index DDL needs from the engine. */
export interface IndexDdlHost {
  /** The schema it changes. */
  readonly schema: Schema;
  /** Records a schema change (version, system tables, caches, events) and returns it. */
  changed(change: SchemaChange): SchemaChange;
}

/**
 * Runs CREATE INDEX or DROP INDEX: a table UPDATED event when it changed something, a void
 * result when IF [NOT] EXISTS made it a no-op.
 */
export function runIndexDdl(
  statement: CreateIndexStatement | DropIndexStatement,
  session: Session,
  host: IndexDdlHost,
): ExecResult {
  const table = statement.kind === "createIndex"
    ? createIndex(host.schema, keyspaceOf(statement.table, session), statement)
    : dropIndex(host.schema, keyspaceOf(statement.index, session), statement);
  if (table === null) return { kind: "void" };
  return host.changed({
    kind: "schemaChange",
    change: "UPDATED",
    target: "TABLE",
    keyspace: table.keyspace,
    table: table.name,
  });
}

/** The keyspace's index of that name, with its table. */
function findIndex(
  keyspace: KeyspaceSchema,
  name: string,
): { table: TableSchema; index: IndexSchema } | null {
  for (const table of keyspace.tables.values()) {
    const index = table.indexes.find((i) => i.name === name);
    if (index !== undefined) return { table, index };
  }
  return null;
}

/** Applies CREATE INDEX; returns the table it changed, or null when IF NOT EXISTS skips it. */
function createIndex(
  schema: Schema,
  keyspaceName: string,
  statement: CreateIndexStatement,
): TableSchema | null {
  const keyspace = schema.keyspaces.get(keyspaceName);
  if (keyspace?.system) {
    throw new CqlError(ERROR_CODE.unauthorized, `${keyspaceName} keyspace is not user-modifiable.`);
  }
  if (Object.keys(statement.options).length > 0) {
    throw CqlError.invalid("Cannot specify options for a non-CUSTOM index");
  }
  if (keyspace === undefined) throw CqlError.invalid(`Keyspace '${keyspaceName}' doesn't exist`);
  const table = keyspace.tables.get(statement.table.name);
  if (table === undefined) throw CqlError.invalid(`Table '${statement.table.name}' doesn't exist`);
  if (statement.name !== undefined && findIndex(keyspace, statement.name) !== null) {
    if (statement.ifNotExists) return null;
    throw CqlError.invalid(`Index '${statement.name}' already exists`);
  }
  if (table.isCounter) {
    throw CqlError.invalid("Secondary indexes on counter tables aren't supported");
  }
  const columns = statement.targets.map((target) => {
    const column = table.byName.get(target.column);
    if (column === undefined) throw CqlError.undefinedColumn(target.column, table);
    return column;
  });
  if (columns.length === 0) {
    throw CqlError.invalid("Only CUSTOM indexes can be created without specifying a target column");
  }
  if (columns.length > 1) throw CqlError.invalid("Only CUSTOM indexes support multiple columns");
  const column = columns[0];
  const type = targetType(table, column, statement.targets[0]);
  const name = statement.name ?? defaultName(keyspace, table, column);
  const same = table.indexes.find((i) => i.column === column && i.type === type);
  if (same !== undefined) {
    if (statement.ifNotExists) return null;
    throw CqlError.invalid(`Index ${name} is a duplicate of existing index ${same.name}`);
  }
  if (!/^\w+$/.test(name)) throw new CqlError(ERROR_CODE.configError, `Illegal index name ${name}`);
  const quoted = maybeQuote(column.name);
  const target = type === "simple" ? quoted : `${type}(${quoted})`;
  table.indexes.push({ name, column, type, target });
  return table;
}

function isCollection(type: CqlType): boolean {
  return type.kind === "list" || type.kind === "set" || type.kind === "map";
}

function hasDuration(type: CqlType): boolean {
  switch (type.kind) {
    case "native":
      return type.name === "duration";
    case "list":
    case "set":
      return hasDuration(type.element);
    case "map":
      return hasDuration(type.key) || hasDuration(type.value);
    case "tuple":
      return type.elements.some(hasDuration);
    default:
      return false;
  }
}

/**
 * What an index on `column` indexes: a plain target on a collection indexes its values. Throws
 * Cassandra's refusals of columns and targets that cannot be indexed.
 */
function targetType(
  table: TableSchema,
  column: ColumnSchema,
  target: IndexTarget,
): IndexSchema["type"] {
  const type = column.type;
  if (hasDuration(type)) {
    const what = isCollection(type)
      ? "collections containing durations"
      : type.kind === "tuple"
      ? "tuples containing durations"
      : "duration columns";
    throw CqlError.invalid(`Secondary indexes are not supported on ${what}`);
  }
  if (column.kind === "partition_key" && table.partitionKey.length === 1) {
    throw CqlError.invalid(
      `Cannot create secondary index on the only partition key column ${column.name}`,
    );
  }
  const collection = isCollection(type);
  const frozen = collection && (type as { frozen: boolean }).frozen;
  const kind = target.type === "simple" && collection ? "values" : target.type;
  if (frozen && kind !== "full") {
    throw CqlError.invalid(
      `Cannot create ${kind}() index on frozen column ${column.name}. Frozen collections are ` +
        `immutable and must be fully indexed by using the 'full(${
          maybeQuote(column.name)
        })' modifier`,
    );
  }
  if (!frozen && kind === "full") {
    throw CqlError.invalid("full() indexes can only be created on frozen collections");
  }
  if (!collection && kind !== "simple") {
    throw CqlError.invalid(
      `Cannot create ${kind}() index on ${column.name}. Non-collection columns only support simple indexes`,
    );
  }
  if (kind === "keys" && type.kind !== "map") {
    throw CqlError.invalid(
      `Cannot create index on keys of column ${column.name} with non-map type`,
    );
  }
  return kind;
}

/**
 * Cassandra's name for an unnamed index: `<table>_<column>_idx` without the characters that are
 * not letters, digits or `_`, then `_1`, `_2`, ... while the keyspace has an index of that name.
 */
function defaultName(keyspace: KeyspaceSchema, table: TableSchema, column: ColumnSchema): string {
  const base = `${table.name}_${column.name}_idx`.replace(/\W/g, "");
  let name = base;
  for (let i = 1; findIndex(keyspace, name) !== null; i++) name = `${base}_${i}`;
  return name;
}

/** Applies DROP INDEX; returns the table it changed, or null when IF EXISTS made it a no-op. */
function dropIndex(
  schema: Schema,
  keyspaceName: string,
  statement: DropIndexStatement,
): TableSchema | null {
  const keyspace = schema.keyspaces.get(keyspaceName);
  if (keyspace?.system) {
    throw CqlError.invalid(`System keyspace '${keyspaceName}' is not user-modifiable`);
  }
  const found = keyspace === undefined ? null : findIndex(keyspace, statement.index.name);
  if (found === null) {
    if (statement.ifExists) return null;
    throw CqlError.invalid(`Index '${keyspaceName}.${statement.index.name}' doesn't exist'`);
  }
  found.table.indexes.splice(found.table.indexes.indexOf(found.index), 1);
  return found.table;
}
