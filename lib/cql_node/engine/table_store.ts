/**
 * The in-memory rows of one table: partitions by key, rows by clustering key, cells in a slab.
 *
 * @module
 */

import { type RowCells, RowSlab } from "./row_slab.ts";
import { expire, isDead, reconcile, type WriteStamp } from "./_cell_times.ts";
import { type ClusteringSlice, rowKeyOf, sliceSpan, Tombstones } from "./_tombstones.ts";
import { bytesOfKey, keyOf } from "./_key_string.ts";
import { expirePartitionRows, noteExpiry } from "./_row_expiry.ts";

export { bytesOfKey, keyOf };
import { type TokenHalves, TokenIndex, type TokenRange } from "./_token_index.ts";

export type { TokenHalves, TokenRange } from "./_token_index.ts";
export type { ClusteringSlice, SliceEdge } from "./_tombstones.ts";

/** Orders two serialized clustering values. */
export type CompareBytes = (a: Uint8Array, b: Uint8Array) => number;

/** A row inside a partition of a table with clustering columns. */
export interface ClusteredRow {
  /** The clustering values, one per clustering column. */
  clustering: Uint8Array[];
  /** The slab handle of the row's cells. */
  handle: number;
}

/** A partition of a table with clustering columns: its rows in clustering order. */
export interface Partition {
  /** Rows sorted by clustering key. */
  rows: ClusteredRow[];
  /** Handle of the static row, -1 when there is none. */
  staticHandle: number;
  /** The first expiry (seconds since the epoch) of its rows' cells, when some have a TTL. */
  expiresAt?: number;
}

/** How a table's rows are laid out. */
export interface TableLayout {
  /** One comparator per clustering column (empty for tables without clustering columns). */
  clusteringCompare: CompareBytes[];
  /** For each clustering column, whether it is ordered descending. */
  clusteringDescending: boolean[];
  /** How many regular and static cells a row has. */
  cellCount: number;
}

const MAP_LIMIT = 1 << 23;

/**
 * The rows of one table. Partition keys are serialized bytes held as one-char-per-byte strings in
 * a few Maps (a JavaScript Map holds at most 2^24 entries); a table without clustering columns
 * maps each key straight to a slab handle, so a row costs one Map entry, its key and its record.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TableStore } from "./table_store.ts";
 * const store = new TableStore({ clusteringCompare: [], clusteringDescending: [], cellCount: 1 });
 * const key = new Uint8Array([7]);
 * store.update(key, [], (row) => ({ marker: true, cells: [new Uint8Array([9])] }));
 * assert.deepEqual([...store.getRow(key, [])!.cells[0]!], [9]);
 * assert.equal(store.partitionCount, 1);
 * ```
 */
export class TableStore {
  readonly #layout: TableLayout;
  readonly #slab = new RowSlab();
  #maps: Map<string, number | Partition>[] = [new Map()];
  #rowCount = 0;
  /** The keys in token order, once a scan asked for it. */
  #tokens: TokenIndex | null = null;
  /**
   * While set (during a batch), every change {@linkcode TableStore.update} makes goes through it
   * with the row's key: the batch's rule between two of its writes to one cell.
   */
  settle:
    | ((rowKey: string, old: RowCells | null, next: RowCells | null) => RowCells | null)
    | null = null;
  /**
   * While set (during a write), the timestamp and TTL of the write: each cell it writes is
   * settled against the cell's own (the higher timestamp wins), and row deletions are kept to
   * shadow older writes that come later. Without it, writes land as they come.
   */
  stamp: WriteStamp | null = null;
  /** Milliseconds since the epoch, for TTLs. @default () => 0 */
  clockMs: () => number = () => 0;
  /** Deletions of rows, ranges and partitions, and the cell deletions of rows gone. */
  #tombstones = new Tombstones();
  readonly #order = (a: Uint8Array[], b: Uint8Array[]): number => this.#compare(a, b);

  /** @param layout The table's layout. */
  constructor(layout: TableLayout) {
    this.#layout = layout;
  }

  /** The number of partitions. */
  get partitionCount(): number {
    let n = 0;
    for (const map of this.#maps) n += map.size;
    return n;
  }

  /** The number of rows (static rows not counted). */
  get rowCount(): number {
    return this.#rowCount;
  }

  /** Bytes in live row records. */
  get bytesInUse(): number {
    return this.#slab.bytesInUse;
  }

  #find(key: string): number | Partition | undefined {
    const maps = this.#maps;
    for (let i = 0; i < maps.length; i++) {
      const value = maps[i].get(key);
      if (value === undefined) continue;
      if (typeof value === "number") {
        const expiry = this.#slab.firstExpiry(value);
        return expiry !== 0 && expiry <= this.#nowSec() ? this.#expireRow(key, value) : value;
      }
      if (value.expiresAt !== undefined && value.expiresAt <= this.#nowSec()) {
        return this.#expirePartition(key, value);
      }
      return value;
    }
    return undefined;
  }

  #nowSec(): number {
    return Math.floor(this.clockMs() / 1000);
  }

  /** Rewrites a row of a table without clustering columns as it is now; deletes it when dead. */
  #expireRow(key: string, handle: number): number | undefined {
    const row = expire(this.#slab.read(handle, this.#layout.cellCount), this.#nowSec());
    if (row !== null) {
      const written = this.#slab.write(handle, row);
      if (written !== handle) this.#set(key, written);
      return written;
    }
    this.#slab.free(handle);
    this.#delete(key);
    this.#rowCount--;
    return undefined;
  }

  /** Expires the cells of a partition's rows that are due; `undefined` when none is left. */
  #expirePartition(key: string, partition: Partition): Partition | undefined {
    const kept = expirePartitionRows(this.#slab, partition, this.#nowSec(), this.#layout.cellCount);
    this.#rowCount -= kept.removed;
    if (partition.rows.length === 0 && partition.staticHandle < 0) {
      this.#delete(key);
      return undefined;
    }
    return partition;
  }

  #mapOf(key: string): Map<string, number | Partition> | undefined {
    for (const map of this.#maps) if (map.has(key)) return map;
    return undefined;
  }

  #set(key: string, value: number | Partition): void {
    const owner = this.#mapOf(key);
    if (owner) {
      owner.set(key, value);
      return;
    }
    if (this.#tokens !== null) this.#tokens.add(key);
    let last = this.#maps[this.#maps.length - 1];
    if (last.size >= MAP_LIMIT) {
      last = new Map();
      this.#maps.push(last);
    }
    last.set(key, value);
  }

  #delete(key: string): void {
    this.#mapOf(key)?.delete(key);
  }

  #compare(a: Uint8Array[], b: Uint8Array[]): number {
    const { clusteringCompare, clusteringDescending } = this.#layout;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = clusteringCompare[i](a[i], b[i]);
      if (c !== 0) return clusteringDescending[i] ? -c : c;
    }
    return a.length - b.length;
  }

  /**
   * Orders two clustering keys as the table sorts its rows (DESC columns reversed).
   *
   * @param a A clustering key.
   * @param b Another.
   * @returns Negative, zero or positive.
   */
  compareClustering(a: Uint8Array[], b: Uint8Array[]): number {
    return this.#compare(a, b);
  }

  /**
   * Finds where a clustering prefix sorts within a partition.
   *
   * @param partition The partition.
   * @param clustering The (possibly partial) clustering key.
   * @param after `true` for the first position after every row the prefix matches.
   * @returns The index.
   */
  bound(partition: Partition, clustering: Uint8Array[], after: boolean): number {
    let lo = 0;
    let hi = partition.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const row = partition.rows[mid].clustering;
      const c = this.#compare(row.slice(0, clustering.length), clustering);
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Reads, changes and writes one row atomically. `change` receives the current row (or `null`)
   * and returns the new row, or `null` to delete it.
   *
   * @param partitionKey The serialized partition key.
   * @param clustering The full clustering key (empty when the table has no clustering columns;
   * `null` addresses the partition's static row).
   * @param change The change.
   */
  update(
    partitionKey: Uint8Array,
    clustering: Uint8Array[] | null,
    change: (row: RowCells | null) => RowCells | null,
  ): void {
    const key = keyOf(partitionKey);
    const settle = this.settle;
    if (settle !== null) {
      const own = change;
      const rowKey = rowKeyOf(key, clustering);
      change = (row) => settle(rowKey, row, own(row));
    }
    const stamp = this.stamp;
    if (stamp !== null) {
      change = this.#tombstones.settle(key, clustering, stamp, change, this.#order);
    }
    const cellCount = this.#layout.cellCount;
    const existing = this.#find(key);
    if (this.#layout.clusteringCompare.length === 0 && clustering !== null) {
      const handle = existing === undefined ? -1 : existing as number;
      const next = change(handle < 0 ? null : this.#slab.read(handle, cellCount));
      if (next === null) {
        if (handle >= 0) {
          this.#slab.free(handle);
          this.#delete(key);
          this.#rowCount--;
        }
        return;
      }
      const written = this.#slab.write(handle, next);
      if (written !== handle) this.#set(key, written);
      if (handle < 0) this.#rowCount++;
      return;
    }
    let partition = existing as Partition | undefined;
    if (partition === undefined || typeof partition === "number") {
      partition = { rows: [], staticHandle: -1 };
    }
    if (clustering === null) {
      const handle = partition.staticHandle;
      const next = change(handle < 0 ? null : this.#slab.read(handle, cellCount));
      if (next === null) {
        if (handle >= 0) this.#slab.free(handle);
        partition.staticHandle = -1;
      } else {
        partition.staticHandle = this.#slab.write(handle, next);
        noteExpiry(partition, next);
      }
    } else {
      const at = this.bound(partition, clustering, false);
      const found = at < partition.rows.length &&
        this.#compare(partition.rows[at].clustering, clustering) === 0;
      const handle = found ? partition.rows[at].handle : -1;
      const next = change(handle < 0 ? null : this.#slab.read(handle, cellCount));
      if (next === null) {
        if (found) {
          this.#slab.free(handle);
          partition.rows.splice(at, 1);
          this.#rowCount--;
        }
      } else if (found) partition.rows[at].handle = this.#slab.write(handle, next);
      else {
        const copy = clustering.map((value) => value.slice());
        partition.rows.splice(at, 0, { clustering: copy, handle: this.#slab.write(-1, next) });
        this.#rowCount++;
      }
      if (next !== null) noteExpiry(partition, next);
    }
    if (partition.rows.length === 0 && partition.staticHandle < 0) {
      if (existing !== undefined) this.#delete(key);
    } else if (existing === undefined) this.#set(key, partition);
  }

  /**
   * Reads one row.
   *
   * @param partitionKey The serialized partition key.
   * @param clustering The full clustering key (empty without clustering columns).
   * @returns The row, or `null`.
   */
  getRow(partitionKey: Uint8Array, clustering: Uint8Array[]): RowCells | null {
    const found = this.#find(keyOf(partitionKey));
    if (found === undefined) return null;
    if (typeof found === "number") return this.#slab.read(found, this.#layout.cellCount);
    const at = this.bound(found, clustering, false);
    if (at >= found.rows.length || this.#compare(found.rows[at].clustering, clustering) !== 0) {
      return null;
    }
    return this.#slab.read(found.rows[at].handle, this.#layout.cellCount);
  }

  /**
   * Looks up a partition.
   *
   * @param partitionKey The serialized partition key.
   * @returns A slab handle (tables without clustering), the partition, or `undefined`.
   */
  getPartition(partitionKey: Uint8Array): number | Partition | undefined {
    return this.#find(keyOf(partitionKey));
  }

  /**
   * Decodes a slab handle found in a partition.
   *
   * @param handle The handle.
   * @returns The row.
   */
  readHandle(handle: number): RowCells {
    return this.#slab.read(handle, this.#layout.cellCount);
  }

  /**
   * Iterates partitions in insertion order.
   *
   * @returns Pairs of partition key bytes and the partition (or slab handle).
   */
  *partitions(): Generator<[Uint8Array, number | Partition]> {
    for (const map of this.#maps) {
      for (const [key, value] of map) yield [bytesOfKey(key), value];
    }
  }

  /**
   * Iterates the partitions whose token is within `range`, in token order (then key bytes), as
   * a real node scans them.
   *
   * @param range The token bounds (none: the whole ring).
   * @param from Where to resume: the partition with this key bytes and token, and those after.
   * @returns Pairs of partition key bytes and the partition (or slab handle).
   */
  *partitionsByToken(
    range: TokenRange = {},
    from?: { key: Uint8Array } & TokenHalves,
  ): Generator<[Uint8Array, number | Partition]> {
    if (this.#tokens === null) {
      this.#tokens = new TokenIndex();
      for (const map of this.#maps) for (const key of map.keys()) this.#tokens.add(key);
    }
    const start = from ? { hi: from.hi, lo: from.lo, key: keyOf(from.key) } : undefined;
    for (const key of this.#tokens.keys(range, start)) {
      const found = this.#find(key);
      if (found !== undefined) yield [bytesOfKey(key), found];
    }
  }

  /**
   * Deletes a whole partition.
   *
   * @param partitionKey The serialized partition key.
   */
  deletePartition(partitionKey: Uint8Array): void {
    const key = keyOf(partitionKey);
    if (this.stamp !== null) this.#tombstones.keepPartition(key, this.stamp);
    const found = this.#find(key);
    if (found === undefined) return;
    if (this.stamp !== null) {
      this.#deleteAt(partitionKey, found);
      return;
    }
    if (typeof found === "number") {
      this.#slab.free(found);
      this.#rowCount--;
    } else {
      for (const row of found.rows) this.#slab.free(row.handle);
      if (found.staticHandle >= 0) this.#slab.free(found.staticHandle);
      this.#rowCount -= found.rows.length;
    }
    this.#delete(key);
  }

  /**
   * Deletes the rows of a partition within clustering slices (a range DELETE). Under a write's
   * stamp the slices are kept, so that older writes into them that come later stay hidden.
   *
   * @param partitionKey The serialized partition key.
   * @param slices The slices, which do not overlap.
   */
  deleteSlices(partitionKey: Uint8Array, slices: readonly ClusteringSlice[]): void {
    const key = keyOf(partitionKey);
    const stamp = this.stamp;
    if (stamp !== null) {
      for (const slice of slices) {
        this.#tombstones.keepRange(key, slice, stamp);
      }
    }
    const found = this.#find(key);
    if (found === undefined || typeof found === "number") return;
    const spans = slices.map((slice) =>
      sliceSpan(slice, (at, after) => this.bound(found, at, after))
    );
    // Last span first, so deleting one does not shift the indexes of the others.
    for (const [from, to] of spans.sort((a, b) => b[0] - a[0])) {
      if (from < to) this.#deleteRows(key, found, from, to);
    }
    if (found.rows.length === 0 && found.staticHandle < 0) this.#delete(key);
  }

  /** Deletes the rows of a partition in `[from, to)` positions (under a stamp: what is older). */
  #deleteRows(key: string, partition: Partition, from: number, to: number): void {
    const stamp = this.stamp;
    if (stamp === null) {
      for (let i = from; i < to; i++) this.#slab.free(partition.rows[i].handle);
      partition.rows.splice(from, to - from);
      this.#rowCount -= to - from;
      return;
    }
    // Rows, or cells, newer than the deletion stay.
    const cellCount = this.#layout.cellCount;
    for (let i = to - 1; i >= from; i--) {
      const entry = partition.rows[i];
      const row = reconcile(this.#slab.read(entry.handle, cellCount), null, stamp, null, false);
      if (row !== null && !isDead(row)) entry.handle = this.#slab.write(entry.handle, row);
      else {
        if (row !== null) this.#tombstones.setDead(rowKeyOf(key, entry.clustering), row.times!);
        this.#slab.free(entry.handle);
        partition.rows.splice(i, 1);
        this.#rowCount--;
      }
    }
  }

  /** A partition deletion at the current stamp: what is newer stays. */
  #deleteAt(partitionKey: Uint8Array, found: number | Partition): void {
    const stamp = this.stamp!;
    const deletion = { ...stamp, deletesRow: true, marker: false };
    if (typeof found === "number") {
      this.stamp = deletion;
      try {
        this.update(partitionKey, [], () => null);
      } finally {
        this.stamp = stamp;
      }
      return;
    }
    this.stamp = deletion;
    try {
      this.#deleteRows(keyOf(partitionKey), found, 0, found.rows.length);
      if (found.staticHandle >= 0) this.update(partitionKey, null, () => null);
    } finally {
      this.stamp = stamp;
    }
    if (found.rows.length === 0 && found.staticHandle < 0) this.#delete(keyOf(partitionKey));
  }

  /** Removes every row. */
  truncate(): void {
    this.#tombstones.clear();
    this.#maps = [new Map()];
    this.#tokens = null;
    this.#slab.clear();
    this.#rowCount = 0;
  }
}
