// Write timestamps and TTLs of cells, and Cassandra's rule between two writes of one cell: the
// higher timestamp wins; at equal timestamps a tombstone beats a value, an expiring value beats
// one without TTL, the later expiry wins, then the greater value (as unsigned bytes).
import type { RowCells, RowTimes } from "./row_slab.ts";

/** The high half of "no timestamp" (Long.MIN_VALUE, which Cassandra refuses as a timestamp). */
export const NO_TIME = -0x80000000;
/** Slots per cell (and for the row marker, after the cells) in {@linkcode RowTimes}. */
export const STRIDE = 4;
const TWO_32 = 2 ** 32;

/** What one execution of a write stamps on the cells it writes. */
export interface WriteStamp {
  /** The timestamp in microseconds: high (signed) and low (unsigned) 32 bits. */
  hi: number;
  lo: number;
  /** The TTL in seconds, 0 for none. */
  ttl: number;
  /** When the cells expire, in seconds since the epoch (0 for never). */
  expiry: number;
  /** Whether it sets the row marker (an INSERT). */
  marker: boolean;
  /** Whether it deletes whole rows (a DELETE without columns). */
  deletesRow: boolean;
  /** The cells the statement names (a null written to them is a tombstone). */
  cells: readonly boolean[];
  /** The cells of non-frozen collections, written in arrival order. */
  multiCell: readonly boolean[];
}

/**
 * Splits a timestamp held in a JavaScript number (an exact integer) into halves.
 *
 * @param micros The timestamp.
 * @returns Its high and low 32 bits.
 */
export function halvesOf(micros: number): [number, number] {
  const hi = Math.floor(micros / TWO_32);
  return [hi, micros - hi * TWO_32];
}

/** Orders two timestamps given by halves. */
export function compareTimes(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}

/**
 * The 8-byte bigint of a timestamp.
 *
 * @param hi The high half.
 * @param lo The low half.
 * @returns The serialized bigint.
 */
export function timeBytes(hi: number, lo: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setInt32(0, hi);
  view.setUint32(4, lo);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The times of every cell and of the marker of `row` (a uniform row's own timestamp for each). */
export function timesOf(row: RowCells | null, cellCount: number): RowTimes {
  const times = new Float64Array((cellCount + 1) * STRIDE);
  for (let i = 0; i <= cellCount; i++) times[i * STRIDE] = NO_TIME;
  if (row === null) return times;
  if (row.times) {
    times.set(row.times);
    return times;
  }
  const hi = row.hi ?? 0;
  const lo = row.lo ?? 0;
  for (let i = 0; i <= cellCount; i++) {
    const present = i < cellCount ? row.cells[i] !== null : row.marker;
    if (!present) continue;
    times[i * STRIDE] = hi;
    times[i * STRIDE + 1] = lo;
  }
  return times;
}

/**
 * Whether a write at `stamp` of `value` beats what `times` holds at `slot` (`old` its value).
 */
function wins(
  stamp: WriteStamp,
  value: Uint8Array | null,
  times: RowTimes,
  slot: number,
  old: Uint8Array | null,
  isMarker: boolean,
): boolean {
  const at = slot * STRIDE;
  if (times[at] === NO_TIME && times[at + 1] === 0) return true;
  const c = compareTimes(stamp.hi, stamp.lo, times[at], times[at + 1]);
  if (c !== 0) return c > 0;
  const oldTomb = !isMarker && old === null;
  const newTomb = !isMarker && value === null;
  if (oldTomb !== newTomb) return newTomb;
  if (newTomb) return true;
  const oldExpiry = times[at + 3];
  if ((stamp.expiry !== 0) !== (oldExpiry !== 0)) return stamp.expiry !== 0;
  if (stamp.expiry !== oldExpiry) return stamp.expiry > oldExpiry;
  return isMarker || compareBytes(value!, old!) >= 0;
}

function setTimes(times: RowTimes, slot: number, stamp: WriteStamp | null): void {
  const at = slot * STRIDE;
  times[at] = stamp === null ? NO_TIME : stamp.hi;
  times[at + 1] = stamp === null ? 0 : stamp.lo;
  times[at + 2] = stamp === null ? 0 : stamp.ttl;
  times[at + 3] = stamp === null ? 0 : stamp.expiry;
}

/**
 * The row a write leaves: each cell the statement wrote (and the marker of an INSERT) where it
 * wins over what the row held, the rest as it was. A row deletion removes what is not newer.
 *
 * @param old The row before (its times included), or `null`.
 * @param next The row the statement computed as if it won every cell (`null`: none left).
 * @param stamp The write's timestamp and TTL, and what it writes.
 * @param shadow The timestamp of a deletion of the row or its partition (writes not newer are
 *   dropped), or `null`.
 * @param staticRow Whether the row is a partition's static row (no marker).
 * @returns The row to store, `null` for none; a row with nothing live but cell tombstones
 *   ({@linkcode isDead}) is kept apart from the stored rows.
 */
export function reconcile(
  old: RowCells | null,
  next: RowCells | null,
  stamp: WriteStamp,
  shadow: readonly [number, number] | null,
  staticRow: boolean,
): RowCells | null {
  const cellCount = stamp.cells.length;
  if (shadow !== null && compareTimes(stamp.hi, stamp.lo, shadow[0], shadow[1]) <= 0) return old;
  if (
    next !== null && !stamp.deletesRow && stamp.ttl === 0 && shadow === null &&
    (old === null || (!old.times && compareTimes(stamp.hi, stamp.lo, old.hi!, old.lo!) > 0))
  ) {
    // The common write: newer than the row, every live cell rewritten; the row stays uniform.
    let uniform = stamp.marker || staticRow || !(old?.marker ?? false);
    for (let i = 0; uniform && i < cellCount; i++) {
      const value = next.cells[i];
      const before = old === null ? null : old.cells[i];
      if (value !== before) uniform = value !== null;
      else if (value === null) uniform = !stamp.cells[i];
      else uniform = false;
    }
    if (uniform) {
      const marker = staticRow ? false : stamp.marker || next.marker;
      return { marker, cells: next.cells, hi: stamp.hi, lo: stamp.lo, times: null };
    }
  }
  const times = timesOf(old, cellCount);
  const cells = old === null
    ? new Array<Uint8Array | null>(cellCount).fill(null)
    : old.cells.slice();
  let marker = old?.marker ?? false;
  if (stamp.deletesRow) {
    for (let i = 0; i <= cellCount; i++) {
      const at = i * STRIDE;
      if (times[at] === NO_TIME && times[at + 1] === 0) continue;
      if (compareTimes(stamp.hi, stamp.lo, times[at], times[at + 1]) < 0) continue;
      setTimes(times, i, null);
      if (i < cellCount) cells[i] = null;
      else marker = false;
    }
  } else {
    for (let i = 0; i < cellCount; i++) {
      const before = old === null ? null : old.cells[i];
      const value = next === null ? null : next.cells[i];
      const written = next === null
        ? stamp.cells[i]
        : value !== before || (value === null && stamp.cells[i]);
      if (!written) continue;
      if (!stamp.multiCell[i] && !wins(stamp, value, times, i, before, false)) continue;
      cells[i] = value;
      setTimes(times, i, stamp);
    }
    if (stamp.marker && !staticRow && wins(stamp, null, times, cellCount, null, true)) {
      marker = true;
      setTimes(times, cellCount, stamp);
    }
  }
  const hi = times[cellCount * STRIDE];
  const lo = times[cellCount * STRIDE + 1];
  if (!marker && cells.every((cell) => cell === null)) {
    // Nothing live: the row goes, unless cell tombstones are left to hide older writes.
    let tombstones = false;
    for (let at = 0; !tombstones && at < cellCount * STRIDE; at += STRIDE) {
      tombstones = times[at] !== NO_TIME || times[at + 1] !== 0;
    }
    return tombstones ? { marker, cells, hi, lo, times } : null;
  }
  return { marker, cells, hi, lo, times };
}

/**
 * Whether a row {@linkcode reconcile} left has nothing live, only cell tombstones.
 *
 * @param row The row.
 * @returns `true` for such a row, which is not stored but kept for its tombstones.
 */
export function isDead(row: RowCells): boolean {
  return !!row.times && !row.marker && row.cells.every((cell) => cell === null);
}

/**
 * The row as it is at `nowSec`: expired cells become tombstones at their timestamp, an expired
 * marker goes.
 *
 * @param row The row, with its times.
 * @param nowSec The current time in seconds since the epoch.
 * @returns The row, `null` when nothing of it is live.
 */
export function expire(row: RowCells, nowSec: number): RowCells | null {
  const times = row.times!;
  const cells = row.cells.slice();
  const cellCount = cells.length;
  let marker = row.marker;
  for (let i = 0; i <= cellCount; i++) {
    const at = i * STRIDE;
    const expiry = times[at + 3];
    if (expiry === 0 || expiry > nowSec) continue;
    times[at + 2] = 0;
    times[at + 3] = 0;
    if (i < cellCount) cells[i] = null;
    else {
      marker = false;
      times[at] = NO_TIME;
      times[at + 1] = 0;
    }
  }
  if (!marker && cells.every((cell) => cell === null)) return null;
  return { marker, cells, hi: row.hi, lo: row.lo, times };
}

/**
 * The earliest expiry of a row's cells and marker.
 *
 * @param times The row's times (`null`: a uniform row, which never expires).
 * @returns Seconds since the epoch, 0 for never.
 */
export function firstExpiry(times: RowTimes | null | undefined): number {
  if (!times) return 0;
  let first = 0;
  for (let at = 3; at < times.length; at += STRIDE) {
    const expiry = times[at];
    if (expiry !== 0 && (first === 0 || expiry < first)) first = expiry;
  }
  return first;
}
