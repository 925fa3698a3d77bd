/**
 * The keys and rows of `stress_data.ts` on a {@linkcode RandomKernel}: where each part lives in
 * its memory, and the copies out of it. Private to lib/cql.
 *
 * Memory layout: bytes 0-7 the data seed of the last key; from 16 the column salts (i64 each),
 * the identities (f64), the sizes (i32), the key bytes, then the row bytes, which grow as a row
 * needs.
 *
 * @module
 */

import { RandomKernel } from "./_random_kernel.ts";

const SALTS_AT = 16;

/**
 * The kernel of one {@linkcode StressData}: a fixed key size and set of column salts.
 *
 * @example Usage
 * ```ts ignore
 * const kernel = new StressDataKernel(10, saltHigh, saltLow);
 * kernel.keyInto(high, low, out, 0);
 * kernel.identities(kernel.dataSeedHigh, kernel.dataSeedLow, identities);
 * kernel.fillRowInto(sizes, total, out, 10, true);
 * ```
 */
export class StressDataKernel {
  readonly #kernel = new RandomKernel();
  readonly #keySizeBytes: number;
  readonly #columns: number;
  readonly #identitiesAt: number;
  readonly #sizesAt: number;
  readonly #keyAt: number;
  readonly #rowAt: number;

  /**
   * @param keySizeBytes The key length.
   * @param saltHigh Each column's salt, high words.
   * @param saltLow Each column's salt, low words.
   */
  constructor(keySizeBytes: number, saltHigh: Int32Array, saltLow: Int32Array) {
    const n = saltHigh.length;
    this.#keySizeBytes = keySizeBytes;
    this.#columns = n;
    this.#identitiesAt = SALTS_AT + 8 * n;
    this.#sizesAt = this.#identitiesAt + 8 * n;
    this.#keyAt = this.#sizesAt + 4 * n + 8;
    this.#rowAt = this.#keyAt + Math.ceil((keySizeBytes + 8) / 8) * 8;
    const kernel = this.#kernel;
    kernel.reserve(this.#rowAt + 8);
    for (let c = 0; c < n; c++) {
      kernel.words[(SALTS_AT >> 2) + 2 * c] = saltLow[c];
      kernel.words[(SALTS_AT >> 2) + 2 * c + 1] = saltHigh[c];
    }
  }

  /** The data seed of the last key, high word. */
  get dataSeedHigh(): number {
    return this.#kernel.words[1];
  }

  /** The data seed of the last key, low word. */
  get dataSeedLow(): number {
    return this.#kernel.words[0];
  }

  /** Writes the key of the salted seed `high:low` into `out` at `at`. */
  keyInto(high: number, low: number, out: Uint8Array, at: number): void {
    const size = this.#keySizeBytes;
    const kernel = this.#kernel;
    kernel.exports.key(high, low, size, this.#keyAt);
    kernel.copyOut(this.#keyAt, size, out, at);
  }

  /** Draws every column's identity from a data seed into `into`. */
  identities(seedHigh: number, seedLow: number, into: Float64Array): void {
    const n = this.#columns;
    const kernel = this.#kernel;
    kernel.exports.identities(seedHigh, seedLow, n, SALTS_AT, this.#identitiesAt);
    const first = this.#identitiesAt >> 3;
    for (let c = 0; c < n; c++) into[c] = kernel.doubles[first + c];
  }

  /**
   * Writes the values of the last {@linkcode StressDataKernel.identities} with these sizes into
   * `out` at `at`, each after its [int] length when `prefixed`; `total` is what that takes.
   */
  fillRowInto(
    sizes: Int32Array,
    total: number,
    out: Uint8Array,
    at: number,
    prefixed: boolean,
  ): void {
    const n = this.#columns;
    const kernel = this.#kernel;
    kernel.reserve(this.#rowAt + total + 8);
    const first = this.#sizesAt >> 2;
    for (let c = 0; c < n; c++) kernel.words[first + c] = sizes[c];
    const rowAt = this.#rowAt;
    kernel.exports.fillRow(n, this.#identitiesAt, this.#sizesAt, rowAt, prefixed ? 1 : 0);
    kernel.copyOut(rowAt, total, out, at);
  }
}
