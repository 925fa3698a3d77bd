/**
 * Row records packed into large byte chunks, so a stored row costs a few bytes of header instead
 * of a JavaScript object per cell.
 *
 * @module
 */

const CHUNK_BYTES = 1 << 20;
const HEADER_BYTES = 17;
/** A detailed record's header after the common one: the marker's TTL and expiry, the first expiry. */
const TIMES_HEADER_BYTES = 12;
/** A detailed record's bytes per cell besides its length and value: timestamp, TTL, expiry. */
const CELL_TIMES_BYTES = 16;
const CHUNK_SHIFT = 2 ** 32;
const NO_TIME = -0x80000000;
const FLAG_MARKER = 1;
const FLAG_TIMES = 2;

/**
 * Per-cell write times: for each cell, then for the row marker, four numbers: the timestamp's
 * high (signed) and low (unsigned) 32 bits in microseconds (high `-2^31` and low 0: none), the
 * TTL in seconds and the expiry in seconds since the epoch (0: none). A cell with a timestamp
 * and a `null` value is a tombstone.
 */
export type RowTimes = Float64Array;

/** A stored row as the executor sees it: one entry per regular (and static) cell. */
export interface RowCells {
  /** Whether the row exists by itself (INSERT sets a row marker; UPDATE of cells does not). */
  marker: boolean;
  /** The cell values in table column order; `null` for an absent cell. Views into the slab. */
  cells: (Uint8Array | null)[];
  /** The row's timestamp, high (signed) and low 32 bits: its marker's, and every cell's when
   * `times` is `null`. @default 0 */
  hi?: number;
  /** @default 0 */
  lo?: number;
  /** Per-cell times, when cells differ in timestamp, carry a TTL or are tombstones. @default null */
  times?: RowTimes | null;
  /** The partition's static row, whose static cells a row read with it shows. @default undefined */
  statics?: RowCells;
}

/**
 * An arena of row records. A record is `[u32 capacity][u32 used][u8 flags][i32 hi][u32 lo]`
 * (the row's timestamp) then, per cell, an `i32` length (-1 for absent) and the bytes. A record
 * with per-cell times (flag 2) adds `[i32 marker TTL][u32 marker expiry][u32 first expiry]` and,
 * after each cell's length, `[i32 hi][u32 lo][i32 TTL][u32 expiry]`. A handle is `chunk * 2^32 + offset`. Rewriting a
 * row that still fits its record happens in place (the common case for stress workloads, whose
 * rows keep their size); otherwise a new record is allocated and the old one counted as dead.
 * Chunks whose records are all dead are released.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RowSlab } from "./row_slab.ts";
 * const slab = new RowSlab();
 * const handle = slab.write(-1, { marker: true, cells: [new Uint8Array([1, 2]), null] });
 * const row = slab.read(handle, 2);
 * assert.equal(row.marker, true);
 * assert.deepEqual([...row.cells[0]!], [1, 2]);
 * assert.equal(row.cells[1], null);
 * ```
 */
export class RowSlab {
  #chunks: (Uint8Array | null)[] = [];
  #views: (DataView | null)[] = [];
  #live: number[] = [];
  #current = -1;
  #offset = 0;
  #bytesInUse = 0;

  /** Bytes held by live records (including headers). */
  get bytesInUse(): number {
    return this.#bytesInUse;
  }

  /** Bytes held by allocated chunks. */
  get bytesAllocated(): number {
    let total = 0;
    for (const chunk of this.#chunks) if (chunk) total += chunk.length;
    return total;
  }

  /**
   * Decodes a record.
   *
   * @param handle The record's handle.
   * @param cellCount The number of cells the table's rows have.
   * @returns The row; cells beyond what the record holds are `null`.
   */
  read(handle: number, cellCount: number): RowCells {
    const chunkIndex = Math.floor(handle / CHUNK_SHIFT);
    const chunk = this.#chunks[chunkIndex]!;
    const view = this.#views[chunkIndex]!;
    let at = handle - chunkIndex * CHUNK_SHIFT;
    const used = view.getUint32(at + 4);
    const end = at + used;
    const flags = chunk[at + 8];
    const marker = (flags & FLAG_MARKER) !== 0;
    const hi = view.getInt32(at + 9);
    const lo = view.getUint32(at + 13);
    at += HEADER_BYTES;
    const cells: (Uint8Array | null)[] = new Array(cellCount);
    if ((flags & FLAG_TIMES) !== 0) {
      return this.#readTimes(view, chunk, at, end, cellCount, { marker, cells, hi, lo });
    }
    for (let i = 0; i < cellCount; i++) {
      if (at >= end) {
        cells[i] = null;
        continue;
      }
      const length = view.getInt32(at);
      at += 4;
      if (length < 0) cells[i] = null;
      else {
        cells[i] = chunk.subarray(at, at + length);
        at += length;
      }
    }
    return { marker, cells, hi, lo, times: null };
  }

  #readTimes(
    view: DataView,
    chunk: Uint8Array,
    at: number,
    end: number,
    cellCount: number,
    row: RowCells & { hi: number; lo: number },
  ): RowCells {
    const times = new Float64Array((cellCount + 1) * 4);
    const m = cellCount * 4;
    times[m] = row.marker ? row.hi : NO_TIME;
    times[m + 1] = row.marker ? row.lo : 0;
    times[m + 2] = view.getInt32(at);
    times[m + 3] = view.getUint32(at + 4);
    at += TIMES_HEADER_BYTES;
    for (let i = 0; i < cellCount; i++) {
      if (at >= end) {
        row.cells[i] = null;
        times[i * 4] = NO_TIME;
        continue;
      }
      const length = view.getInt32(at);
      times[i * 4] = view.getInt32(at + 4);
      times[i * 4 + 1] = view.getUint32(at + 8);
      times[i * 4 + 2] = view.getInt32(at + 12);
      times[i * 4 + 3] = view.getUint32(at + 16);
      at += 4 + CELL_TIMES_BYTES;
      if (length < 0) row.cells[i] = null;
      else {
        row.cells[i] = chunk.subarray(at, at + length);
        at += length;
      }
    }
    row.times = times;
    return row;
  }

  /**
   * The first expiry of a record's cells and marker.
   *
   * @param handle The record's handle.
   * @returns Seconds since the epoch, 0 when nothing in it expires.
   */
  firstExpiry(handle: number): number {
    const chunkIndex = Math.floor(handle / CHUNK_SHIFT);
    const at = handle - chunkIndex * CHUNK_SHIFT;
    if ((this.#chunks[chunkIndex]![at + 8] & FLAG_TIMES) === 0) return 0;
    return this.#views[chunkIndex]!.getUint32(at + HEADER_BYTES + 8);
  }

  /**
   * Writes a row, in place when `handle` names a record with room, else in a new record.
   * The row's cells may be views into the record being replaced.
   *
   * @param handle The row's current handle, or -1 for a new row.
   * @param row The row.
   * @returns The row's handle (the same one when rewritten in place).
   */
  write(handle: number, row: RowCells): number {
    let size = HEADER_BYTES;
    for (const cell of row.cells) size += 4 + (cell === null ? 0 : cell.length);
    if (row.times) size += TIMES_HEADER_BYTES + CELL_TIMES_BYTES * row.cells.length;
    if (handle >= 0) {
      const chunkIndex = Math.floor(handle / CHUNK_SHIFT);
      const view = this.#views[chunkIndex]!;
      const at = handle - chunkIndex * CHUNK_SHIFT;
      const capacity = view.getUint32(at);
      if (size <= capacity) {
        this.#encode(chunkIndex, at, row, size);
        return handle;
      }
      this.free(handle);
    }
    const capacity = size;
    if (this.#current < 0 || this.#offset + capacity > this.#chunks[this.#current]!.length) {
      this.#newChunk(capacity);
    }
    const chunkIndex = this.#current;
    const at = this.#offset;
    this.#offset += capacity;
    this.#views[chunkIndex]!.setUint32(at, capacity);
    this.#live[chunkIndex]++;
    this.#bytesInUse += capacity;
    this.#encode(chunkIndex, at, row, size);
    return chunkIndex * CHUNK_SHIFT + at;
  }

  /**
   * Releases a record.
   *
   * @param handle The record's handle.
   */
  free(handle: number): void {
    const chunkIndex = Math.floor(handle / CHUNK_SHIFT);
    const view = this.#views[chunkIndex]!;
    const at = handle - chunkIndex * CHUNK_SHIFT;
    this.#bytesInUse -= view.getUint32(at);
    if (--this.#live[chunkIndex] === 0 && chunkIndex !== this.#current) {
      this.#chunks[chunkIndex] = null;
      this.#views[chunkIndex] = null;
    }
  }

  /** Releases every record. */
  clear(): void {
    this.#chunks = [];
    this.#views = [];
    this.#live = [];
    this.#current = -1;
    this.#offset = 0;
    this.#bytesInUse = 0;
  }

  #newChunk(minBytes: number): void {
    if (this.#current >= 0 && this.#live[this.#current] === 0) {
      this.#chunks[this.#current] = null;
      this.#views[this.#current] = null;
    }
    const chunk = new Uint8Array(Math.max(CHUNK_BYTES, minBytes));
    let index = this.#chunks.indexOf(null);
    if (index < 0) index = this.#chunks.length;
    this.#chunks[index] = chunk;
    this.#views[index] = new DataView(chunk.buffer);
    this.#live[index] = 0;
    this.#current = index;
    this.#offset = 0;
  }

  #encode(chunkIndex: number, at: number, row: RowCells, size: number): void {
    const chunk = this.#chunks[chunkIndex]!;
    const view = this.#views[chunkIndex]!;
    // Cells may alias this record: copy them out before overwriting.
    const cells = row.cells.map((cell) =>
      cell !== null && cell.buffer === chunk.buffer ? cell.slice() : cell
    );
    const times = row.times ?? null;
    view.setUint32(at + 4, size);
    chunk[at + 8] = (row.marker ? FLAG_MARKER : 0) | (times !== null ? FLAG_TIMES : 0);
    view.setInt32(at + 9, row.hi ?? 0);
    view.setUint32(at + 13, row.lo ?? 0);
    let p = at + HEADER_BYTES;
    if (times !== null) {
      const m = cells.length * 4;
      view.setInt32(p, times[m + 2]);
      view.setUint32(p + 4, times[m + 3]);
      let first = 0;
      for (let i = 3; i < times.length; i += 4) {
        if (times[i] !== 0 && (first === 0 || times[i] < first)) first = times[i];
      }
      view.setUint32(p + 8, first);
      p += TIMES_HEADER_BYTES;
    }
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      view.setInt32(p, cell === null ? -1 : cell.length);
      p += 4;
      if (times !== null) {
        view.setInt32(p, times[i * 4]);
        view.setUint32(p + 4, times[i * 4 + 1]);
        view.setInt32(p + 8, times[i * 4 + 2]);
        view.setUint32(p + 12, times[i * 4 + 3]);
        p += CELL_TIMES_BYTES;
      }
      if (cell !== null) {
        chunk.set(cell, p);
        p += cell.length;
      }
    }
  }
}
