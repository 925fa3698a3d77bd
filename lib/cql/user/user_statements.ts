/**
 * The CQL a `user` profile run sends, written as cassandra-stress writes it from the table's
 * metadata: the insert (`UPDATE ... SET ... WHERE <key> = ?`, or `INSERT` for a key-only table),
 * the statements of `validate`, and the token range query of a `token_range_queries` entry.
 *
 * @module
 */

import { parseCqlColumnType } from "../profile/parse_cql_column_type.ts";
import { isGeneratedType as isGeneratedShape } from "../profile/_generated_types.ts";

/** Where a column sits in the table. */
export type ColumnKind = "partition_key" | "clustering" | "static" | "regular";

/** A column of a profile's table, as the cluster's schema describes it. */
export interface TableColumn {
  /** The name, as stored (case kept). */
  readonly name: string;
  /** The CQL type as the schema writes it: `text`, `set<int>`, `frozen<list<text>>`, `counter`. */
  readonly type: string;
  /** Partition key, clustering, static or regular. */
  readonly kind: ColumnKind;
}

/**
 * A table as the statements need it: its name and its columns in the driver's metadata order
 * (partition key columns, clustering columns, then the others by name).
 */
export interface TableLayout {
  /** The table name, as stored. */
  readonly name: string;
  /** The columns, in metadata order. */
  readonly columns: readonly TableColumn[];
  /**
   * The table's columns left out (`-errors skip-unsupported-columns`): the validating reads
   * then name the columns they compare instead of `SELECT *`.
   */
  readonly skipped?: readonly string[];
}

/**
 * An identifier as cassandra-stress writes it: bare when it is lower-case letters, digits and
 * underscores, double-quoted otherwise.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteIdentifier } from "./user_statements.ts";
 * assert.equal(quoteIdentifier("event_time"), "event_time");
 * assert.equal(quoteIdentifier("C0"), '"C0"');
 * ```
 */
export function quoteIdentifier(name: string): string {
  return /^[a-z0-9_]+$/.test(name) ? name : `"${name}"`;
}

/**
 * The keyspace a profile's `keyspace:` names, as stored in the schema. cassandra-stress sends
 * `use <keyspace>` as written and finds the keyspace's metadata through the Java driver, which
 * lower-cases a name of letters, digits and underscores (`MyKs` is the keyspace `myks`, as an
 * unquoted `CREATE KEYSPACE MyKs` stores it), takes a double-quoted name as written without its
 * quotes (`"MyKs"`), and any other name as it is.
 *
 * @param name The `keyspace:` value, as written.
 * @returns The name as stored.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { storedKeyspaceName } from "./user_statements.ts";
 * assert.equal(storedKeyspaceName("MyKs"), "myks");
 * assert.equal(storedKeyspaceName('"MyKs"'), "MyKs");
 * assert.equal(storedKeyspaceName("ks_1"), "ks_1");
 * ```
 */
export function storedKeyspaceName(name: string): string {
  if (/^[A-Za-z0-9_]+$/.test(name)) return name.toLowerCase();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    return name.slice(1, -1).replaceAll('""', '"');
  }
  return name;
}

/**
 * Whether cassandra-stress generates data for a column of this type: the scalar types its
 * generators cover, and unfrozen or frozen `set<T>`, `list<T>` of them (no map, tuple, UDT,
 * `duration`, or collection of collections).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isGeneratedType } from "./user_statements.ts";
 * assert.equal(isGeneratedType("frozen<set<int>>"), true);
 * assert.equal(isGeneratedType("map<text, int>"), false);
 * assert.equal(isGeneratedType("list<frozen<list<int>>>"), false);
 * assert.equal(isGeneratedType("duration"), false);
 * ```
 */
export function isGeneratedType(type: string): boolean {
  return isGeneratedShape(parseCqlColumnType(type));
}

const isKey = (column: TableColumn) =>
  column.kind === "partition_key" || column.kind === "clustering";

/** The `SET` clause of one value column: counters add, unfrozen sets and lists append. */
function assignment(column: TableColumn): string {
  const name = quoteIdentifier(column.name);
  const shape = parseCqlColumnType(column.type);
  const appends = shape.name === "counter" ||
    ((shape.name === "set" || shape.name === "list") && !shape.frozen);
  return appends ? `${name} = ${name} + ?` : `${name} = ?`;
}

/**
 * The insert statement of a profile: `UPDATE t SET a = ?,l = l + ? WHERE k = ? AND c = ?` over
 * every generated column (key columns in the WHERE clause, in metadata order), or
 * `INSERT INTO t (k, c) values(?, ?)` when the table has key columns only. A `condition`
 * (`IF ...`, Apache cassandra-stress 4.0's `insert: condition:`) is appended to the UPDATE.
 *
 * @param table The table.
 * @param condition The condition to append, or null.
 * @returns The statement text.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { insertStatement } from "./user_statements.ts";
 * const table = {
 *   name: "events",
 *   columns: [
 *     { name: "id", type: "uuid", kind: "partition_key" },
 *     { name: "at", type: "timestamp", kind: "clustering" },
 *     { name: "tags", type: "set<text>", kind: "regular" },
 *     { name: "Body", type: "text", kind: "regular" },
 *   ],
 * } as const;
 * assert.equal(
 *   insertStatement(table, null),
 *   'UPDATE events SET tags = tags + ?,"Body" = ? WHERE id = ? AND at = ?',
 * );
 * ```
 */
export function insertStatement(table: TableLayout, condition: string | null): string {
  const generated = table.columns.filter((c) => isGeneratedType(c.type));
  const values = generated.filter((c) => !isKey(c));
  const keys = generated.filter(isKey);
  if (table.columns.every(isKey)) {
    const names = keys.map((c) => quoteIdentifier(c.name)).join(", ");
    return `INSERT INTO ${quoteIdentifier(table.name)} (${names}) values(${
      keys.map(() => "?").join(", ")
    })`;
  }
  const where = keys.map((c) => `${quoteIdentifier(c.name)} = ?`).join(" AND ");
  const update = `UPDATE ${quoteIdentifier(table.name)} SET ${
    values.map(assignment).join(",")
  } WHERE ${where}`;
  return condition === null || condition.trim() === "" ? update : `${update} ${condition}`;
}

/**
 * The statements of the built-in `validate` op, as cassandra-stress prepares them: the whole
 * partition, then for each clustering depth a slice between two prefixes (`>=`/`<` above the
 * deepest level; the four bound variants at the deepest).
 *
 * @param table The table.
 * @returns The statement groups, by clustering depth (0 = the whole partition).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateStatements } from "./user_statements.ts";
 * const groups = validateStatements({
 *   name: "t",
 *   columns: [
 *     { name: "k", type: "int", kind: "partition_key" },
 *     { name: "c", type: "int", kind: "clustering" },
 *   ],
 * });
 * assert.deepEqual(groups[0], ["SELECT * FROM t WHERE k = ?"]);
 * assert.equal(groups[1][0], "SELECT * FROM t WHERE k = ? AND (c)>=(?) AND (c)<=(?)");
 * assert.equal(groups[1].length, 4);
 * ```
 */
export function validateStatements(table: TableLayout): string[][] {
  const partition = table.columns.filter((c) => c.kind === "partition_key");
  const clustering = table.columns.filter((c) => c.kind === "clustering");
  const selected = table.skipped?.length
    ? table.columns.map((c) => quoteIdentifier(c.name)).join(", ")
    : "*";
  const base = `SELECT ${selected} FROM ${quoteIdentifier(table.name)} WHERE ${
    partition.map((c) => `${quoteIdentifier(c.name)} = ?`).join(" AND ")
  }`;
  const groups: string[][] = [[base]];
  const deepest = clustering.length - 1;
  for (let depth = 0; depth <= deepest; depth++) {
    const names = `(${
      clustering.slice(0, depth + 1).map((c) => quoteIdentifier(c.name)).join(",")
    })`;
    const markers = `(${clustering.slice(0, depth + 1).map(() => "?").join(",")})`;
    const lowers = depth < deepest ? [">="] : [">=", ">"];
    const uppers = depth < deepest ? ["<"] : ["<=", "<"];
    groups.push(
      lowers.flatMap((lower) =>
        uppers.map((upper) =>
          `${base} AND ${names}${lower}${markers} AND ${names}${upper}${markers}`
        )
      ),
    );
  }
  return groups;
}

/**
 * The text of one page's token range query (sent unprepared): the token of the partition key,
 * the columns asked for, and the range `(start, end]` of tokens.
 *
 * @param table The table.
 * @param columns The `columns` of the `token_range_queries` entry, as written (`*` or a list).
 * @param range The range's start (exclusive) and end (inclusive) tokens, or null for open.
 * @returns The statement text.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenRangeStatement } from "./user_statements.ts";
 * const table = {
 *   name: "t",
 *   columns: [
 *     { name: "a", type: "int", kind: "partition_key" },
 *     { name: "b", type: "int", kind: "partition_key" },
 *     { name: "v", type: "text", kind: "regular" },
 *   ],
 * } as const;
 * assert.equal(
 *   tokenRangeStatement(table, "*", { start: -5n, end: 10n }),
 *   "SELECT token(a, b), a, b, v FROM t WHERE token(a, b) > -5 AND token(a, b) <= 10",
 * );
 * ```
 */
export function tokenRangeStatement(
  table: TableLayout,
  columns: string,
  range: { start: bigint | null; end: bigint | null },
): string {
  const token = `token(${
    table.columns.filter((c) => c.kind === "partition_key").map((c) => quoteIdentifier(c.name))
      .join(", ")
  })`;
  const selected = columns === "*"
    ? table.columns.map((c) => quoteIdentifier(c.name)).join(", ")
    : columns;
  const bounds: string[] = [];
  if (range.start !== null) bounds.push(`${token} > ${range.start}`);
  if (range.end !== null) bounds.push(`${token} <= ${range.end}`);
  const where = bounds.length === 0 ? "" : ` WHERE ${bounds.join(" AND ")}`;
  return `SELECT ${token}, ${selected} FROM ${quoteIdentifier(table.name)}${where}`;
}
