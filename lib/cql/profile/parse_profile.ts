/**
 * Reads a cassandra-stress YAML profile (`stress user profile=FILE`) into a
 * {@linkcode StressProfile}, with cassandra-stress's checks and messages.
 *
 * @module
 */

import { isMap } from "yaml";
import { UsageError } from "../../errors.ts";
import { GENERATED_TYPES_TEXT, ungeneratedColumn } from "./_generated_types.ts";
import { ProfileYaml, type YamlEntry } from "./_profile_yaml.ts";
import { readColumnSpecs } from "./_read_column_specs.ts";
import { readCreateKeyspaceName, readCreateTable } from "./_read_create_table.ts";
import { readInsert } from "./_read_insert.ts";
import { readQueries, readTokenRangeQueries } from "./_read_queries.ts";
import type { StressProfile } from "./stress_profile.ts";
import type { TableColumns } from "./table_columns.ts";

const TOP_KEYS = [
  "specname",
  "keyspace",
  "keyspace_definition",
  "table",
  "table_definition",
  "extra_definitions",
  "columnspec",
  "insert",
  "queries",
  "token_range_queries",
];

function topEntries(yaml: ProfileYaml): Map<string, YamlEntry> {
  const prefix = `Cannot load profile "${yaml.fileName}"`;
  if (yaml.isEmpty(yaml.root)) {
    throw new UsageError(`${prefix}: it is empty, expected keyspace, table and queries`);
  }
  if (!isMap(yaml.root)) {
    throw new UsageError(
      `${prefix}: expected a mapping of keys such as keyspace, table and queries at the top`,
    );
  }
  const entries = yaml.entries(yaml.root, "", null);
  for (const entry of entries) {
    if (!TOP_KEYS.includes(entry.key)) {
      yaml.fail(entry.key, entry.line, `unknown key, expected one of ${TOP_KEYS.join(", ")}`);
    }
  }
  return new Map(entries.map((entry) => [entry.key, entry]));
}

function textOf(yaml: ProfileYaml, entry: YamlEntry | undefined): string | null {
  if (entry === undefined) return null;
  const text = yaml.text(entry.value, entry.key, entry.line);
  return text === null || text.trim().length === 0 ? null : text;
}

/** Reads a definition's name with `read`, and checks it against the property (any case). */
function checkDefinedName(
  yaml: ProfileYaml,
  entry: YamlEntry,
  what: "keyspace" | "table",
  expected: string,
  name: () => string,
): void {
  let found: string;
  try {
    found = name();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const detail = `There was a problem parsing the ${what} cql: ${error.message}`;
    return yaml.fail(entry.key, entry.line, detail, error);
  }
  if (found.toLowerCase() !== expected.toLowerCase()) {
    yaml.fail(
      entry.key,
      entry.line,
      `Name in ${what}_definition doesn't match ${what} property: '${found}' != '${expected}'`,
    );
  }
}

function readTable(
  yaml: ProfileYaml,
  entry: YamlEntry | undefined,
  definition: string | null,
  table: string,
  options: ParseProfileOptions,
): TableColumns | null {
  if (entry === undefined || definition === null) return null;
  let columns: TableColumns | null = null;
  checkDefinedName(yaml, entry, "table", table, () => {
    columns = readCreateTable(definition);
    return columns.table;
  });
  const ungenerated = ungeneratedColumn(columns!, { keysOnly: options.skipUnsupportedColumns });
  if (ungenerated !== null) {
    yaml.fail(
      entry.key,
      entry.line,
      `column "${ungenerated.name}" has type "${ungenerated.type.text}", which stress cannot ` +
        `generate values for, expected ${GENERATED_TYPES_TEXT}`,
    );
  }
  return columns;
}

function readExtraDefinitions(yaml: ProfileYaml, entry: YamlEntry | undefined): string[] | null {
  if (entry === undefined || yaml.isEmpty(entry.value)) return null;
  return yaml.items(entry.value, entry.key, entry.line).map((node, i) =>
    yaml.text(node, `${entry.key}[${i}]`, yaml.line(node)) ?? ""
  );
}

/** Options of {@linkcode parseProfile}. */
export interface ParseProfileOptions {
  /** `-errors skip-unsupported-columns`: refuse only key columns that cannot be generated. */
  readonly skipUnsupportedColumns?: boolean;
}

/**
 * Parses the text of a cassandra-stress YAML profile and checks it as cassandra-stress does
 * (with `java -ea`): `keyspace`, `table` and `queries` are required, the names in
 * `keyspace_definition` and `table_definition` must match them (any case), unknown keys fail,
 * and so on. It also checks, before anything is sent, what cassandra-stress finds only while
 * running: the `insert` section, `fields`, a `columnspec` naming no column of
 * `table_definition`, and column types the data generators do not cover.
 *
 * @param text The YAML text.
 * @param fileName The file name, for messages and the settings dump.
 * @param options `skipUnsupportedColumns` (`-errors skip-unsupported-columns`): only a key column
 *   whose values cannot be generated is refused; the run leaves the others out.
 * @returns The profile.
 * @throws {UsageError} One per file, naming the file and the key (and the line):
 *   `Cannot load profile "app.yaml": key "keyspace": keyspace name is required in yaml file`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseProfile } from "./parse_profile.ts";
 * const profile = parseProfile(
 *   [
 *     "keyspace: ks",
 *     "table: users",
 *     "table_definition: CREATE TABLE users (id uuid PRIMARY KEY, name text)",
 *     "columnspec:",
 *     "  - name: name",
 *     "    size: uniform(5..10)",
 *     "queries:",
 *     "  byid: {cql: SELECT * FROM users WHERE id = ?, fields: samerow}",
 *   ].join("\n"),
 *   "users.yaml",
 * );
 * assert.equal(profile.specName, "ks.users");
 * assert.equal(profile.columnSpecs[0].size?.kind, "uniform");
 * assert.equal(profile.queries[0].fields, "samerow");
 * assert.throws(
 *   () => parseProfile("table: t\nqueries: {}", "bad.yaml"),
 *   { message: 'Cannot load profile "bad.yaml": key "keyspace": keyspace name is required in yaml file' },
 * );
 * ```
 */
export function parseProfile(
  text: string,
  fileName: string,
  options: ParseProfileOptions = {},
): StressProfile {
  const yaml: ProfileYaml = new ProfileYaml(text, fileName);
  const top = topEntries(yaml);
  const keyspace = textOf(yaml, top.get("keyspace"));
  if (keyspace === null) yaml.fail("keyspace", null, "keyspace name is required in yaml file");
  const table = textOf(yaml, top.get("table"));
  if (table === null) yaml.fail("table", null, "table name is required in yaml file");
  const queries = readQueries(yaml, top.get("queries"));
  const tokenRangeQueries = readTokenRangeQueries(yaml, top.get("token_range_queries"));
  for (const query of queries) {
    if (tokenRangeQueries.some((range) => range.name === query.name)) {
      yaml.fail(
        `queries.${query.name}`,
        null,
        `Found ${query.name} in both queries and token_range_queries, please use different names`,
      );
    }
  }
  const keyspaceDefinition = textOf(yaml, top.get("keyspace_definition"));
  if (keyspaceDefinition !== null) {
    checkDefinedName(
      yaml,
      top.get("keyspace_definition")!,
      "keyspace",
      keyspace,
      () => readCreateKeyspaceName(keyspaceDefinition),
    );
  }
  const tableDefinition = textOf(yaml, top.get("table_definition"));
  const tableColumns = readTable(
    yaml,
    top.get("table_definition"),
    tableDefinition,
    table,
    options,
  );
  const extraDefinitions = readExtraDefinitions(yaml, top.get("extra_definitions"));
  const columnSpecs = readColumnSpecs(yaml, top.get("columnspec"), tableColumns);
  const insert = readInsert(yaml, top.get("insert"));
  return {
    fileName,
    specName: textOf(yaml, top.get("specname")) ?? `${keyspace}.${table}`,
    keyspace,
    keyspaceDefinition,
    table,
    tableDefinition,
    tableColumns,
    extraDefinitions,
    columnSpecs,
    insert,
    queries,
    tokenRangeQueries,
  };
}
