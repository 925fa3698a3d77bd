// The size Cassandra gives a BATCH over several partitions (the data size of its mutations), and
// its warning past batch_size_warn_threshold (5 KiB) and its refusal past batch_size_fail_threshold
// (50 KiB), `Batch too large`. The sizes follow Cassandra 5.0.6's accounting, measured on a real node: 29 bytes a
// partition, 21 a row plus its clustering values, 20 a cell plus its value, and for a non-frozen
// collection 12 plus each element's cell (a list element's path is a 16-byte timeuuid).
import { CqlError } from "../protocol/cql_error.ts";
import type { ExecContext } from "./_bind.ts";
import { COMPLEX_BYTES, isMultiCell } from "./_cell_size.ts";
import type { WritePlan } from "./_write_plan.ts";
import { keyOf } from "./table_store.ts";

/** One write of a batch, its bound values, and the cells it writes with their sizes. */
export interface SizedWrite {
  readonly plan: WritePlan;
  readonly ctx: ExecContext;
  /** `plan.cellSizes(ctx)`, once for the batch's size and its one-timestamp rule. */
  readonly sizes: [number, number][];
}

const PARTITION_BYTES = 29;
const ROW_BYTES = 21;
const WARN_BYTES = 5 * 1024;
const FAIL_BYTES = 50 * 1024;

/**
 * Checks a batch's size as Cassandra does when it spans several partitions.
 *
 * @param runs The statements with their execution contexts.
 * @returns The warning to send, if any.
 */
export function batchSizeWarnings(runs: readonly SizedWrite[]): string[] {
  if (runs.length < 2) return [];
  const partitions = new Set<string>();
  // Per row, each cell's size: a cell written twice counts once (the writes merge), the elements
  // of a collection written twice add up.
  const rows = new Map<string, Map<number, number>>();
  const tables = new Set<string>();
  let size = 0;
  for (const { plan, ctx, sizes } of runs) {
    const table = plan.table;
    for (const { pk, ck } of plan.targets(ctx)) {
      const partition = `${table.keyspace}\u0000${keyOf(pk)}`;
      if (!partitions.has(partition)) {
        partitions.add(partition);
        size += PARTITION_BYTES;
      }
      const clustering = ck ?? [];
      const rowKey = `${partition}\u0000${table.name}\u0000${clustering.map(keyOf).join("\u0000")}`;
      let cells = rows.get(rowKey);
      if (cells === undefined) {
        rows.set(rowKey, cells = new Map());
        for (const value of clustering) size += value.length;
        size += ROW_BYTES;
      }
      for (const [cell, bytes] of sizes) {
        const before = cells.get(cell);
        const multiCell = isMultiCell(table.cells[cell].type);
        const next = before === undefined
          ? bytes
          : multiCell
          ? before + bytes - COMPLEX_BYTES
          : bytes;
        size += next - (before ?? 0);
        cells.set(cell, next);
      }
    }
    tables.add(`${table.keyspace}.${table.name}`);
  }
  if (partitions.size < 2 || size <= WARN_BYTES) return [];
  // Cassandra 5.0.6 refuses a batch past FAIL_BYTES with 'Batch too large'.
  if (size > FAIL_BYTES) throw CqlError.invalid("Batch too large");
  return [
    `Batch for [${
      [...tables].join(", ")
    }] is of size ${size}, exceeding specified threshold of ${WARN_BYTES} by ${size - WARN_BYTES}.`,
  ];
}
