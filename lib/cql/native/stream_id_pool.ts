/**
 * The free stream ids of a connection: a stack of up to 32768 ids, taken and given back without
 * allocating.
 *
 * @module
 */

/**
 * The most stream ids one connection has (requests use 0..32767).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_STREAM_IDS } from "./stream_id_pool.ts";
 * assert.equal(MAX_STREAM_IDS, 32768);
 * ```
 */
export const MAX_STREAM_IDS = 32768;

/**
 * A pool of stream ids 0..size-1; the lowest ids are taken first.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { StreamIdPool } from "./stream_id_pool.ts";
 * const pool = new StreamIdPool(2);
 * assert.equal(pool.take(), 0);
 * assert.equal(pool.take(), 1);
 * assert.equal(pool.take(), -1);
 * pool.give(0);
 * assert.equal(pool.free, 1);
 * assert.equal(pool.take(), 0);
 * ```
 */
export class StreamIdPool {
  /** How many ids the pool holds in all. */
  readonly size: number;
  readonly #stack: Int16Array;
  #top: number;

  /**
   * Creates a pool with every id free.
   *
   * @param size How many ids (1..32768).
   * @throws {RangeError} When `size` is out of range.
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_STREAM_IDS) {
      throw new RangeError(
        `Cannot make a stream id pool of ${size}: expected 1..${MAX_STREAM_IDS}`,
      );
    }
    this.size = size;
    this.#stack = new Int16Array(size);
    for (let i = 0; i < size; i++) this.#stack[i] = size - 1 - i;
    this.#top = size;
  }

  /** Ids free now. */
  get free(): number {
    return this.#top;
  }

  /**
   * Takes a free id.
   *
   * @returns The id, or -1 when none is free.
   */
  take(): number {
    return this.#top === 0 ? -1 : this.#stack[--this.#top];
  }

  /**
   * Gives an id back.
   *
   * @param id An id taken earlier and not given back since.
   */
  give(id: number): void {
    this.#stack[this.#top++] = id;
  }
}
