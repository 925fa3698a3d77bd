// Partition key serialization (composite keys as Cassandra's CompositeType) and row assembly.
import type { RowCells } from "./row_slab.ts";
import type { TableSchema } from "./schema.ts";
import type { Partition, TableStore } from "./table_store.ts";
import type { ExecContext } from "./_bind.ts";
import type { KeyPlan } from "./_restrictions.ts";
import { encodePartitionKey } from "./_partition_key.ts";

export { encodePartitionKey };

/** The inverse of {@linkcode encodePartitionKey}. */
export function decodePartitionKey(bytes: Uint8Array, count: number): Uint8Array[] {
  if (count === 1) return [bytes];
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const length = (bytes[at] << 8) | bytes[at + 1];
    out.push(bytes.subarray(at + 2, at + 2 + length));
    at += 3 + length;
  }
  return out;
}

/** All combinations of per-column value lists, in order. */
export function cartesian(lists: Uint8Array[][]): Uint8Array[][] {
  let out: Uint8Array[][] = [[]];
  for (const list of lists) {
    const next: Uint8Array[][] = [];
    for (const prefix of out) for (const value of list) next.push([...prefix, value]);
    out = next;
  }
  return out;
}

/** One row as a SELECT sees it. */
export interface RowRef {
  partitionKey: Uint8Array[];
  clustering: Uint8Array[];
  row: RowCells;
}

/** The partition keys a key plan addresses, serialized. */
export function partitionKeys(plan: KeyPlan, ctx: ExecContext): Uint8Array[][] {
  return cartesian(plan.partition!.map((fn) => fn(ctx)));
}

/** Merges the static row into a clustered row's cells. */
export function withStatic(
  table: TableSchema,
  row: RowCells,
  staticRow: RowCells | null,
): RowCells {
  if (staticRow === null) return row;
  const cells = row.cells.slice();
  for (const col of table.cells) {
    if (col.kind === "static") cells[col.cell] = staticRow.cells[col.cell];
  }
  return {
    marker: row.marker,
    cells,
    hi: row.hi,
    lo: row.lo,
    times: row.times,
    statics: staticRow,
  };
}

/**
 * The index ranges `[from, to)` of a partition's rows within the plan's clustering
 * restrictions, in clustering order (IN values are answered in clustering order, whatever
 * order they came in).
 */
export function clusteringRanges(
  store: TableStore,
  partition: Partition,
  plan: KeyPlan,
  ctx: ExecContext,
): [number, number][] {
  const prefixes = plan.clusteringEq.length > 0
    ? cartesian(plan.clusteringEq.map((fn) => fn(ctx)))
    : [[]];
  const ranges: [number, number][] = [];
  for (const prefix of prefixes) {
    let from = store.bound(partition, prefix, false);
    let to = store.bound(partition, prefix, true);
    if (plan.lower) {
      const bound = [...prefix, ...plan.lower.values.map((fn) => fn(ctx) as Uint8Array)];
      from = Math.max(from, store.bound(partition, bound, !plan.lower.inclusive));
    }
    if (plan.upper) {
      const bound = [...prefix, ...plan.upper.values.map((fn) => fn(ctx) as Uint8Array)];
      to = Math.min(to, store.bound(partition, bound, plan.upper.inclusive));
    }
    if (from < to) ranges.push([from, to]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/**
 * Where a read resumes inside a partition: after the row with this clustering key (in the order
 * read), after the static row of a partition without rows (`STATIC_ROW`), or from the start.
 */
export type ResumeAfter = Uint8Array[] | typeof STATIC_ROW | null;

/** The resume point of a page that ended on the static row of a partition without rows. */
export const STATIC_ROW: unique symbol = Symbol("static row");

/**
 * Rows of one partition within the plan's clustering restrictions, in order (reversed for an
 * ORDER BY against the clustering order), strictly after `after` when resuming a page: a binary
 * search per clustering range, so a page costs what it returns.
 */
export function* partitionRows(
  table: TableSchema,
  partitionKey: Uint8Array[],
  found: number | Partition,
  plan: KeyPlan,
  ctx: ExecContext,
  reversed: boolean,
  after: ResumeAfter = null,
): Generator<RowRef> {
  const store = table.store;
  if (typeof found === "number") {
    // The partition's one row was sent when a page resumes in it.
    if (after === null) yield { partitionKey, clustering: [], row: store.readHandle(found) };
    return;
  }
  const staticRow = found.staticHandle >= 0 ? store.readHandle(found.staticHandle) : null;
  if (found.rows.length === 0) {
    const whole = plan.clusteringEq.length === 0 && !plan.lower && !plan.upper;
    if (staticRow && whole && after === null) {
      yield { partitionKey, clustering: table.clustering.map(() => null as never), row: staticRow };
    }
    return;
  }
  const ranges = clusteringRanges(store, found, plan, ctx);
  if (reversed) ranges.reverse();
  // Rows after the resume point: those sorting after it, or before it when reading backwards.
  const edge = after === null || after === STATIC_ROW ? -1 : store.bound(found, after, !reversed);
  for (const [start, end] of ranges) {
    if (!reversed) {
      for (let i = Math.max(start, edge); i < end; i++) {
        yield rowAt(table, found, i, partitionKey, staticRow);
      }
    } else {
      const top = edge < 0 ? end : Math.min(end, edge);
      for (let i = top - 1; i >= start; i--) yield rowAt(table, found, i, partitionKey, staticRow);
    }
  }
}

function rowAt(
  table: TableSchema,
  partition: Partition,
  index: number,
  partitionKey: Uint8Array[],
  staticRow: RowCells | null,
): RowRef {
  const entry = partition.rows[index];
  return {
    partitionKey,
    clustering: entry.clustering,
    row: withStatic(table, table.store.readHandle(entry.handle), staticRow),
  };
}
