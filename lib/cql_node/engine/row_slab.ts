/**
 * Row records packed into large byte chunks, so a stored row costs a few bytes of header instead
 * of a JavaScript object per cell.
 *
 * @module
 */

const CHUNK_BYTES = 1 << 20;
const HEADER_BYTES = 9;
const CHUNK_SHIFT = 2 ** 32;

/** A stored row as the executor sees it: one entry per regular (and static) cell. */
export interface RowCells {
  /** Whether the row exists by itself (INSERT sets a row marker; UPDATE of cells does not). */
  marker: boolean;
  /** The cell values in table column order; `null` for an absent cell. Views into the slab. */
  cells: (Uint8Array | null)[];
}

/**
 * An arena of row records. A record is `[u32 capacity][u32 used][u8 flags]` then, per cell, an
 * `i32` length (-1 for absent) and the bytes. A handle is `chunk * 2^32 + offset`. Rewriting a
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
    const marker = (chunk[at + 8] & 1) === 1;
    at += HEADER_BYTES;
    const cells: (Uint8Array | null)[] = new Array(cellCount);
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
    return { marker, cells };
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
    view.setUint32(at + 4, size);
    chunk[at + 8] = row.marker ? 1 : 0;
    let p = at + HEADER_BYTES;
    for (const cell of cells) {
      if (cell === null) {
        view.setInt32(p, -1);
        p += 4;
      } else {
        view.setInt32(p, cell.length);
        chunk.set(cell, p + 4);
        p += 4 + cell.length;
      }
    }
  }
}
