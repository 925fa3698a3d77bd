/**
 * Java `long` arithmetic on pairs of 32-bit words, as cassandra-stress's profile data needs it
 * (seed mixing, `seed * 31`, `seed ^ salt`). Private to lib/cql/profile_data.
 *
 * @module
 */

/** 2^32, to split a long into its words. */
export const TWO_POW_32 = 4294967296;

/** A mutable Java `long`: `high` is the signed upper word, `low` the unsigned lower word. */
export class SeedWords {
  high = 0;
  low = 0;

  /** Sets the long from its words (any int32/uint32 representation). */
  set(high: number, low: number): void {
    this.high = high | 0;
    this.low = low >>> 0;
  }

  /** Sets the long from a safe integer. */
  setNumber(value: number): void {
    this.high = Math.floor(value / TWO_POW_32) | 0;
    this.low = value >>> 0;
  }

  /** Copies another long. */
  copy(other: SeedWords): void {
    this.high = other.high;
    this.low = other.low;
  }

  /** `this = 31 * this + (high:low)`, wrapping at 64 bits. */
  mixLong(high: number, low: number): void {
    const t = this.low * 31 + (low >>> 0);
    this.low = t >>> 0;
    this.high = (Math.imul(this.high, 31) + (high | 0) + Math.floor(t / TWO_POW_32)) | 0;
  }

  /** `this = 31 * this + v` for a safe integer `v`. */
  mixNumber(value: number): void {
    this.mixLong(Math.floor(value / TWO_POW_32) | 0, value >>> 0);
  }

  /**
   * {@linkcode SeedWords.mixSmall} of each (signed) byte of `bytes[0..length)`, in 16-bit
   * limbs so that every step stays in int32 arithmetic.
   */
  mixBytes(bytes: Uint8Array, length: number): void {
    let high = this.high | 0;
    let low = this.low | 0;
    for (let i = 0; i < length; i++) {
      const v = (bytes[i] << 24) >> 24;
      const low16 = (low & 0xffff) * 31 + (v & 0xffff);
      const high16 = (low >>> 16) * 31 + ((v >>> 16) & 0xffff) + (low16 >>> 16);
      high = (Math.imul(high, 31) + (v >> 31) + (high16 >>> 16)) | 0;
      low = (high16 << 16) | (low16 & 0xffff);
    }
    this.high = high;
    this.low = low >>> 0;
  }

  /** `this = 31 * this + b` for a Java (signed) byte or char `b`. */
  mixSmall(value: number): void {
    this.mixLong(value < 0 ? -1 : 0, value >>> 0);
  }
}

/** Java's `(long) x`: truncates, NaN is 0, saturates at the long range; returns `[high, low]` into `out`. */
export function doubleToLongWords(x: number, out: SeedWords): void {
  if (x !== x) {
    out.set(0, 0);
  } else if (x >= 9223372036854775807) {
    out.set(0x7fffffff, 0xffffffff);
  } else if (x <= -9223372036854775808) {
    out.set(0x80000000, 0);
  } else {
    const t = Math.trunc(x);
    const high = Math.floor(t / TWO_POW_32);
    out.set(high, t - high * TWO_POW_32);
  }
}
