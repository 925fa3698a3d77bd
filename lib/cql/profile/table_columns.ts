/**
 * The shape of a CQL table as read from its CREATE TABLE statement: columns and their types,
 * the partition key, the clustering columns with their order, the static columns. Built by
 * `tableColumnsOf` (`table_columns_of.ts`).
 *
 * @module
 */

/** A CQL type as written: `int`, `frozen<list<text>>`, `map<text, int>`, a UDT name. */
export interface CqlColumnType {
  /** The type name, lower-cased unless quoted: `int`, `set`, `map`, `tuple`, a UDT's name. */
  readonly name: string;
  /** The type's parameters (`map<K, V>` has two); empty for simple types. */
  readonly args: readonly CqlColumnType[];
  /** Whether it was wrapped in `frozen<...>`. */
  readonly frozen: boolean;
  /** The type as text, normalised: `frozen<map<text, int>>`. */
  readonly text: string;
}

/** One column of the table. */
export interface TableColumn {
  /** The column name as Cassandra keeps it: lower-cased unless quoted in the statement. */
  readonly name: string;
  /** Its type. */
  readonly type: CqlColumnType;
  /** Whether it is declared `STATIC`. */
  readonly isStatic: boolean;
}

/** A clustering column and its order. */
export interface ClusteringColumn {
  /** The column name. */
  readonly name: string;
  /** `DESC` when `WITH CLUSTERING ORDER BY (... name DESC)` says so, else `ASC`. */
  readonly order: "ASC" | "DESC";
}

/** What `tableColumnsOf` reads from a CREATE TABLE statement. */
export interface TableColumns {
  /** The keyspace qualifier of the table name, or null. */
  readonly keyspace: string | null;
  /** The table name (lower-cased unless quoted). */
  readonly table: string;
  /** Every column, in the order declared. */
  readonly columns: readonly TableColumn[];
  /** The partition key columns, in order. */
  readonly partitionKey: readonly string[];
  /** The clustering columns, in order, with their order. */
  readonly clustering: readonly ClusteringColumn[];
  /** The static columns, in the order declared. */
  readonly staticColumns: readonly string[];
}
