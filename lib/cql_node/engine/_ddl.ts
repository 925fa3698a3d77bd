// Keyspace and table definitions: build TableSchema objects, apply CREATE/DROP/ALTER.
import type {
  AlterKeyspaceStatement,
  CreateKeyspaceStatement,
  CreateTableStatement,
  OptionValue,
} from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { type CqlType, parseCqlType } from "../values/cql_type.ts";
import { CqlTypeError } from "../values/cql_type_error.ts";
import { compareValues } from "../values/cql_value.ts";
import { ERROR_CODE } from "../../protocol/protocol_codes.ts";
import type { ColumnSchema, KeyspaceSchema, Schema, TableSchema } from "./schema.ts";
import { TableStore } from "./table_store.ts";
import { type NodePlace, replicationOf, replicationWarnings } from "./_replication.ts";

/** A column as a table definition gives it. */
export interface ColumnInput {
  /** The column name. */
  name: string;
  /** Its type. */
  type: CqlType;
  /** Whether it is a static column. @default false */
  isStatic?: boolean;
}

/** What `buildTable` builds a table from. */
export interface TableInput {
  /** Every column, keys included, in definition order. */
  columns: ColumnInput[];
  /** The partition key column names, in key order. */
  partitionKey: string[];
  /** The clustering column names, in key order. */
  clustering: string[];
  /** `DESC` for clustering columns sorted in descending order. @default {} */
  clusteringOrder?: Record<string, "ASC" | "DESC">;
  /** Whether the table uses COMPACT STORAGE. @default false */
  compactStorage?: boolean;
  /** The table options as given. @default {} */
  options?: Record<string, OptionValue>;
}

/** Builds a table: columns ordered as `SELECT *` lists them, cells numbered, store made. */
export function buildTable(
  keyspace: string,
  name: string,
  id: string,
  input: TableInput,
): TableSchema {
  const byInput = new Map(input.columns.map((c) => [c.name, c]));
  const keyNames = checkKeyNames(input, byInput);
  const { partitionKey, clustering } = keyColumns(input, byInput);
  const cells = cellColumns(input, keyNames, clustering.length);
  const isCounter = checkCounters(partitionKey, clustering, cells);
  const columns = [...partitionKey, ...clustering, ...cells];
  return {
    keyspace,
    name,
    id,
    columns,
    byName: new Map(columns.map((c) => [c.name, c])),
    partitionKey,
    clustering,
    cells,
    isCounter,
    compactStorage: input.compactStorage ?? false,
    options: input.options ?? {},
    indexes: [],
    store: new TableStore({
      clusteringCompare: clustering.map((c) => (a: Uint8Array, b: Uint8Array) =>
        compareValues(c.type, a, b)
      ),
      clusteringDescending: clustering.map((c) => c.order === "desc"),
      cellCount: cells.length,
    }),
  };
}

/** Checks that column names are unique and the primary key names defined columns. */
function checkKeyNames(input: TableInput, byInput: Map<string, ColumnInput>): Set<string> {
  const seen = new Set<string>();
  for (const c of input.columns) {
    if (seen.has(c.name)) throw CqlError.invalid(`Multiple definition of identifier ${c.name}`);
    seen.add(c.name);
  }
  if (input.partitionKey.length === 0) {
    throw CqlError.invalid("No PRIMARY KEY specifed (exactly one required)");
  }
  const keyNames = new Set([...input.partitionKey, ...input.clustering]);
  for (const keyName of keyNames) {
    if (!byInput.has(keyName)) {
      throw CqlError.invalid(`Unknown definition ${keyName} referenced in PRIMARY KEY`);
    }
  }
  return keyNames;
}

/** The partition key and clustering columns, with their positions and clustering order. */
function keyColumns(
  input: TableInput,
  byInput: Map<string, ColumnInput>,
): { partitionKey: ColumnSchema[]; clustering: ColumnSchema[] } {
  const partitionKey: ColumnSchema[] = input.partitionKey.map((n, position) => ({
    name: n,
    type: byInput.get(n)!.type,
    kind: "partition_key",
    position,
    order: "none",
    cell: -1,
  }));
  const clustering: ColumnSchema[] = input.clustering.map((n, position) => ({
    name: n,
    type: byInput.get(n)!.type,
    kind: "clustering",
    position,
    order: input.clusteringOrder?.[n] === "DESC" ? "desc" : "asc",
    cell: -1,
  }));
  for (const name of Object.keys(input.clusteringOrder ?? {})) {
    if (!input.clustering.includes(name)) {
      throw CqlError.invalid(
        `Only clustering key columns can be defined in CLUSTERING ORDER directive`,
      );
    }
  }
  return { partitionKey, clustering };
}

/**
 * The static and regular columns, numbered as cells: statics first, each group sorted by name
 * (the order of `SELECT *` on Cassandra 5.0).
 */
function cellColumns(
  input: TableInput,
  keyNames: Set<string>,
  clusteringCount: number,
): ColumnSchema[] {
  const rest = input.columns
    .filter((c) => !keyNames.has(c.name))
    .sort((a, b) =>
      a.isStatic !== b.isStatic
        ? (a.isStatic ? -1 : 1)
        : a.name < b.name
        ? -1
        : a.name > b.name
        ? 1
        : 0
    );
  if (rest.some((c) => c.isStatic) && clusteringCount === 0) {
    throw CqlError.invalid(
      "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
    );
  }
  return rest.map((c, cell) => ({
    name: c.name,
    type: c.type,
    kind: c.isStatic ? "static" : "regular",
    position: -1,
    order: "none",
    cell,
  }));
}

function isCounterType(t: CqlType): boolean {
  return t.kind === "native" && t.name === "counter";
}

/**
 * Checks counter columns (all cells or none, never a key) and key types (no non-frozen
 * collection); returns whether the table is a counter table.
 */
function checkCounters(
  partitionKey: ColumnSchema[],
  clustering: ColumnSchema[],
  cells: ColumnSchema[],
): boolean {
  const counters = cells.filter((c) => isCounterType(c.type));
  if (counters.length > 0 && counters.length !== cells.length) {
    throw CqlError.invalid("Cannot mix counter and non counter columns in the same table");
  }
  for (const key of [...partitionKey, ...clustering]) {
    if (isCounterType(key.type)) {
      throw CqlError.invalid(`counter type is not supported for PRIMARY KEY column '${key.name}'`);
    }
    if (
      (key.type.kind === "list" || key.type.kind === "set" || key.type.kind === "map") &&
      !key.type.frozen
    ) {
      throw CqlError.invalid(
        `Invalid non-frozen collection type for PRIMARY KEY component ${key.name}`,
      );
    }
  }
  return counters.length > 0;
}

function parseType(text: string, column: string): CqlType {
  try {
    return parseCqlType(text);
  } catch (error) {
    if (error instanceof CqlTypeError) {
      throw new CqlError(ERROR_CODE.syntaxError, `${error.message} (column ${column})`);
    }
    throw error;
  }
}

const COMPACTION_PREFIX = "org.apache.cassandra.db.compaction.";
const COMPACTION_CLASSES = [
  "SizeTieredCompactionStrategy",
  "LeveledCompactionStrategy",
  "TimeWindowCompactionStrategy",
  "DateTieredCompactionStrategy",
  "UnifiedCompactionStrategy",
];
const COMPRESSION_PREFIX = "org.apache.cassandra.io.compress.";
const COMPRESSION_CLASSES = [
  "LZ4Compressor",
  "SnappyCompressor",
  "DeflateCompressor",
  "ZstdCompressor",
  "NoopCompressor",
];

function mapOption(options: Record<string, OptionValue>, name: string): Record<string, string> {
  const given = options[name];
  if (typeof given !== "object") {
    throw new CqlError(
      ERROR_CODE.syntaxError,
      `Invalid value for property '${name}'. It should be a map.`,
    );
  }
  return given;
}

/**
 * The compaction map as system_schema.tables shows it: the class fully qualified, thresholds
 * filled in (Cassandra's CompactionParams). Unknown short class names are rejected; fully
 * qualified ones are taken on trust.
 *
 * @param options The table options as given.
 * @returns The normalised compaction map.
 * @throws {CqlError} When the class is missing or unknown, or the option is not a map.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { compactionOf } from "./_ddl.ts";
 * assert.deepEqual(compactionOf({ compaction: { class: "LeveledCompactionStrategy" } }), {
 *   class: "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
 *   max_threshold: "32",
 *   min_threshold: "4",
 * });
 * ```
 */
export function compactionOf(options: Record<string, OptionValue>): Record<string, string> {
  if (options["compaction"] === undefined) {
    return {
      class: COMPACTION_PREFIX + "SizeTieredCompactionStrategy",
      max_threshold: "32",
      min_threshold: "4",
    };
  }
  const map: Record<string, string> = { ...mapOption(options, "compaction") };
  const cls = map["class"];
  if (cls === undefined) {
    throw new CqlError(
      ERROR_CODE.configError,
      "Missing sub-option 'class' for the 'compaction' option.",
    );
  }
  if (!cls.includes(".") && !COMPACTION_CLASSES.includes(cls)) {
    throw new CqlError(
      ERROR_CODE.configError,
      `Unable to find compaction strategy class '${COMPACTION_PREFIX}${cls}'`,
    );
  }
  map["class"] = cls.includes(".") ? cls : COMPACTION_PREFIX + cls;
  map["max_threshold"] ??= "32";
  map["min_threshold"] ??= "4";
  return map;
}

/**
 * The compression map as system_schema.tables shows it (Cassandra 4.0's CompressionParams):
 * `{}` or `enabled: false` give `{enabled: "false"}`; otherwise the class fully qualified
 * (`sstable_compression` accepted for `class`) and `chunk_length_in_kb` (default 16;
 * `chunk_length_kb` accepted).
 *
 * @param options The table options as given.
 * @returns The normalised compression map.
 * @throws {CqlError} When the class is missing or unknown, the chunk length is not a power of
 *   two, or the option is not a map.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { compressionOf } from "./_ddl.ts";
 * assert.deepEqual(compressionOf({ compression: {} }), { enabled: "false" });
 * assert.deepEqual(compressionOf({ compression: { sstable_compression: "SnappyCompressor" } }), {
 *   class: "org.apache.cassandra.io.compress.SnappyCompressor",
 *   chunk_length_in_kb: "16",
 * });
 * ```
 */
export function compressionOf(options: Record<string, OptionValue>): Record<string, string> {
  if (options["compression"] === undefined) {
    return { chunk_length_in_kb: "16", class: COMPRESSION_PREFIX + "LZ4Compressor" };
  }
  const map: Record<string, string> = { ...mapOption(options, "compression") };
  const cls = map["class"] ?? map["sstable_compression"];
  const enabled = map["enabled"] === undefined
    ? Object.keys(map).length > 0 && cls !== ""
    : map["enabled"].toLowerCase() === "true";
  if (!enabled) return { enabled: "false" };
  if (cls === undefined) {
    throw new CqlError(
      ERROR_CODE.configError,
      "Missing sub-option 'class' for the 'compression' option.",
    );
  }
  if (!cls.includes(".") && !COMPRESSION_CLASSES.includes(cls)) {
    throw new CqlError(
      ERROR_CODE.configError,
      `Could not create Compression for type ${COMPRESSION_PREFIX}${cls}`,
    );
  }
  const chunk = map["chunk_length_in_kb"] ?? map["chunk_length_kb"] ?? "16";
  if (!/^[0-9]+$/.test(chunk) || Number(chunk) === 0 || (Number(chunk) & (Number(chunk) - 1))) {
    throw new CqlError(
      ERROR_CODE.configError,
      `chunk_length_in_kb must be a power of 2, got ${chunk}`,
    );
  }
  delete map["sstable_compression"];
  delete map["chunk_length_kb"];
  delete map["enabled"];
  delete map["crc_check_chance"];
  map["class"] = cls.includes(".") ? cls : COMPRESSION_PREFIX + cls;
  map["chunk_length_in_kb"] = chunk;
  return map;
}

/**
 * Cassandra's local system keyspaces: CREATE KEYSPACE of one is refused as Invalid (the
 * embedded node has only the first two).
 */
const LOCAL_SYSTEM_KEYSPACES = ["system", "system_schema", "system_views", "system_virtual_schema"];
/** Cassandra's replicated system keyspaces: a real node has them, so CREATE finds them existing. */
const DISTRIBUTED_SYSTEM_KEYSPACES = ["system_auth", "system_distributed", "system_traces"];

/**
 * Applies CREATE KEYSPACE.
 *
 * @returns `null` when nothing changed (IF NOT EXISTS), else the warnings for the client.
 */
export function createKeyspace(
  schema: Schema,
  statement: CreateKeyspaceStatement,
  place: NodePlace,
): string[] | null {
  const name = statement.keyspace;
  if (LOCAL_SYSTEM_KEYSPACES.includes(name)) {
    throw CqlError.invalid(`System keyspace '${name}' is not user-modifiable`);
  }
  if (schema.keyspaces.has(name) || DISTRIBUTED_SYSTEM_KEYSPACES.includes(name)) {
    if (statement.ifNotExists) return null;
    throw new CqlError(
      ERROR_CODE.alreadyExists,
      `Cannot add existing keyspace "${name}"`,
      { keyspace: name, table: "" },
    );
  }
  const context = { keyspace: name, ...place };
  const keyspace: KeyspaceSchema = {
    name,
    replication: replicationOf(statement.options, context),
    durableWrites: statement.options["durable_writes"] !== false &&
      statement.options["durable_writes"] !== "false",
    tables: new Map(),
    system: false,
  };
  schema.keyspaces.set(keyspace.name, keyspace);
  return replicationWarnings(keyspace.replication, context);
}

/**
 * Applies ALTER KEYSPACE.
 *
 * @returns The warnings for the client.
 */
export function alterKeyspace(
  schema: Schema,
  statement: AlterKeyspaceStatement,
  place: NodePlace,
): string[] {
  const keyspace = schema.keyspaces.get(statement.keyspace);
  if (!keyspace) throw CqlError.invalid(`Keyspace '${statement.keyspace}' doesn't exist`);
  if (keyspace.system) {
    throw new CqlError(
      ERROR_CODE.unauthorized,
      `${keyspace.name} keyspace is not user-modifiable.`,
    );
  }
  let warnings: string[] = [];
  if (statement.options["replication"] !== undefined) {
    const context = { keyspace: keyspace.name, ...place };
    const before = keyspace.replication;
    keyspace.replication = replicationOf(statement.options, context);
    warnings = replicationWarnings(keyspace.replication, context, before);
  }
  if (statement.options["durable_writes"] !== undefined) {
    keyspace.durableWrites = statement.options["durable_writes"] !== false &&
      statement.options["durable_writes"] !== "false";
  }
  return warnings;
}

/** Applies CREATE TABLE; returns whether anything changed. */
export function createTable(
  schema: Schema,
  keyspaceName: string,
  statement: CreateTableStatement,
): boolean {
  const keyspace = schema.keyspaces.get(keyspaceName);
  if (!keyspace) throw CqlError.invalid(`Keyspace '${keyspaceName}' doesn't exist`);
  if (keyspace.system) {
    throw new CqlError(
      ERROR_CODE.unauthorized,
      `${keyspace.name} keyspace is not user-modifiable.`,
    );
  }
  const name = statement.table.name;
  if (keyspace.tables.has(name)) {
    if (statement.ifNotExists) return false;
    throw new CqlError(
      ERROR_CODE.alreadyExists,
      `Cannot add already existing table "${name}" to keyspace "${keyspaceName}"`,
      { keyspace: keyspaceName, table: name },
    );
  }
  const table = buildTable(keyspaceName, name, schema.newUuid(), {
    columns: statement.columns.map((c) => ({
      name: c.name,
      type: parseType(c.type, c.name),
      isStatic: c.isStatic,
    })),
    partitionKey: statement.partitionKey,
    clustering: statement.clustering,
    clusteringOrder: statement.clusteringOrder,
    compactStorage: statement.compactStorage,
    options: statement.options,
  });
  // Rejects what Cassandra rejects; the table keeps the options as given.
  compactionOf(statement.options);
  compressionOf(statement.options);
  keyspace.tables.set(name, table);
  return true;
}
