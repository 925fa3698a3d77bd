/**
 * cassandra-stress's `FasterRandom` (a 64-bit xorshift with a multiplied output, reseeded
 * through `java.util.Random` on every 32nd long) for the byte values of `user` profiles, on the
 * WebAssembly kernel of `_random_kernel.ts`. Private to lib/cql.
 *
 * @module
 */

import { RandomKernel } from "./_random_kernel.ts";

/**
 * A `FasterRandom` whose output is written into byte arrays.
 *
 * @example Usage
 * ```ts ignore
 * const random = new FasterRandom();
 * random.setSeed(~0, ~41); // seeded with ~41
 * random.fill(out, 0, 34);
 * ```
 */
export class FasterRandom {
  /** Made at the first seed: a generator whose rows come from another kernel never needs it. */
  #kernel: RandomKernel | null = null;

  /** `setSeed(x)` for the long `high:low`. */
  setSeed(high: number, low: number): void {
    (this.#kernel ??= new RandomKernel()).exports.fasterSeed(high, low);
  }

  /**
   * Writes the next `size` bytes at `offset`: each long of output, least significant byte first.
   *
   * @throws {TypeError} Before the first {@linkcode setSeed}.
   */
  fill(out: Uint8Array, offset: number, size: number): void {
    const kernel = this.#kernel;
    if (kernel === null) throw new TypeError("FasterRandom.fill() before setSeed()");
    kernel.reserve(size + 8);
    kernel.exports.fasterFill(size, 0);
    kernel.copyOut(0, size, out, offset);
  }
}
