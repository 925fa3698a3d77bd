/**
 * The syntax tree of the CQL subset the embedded node understands. `parseCql` produces it; the
 * executor interprets it. Identifiers are already case-folded (unquoted names lower-cased, quoted
 * names kept exactly), so executors compare names with `===`.
 *
 * @module
 */

/** A possibly keyspace-qualified table name. */
export interface QualifiedName {
  /** The keyspace, when the statement names one (`ks.table`). */
  keyspace?: string;
  /** The table name. */
  name: string;
}

/** A literal constant as written; the executor converts it to bytes once it knows the type. */
export interface Literal {
  /** What kind of token the literal was. */
  kind: "string" | "integer" | "float" | "boolean" | "hex" | "uuid" | "null" | "duration";
  /**
   * The literal's text without quotes: `'it''s'` gives `it's`; `0xCAFE` gives `cafe`; numbers
   * keep their sign (`-12`), floats also `NaN`, `Infinity`, `-Infinity`; booleans `true`/`false`.
   */
  text: string;
}

/** A bind marker: `?` or `:name`. Markers are numbered in textual order from 0. */
export interface BindMarker {
  kind: "bind";
  /** Position of this marker among all markers of the statement (or of the whole batch). */
  index: number;
  /** The name for `:name` markers (case-folded like identifiers). */
  name?: string;
}

/** A collection or tuple literal: `[1, 2]`, `{1, 2}`, `{'a': 1}`, `(1, 'x')`. */
export interface CollectionTerm {
  kind: "list" | "set" | "tuple";
  /** The elements. */
  items: Term[];
}

/** A map literal `{k: v, ...}`; `{}` parses as an empty map. */
export interface MapTerm {
  kind: "map";
  /** Key/value pairs in order. */
  entries: [Term, Term][];
}

/** A function call term such as `now()`, `uuid()`, `toTimestamp(now())`. */
export interface FunctionTerm {
  kind: "function";
  /** Lower-cased function name. */
  name: string;
  /** Arguments. */
  args: Term[];
}

/** A type hint `(int) ?` or `(bigint) 3`. */
export interface CastTerm {
  kind: "cast";
  /** The type as written, for example `bigint`. */
  type: string;
  /** The term being cast. */
  term: Term;
}

/** Anything that can stand where a value is expected. */
export type Term = Literal | BindMarker | CollectionTerm | MapTerm | FunctionTerm | CastTerm;

/** A comparison in a WHERE clause. */
export interface Relation {
  /** The column on the left, or several for a tuple relation `(c1, c2) > (?, ?)`. */
  columns: string[];
  /** `token(k)` on the left-hand side. */
  token?: boolean;
  /** The operator. */
  op: "=" | "<" | "<=" | ">" | ">=" | "IN" | "!=" | "CONTAINS" | "CONTAINS KEY";
  /** The right-hand side; for `IN (...)` a `tuple` CollectionTerm, for `IN ?` a bind marker. */
  value: Term;
  /**
   * `(c1, c2) IN ((1, 2), ...)` or `(c1) IN ((1))`: the columns in parentheses, the values a tuple
   * of tuple literals or of markers (each a whole tuple), or one marker for them all.
   */
  multiColumnIn?: boolean;
  /** `m['k'] = v`: the map key of an entry relation. */
  element?: Term;
}

/** One `SET` clause of an UPDATE. */
export interface Assignment {
  /** The column assigned. */
  column: string;
  /** `col = v`: set. `col = col + v` / `col += v`: add. `col = col - v` / `col -= v`: subtract.
   * `col = v + col`: prepend (lists). `col[k] = v`: set an element. */
  op: "set" | "add" | "subtract" | "prepend" | "setElement";
  /** The value (for `setElement`, the new element value). */
  value: Term;
  /** For `setElement`, the key or index. */
  key?: Term;
}

/** `USING TTL x AND TIMESTAMP y`. */
export interface UsingClause {
  /** Time to live in seconds. */
  ttl?: Term;
  /** Write timestamp in microseconds. */
  timestamp?: Term;
}

/** A condition of a lightweight transaction (`IF col = v`). */
export interface Condition {
  column: string;
  /** `IF m['k'] = v` / `IF l[0] = v`: the map key or list index; absent for the whole column. */
  element?: Term;
  op: "=" | "<" | "<=" | ">" | ">=" | "!=" | "IN";
  value: Term;
}

/** A selector in a SELECT list. */
export type Selector =
  | { kind: "column"; name: string; alias?: string }
  | { kind: "count"; alias?: string }
  /** `min(col)`, `system.max(col)`, ...: an aggregate over columns (its arity checked later). */
  | { kind: "aggregate"; name: string; qualified: boolean; args: string[]; alias?: string }
  /** `writetime(c)`, `ttl(c)`, `maxwritetime(c)`; `element`: of `c[k]` or `c[a..b]`. */
  | {
    kind: "writetime" | "ttl" | "maxwritetime";
    name: string;
    element?: ElementSelector;
    alias?: string;
  }
  | { kind: "token"; columns: string[]; alias?: string }
  | { kind: "function"; name: string; args: Term[]; alias?: string }
  /**
   * `m['k']`, `s[3]`: an element of a map or set; `m['a'..'c']`, `m['b'..]`, `m[..'c']`: a slice
   * (`slice` set, a missing bound absent).
   */
  | ElementSelector;

/** `col[key]` or `col[from..to]` in a selection. */
export interface ElementSelector {
  kind: "element";
  name: string;
  /** The key, or the slice's first bound. */
  from?: Term;
  /** The slice's last bound. */
  to?: Term;
  slice: boolean;
  alias?: string;
}

/** `SELECT ...`. */
export interface SelectStatement {
  kind: "select";
  table: QualifiedName;
  /** `null` for `SELECT *`. */
  selectors: Selector[] | null;
  distinct: boolean;
  /** `SELECT JSON`. */
  json: boolean;
  where: Relation[];
  /** `GROUP BY c, ...`: the columns named; absent without GROUP BY. */
  groupBy?: string[];
  /** `ORDER BY c [ASC|DESC], ...`. */
  orderBy: { column: string; descending: boolean }[];
  limit?: Term;
  perPartitionLimit?: Term;
  allowFiltering: boolean;
}

/** `INSERT INTO t (cols) VALUES (terms)`. */
export interface InsertStatement {
  kind: "insert";
  table: QualifiedName;
  columns: string[];
  values: Term[];
  ifNotExists: boolean;
  using: UsingClause;
}

/** `UPDATE t SET ... WHERE ...`. */
export interface UpdateStatement {
  kind: "update";
  table: QualifiedName;
  using: UsingClause;
  assignments: Assignment[];
  where: Relation[];
  /** `IF EXISTS`. */
  ifExists: boolean;
  /** `IF c = v AND ...`. */
  conditions: Condition[];
}

/** `DELETE [cols] FROM t WHERE ...`. */
export interface DeleteStatement {
  kind: "delete";
  table: QualifiedName;
  /** Columns to delete; empty (and no `elements`) deletes whole rows. */
  columns: string[];
  /** `m[key]`, `l[index]`, `s[element]`: elements of collections to delete; absent without. */
  elements?: { column: string; key: Term }[];
  using: UsingClause;
  where: Relation[];
  ifExists: boolean;
  conditions: Condition[];
}

/** `BEGIN [UNLOGGED|COUNTER] BATCH ... APPLY BATCH`. */
export interface BatchStatement {
  kind: "batch";
  type: "logged" | "unlogged" | "counter";
  using: UsingClause;
  statements: (InsertStatement | UpdateStatement | DeleteStatement)[];
}

/** `USE ks`. */
export interface UseStatement {
  kind: "use";
  keyspace: string;
}

/** A value in a WITH option: `{...}` maps, strings, numbers, booleans, bare identifiers. */
export type OptionValue = string | number | boolean | Record<string, string>;

/** `CREATE KEYSPACE`. */
export interface CreateKeyspaceStatement {
  kind: "createKeyspace";
  keyspace: string;
  ifNotExists: boolean;
  /** All `WITH` options, names lower-cased: `replication` (a map), `durable_writes`, ... */
  options: Record<string, OptionValue>;
}

/** `ALTER KEYSPACE`. */
export interface AlterKeyspaceStatement {
  kind: "alterKeyspace";
  keyspace: string;
  options: Record<string, OptionValue>;
}

/** A column definition of CREATE TABLE. */
export interface ColumnDefinition {
  name: string;
  /** The type as written, for example `map<text, frozen<list<int>>>`. */
  type: string;
  /** `STATIC`. */
  isStatic: boolean;
}

/** `CREATE TABLE`. */
export interface CreateTableStatement {
  kind: "createTable";
  table: QualifiedName;
  ifNotExists: boolean;
  columns: ColumnDefinition[];
  /** Partition key columns, in order (from `PRIMARY KEY` on a column or the PRIMARY KEY clause). */
  partitionKey: string[];
  /** Clustering columns, in order. */
  clustering: string[];
  /** `CLUSTERING ORDER BY (c DESC, ...)`; columns not named are ascending. */
  clusteringOrder: Record<string, "ASC" | "DESC">;
  /** `COMPACT STORAGE`. */
  compactStorage: boolean;
  /** Other `WITH` options, names lower-cased: `compression` (a map), `comment`, ... */
  options: Record<string, OptionValue>;
}

/** `DROP KEYSPACE` / `DROP TABLE`. */
export interface DropStatement {
  kind: "dropKeyspace" | "dropTable";
  /** For dropKeyspace, `name` is the keyspace. */
  table: QualifiedName;
  ifExists: boolean;
}

/**
 * One column of `CREATE INDEX ... ON t (...)` and how it is indexed: `v` (simple), `values(l)`,
 * `keys(m)` or `full(f)`.
 */
export interface IndexTarget {
  /** The column. */
  column: string;
  /** How: the column's value, a collection's values or keys, or a frozen collection whole. */
  type: "simple" | "values" | "keys" | "full";
}

/** `CREATE INDEX [IF NOT EXISTS] [name] ON [ks.]t (target) [WITH ...]`. */
export interface CreateIndexStatement {
  kind: "createIndex";
  /** The index name as given; absent when the statement names none. */
  name?: string;
  table: QualifiedName;
  ifNotExists: boolean;
  /** The targets in order (empty for `()`). */
  targets: IndexTarget[];
  /** `WITH` options, names lower-cased. */
  options: Record<string, OptionValue>;
}

/** `DROP INDEX [IF EXISTS] [ks.]name`. */
export interface DropIndexStatement {
  kind: "dropIndex";
  /** The index name, with its keyspace when the statement names one. */
  index: QualifiedName;
  ifExists: boolean;
}

/** `TRUNCATE [TABLE] t`. */
export interface TruncateStatement {
  kind: "truncate";
  table: QualifiedName;
}

/** Any statement the parser accepts. */
export type Statement =
  | SelectStatement
  | InsertStatement
  | UpdateStatement
  | DeleteStatement
  | BatchStatement
  | UseStatement
  | CreateKeyspaceStatement
  | AlterKeyspaceStatement
  | CreateTableStatement
  | DropStatement
  | CreateIndexStatement
  | DropIndexStatement
  | TruncateStatement;

/** A parsed statement and the bind markers it declares, in index order. */
export interface ParsedStatement {
  statement: Statement;
  /** One entry per marker: its name for `:name` markers, `undefined` for `?`. */
  markers: (string | undefined)[];
}
