// Private helper: reads the `queries` and `token_range_queries` sections of a profile.
import type { ProfileYaml, YamlEntry } from "./_profile_yaml.ts";
import type { ProfileQuery, ProfileTokenRangeQuery } from "./stress_profile.ts";
import { CONSISTENCY_LEVELS } from "../options/stress_settings.ts";

const QUERY_KEYS = ["cql", "fields", "consistencyLevel", "serialConsistencyLevel"];
const RANGE_KEYS = ["columns", "page_size"];

function checkKeys(
  yaml: ProfileYaml,
  path: string,
  entries: readonly YamlEntry[],
  known: readonly string[],
): Map<string, YamlEntry> {
  for (const entry of entries) {
    if (!known.includes(entry.key)) {
      yaml.fail(
        `${path}.${entry.key}`,
        entry.line,
        `unknown key, expected one of ${known.join(", ")}`,
      );
    }
  }
  return new Map(entries.map((entry) => [entry.key, entry]));
}

function readQuery(yaml: ProfileYaml, entry: YamlEntry): ProfileQuery {
  const path = `queries.${entry.key}`;
  if (yaml.isText(entry.value)) {
    // The form before CASSANDRA-7519: the value is the CQL itself.
    const cql = yaml.text(entry.value, path, entry.line)!;
    return {
      name: entry.key,
      cql,
      fields: "multirow",
      fieldsGiven: null,
      consistencyLevel: null,
      serialConsistencyLevel: null,
    };
  }
  const keys = checkKeys(yaml, path, yaml.entries(entry.value, path, entry.line), QUERY_KEYS);
  const text = (key: string): string | null => {
    const found = keys.get(key);
    return found === undefined ? null : yaml.text(found.value, `${path}.${key}`, found.line);
  };
  const cql = text("cql");
  if (cql === null || cql.trim().length === 0) {
    yaml.fail(path, entry.line, `query "${entry.key}" has no cql, expected cql: SELECT ...`);
  }
  const fieldsGiven = text("fields");
  const fields = fieldsGiven?.toLowerCase() ?? "multirow";
  if (fields !== "samerow" && fields !== "multirow") {
    yaml.fail(
      `${path}.fields`,
      keys.get("fields")!.line,
      `"${fieldsGiven}" is not a field selection, expected samerow or multirow`,
    );
  }
  const level = (key: string, allowed: readonly string[]): string | null => {
    const given = text(key);
    if (given === null || allowed.includes(given.toUpperCase())) return given;
    return yaml.fail(
      `${path}.${key}`,
      keys.get(key)!.line,
      `"${given}" is not a consistency level, expected one of ${allowed.join(", ")}`,
    );
  };
  return {
    name: entry.key,
    cql,
    fields,
    fieldsGiven,
    consistencyLevel: level("consistencyLevel", CONSISTENCY_LEVELS),
    serialConsistencyLevel: level("serialConsistencyLevel", ["SERIAL", "LOCAL_SERIAL"]),
  };
}

/** Reads `queries:` (required, may be `{}`); values are `{cql, fields}` or plain CQL. */
export function readQueries(yaml: ProfileYaml, section: YamlEntry | undefined): ProfileQuery[] {
  if (section === undefined || yaml.isEmpty(section.value)) {
    return yaml.fail("queries", section?.line ?? null, "queries map is required in yaml file");
  }
  return yaml.entries(section.value, "queries", section.line).map((entry) =>
    readQuery(yaml, entry)
  );
}

function readRange(yaml: ProfileYaml, entry: YamlEntry): ProfileTokenRangeQuery {
  const path = `token_range_queries.${entry.key}`;
  const keys = checkKeys(yaml, path, yaml.entries(entry.value, path, entry.line), RANGE_KEYS);
  const columnsEntry = keys.get("columns");
  const columns = columnsEntry === undefined
    ? null
    : yaml.text(columnsEntry.value, `${path}.columns`, columnsEntry.line);
  if (columns === null || columns.trim().length === 0) {
    yaml.fail(
      path,
      entry.line,
      `token range query "${entry.key}" has no columns, expected columns: "*" or a column list`,
    );
  }
  const pageEntry = keys.get("page_size");
  const pageText = pageEntry === undefined
    ? null
    : yaml.text(pageEntry.value, `${path}.page_size`, pageEntry.line);
  if (pageText !== null && !/^[1-9]\d{0,8}$/.test(pageText)) {
    yaml.fail(
      `${path}.page_size`,
      pageEntry!.line,
      `"${pageText}" is invalid, expected a whole number of rows above 0`,
    );
  }
  return { name: entry.key, columns, pageSize: pageText === null ? 5000 : Number(pageText) };
}

/** Reads `token_range_queries:` (optional). */
export function readTokenRangeQueries(
  yaml: ProfileYaml,
  section: YamlEntry | undefined,
): ProfileTokenRangeQuery[] {
  if (section === undefined || yaml.isEmpty(section.value)) return [];
  return yaml.entries(section.value, "token_range_queries", section.line).map((entry) =>
    readRange(yaml, entry)
  );
}
