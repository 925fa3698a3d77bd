// Private helper: which CQL column types the profile data generators cover.
import type { CqlColumnType, TableColumn, TableColumns } from "./table_columns.ts";

/** The simple types a value generator exists for. */
export const GENERATED_SIMPLE_TYPES: readonly string[] = [
  "text",
  "varchar",
  "ascii",
  "blob",
  "int",
  "bigint",
  "counter",
  "smallint",
  "tinyint",
  "varint",
  "decimal",
  "float",
  "double",
  "boolean",
  "inet",
  "uuid",
  "timeuuid",
  "timestamp",
  "date",
  "time",
];

/** What the error says is covered. */
export const GENERATED_TYPES_TEXT = `${
  GENERATED_SIMPLE_TYPES.join(", ")
}, and set<T>, list<T> of those (no map: cassandra-stress has no generator for it)`;

function isSimple(type: CqlColumnType): boolean {
  return type.args.length === 0 && !type.frozen && GENERATED_SIMPLE_TYPES.includes(type.name);
}

/** Whether values of this type can be generated. */
export function isGeneratedType(type: CqlColumnType): boolean {
  if (isSimple(type)) return true;
  const elements = type.args.every((arg) => isSimple(arg) && arg.name !== "counter");
  if (type.name === "set" || type.name === "list") return type.args.length === 1 && elements;
  return false;
}

/** The first column whose type cannot be generated (with `keysOnly`, key column), or null. */
export function ungeneratedColumn(
  table: TableColumns,
  options: { keysOnly?: boolean } = {},
): TableColumn | null {
  const isKey = (name: string) =>
    table.partitionKey.includes(name) || table.clustering.some((c) => c.name === name);
  return table.columns.find((column) =>
    !isGeneratedType(column.type) && (!options.keysOnly || isKey(column.name))
  ) ?? null;
}
