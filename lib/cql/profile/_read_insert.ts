// Private helper: reads the `insert` section of a profile.
import { parseDistribution, parseRatioDistribution } from "../../units/parse_distribution.ts";
import type { ProfileYaml, YamlEntry } from "./_profile_yaml.ts";
import type { ProfileInsert } from "./stress_profile.ts";
import { CONSISTENCY_LEVELS } from "../options/stress_settings.ts";

const KNOWN = [
  "partitions",
  "select",
  "row-population",
  "batchtype",
  "condition",
  "consistencyLevel",
  "serialConsistencyLevel",
];
const BATCH_TYPES = ["LOGGED", "UNLOGGED", "COUNTER"] as const;

const ABSENT: ProfileInsert = {
  partitions: null,
  select: null,
  batchType: null,
  rowPopulation: null,
  condition: null,
  consistencyLevel: null,
  serialConsistencyLevel: null,
  given: null,
};

/** Reads `insert:`; keys are exact-case, a blank distribution value means the default. */
export function readInsert(yaml: ProfileYaml, section: YamlEntry | undefined): ProfileInsert {
  if (section === undefined || yaml.isEmpty(section.value)) return ABSENT;
  const entries = yaml.entries(section.value, "insert", section.line);
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const textOf = (key: string): { text: string; line: number } | null => {
    const entry = byKey.get(key);
    if (entry === undefined) return null;
    const text = yaml.text(entry.value, `insert.${key}`, entry.line);
    return text === null ? null : { text, line: entry.line };
  };
  const distribution = <T>(key: string, parse: (text: string, option: string) => T): T | null => {
    const value = textOf(key);
    if (value === null || value.text.trim().length === 0) return null;
    return yaml.parse(`insert.${key}`, value.line, (option) => parse(value.text, option));
  };
  // The fork (3.19) reads these keys exact-case and upper-cases the value; blank is the default.
  const level = (key: string, allowed: readonly string[]): string | null => {
    const value = textOf(key);
    if (value === null || value.text.trim().length === 0) return null;
    const upper = value.text.toUpperCase();
    if (allowed.includes(upper)) return upper;
    return yaml.fail(
      `insert.${key}`,
      value.line,
      `"${value.text}" is not a consistency level, expected one of ${allowed.join(", ")}`,
    );
  };
  const partitions = distribution("partitions", parseDistribution);
  const select = distribution("select", parseRatioDistribution);
  const rowPopulation = distribution("row-population", parseRatioDistribution);
  let batchType: ProfileInsert["batchType"] = null;
  if (byKey.has("batchtype")) {
    const value = textOf("batchtype");
    batchType = BATCH_TYPES.find((type) => type === value?.text) ?? null;
    if (batchType === null) {
      yaml.fail(
        "insert.batchtype",
        byKey.get("batchtype")!.line,
        `"${value?.text ?? ""}" is not a batch type, expected LOGGED, UNLOGGED or COUNTER ` +
          "(upper case, as cassandra-stress reads it)",
      );
    }
  }
  const unknown = entries.filter((entry) => !KNOWN.includes(entry.key));
  if (unknown.length > 0) {
    const listed = unknown.map((entry) => `${entry.key}=${yaml.javaText(entry.value)}`);
    yaml.fail("insert", unknown[0].line, `Unrecognised insert option(s): {${listed.join(", ")}}`);
  }
  return {
    partitions,
    select,
    batchType,
    rowPopulation,
    condition: textOf("condition")?.text ?? null,
    consistencyLevel: level("consistencyLevel", CONSISTENCY_LEVELS),
    serialConsistencyLevel: level("serialConsistencyLevel", ["SERIAL", "LOCAL_SERIAL"]),
    given: entries.map((entry) => [entry.key, yaml.javaText(entry.value)] as const),
  };
}
