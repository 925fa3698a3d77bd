/**
 * The random generators of cassandra-stress's data, bit for bit: `java.util.Random` and its
 * `FasterRandom`, on pairs of 32-bit halves, and the identity draw of its generators.
 * Private to lib/cql (see `stress_data.ts`).
 *
 * @module
 */

const TWO_POW_24 = 16777216;
const INV_TWO_POW_24 = 1 / TWO_POW_24;
const INV_TWO_POW_53 = 1 / 9007199254740992;
/** `java.util.Random`'s multiplier 0x5DEECE66D, split at bit 24. */
const LCG_MUL_LOW = 0xece66d;
const LCG_MUL_HIGH = 0x5de;
/** `FasterRandom`'s output multiplier 2685821657736338717, as 32-bit halves and 16-bit limbs. */
const XS_MUL_HIGH = 0x2545f491;
const XS_MUL_LOW = 0x4f6cdd1d;
const XS_MUL_LOW_A = 0xdd1d;
const XS_MUL_LOW_B = 0x4f6c;
/** The identity distribution `uniform(1..100B)` is a uniform real over `[1, 100B + 1)`. */
const IDENTITY_MIN = 1;
const IDENTITY_MAX = 100_000_000_000;
/** `FasterRandom` reseeds itself on every 32nd long. */
const RESEED_PERIOD = 32;

/** `java.util.Random` (48-bit LCG) with its state as two 24-bit halves. */
export class JavaRandom {
  #high = 0;
  #low = 0;
  /** The high and low words of the last {@linkcode JavaRandom.nextLong}. */
  longHigh = 0;
  longLow = 0;

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

  /** `next(32)` as a signed int. */
  nextInt32(): number {
    this.#step();
    return ((this.#high << 8) | (this.#low >>> 16)) | 0;
  }

  /** `nextDouble()`: 53 bits from `next(26)` and `next(27)`. */
  nextDouble(): number {
    this.#step();
    const a = (this.#high << 2) | (this.#low >>> 22);
    this.#step();
    const b = (this.#high << 3) | (this.#low >>> 21);
    return (a * 134217728 + b) * INV_TWO_POW_53;
  }

  /** `nextLong()`, written to `longHigh`/`longLow` (both int32). */
  nextLong(): void {
    const a = this.nextInt32();
    const b = this.nextInt32();
    this.longHigh = (a + (b >> 31)) | 0;
    this.longLow = b;
  }
}

/** cassandra-stress's `FasterRandom`: a 64-bit xorshift reseeded via `java.util.Random`. */
export class FasterRandom {
  #high = 0;
  #low = 0;
  #count = 0;
  readonly #random = new JavaRandom();

  setSeed(high: number, low: number): void {
    this.#high = high;
    this.#low = low;
    this.#rollover();
  }

  #rollover(): void {
    const random = this.#random;
    this.#count = 0;
    random.setSeed(this.#high, this.#low);
    random.nextLong();
    this.#high = random.longHigh;
    this.#low = random.longLow;
  }

  /** Writes `size` bytes at `offset`: each long of output, least significant byte first. */
  fill(out: Uint8Array, offset: number, size: number): void {
    let h = this.#high;
    let l = this.#low;
    let count = this.#count;
    const end = offset + size;
    for (let at = offset; at < end; at += 8) {
      if (++count === RESEED_PERIOD) {
        this.#high = h;
        this.#low = l;
        this.#rollover();
        h = this.#high;
        l = this.#low;
        count = 0;
      }
      l ^= (l >>> 12) | (h << 20); // s ^= s >> 12
      h ^= h >> 12;
      h ^= (h << 25) | (l >>> 7); // s ^= s << 25
      l ^= l << 25;
      l ^= (l >>> 27) | (h << 5); // s ^= s >> 27
      h ^= h >> 27;
      // The low 64 bits of s * 2685821657736338717.
      const a = l >>> 0;
      const a0 = a & 0xffff;
      const a1 = a >>> 16;
      // The high word of a * XS_MUL_LOW in integer steps (no float division): both partial
      // sums stay below 2^32, so `>>>` reads them exactly.
      const x = a1 * XS_MUL_LOW_A;
      const y = a0 * XS_MUL_LOW_B + ((a0 * XS_MUL_LOW_A) >>> 16);
      const carry = a1 * XS_MUL_LOW_B + (x >>> 16) + (y >>> 16) +
        (((x & 0xffff) + (y & 0xffff)) >>> 16);
      const lo = Math.imul(l, XS_MUL_LOW);
      const hi = (carry + Math.imul(h, XS_MUL_LOW) + Math.imul(l, XS_MUL_HIGH)) | 0;
      if (end - at >= 8) {
        out[at] = lo;
        out[at + 1] = lo >>> 8;
        out[at + 2] = lo >>> 16;
        out[at + 3] = lo >>> 24;
        out[at + 4] = hi;
        out[at + 5] = hi >>> 8;
        out[at + 6] = hi >>> 16;
        out[at + 7] = hi >>> 24;
      } else {
        for (let k = 0; at + k < end; k++) {
          out[at + k] = k < 4 ? lo >>> (k << 3) : hi >>> ((k - 4) << 3);
        }
      }
    }
    this.#high = h;
    this.#low = l;
    this.#count = count;
  }
}

/** The next draw of the identity distribution `uniform(1..100B)`. */
export function nextIdentity(random: JavaRandom): number {
  const u = random.nextDouble();
  const x = Math.trunc(u * (IDENTITY_MAX + 1) + (1 - u) * IDENTITY_MIN);
  return x < IDENTITY_MIN ? IDENTITY_MIN : x > IDENTITY_MAX ? IDENTITY_MAX : x;
}
