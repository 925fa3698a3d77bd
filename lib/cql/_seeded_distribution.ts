/**
 * A cassandra-stress `Distribution` over a reseedable `java.util.Random`, as its profile
 * generators use them: `setSeed(long)`, then any number of `next()` / `nextDouble()` draws
 * (commons-math3's samplers, `DistributionBoundApache`, `DistributionOffsetApache`,
 * `DistributionFixed`, `DistributionSequence`, `DistributionInverted`). Private to
 * lib/cql (the profile generators and `_size_sampler.ts`).
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";
import { OptionError } from "../errors.ts";
import { JavaRandom } from "./_java_random.ts";
import { StrictLog } from "./_strict_log.ts";

const FIXED = 0;
const UNIFORM = 1;
const GAUSSIAN = 2;
const EXP = 3;
const EXTREME = 4;
const SEQ = 5;
const LONG_MAX = 9223372036854775807;

/** commons-math3's Ahrens-Dieter table: partial sums of ln(2)^i / i! up to 1. */
function exponentialTable(): Float64Array {
  const sums: number[] = [];
  let sum = 0;
  let factorial = 1;
  for (let i = 1; sum < 1; i++) {
    factorial *= i;
    sum += Math.pow(Math.LN2, i) / factorial;
    sums.push(sum);
  }
  return Float64Array.from(sums);
}

/** Java's `(long) x` for doubles, kept as a (possibly unsafe) integral number. */
function toLong(x: number): number {
  if (x !== x) return 0;
  return x >= LONG_MAX ? LONG_MAX : x <= -LONG_MAX ? -LONG_MAX - 1 : Math.trunc(x);
}

/** One distribution of a column spec (`population`, `size` or `cluster`), reseedable. */
export class SeededDistribution {
  readonly #kind: number;
  readonly #min: number;
  readonly #max: number;
  readonly #a: number;
  readonly #b: number;
  readonly #inverted: boolean;
  readonly #table: Float64Array;
  readonly #random = new JavaRandom();
  readonly #log = new StrictLog();
  #nextGaussian = 0;
  #haveNextGaussian = false;
  #sequence = 0n;
  /** The smallest value `next()` returns (cassandra-stress's `minValue()`). */
  readonly minValue: number;
  /** The largest value `next()` returns (cassandra-stress's `maxValue()`). */
  readonly maxValue: number;

  /**
   * @param spec The distribution.
   * @param option The option named in errors (e.g. `columnspec c1 population`).
   * @throws {OptionError} For `qextreme` (cassandra-stress samples it from an unseeded
   * random) and bounds beyond 2^53.
   */
  constructor(spec: DistributionSpec, option: string) {
    const fail = (problem: string, expected: string): OptionError =>
      new OptionError({ option, value: spec.source, problem, expected });
    this.#inverted = spec.inverted;
    this.#table = new Float64Array(0);
    this.#a = 0;
    this.#b = 0;
    if (spec.kind === "qextreme") {
      throw fail("is not reproducible", "fixed, uniform, gaussian, exp, extreme or seq");
    }
    const min = spec.kind === "fixed" ? spec.value : spec.min;
    const max = spec.kind === "fixed" ? spec.value : spec.max;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
      throw fail(`has bounds "${min}" and "${max}"`, "integer bounds within +-2^53");
    }
    if (min > max) throw fail(`has min "${min}" above max "${max}"`, "min at most max");
    this.#min = min;
    this.#max = max;
    this.minValue = min;
    this.maxValue = max;
    const delta = max - min;
    if (spec.kind === "fixed" || (min === max && spec.kind !== "seq")) {
      this.#kind = FIXED;
      return;
    }
    switch (spec.kind) {
      case "uniform":
        this.#kind = UNIFORM;
        return;
      case "gaussian":
        this.#kind = GAUSSIAN;
        this.#a = spec.mean;
        this.#b = spec.stdev;
        return;
      case "exp":
        this.#kind = EXP;
        // The mean puts P(X > max - min) at sqrt(1 / (max - min)).
        this.#a = delta / -Math.log(1 - (1 - Math.sqrt(1 / delta)));
        this.#table = exponentialTable();
        return;
      case "extreme":
        this.#kind = EXTREME;
        this.#a = 1 / spec.shape;
        this.#b = delta / Math.pow(-Math.log1p(-(1 - Math.sqrt(1 / delta))), this.#a);
        return;
      case "seq":
        this.#kind = SEQ;
        return;
    }
  }

  /**
   * A fixed or uniform distribution, not inverted: whether it draws (uniform) and its bounds;
   * null for any other.
   */
  get simpleBounds():
    | { readonly uniform: boolean; readonly min: number; readonly max: number }
    | null {
    if (this.#inverted || (this.#kind !== FIXED && this.#kind !== UNIFORM)) return null;
    return { uniform: this.#kind === UNIFORM, min: this.#min, max: this.#max };
  }

  /** `setSeed(long)` for the long `high:low`. */
  setSeed(high: number, low: number): void {
    if (this.#kind === SEQ) {
      this.#sequence = BigInt.asIntN(64, (BigInt(high | 0) << 32n) | BigInt(low >>> 0));
      return;
    }
    this.#random.setSeed(high, low);
    this.#haveNextGaussian = false;
  }

  /** `next()`: the next integral value (a safe integer). */
  next(): number {
    const kind = this.#kind;
    if (kind === FIXED) return this.#min;
    const min = this.#min;
    const max = this.#max;
    let r: number;
    if (kind === SEQ) {
      r = this.#nextSequence();
    } else if (kind === UNIFORM || kind === GAUSSIAN) {
      const x = toLong(this.#sample());
      r = x < min ? min : x > max ? max : x;
    } else {
      const x = toLong(this.#sample());
      const delta = max - min;
      r = min + (x < 0 ? 0 : x > delta ? delta : x);
    }
    return this.#inverted ? max - (r - min) : r;
  }

  /** `nextDouble()`: the next value before truncation (floats and doubles use it). */
  nextDouble(): number {
    const kind = this.#kind;
    if (kind === FIXED) return this.#min;
    const min = this.#min;
    const max = this.#max;
    let r: number;
    if (kind === SEQ) {
      r = this.#nextSequence();
    } else if (kind === UNIFORM || kind === GAUSSIAN) {
      const x = this.#sample();
      r = x < min ? min : x > max ? max : x;
    } else {
      const x = this.#sample();
      const delta = max - min;
      r = min + (x < 0 ? 0 : x > delta ? delta : x);
    }
    return this.#inverted ? max - (r - min) : r;
  }

  /** The delegate's `sample()` (commons-math3). */
  #sample(): number {
    const random = this.#random;
    switch (this.#kind) {
      case UNIFORM: {
        const u = random.nextDouble();
        return u * (this.#max + 1) + (1 - u) * this.#min;
      }
      case GAUSSIAN:
        return this.#b * this.#gaussian() + this.#a;
      case EXP:
        return this.#a * this.#exponential();
      default: {
        const p = random.nextDouble();
        return p === 0 ? 0 : this.#b * Math.pow(-Math.log1p(-p), this.#a);
      }
    }
  }

  /** `DistributionSequence`: start + (counter++ % count), on a 64-bit counter. */
  #nextSequence(): number {
    const count = BigInt(this.#max - this.#min + 1);
    const value = this.#sequence;
    this.#sequence = BigInt.asIntN(64, value + 1n);
    return this.#min + Number(value % count);
  }

  /** `java.util.Random.nextGaussian()`, with its cached second value. */
  #gaussian(): number {
    if (this.#haveNextGaussian) {
      this.#haveNextGaussian = false;
      return this.#nextGaussian;
    }
    const random = this.#random;
    let v1 = 0;
    let v2 = 0;
    let s = 0;
    do {
      v1 = 2 * random.nextDouble() - 1;
      v2 = 2 * random.nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const multiplier = Math.sqrt(-2 * this.#log.log(s) / s); // StrictMath, as Java
    this.#nextGaussian = v2 * multiplier;
    this.#haveNextGaussian = true;
    return v1 * multiplier;
  }

  /** A unit exponential by commons-math3's Ahrens-Dieter (1972) method. */
  #exponential(): number {
    const random = this.#random;
    const table = this.#table;
    let a = 0;
    let u = random.nextDouble();
    while (u < 0.5) {
      a += table[0];
      u *= 2;
    }
    u += u - 1;
    if (u <= table[0]) return a + u;
    let i = 0;
    let umin = random.nextDouble();
    do {
      ++i;
      const u2 = random.nextDouble();
      if (u2 < umin) umin = u2;
    } while (u > table[i]);
    return a + umin * table[0];
  }
}
