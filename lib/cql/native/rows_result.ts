/**
 * The Rows result of a statement: its columns, paging state and the raw bytes of every cell,
 * kept in one copy of the rows content and indexed once; a cell is read, or compared, without
 * decoding anything else.
 *
 * @module
 */

import type { BodyReader } from "./body_reader.ts";
import { type ColumnSpec, readResultMetadata } from "./column_metadata.ts";
import { NativeProtocolError } from "./native_errors.ts";

/**
 * Rows, as raw cell bytes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { RowsResult } from "./rows_result.ts";
 * // No_metadata, 1 column; 2 rows: [0x2a] and null.
 * const bytes = new Uint8Array([
 *   0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0x2a, 0xff, 0xff, 0xff, 0xff,
 * ]);
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * const rows = RowsResult.decode(reader, 4, null);
 * assert.equal(rows.rowCount, 2);
 * assert.deepEqual([...rows.cell(0, 0)!], [0x2a]);
 * assert.equal(rows.cell(1, 0), null);
 * assert.ok(rows.cellEquals(0, 0, new Uint8Array([0x2a])));
 * ```
 */
export class RowsResult {
  /** The result kind. */
  readonly kind = "rows" as const;
  /** The columns (the statement's result columns when the node sent no metadata), or null. */
  readonly columns: readonly ColumnSpec[] | null;
  /** Columns per row. */
  readonly columnCount: number;
  /** Rows in this page. */
  readonly rowCount: number;
  /** Where the next page starts, or null on the last page. */
  readonly pagingState: Uint8Array | null;
  /** v5: the statement's new result metadata id (Metadata_changed), else null. */
  readonly newMetadataId: Uint8Array | null;
  /** The rows content (a copy). */
  readonly #bytes: Uint8Array;
  /** Per cell, where its bytes start in #bytes; -1 for null. */
  readonly #starts: Int32Array;
  /** Per cell, its length. */
  readonly #lengths: Int32Array;

  private constructor(
    metadata: {
      columns: readonly ColumnSpec[] | null;
      columnCount: number;
      pagingState: Uint8Array | null;
      newMetadataId: Uint8Array | null;
    },
    rowCount: number,
    bytes: Uint8Array,
  ) {
    this.columns = metadata.columns;
    this.columnCount = metadata.columnCount;
    this.pagingState = metadata.pagingState;
    this.newMetadataId = metadata.newMetadataId;
    this.rowCount = rowCount;
    this.#bytes = bytes;
    const cells = rowCount * metadata.columnCount;
    this.#starts = new Int32Array(cells);
    this.#lengths = new Int32Array(cells);
    this.#index(cells);
  }

  #index(cells: number): void {
    const b = this.#bytes;
    let p = 0;
    for (let i = 0; i < cells; i++) {
      if (b.length - p < 4) throw this.#truncated(i);
      const n = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
      p += 4;
      if (n < 0) {
        this.#starts[i] = -1;
        continue;
      }
      if (b.length - p < n) throw this.#truncated(i);
      this.#starts[i] = p;
      this.#lengths[i] = n;
      p += n;
    }
  }

  #truncated(cell: number): NativeProtocolError {
    return new NativeProtocolError(
      `Cannot read a response: Rows body ends inside cell ${cell} of ${
        this.rowCount * this.columnCount
      }`,
    );
  }

  /**
   * Decodes the rest of a Rows result (after its kind).
   *
   * @param reader The reader, at the metadata.
   * @param version The protocol version.
   * @param resultColumns The statement's result columns, used when the node sent none.
   * @returns The rows.
   * @throws {NativeProtocolError} When the body is malformed.
   */
  static decode(
    reader: BodyReader,
    version: number,
    resultColumns: readonly ColumnSpec[] | null,
  ): RowsResult {
    const metadata = readResultMetadata(reader, version);
    const rowCount = reader.readInt();
    const columnCount = metadata.columnCount;
    if (rowCount < 0 || (columnCount > 0 && rowCount * columnCount * 4 > reader.remaining)) {
      throw new NativeProtocolError(
        `Cannot read a response: ${rowCount} rows of ${columnCount} columns do not fit in ${reader.remaining} bytes`,
      );
    }
    const bytes = reader.copyRest();
    const columns = metadata.columns ?? resultColumns;
    return new RowsResult({ ...metadata, columns }, rowCount, bytes);
  }

  /**
   * The index of a column by name, or -1.
   *
   * @param name The column name.
   * @returns Its index.
   */
  columnIndex(name: string): number {
    return this.columns?.findIndex((column) => column.name === name) ?? -1;
  }

  /**
   * A cell's bytes (a view of the result's copy), or null for a CQL null.
   *
   * @param row The row index.
   * @param column The column index.
   * @returns The bytes or null.
   */
  cell(row: number, column: number): Uint8Array | null {
    const i = this.#cellIndex(row, column);
    const start = this.#starts[i];
    return start < 0 ? null : this.#bytes.subarray(start, start + this.#lengths[i]);
  }

  /**
   * A cell's length in bytes, or -1 for a CQL null.
   *
   * @param row The row index.
   * @param column The column index.
   * @returns The length.
   */
  cellLength(row: number, column: number): number {
    const i = this.#cellIndex(row, column);
    return this.#starts[i] < 0 ? -1 : this.#lengths[i];
  }

  /**
   * Whether a cell holds exactly `expected` (false for a null cell).
   *
   * @param row The row index.
   * @param column The column index.
   * @param expected The bytes expected.
   * @returns True when equal.
   */
  cellEquals(row: number, column: number, expected: Uint8Array): boolean {
    const i = this.#cellIndex(row, column);
    const start = this.#starts[i];
    if (start < 0 || this.#lengths[i] !== expected.length) return false;
    const b = this.#bytes;
    for (let k = 0; k < expected.length; k++) if (b[start + k] !== expected[k]) return false;
    return true;
  }

  #cellIndex(row: number, column: number): number {
    if (row < 0 || row >= this.rowCount || column < 0 || column >= this.columnCount) {
      throw new RangeError(
        `Cannot read cell (${row}, ${column}): the result has ${this.rowCount} rows of ${this.columnCount} columns`,
      );
    }
    return row * this.columnCount + column;
  }
}
