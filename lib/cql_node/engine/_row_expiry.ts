// Expiring the cells of a partition's rows whose TTL is due.
import { expire, firstExpiry } from "./_cell_times.ts";
import type { RowCells, RowSlab } from "./row_slab.ts";

/** What of a table's partition expiring reads and changes. */
interface Partition {
  rows: { handle: number }[];
  staticHandle: number;
  expiresAt?: number;
}

/**
 * Turns the due cells of a partition's rows (and static row) into tombstones, drops the rows
 * left with nothing live, and sets the partition's next expiry.
 *
 * @param slab The rows' records.
 * @param partition The partition.
 * @param now The current time in seconds since the epoch.
 * @param cellCount The number of cells of the table's rows.
 * @returns How many rows (static row not counted) went.
 */
export function expirePartitionRows(
  slab: RowSlab,
  partition: Partition,
  now: number,
  cellCount: number,
): { removed: number } {
  let first = 0;
  const settle = (handle: number): number => {
    let expiry = slab.firstExpiry(handle);
    if (expiry === 0) return handle;
    if (expiry <= now) {
      const row = expire(slab.read(handle, cellCount), now);
      if (row === null) {
        slab.free(handle);
        return -1;
      }
      handle = slab.write(handle, row);
      expiry = firstExpiry(row.times);
    }
    if (expiry !== 0 && (first === 0 || expiry < first)) first = expiry;
    return handle;
  };
  if (partition.staticHandle >= 0) partition.staticHandle = settle(partition.staticHandle);
  const rows = partition.rows;
  let kept = 0;
  for (let i = 0; i < rows.length; i++) {
    const handle = settle(rows[i].handle);
    if (handle < 0) continue;
    rows[i].handle = handle;
    rows[kept++] = rows[i];
  }
  const removed = rows.length - kept;
  rows.length = kept;
  if (first === 0) delete partition.expiresAt;
  else partition.expiresAt = first;
  return { removed };
}

/**
 * Lowers a partition's next expiry to the first of a row written into it.
 *
 * @param partition The partition.
 * @param row The row written.
 */
export function noteExpiry(partition: Partition, row: RowCells): void {
  const expiry = firstExpiry(row.times);
  if (expiry === 0) return;
  if (partition.expiresAt === undefined || expiry < partition.expiresAt) {
    partition.expiresAt = expiry;
  }
}
