/**
 * The rows of `user` tables whose columns are all text or blob with fixed or uniform
 * distributions (the key-value shape most profiles have): generated in one call of the
 * WebAssembly kernel (`../_random_kernel.ts`, `blobColumns`), the same bytes as
 * `ProfileValueGenerator` gives column by column. Private to lib/cql/profile_data.
 *
 * @module
 */

import { RandomKernel } from "../_random_kernel.ts";

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

/** Where a row's bytes and sizes go (`PackedRow` of `profile_partition_generator.ts`). */
export interface RowBuffers {
  bytes: Uint8Array;
  readonly sizes: Int32Array;
}

/** [value]s to write a row into (`EncodedValues` fits). */
export interface EncodedRow {
  readonly bytes: Uint8Array;
  count: number;
  length: number;
}

/** Where {@linkcode BlobRowKernel.pack} writes a row already encoded for a statement. */
export interface EncodedRowTarget {
  /** The [value]s, with room for the kernel's `maxEncodedBytes`. */
  readonly values: EncodedRow;
  /** Marker m binds column `order[m]` (key columns first, then value columns). */
  readonly order: Int32Array;
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
  readonly #columns: number;
  readonly #maxEncodedBytes: number;
  readonly #sizesAt: number;
  readonly #orderAt: number;
  readonly #offsetsAt: number;
  readonly #rowAt: number;
  readonly #encodedAt: number;
  /** The marker order last written to the kernel's memory. */
  #order: Int32Array | null = null;

  private constructor(columns: readonly BlobColumn[], keyColumns: number, maxRowBytes: number) {
    this.#keyColumns = keyColumns;
    this.#columns = columns.length;
    this.#maxEncodedBytes = maxRowBytes + 4 * columns.length;
    this.#sizesAt = SPECS_AT + SPEC_BYTES * columns.length;
    this.#orderAt = this.#sizesAt + 4 * columns.length;
    this.#offsetsAt = this.#orderAt + 4 * columns.length;
    this.#rowAt = this.#offsetsAt + 4 * columns.length + 8;
    this.#encodedAt = this.#rowAt + this.#maxEncodedBytes + 8;
    const kernel = this.#kernel;
    kernel.reserve(this.#encodedAt + this.#maxEncodedBytes + 8);
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

  /** The most bytes a row takes as [value]s (each column after its [int] length). */
  get maxEncodedBytes(): number {
    return this.#maxEncodedBytes;
  }

  /**
   * Writes the key columns and the first `valueColumns` value columns of the row of `seed`
   * and their sizes into `row` (the caller sets the other sizes), or, given `into`, the
   * [value]s of a statement's markers into `into.values` (NULL for a value column past
   * `valueColumns`) and the sizes into `row`.
   *
   * @param seed The population seed: a safe integer.
   * @param row Where the bytes (its buffer grows when too small) and the sizes go.
   * @param valueColumns How many value columns are set.
   * @param into Where the [value]s go instead, and the statement's marker order.
   */
  pack(seed: number, row: RowBuffers, valueColumns: number, into?: EncodedRowTarget): void {
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
      into === undefined ? 0 : 1,
    );
    const words = kernel.words;
    const first = this.#sizesAt >> 2;
    for (let c = 0; c < columns; c++) row.sizes[c] = words[first + c];
    if (into === undefined) {
      if (total > row.bytes.length) {
        row.bytes = new Uint8Array(Math.max(total, 2 * row.bytes.length));
      }
      kernel.copyOut(this.#rowAt, total, row.bytes, 0);
      return;
    }
    const { values, order } = into;
    if (order !== this.#order) this.#writeOrder(order);
    const written = kernel.exports.reorder(
      columns,
      order.length,
      this.#orderAt,
      this.#sizesAt,
      this.#rowAt,
      this.#offsetsAt,
      this.#encodedAt,
    );
    kernel.copyOut(this.#encodedAt, written, values.bytes, 0);
    values.count = order.length;
    values.length = written;
  }

  /** Writes a marker order (each column at most once) into the kernel's memory. */
  #writeOrder(order: Int32Array): void {
    if (order.length > this.#columns || new Set(order).size !== order.length) {
      throw new RangeError("Cannot encode a row: the markers must bind each column at most once");
    }
    if (order.some((column) => column < 0 || column >= this.#columns)) {
      throw new RangeError("Cannot encode a row: a marker binds no column of the row");
    }
    this.#kernel.words.set(order, this.#orderAt >> 2);
    this.#order = order;
  }
}
