// What Cassandra says of an UNLOGGED batch over many partitions, and a BATCH with conditions, as
// Cassandra runs it: every statement on one partition of one table,
// all conditions tested on the rows as they are before the batch, and every statement applied
// only when all hold. A batch not applied shows the rows its conditions read.
import { CqlError } from "../protocol/cql_error.ts";
import type { ColumnSchema } from "./schema.ts";
import type { ExecContext } from "./_bind.ts";
import type { WriteOutcome, WritePlan } from "./_write_plan.ts";
import type { ExecResult } from "./prepared_statement.ts";
import { keyOf } from "./table_store.ts";

/** Cassandra's unlogged_batch_across_partitions_warn_threshold default. */
const UNLOGGED_PARTITIONS_WARN = 10;

/**
 * The void result of an applied batch: the size warning Cassandra gave, then, for a batch that
 * is not LOGGED, its warning when it writes more than ten partitions.
 *
 * @param type The batch's type.
 * @param runs The batch's statements with their execution contexts.
 * @param sizeWarnings The batch size warning, if any.
 * @returns The result.
 */
export function batchResult(
  type: "logged" | "unlogged" | "counter",
  runs: { plan: WritePlan; ctx: ExecContext }[],
  sizeWarnings: string[],
): ExecResult {
  const warnings = [...sizeWarnings];
  // Counter batches are not logged either.
  if (type !== "logged" && runs.length > UNLOGGED_PARTITIONS_WARN) {
    warnings.push(...unloggedWarnings(runs));
  }
  return warnings.length > 0 ? { kind: "void", warnings } : { kind: "void" };
}

function unloggedWarnings(runs: { plan: WritePlan; ctx: ExecContext }[]): string[] {
  const keys = new Set<string>();
  const tables = new Set<string>();
  for (const { plan, ctx } of runs) {
    tables.add(`${plan.table.keyspace}.${plan.table.name}`);
    for (const { pk } of plan.targets(ctx)) keys.add(keyOf(pk));
  }
  if (keys.size <= UNLOGGED_PARTITIONS_WARN) return [];
  return [
    `Unlogged batch covering ${keys.size} partitions detected against table${
      tables.size === 1 ? "" : "s"
    } [${[...tables].join(", ")}]. ` +
    "You should use a logged batch for atomicity, or asynchronous writes for performance.",
  ];
}
import { shownValues, type WriteCondition } from "./_write_conditions.ts";

function samePk(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The columns a batch not applied shows: every column, or the key and the conditions'. */
function shownColumns(plans: WritePlan[]): ColumnSchema[] {
  const table = plans[0].table;
  if (plans.some((p) => p.condition?.wildcard)) return table.columns;
  const columns = new Set<ColumnSchema>([...table.partitionKey, ...table.clustering]);
  for (const plan of plans) for (const col of plan.condition?.columns ?? []) columns.add(col);
  return [...columns];
}

/** A clustering key as a map key; the static row is `"static"`. */
function rowKeyOf(ck: Uint8Array[] | null): string {
  return ck === null ? "static" : ck.map((v) => [...v].join(",")).join("|") + "|";
}

/**
 * Adds a statement's condition to the kinds of condition on each row of the batch, refusing a
 * mix on one row with Cassandra 5.0.6's messages (its wording for IF EXISTS after column
 * conditions included).
 */
function addConditionKinds(
  kinds: Map<string, WriteCondition["kind"]>,
  condition: WriteCondition,
  ck: Uint8Array[] | null,
): void {
  const add = (key: string, kind: WriteCondition["kind"]) => {
    const previous = kinds.get(key);
    if (previous === undefined) kinds.set(key, kind);
    else if (previous !== kind) {
      throw CqlError.invalid(
        kind === "columns"
          ? "Cannot mix IF conditions and IF NOT EXISTS for the same row"
          : previous === "columns"
          ? `Cannot mix IF conditions and IF ${
            kind === "notExists" ? "NOT " : ""
          }EXISTS for the same row`
          : "Cannot mix IF EXISTS and IF NOT EXISTS conditions for the same row",
      );
    }
  };
  if (condition.kind !== "columns") return add(rowKeyOf(ck), condition.kind);
  if (condition.onRow) add(rowKeyOf(ck), "columns");
  if (condition.onStatic) add(rowKeyOf(null), "columns");
}

/**
 * Runs a batch of which at least one statement has a condition.
 *
 * @param items The statements' plans with their execution contexts.
 * @returns The outcome (`[applied]`, and the rows read when not applied).
 * @throws {CqlError} When the statements span several partitions or tables.
 */
export function applyConditionalBatch(
  items: { plan: WritePlan; ctx: ExecContext }[],
): WriteOutcome {
  const table = items[0].plan.table;
  let pk: Uint8Array | null = null;
  const kinds = new Map<string, WriteCondition["kind"]>();
  for (const { plan, ctx } of items) {
    if (plan.table !== table) {
      throw CqlError.invalid("Batch with conditions cannot span multiple tables");
    }
    for (const target of plan.targets(ctx)) {
      if (pk === null) pk = target.pk;
      else if (!samePk(pk, target.pk)) {
        throw CqlError.invalid("Batch with conditions cannot span multiple partitions");
      }
      if (plan.condition !== null) addConditionKinds(kinds, plan.condition, target.ck);
    }
  }
  const columns = shownColumns(items.map((i) => i.plan));
  let applied = true;
  const seen = new Map<string, { ck: Uint8Array[] | null; values: (Uint8Array | null)[] }>();
  for (const { plan, ctx } of items) {
    if (plan.condition === null) continue;
    for (const { pk, ck } of plan.targets(ctx)) {
      const tested = plan.condition.test(pk, ck, ctx);
      if (!tested.applied) applied = false;
      const values = shownValues(table, columns, tested);
      const key = ck === null ? "" : ck.map((v) => [...v].join(",")).join("|") + "|";
      if (values !== null && !seen.has(key)) seen.set(key, { ck, values });
    }
  }
  if (applied) {
    for (const { plan, ctx } of items) plan.write(ctx);
    return { applied, columns, rows: [] };
  }
  // In clustering order, the static row first.
  const rows = [...seen.values()].sort((a, b) =>
    a.ck === null || b.ck === null
      ? (a.ck === null ? -1 : 1)
      : table.store.compareClustering(a.ck, b.ck)
  );
  return { applied, columns, rows: rows.map((r) => r.values) };
}
