/**
 * Formats the `Profile(s)` section of the settings dump of `stress user`, as cassandra-stress
 * (ScyllaDB's fork, whose dump `formatSettingsDump` follows) prints it.
 *
 * @module
 */

import { javaDistributionText } from "../report/java_distribution_text.ts";
import { javaHashMapOrder } from "./_java_text.ts";
import type { ProfileColumnSpec, StressProfile } from "./stress_profile.ts";

function generatorConfig(spec: ProfileColumnSpec): string {
  let text = "";
  if (spec.cluster !== null) text += `Clustering: ${javaDistributionText(spec.cluster)};`;
  if (spec.size !== null) text += `Size: ${javaDistributionText(spec.size)};`;
  if (spec.population !== null) text += `Identity: ${javaDistributionText(spec.population)};`;
  return text;
}

function profileLines(profile: StressProfile): string {
  let text = `  Keyspace Name: ${profile.keyspace}\n`;
  text += `  Keyspace CQL: \n***\n${profile.keyspaceDefinition ?? "null"}***\n\n`;
  text += `  Table Name: ${profile.table}\n`;
  text += `  Table CQL: \n***\n${profile.tableDefinition ?? "null"}***\n\n`;
  const extra = profile.extraDefinitions;
  text += `  Extra Schema Definitions: ${extra === null ? "null" : `[${extra.join(", ")}]`}\n`;
  text += "  Generator Configs:\n";
  const specs = new Map<string, ProfileColumnSpec>();
  for (const spec of profile.columnSpecs) specs.set(spec.name, spec);
  for (const name of javaHashMapOrder(profile.columnSpecs.map((spec) => spec.name))) {
    text += `    ${name}: ${generatorConfig(specs.get(name)!)}\n`;
  }
  text += "  Query Definitions:\n";
  for (const query of profile.queries) {
    text += `    ${query.name}: CQL:${query.cql};Fields:${query.fieldsGiven ?? "null"};`;
    if (query.consistencyLevel !== null) text += `consistencyLevel:${query.consistencyLevel};`;
    if (query.serialConsistencyLevel !== null) {
      text += `serialConsistencyLevel:${query.serialConsistencyLevel};`;
    }
    text += "\n";
  }
  text += "  Token Range Queries:\n";
  for (const range of profile.tokenRangeQueries) {
    text += `    ${range.name}: Columns:${range.columns};\n`;
  }
  if (profile.insert.given !== null) {
    text += "  Insert Settings:\n";
    for (const [key, value] of profile.insert.given) text += `    ${key}: ${value}\n`;
  }
  return text;
}

/**
 * The `Profile(s)` section of the settings dump: a blank line, the fork's two header lines, then
 * per profile its keyspace and table (name and CQL, `null` when not given), extra definitions,
 * generator configs (in Java `HashMap` order, as the fork prints them), queries, token range
 * queries and, when the profile has an `insert` section, its settings as written. It goes after
 * the dump's `TokenRange:` lines, before the dump's closing blank line. The fork ends each
 * profile with a `Generating batches with ...` line, which needs the table's clustering columns
 * and the `-insert` options: `formatBatchShapeLine` (`batch_shape.ts`) makes it.
 *
 * @param profiles The loaded profiles, in `profile=` order.
 * @returns The section, each line ending with `\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProfileBlock } from "./format_profile_block.ts";
 * import { parseProfile } from "./parse_profile.ts";
 * const profile = parseProfile(
 *   "keyspace: ks\ntable: t\ncolumnspec:\n  - {name: v, size: fixed(10)}\n" +
 *     "queries:\n  q: {cql: SELECT * FROM t WHERE k = ?}\n",
 *   "t.yaml",
 * );
 * const block = formatProfileBlock([profile]);
 * assert.ok(block.startsWith("\n******************** Profile ********************\n"));
 * assert.ok(block.includes("  Keyspace CQL: \n***\nnull***\n\n"));
 * assert.ok(block.includes("    v: Size: Fixed:  key=10;\n"));
 * assert.ok(block.includes("    q: CQL:SELECT * FROM t WHERE k = ?;Fields:null;\n"));
 * ```
 */
export function formatProfileBlock(profiles: readonly StressProfile[]): string {
  let text = "\n******************** Profile ********************\n" +
    "******************** Profile(s) ********************\n";
  for (const profile of profiles) text += profileLines(profile);
  return text;
}
