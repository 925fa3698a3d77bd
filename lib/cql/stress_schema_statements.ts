/**
 * The DDL of cassandra-stress's predefined commands (reference section 1.9): the keyspace with
 * its `-schema` replication, and the `standard1` and `counter1` tables with its compression
 * and compaction. Pure: the control connection runs them.
 *
 * @module
 */

import type { SchemaSettings } from "./options/stress_settings.ts";
import { quoteIdentifier } from "./stress_statements.ts";

/**
 * The statements that create the stress schema, in the order they run. As cassandra-stress,
 * a replication map left empty (a strategy other than the default, without `factor=` or other
 * keys) gets `'replication_factor': '1'`, which SimpleStrategy requires.
 *
 * @param schema The `-schema` settings.
 * @param columnNames The `-col` column names, in their (bytewise) order.
 * @returns `CREATE KEYSPACE`, then `CREATE TABLE` for `standard1` and `counter1`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { stressSchemaStatements } from "./stress_schema_statements.ts";
 * const [keyspace] = stressSchemaStatements({
 *   keyspace: "ks",
 *   replicationStrategy: "org.apache.cassandra.locator.SimpleStrategy",
 *   replicationOptions: {},
 *   compression: null,
 *   compactionStrategy: null,
 *   compactionOptions: {},
 * }, ["C0"]);
 * assert.equal(
 *   keyspace,
 *   `CREATE KEYSPACE IF NOT EXISTS "ks" WITH replication = {'class': ` +
 *     `'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'} AND ` +
 *     "durable_writes = true;",
 * );
 * ```
 */
export function stressSchemaStatements(
  schema: SchemaSettings,
  columnNames: readonly string[],
): string[] {
  const keyspace = quoteIdentifier(schema.keyspace);
  const options = Object.entries(schema.replicationOptions);
  const replication = [
    `'class': '${schema.replicationStrategy}'`,
    ...(options.length === 0
      ? ["'replication_factor': '1'"]
      : options.map(([k, v]) => `'${k}' : '${v}'`)),
  ].join(", ");
  let tableOptions = `compression = ${
    schema.compression === null ? "{}" : `{'class' : '${schema.compression}'}`
  }`;
  if (schema.compactionStrategy !== null) {
    const extra = Object.entries(schema.compactionOptions).map(([k, v]) => `, '${k}' : '${v}'`);
    tableOptions += ` AND compaction = { 'class' : '${schema.compactionStrategy}'${
      extra.join("")
    }}`;
  }
  const cols = columnNames.map(quoteIdentifier);
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {${replication}} AND durable_writes = true;`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.standard1 (key blob PRIMARY KEY \n${
      cols.map((c) => `, ${c} blob`).join("\n")
    }) WITH ${tableOptions};`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.counter1 (key blob PRIMARY KEY,\n${
      cols.map((c) => `, ${c} counter`).join("\n")
    }) WITH ${tableOptions};`,
  ];
}
