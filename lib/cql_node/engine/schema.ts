/**
 * The node's schema: keyspaces, tables and columns, with a version that changes on every DDL.
 *
 * @module
 */

import type { OptionValue } from "../parse/cql_ast.ts";
import { type CqlType, formatCqlType } from "../values/cql_type.ts";
import type { TableStore } from "./table_store.ts";

/** A column of a table. */
export interface ColumnSchema {
  /** The name (case-folded). */
  name: string;
  /** The type. */
  type: CqlType;
  /** The column's role, as system_schema.columns names it. */
  kind: "partition_key" | "clustering" | "regular" | "static";
  /** Position within the partition key or clustering key; -1 otherwise. */
  position: number;
  /** Clustering order. */
  order: "asc" | "desc" | "none";
  /** Index into a row's cells for regular and static columns; -1 for key columns. */
  cell: number;
}

/** A secondary index of a table (Cassandra's default kind, COMPOSITES). */
export interface IndexSchema {
  /** The index name (unique in its keyspace). */
  name: string;
  /** The indexed column. */
  column: ColumnSchema;
  /**
   * What of the column is indexed: its value (`simple`), a collection's values or a map's keys,
   * or a frozen collection whole (`full`).
   */
  type: "simple" | "values" | "keys" | "full";
  /** The target as system_schema.indexes shows it: `v`, `values(l)`, `"Mixed Case"`. */
  target: string;
}

/** A table. */
export interface TableSchema {
  /** Keyspace name. */
  keyspace: string;
  /** Table name. */
  name: string;
  /** The table id (a UUID string). */
  id: string;
  /** All columns in `SELECT *` order: partition key, clustering, then the rest by name. */
  columns: ColumnSchema[];
  /** Columns by name. */
  byName: Map<string, ColumnSchema>;
  /** Partition key columns in order. */
  partitionKey: ColumnSchema[];
  /** Clustering columns in order. */
  clustering: ColumnSchema[];
  /** Regular and static columns in cell order. */
  cells: ColumnSchema[];
  /** Whether the table has counter columns. */
  isCounter: boolean;
  /** Whether it was created WITH COMPACT STORAGE. */
  compactStorage: boolean;
  /** Table options as given (compression, compaction, comment, ...). */
  options: Record<string, OptionValue>;
  /** Its secondary indexes, in the order they were created. */
  indexes: IndexSchema[];
  /** The rows. */
  store: TableStore;
}

/** A keyspace. */
export interface KeyspaceSchema {
  /** Name. */
  name: string;
  /** Replication options (`class` and the rest), as given. */
  replication: Record<string, string>;
  /** durable_writes. */
  durableWrites: boolean;
  /** Tables by name. */
  tables: Map<string, TableSchema>;
  /** Whether users may not change it (system keyspaces). */
  system: boolean;
}

/** A table's definition as plain data, for tests and tools ({@linkcode Schema.describeTable}). */
export interface TableDescription {
  /** Keyspace name. */
  keyspace: string;
  /** Table name. */
  table: string;
  /** The keyspace's replication map (the class fully qualified). */
  replication: Record<string, string>;
  /** Columns in `SELECT *` order, types in CQL syntax (`blob`, `map<text, int>`). */
  columns: { name: string; type: string; kind: ColumnSchema["kind"] }[];
  /** Partition key column names in order. */
  partitionKey: string[];
  /** Clustering column names in order. */
  clustering: string[];
  /** Table options exactly as the CREATE TABLE gave them (names lower-cased). */
  options: Record<string, OptionValue>;
}

/**
 * The set of keyspaces and the schema version. Pure: UUIDs come from a seeded counter passed in.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Schema } from "./schema.ts";
 * const schema = new Schema(42n);
 * const before = schema.version;
 * schema.bump();
 * assert.notEqual(schema.version, before);
 * assert.match(schema.newUuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
 * assert.equal(schema.describeTable("ks", "t"), undefined);
 * ```
 */
export class Schema {
  /** Keyspaces by name. */
  readonly keyspaces: Map<string, KeyspaceSchema> = new Map();
  #state: bigint;
  #version: string;

  /**
   * Creates an empty schema.
   *
   * @param seed Seeds the UUIDs (table ids, schema versions) this schema makes.
   */
  constructor(seed: bigint) {
    this.#state = BigInt.asUintN(64, seed ^ 0x9e3779b97f4a7c15n);
    this.#version = this.newUuid();
  }

  /** The current schema version, a UUID string. */
  get version(): string {
    return this.#version;
  }

  /**
   * Describes a table as plain data (copies; changing them changes nothing).
   *
   * @param keyspace The keyspace name.
   * @param table The table name.
   * @returns The description, or `undefined` when there is no such table.
   */
  describeTable(keyspace: string, table: string): TableDescription | undefined {
    const ks = this.keyspaces.get(keyspace);
    const t = ks?.tables.get(table);
    if (ks === undefined || t === undefined) return undefined;
    return {
      keyspace,
      table,
      replication: { ...ks.replication },
      columns: t.columns.map((c) => ({ name: c.name, type: formatCqlType(c.type), kind: c.kind })),
      partitionKey: t.partitionKey.map((c) => c.name),
      clustering: t.clustering.map((c) => c.name),
      options: structuredClone(t.options),
    };
  }

  /** Marks a schema change: a new version. */
  bump(): void {
    this.#version = this.newUuid();
  }

  /**
   * A new random-looking version-4 UUID from the seeded generator.
   *
   * @returns The UUID string.
   */
  newUuid(): string {
    const hex = (this.#next().toString(16).padStart(16, "0") +
      this.#next().toString(16).padStart(16, "0")).split("");
    hex[12] = "4";
    hex[16] = "89ab"[parseInt(hex[16], 16) & 3];
    const s = hex.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${
      s.slice(20)
    }`;
  }

  #next(): bigint {
    // splitmix64
    this.#state = BigInt.asUintN(64, this.#state + 0x9e3779b97f4a7c15n);
    let z = this.#state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
}
