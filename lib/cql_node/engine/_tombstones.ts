// The deletions a table keeps so that a write arriving later with an older timestamp stays
// hidden, as Cassandra's tombstones keep it: row and partition deletions, range deletions (per
// partition, a short list of clustering slices), and the cell deletions of rows left with nothing
// live. Each kind costs nothing until a table gets one.
import { compareTimes, isDead, reconcile, type WriteStamp } from "./_cell_times.ts";
import { keyOf } from "./_key_string.ts";
import type { RowCells, RowTimes } from "./row_slab.ts";

/** A change of one row: the row before (or `null`) to the row after (or `null`: none). */
type RowChange = (row: RowCells | null) => RowCells | null;

/** One bound of a {@linkcode ClusteringSlice}: the clustering values after its prefix. */
export interface SliceEdge {
  values: Uint8Array[];
  inclusive: boolean;
}

/** Rows of a partition by clustering: those starting with `prefix`, within the bounds. */
export interface ClusteringSlice {
  prefix: Uint8Array[];
  lower?: SliceEdge;
  upper?: SliceEdge;
}

/** Orders two clustering prefixes as the table sorts its rows. */
type CompareClustering = (a: Uint8Array[], b: Uint8Array[]) => number;

interface RangeTombstone extends ClusteringSlice {
  hi: number;
  lo: number;
}

/**
 * Whether a full clustering key falls within a slice.
 *
 * @param slice The slice.
 * @param clustering The clustering key.
 * @param compare The table's order.
 * @returns `true` when it does.
 */
export function sliceCovers(
  slice: ClusteringSlice,
  clustering: Uint8Array[],
  compare: CompareClustering,
): boolean {
  const { prefix, lower, upper } = slice;
  if (compare(clustering.slice(0, prefix.length), prefix) !== 0) return false;
  if (lower) {
    const bound = [...prefix, ...lower.values];
    const c = compare(clustering.slice(0, bound.length), bound);
    if (c < 0 || (c === 0 && !lower.inclusive)) return false;
  }
  if (upper) {
    const bound = [...prefix, ...upper.values];
    const c = compare(clustering.slice(0, bound.length), bound);
    if (c > 0 || (c === 0 && !upper.inclusive)) return false;
  }
  return true;
}

/**
 * The positions `[from, to)` of a partition's rows within a slice.
 *
 * @param slice The slice.
 * @param bound Where a clustering prefix sorts in the partition (`after`: past the rows it starts).
 * @returns The span.
 */
export function sliceSpan(
  slice: ClusteringSlice,
  bound: (clustering: Uint8Array[], after: boolean) => number,
): [number, number] {
  const { prefix, lower, upper } = slice;
  let from = bound(prefix, false);
  let to = bound(prefix, true);
  if (lower) from = Math.max(from, bound([...prefix, ...lower.values], !lower.inclusive));
  if (upper) to = Math.min(to, bound([...prefix, ...upper.values], upper.inclusive));
  return [from, to];
}

/** The key of one row (`null` clustering: the static row) among a table's deletions. */
export function rowKeyOf(key: string, clustering: Uint8Array[] | null): string {
  return clustering === null
    ? `${key}\u0000static`
    : `${key}\u0000${clustering.map((value) => `${value.length}:${keyOf(value)}`).join("")}`;
}

/** The deletions of one table, by timestamp halves. */
export class Tombstones {
  /** Deletions of rows (by row key) and partitions (by partition key and `\0P`). */
  #rows = new Map<string, [number, number]>();
  /** Range deletions by partition key. */
  #ranges = new Map<string, RangeTombstone[]>();
  /** The times of rows whose cells were deleted and that have nothing live, by row key. */
  #dead = new Map<string, RowTimes>();

  /** Whether there is no deletion of any kind. */
  get empty(): boolean {
    return this.#rows.size === 0 && this.#ranges.size === 0 && this.#dead.size === 0;
  }

  /** The newest deletion of a row (by row, range or partition), `null` for none. */
  shadowOf(
    key: string,
    clustering: Uint8Array[] | null,
    compare: CompareClustering,
  ): [number, number] | null {
    let newest = this.#rows.get(`${key}\u0000P`) ?? null;
    if (clustering === null) return newest;
    const newer = (hi: number, lo: number) =>
      newest === null || compareTimes(hi, lo, newest[0], newest[1]) > 0;
    const row = this.#rows.get(rowKeyOf(key, clustering));
    if (row !== undefined && newer(row[0], row[1])) newest = row;
    for (const range of this.#ranges.get(key) ?? []) {
      if (newer(range.hi, range.lo) && sliceCovers(range, clustering, compare)) {
        newest = [range.hi, range.lo];
      }
    }
    return newest;
  }

  /** Keeps a deletion of a row (by `rowKeyOf`), the newest. */
  keepRow(rowKey: string, stamp: WriteStamp): void {
    const old = this.#rows.get(rowKey);
    if (old && compareTimes(old[0], old[1], stamp.hi, stamp.lo) >= 0) return;
    this.#rows.set(rowKey, [stamp.hi, stamp.lo]);
  }

  /** Keeps a deletion of partition `key`, the newest; it hides what older range deletions hide. */
  keepPartition(key: string, stamp: WriteStamp): void {
    this.keepRow(`${key}\u0000P`, stamp);
    const list = this.#ranges.get(key);
    if (list === undefined) return;
    const kept = list.filter((r) => compareTimes(r.hi, r.lo, stamp.hi, stamp.lo) > 0);
    if (kept.length === 0) this.#ranges.delete(key);
    else this.#ranges.set(key, kept);
  }

  /** Keeps a range deletion of partition `key`. */
  keepRange(key: string, slice: ClusteringSlice, stamp: WriteStamp): void {
    const partition = this.#rows.get(`${key}\u0000P`);
    if (partition && compareTimes(partition[0], partition[1], stamp.hi, stamp.lo) >= 0) return;
    let list = this.#ranges.get(key);
    if (list === undefined) this.#ranges.set(key, list = []);
    const same = list.find((range) => sameSlice(range, slice));
    if (same === undefined) list.push({ ...slice, hi: stamp.hi, lo: stamp.lo });
    else if (compareTimes(stamp.hi, stamp.lo, same.hi, same.lo) > 0) {
      same.hi = stamp.hi;
      same.lo = stamp.lo;
    }
  }

  /** The times a row with nothing live left kept, `undefined` for none. */
  deadOf(rowKey: string): RowTimes | undefined {
    return this.#dead.size === 0 ? undefined : this.#dead.get(rowKey);
  }

  /** Keeps the times of a row with nothing live left (`null`: forgets them). */
  setDead(rowKey: string, times: RowTimes | null): void {
    if (times === null) this.#dead.delete(rowKey);
    else this.#dead.set(rowKey, times);
  }

  /**
   * The change `change` makes, settled against the row's times by a write's stamp and against
   * the deletions kept; a row deletion is kept, and so are the tombstones of a row left dead.
   */
  settle(
    key: string,
    clustering: Uint8Array[] | null,
    stamp: WriteStamp,
    change: RowChange,
    compare: CompareClustering,
  ): RowChange {
    const none = this.empty;
    const shadow = stamp.deletesRow || none ? null : this.shadowOf(key, clustering, compare);
    if (stamp.deletesRow && clustering !== null) this.keepRow(rowKeyOf(key, clustering), stamp);
    return (row) => {
      const dead = row !== null || none ? undefined : this.deadOf(rowKeyOf(key, clustering));
      const old = dead === undefined
        ? row
        : { marker: false, cells: new Array(stamp.cells.length).fill(null), times: dead };
      const next = reconcile(old, change(row), stamp, shadow, clustering === null);
      if (next === null || !next.times || !isDead(next)) {
        // A row live again keeps its tombstones in its own times.
        if (dead !== undefined) this.setDead(rowKeyOf(key, clustering), null);
        return next;
      }
      this.setDead(rowKeyOf(key, clustering), next.times);
      return null;
    };
  }

  /** Forgets every deletion. */
  clear(): void {
    this.#rows.clear();
    this.#ranges.clear();
    this.#dead.clear();
  }
}

function sameEdge(a: SliceEdge | undefined, b: SliceEdge | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.inclusive === b.inclusive && sameValues(a.values, b.values);
}

function sameValues(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((value, i) => keyOf(value) === keyOf(b[i]));
}

function sameSlice(a: ClusteringSlice, b: ClusteringSlice): boolean {
  return sameValues(a.prefix, b.prefix) && sameEdge(a.lower, b.lower) &&
    sameEdge(a.upper, b.upper);
}
