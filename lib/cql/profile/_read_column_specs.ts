// Private helper: reads the `columnspec` list of a profile.
import type { Node } from "yaml";
import { parseDistribution } from "../../units/parse_distribution.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";
import type { ProfileYaml, YamlEntry } from "./_profile_yaml.ts";
import type { ProfileColumnSpec } from "./stress_profile.ts";
import type { TableColumns } from "./table_columns.ts";

const DISTRIBUTION_KEYS = ["population", "size", "cluster"] as const;

function checkColumn(
  yaml: ProfileYaml,
  path: string,
  line: number | null,
  name: string,
  table: TableColumns,
): void {
  const names = table.columns.map((column) => column.name);
  if (names.includes(name)) return;
  const sameButCase = names.find((column) => column.toLowerCase() === name.toLowerCase());
  const hint = sameButCase === undefined
    ? `expected one of ${names.join(", ")}`
    : `expected "${sameButCase}" (names are case-sensitive; unquoted CQL names are lower case)`;
  yaml.fail(path, line, `column "${name}" is not a column of table "${table.table}", ${hint}`);
}

function readSpec(
  yaml: ProfileYaml,
  node: Node,
  path: string,
  table: TableColumns | null,
): ProfileColumnSpec {
  const line = yaml.line(node);
  const entries = yaml.entries(node, path, line);
  const known = new Map<string, YamlEntry>();
  const unknown: string[] = [];
  for (const entry of entries) {
    if (entry.key === "name" || (DISTRIBUTION_KEYS as readonly string[]).includes(entry.key)) {
      known.set(entry.key, entry);
    } else {
      unknown.push(`${entry.key}=${yaml.javaText(entry.value)}`);
    }
  }
  const distributions: Record<string, DistributionSpec | null> = {};
  for (const key of DISTRIBUTION_KEYS) {
    const entry = known.get(key);
    const text = entry === undefined ? null : yaml.text(entry.value, `${path}.${key}`, entry.line);
    distributions[key] = text === null
      ? null
      : yaml.parse(`${path}.${key}`, entry!.line, (option) => parseDistribution(text, option));
  }
  if (unknown.length > 0) {
    yaml.fail(path, line, `Unrecognised option(s) in column spec: {${unknown.join(", ")}}`);
  }
  const nameEntry = known.get("name");
  const name = nameEntry === undefined
    ? null
    : yaml.text(nameEntry.value, `${path}.name`, nameEntry.line);
  if (name === null) return yaml.fail(path, line, "Missing name argument in column spec");
  if (table !== null) checkColumn(yaml, `${path}.name`, nameEntry!.line, name, table);
  return {
    name,
    size: distributions.size,
    population: distributions.population,
    cluster: distributions.cluster,
  };
}

/** Reads `columnspec:`; with the table's columns, a spec naming no column is refused. */
export function readColumnSpecs(
  yaml: ProfileYaml,
  entry: YamlEntry | undefined,
  table: TableColumns | null,
): ProfileColumnSpec[] {
  if (entry === undefined || yaml.isEmpty(entry.value)) return [];
  return yaml.items(entry.value, "columnspec", entry.line).map((node, i) =>
    readSpec(yaml, node, `columnspec[${i}]`, table)
  );
}
