/**
 * Java's `StrictMath.log`: the fdlibm natural logarithm, bit for bit. V8's `Math.log` is off
 * by one ulp for some inputs (about 7% of uniform doubles in (0, 1)), which shows in the
 * Gaussian draws of `java.util.Random.nextGaussian()`. Private to lib/cql.
 *
 * @module
 */

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const TWO_POW_54 = 1.80143985094819840000e+16;
/** The minimax coefficients of the series of (log(1+f) - f + f^2/2) in s = f / (2 + f). */
const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;

/** `StrictMath.log`, with its own scratch words (one instance per user, not shared). */
export class StrictLog {
  readonly #double = new Float64Array(1);
  readonly #words = new Int32Array(this.#double.buffer);
  /** The index of the upper word in #words (little-endian hosts: 1). */
  readonly #hi = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

  /** The natural logarithm of `x`, as `StrictMath.log(x)`. */
  log(x: number): number {
    const words = this.#words;
    const hiIndex = this.#hi;
    this.#double[0] = x;
    let hx = words[hiIndex];
    const lx = words[1 - hiIndex];
    let k = 0;
    if (hx < 0x00100000) {
      if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
      if (hx < 0) return NaN;
      k -= 54;
      this.#double[0] = x * TWO_POW_54;
      hx = words[hiIndex];
    }
    if (hx >= 0x7ff00000) return x + x;
    k += (hx >> 20) - 1023;
    hx &= 0x000fffff;
    const i = (hx + 0x95f64) & 0x100000;
    words[hiIndex] = hx | (i ^ 0x3ff00000); // x or x/2 into [sqrt(2)/2, sqrt(2))
    k += i >> 20;
    const f = this.#double[0] - 1;
    const dk = k;
    if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
      if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
      const r = f * f * (0.5 - 0.33333333333333333 * f);
      return k === 0 ? f - r : dk * LN2_HI - ((r - dk * LN2_LO) - f);
    }
    const s = f / (2 + f);
    const z = s * s;
    const w = z * z;
    const t1 = w * (LG2 + w * (LG4 + w * LG6));
    const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    const r = t2 + t1;
    if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
      const hfsq = 0.5 * f * f;
      return k === 0
        ? f - (hfsq - s * (hfsq + r))
        : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    }
    return k === 0 ? f - s * (f - r) : dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
  }
}
