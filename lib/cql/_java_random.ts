/**
 * `java.util.Random` bit for bit, on pairs of 32-bit halves, for cassandra-stress's
 * distributions (`_seeded_distribution.ts`); the generators of its data bytes are in
 * `_random_kernel.ts`. Private to lib/cql.
 *
 * @module
 */

const TWO_POW_24 = 16777216;
const INV_TWO_POW_24 = 1 / TWO_POW_24;
const INV_TWO_POW_53 = 1 / 9007199254740992;
/** `java.util.Random`'s multiplier 0x5DEECE66D, split at bit 24. */
const LCG_MUL_LOW = 0xece66d;
const LCG_MUL_HIGH = 0x5de;

/** `java.util.Random` (48-bit LCG) with its state as two 24-bit halves. */
export class JavaRandom {
  #high = 0;
  #low = 0;

  /** `setSeed(x)` for the long `high:low` (only its low 48 bits count). */
  setSeed(high: number, low: number): void {
    const low32 = (low ^ 0xdeece66d) >>> 0;
    const high16 = (high ^ 0x5) & 0xffff;
    this.#low = low32 & 0xffffff;
    this.#high = (low32 >>> 24) | (high16 << 8);
  }

  #step(): void {
    const low = this.#low;
    const t = low * LCG_MUL_LOW + 0xb; // < 2^48: exact
    const carry = Math.floor(t * INV_TWO_POW_24);
    this.#low = t - carry * TWO_POW_24;
    // Only the low 24 bits of the high half survive, so 32-bit products are enough.
    this.#high = (carry + Math.imul(this.#high, LCG_MUL_LOW) + Math.imul(low, LCG_MUL_HIGH)) &
      0xffffff;
  }

  /** `nextDouble()`: 53 bits from `next(26)` and `next(27)`. */
  nextDouble(): number {
    this.#step();
    const a = (this.#high << 2) | (this.#low >>> 22);
    this.#step();
    const b = (this.#high << 3) | (this.#low >>> 21);
    return (a * 134217728 + b) * INV_TWO_POW_53;
  }
}
