/**
 * A small, fast, seeded pseudo-random number generator for the hot path.
 *
 * @module
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const GOLDEN_GAMMA = 0x9e3779b9;

/** One splitmix32 output step for `state` (an int32), without the state update. */
function mix32(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

/**
 * A seeded PRNG: xoshiro128** over four 32-bit words, seeded through splitmix32.
 *
 * Every method works on plain number fields, so no call allocates. The engine derives each
 * operation's data from its cycle number with {@linkcode Prng.reseed}, which is as cheap as a
 * few multiplications. Not suitable for cryptography.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Prng } from "./prng.ts";
 *
 * const a = new Prng(42);
 * const b = new Prng(42);
 * assert.equal(a.nextUint32(), b.nextUint32());
 * const x = a.nextDouble();
 * assert.ok(x >= 0 && x < 1);
 * a.reseed(7);
 * b.reseed(7);
 * assert.equal(a.nextGaussian(), b.nextGaussian());
 * ```
 */
export class Prng {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;
  #spareGaussian = 0;
  #hasSpareGaussian = false;

  /**
   * Creates a generator.
   *
   * @param seed Any integer (negative and values above 2^32 are fine: the high bits count too).
   */
  constructor(seed: number) {
    this.reseed(seed);
  }

  /**
   * Restarts the generator from `seed`, as if newly constructed. Allocates nothing.
   *
   * @param seed Any integer; the same seed always gives the same sequence.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const prng = new Prng(1);
   * const first = prng.nextUint32();
   * prng.reseed(1);
   * assert.equal(prng.nextUint32(), first);
   * ```
   */
  reseed(seed: number): void {
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    // Fold the high word in through its own mix so that seeds 2^32 apart differ.
    let state = (low ^ mix32((high + 0x6a09e667) | 0)) | 0;
    state = (state + GOLDEN_GAMMA) | 0;
    this.#s0 = mix32(state);
    state = (state + GOLDEN_GAMMA) | 0;
    this.#s1 = mix32(state);
    state = (state + GOLDEN_GAMMA) | 0;
    this.#s2 = mix32(state);
    state = (state + GOLDEN_GAMMA) | 0;
    this.#s3 = mix32(state);
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = GOLDEN_GAMMA | 0;
    this.#hasSpareGaussian = false;
  }

  /**
   * Returns the next 32 random bits as an unsigned integer.
   *
   * @returns An integer in `[0, 2^32)`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const value = new Prng(3).nextUint32();
   * assert.ok(Number.isInteger(value) && value >= 0 && value < 2 ** 32);
   * ```
   */
  nextUint32(): number {
    const s0 = this.#s0;
    const s1 = this.#s1;
    const s2 = this.#s2 ^ s0;
    const s3 = this.#s3 ^ s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    this.#s1 = s1 ^ s2;
    this.#s0 = s0 ^ s3;
    this.#s2 = s2 ^ t;
    this.#s3 = (s3 << 11) | (s3 >>> 21);
    return result >>> 0;
  }

  /**
   * Returns a uniform double in `[0, 1)` with 53 random bits (two 32-bit draws).
   *
   * @returns A number `x` with `0 <= x < 1`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const x = new Prng(5).nextDouble();
   * assert.ok(x >= 0 && x < 1);
   * ```
   */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /**
   * Returns a standard normal variate (mean 0, standard deviation 1), by the Marsaglia polar
   * method; the second variate of each pair is kept for the next call.
   *
   * @returns A normally distributed number.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const prng = new Prng(9);
   * let sum = 0;
   * for (let i = 0; i < 10_000; i++) sum += prng.nextGaussian();
   * assert.ok(Math.abs(sum / 10_000) < 0.05);
   * ```
   */
  nextGaussian(): number {
    if (this.#hasSpareGaussian) {
      this.#hasSpareGaussian = false;
      return this.#spareGaussian;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.nextDouble() - 1;
      v = 2 * this.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareGaussian = v * factor;
    this.#hasSpareGaussian = true;
    return u * factor;
  }
}
