/**
 * The rows of `user` tables whose columns are all text or blob with fixed or uniform
 * distributions (the key-value shape most profiles have): generated in one call of the
 * WebAssembly kernel (`../_random_kernel.ts`, `blobColumns`), the same bytes as
 * `ProfileValueGenerator` gives column by column. Private to lib/cql/profile_data.
 *
 * @module
 */

import { RandomKernel } from "../_random_kernel.ts";
import type { PackedRow } from "./profile_partition_generator.ts";

/** A text or blob column as the kernel draws it. */
export interface BlobColumn {
  readonly saltHigh: number;
  readonly saltLow: number;
  /** The identity distribution. */
  readonly population: { readonly uniform: boolean; readonly min: number; readonly max: number };
  /** The size distribution (seeded with the identity). */
  readonly size: { readonly uniform: boolean; readonly min: number; readonly max: number };
  /** Text: each byte folded to a 7-bit character. */
  readonly text: boolean;
}

const SPEC_BYTES = 48;
const SPECS_AT = 16;
/** The largest row (the sum of the columns' largest sizes) the kernel takes. */
const MAX_ROW_BYTES = 1 << 20;

/**
 * One table's rows on the kernel.
 *
 * @example Usage
 * ```ts ignore
 * const kernel = BlobRowKernel.of(keyColumns, valueColumns);
 * if (kernel !== null) kernel.pack(seed, row, valueColumns.length);
 * ```
 */
export class BlobRowKernel {
  readonly #kernel = new RandomKernel();
  readonly #keyColumns: number;
  readonly #sizesAt: number;
  readonly #rowAt: number;

  private constructor(columns: readonly BlobColumn[], keyColumns: number, maxRowBytes: number) {
    this.#keyColumns = keyColumns;
    this.#sizesAt = SPECS_AT + SPEC_BYTES * columns.length;
    this.#rowAt = this.#sizesAt + 4 * columns.length + 8;
    const kernel = this.#kernel;
    kernel.reserve(this.#rowAt + maxRowBytes + 8);
    const view = new DataView(kernel.bytes.buffer);
    columns.forEach((column, c) => {
      const at = SPECS_AT + SPEC_BYTES * c;
      view.setInt32(at, column.saltLow, true);
      view.setInt32(at + 4, column.saltHigh, true);
      view.setFloat64(at + 8, column.population.min, true);
      view.setFloat64(at + 16, column.population.max, true);
      view.setFloat64(at + 24, column.size.min, true);
      view.setFloat64(at + 32, column.size.max, true);
      const flags = (column.population.uniform ? 1 : 0) | (column.size.uniform ? 2 : 0) |
        (column.text ? 4 : 0);
      view.setInt32(at + 40, flags, true);
    });
  }

  /**
   * The kernel of a table, or null when a column is not a text or blob column with fixed or
   * uniform distributions, or its rows can exceed 1 MiB.
   *
   * @param keys The partition key columns (null where not a blob column).
   * @param values The value columns.
   * @returns The kernel, or null.
   */
  static of(
    keys: readonly (BlobColumn | null)[],
    values: readonly (BlobColumn | null)[],
  ): BlobRowKernel | null {
    const columns = [...keys, ...values];
    if (columns.some((column) => column === null)) return null;
    const blobs = columns as BlobColumn[];
    const maxRowBytes = blobs.reduce((sum, column) => sum + column.size.max, 0);
    if (maxRowBytes > MAX_ROW_BYTES) return null;
    return new BlobRowKernel(blobs, keys.length, maxRowBytes);
  }

  /**
   * Writes the key columns and the first `valueColumns` value columns of the row of `seed`
   * into `row` from offset 0, and their sizes (the caller sets the others).
   *
   * @param seed The population seed: a safe integer.
   * @param row Where the bytes and sizes go (its buffer grows when too small).
   * @param valueColumns How many value columns are set.
   */
  pack(seed: number, row: PackedRow, valueColumns: number): void {
    const kernel = this.#kernel;
    const columns = this.#keyColumns + valueColumns;
    const total = kernel.exports.blobColumns(
      Math.floor(seed / 4294967296) | 0,
      seed >>> 0,
      columns,
      this.#keyColumns,
      SPECS_AT,
      this.#sizesAt,
      this.#rowAt,
    );
    if (total > row.bytes.length) row.bytes = new Uint8Array(Math.max(total, row.bytes.length * 2));
    const out = row.bytes;
    const bytes = kernel.bytes;
    const rowAt = this.#rowAt;
    if (total > 64) out.set(bytes.subarray(rowAt, rowAt + total));
    else for (let i = 0; i < total; i++) out[i] = bytes[rowAt + i];
    const words = kernel.words;
    const first = this.#sizesAt >> 2;
    for (let c = 0; c < columns; c++) row.sizes[c] = words[first + c];
  }
}
