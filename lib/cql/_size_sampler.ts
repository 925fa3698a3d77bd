/**
 * The cell size distribution of cassandra-stress's data, reseeded with each value's identity as
 * cassandra-stress does (commons-math3's samplers). Private to lib/cql (see `stress_data.ts`).
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";
import { OptionError } from "../errors.ts";
import { JavaRandom } from "./_java_random.ts";

/** 2^32, to split a long into its words. */
const TWO_POW_32 = 4294967296;

const SIZE_FIXED = 0;
const SIZE_UNIFORM = 1;
const SIZE_GAUSSIAN = 2;
const SIZE_EXP = 3;
const SIZE_EXTREME = 4;
const SIZE_SEQ = 5;

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

/** The cell size distribution, reseeded with each value's identity as cassandra-stress does. */
export class SizeSampler {
  readonly #kind: number;
  readonly #min: number;
  readonly #max: number;
  readonly #a: number;
  readonly #b: number;
  readonly #table: Float64Array;
  readonly #random = new JavaRandom();
  /** The largest size a sample can have. */
  readonly maxBytes: number;

  constructor(spec: DistributionSpec) {
    const fail = (problem: string, expected: string): OptionError =>
      new OptionError({ option: "-col size", value: spec.source, problem, expected });
    this.#table = new Float64Array(0);
    this.#a = 0;
    this.#b = 0;
    if (spec.kind === "fixed" || spec.min === spec.max) {
      const value = spec.kind === "fixed" ? spec.value : spec.min;
      if (!Number.isSafeInteger(value) || value < 0) {
        throw fail(`has size "${value}"`, "a size of at least 0 bytes");
      }
      this.#kind = SIZE_FIXED;
      this.#min = value;
      this.#max = value;
      this.maxBytes = value;
      return;
    }
    if (!Number.isSafeInteger(spec.min) || !Number.isSafeInteger(spec.max) || spec.min < 0) {
      throw fail(`has bounds "${spec.min}" and "${spec.max}"`, "integer sizes of at least 0");
    }
    if (spec.min > spec.max) {
      throw fail(`has min "${spec.min}" above max "${spec.max}"`, "min at most max");
    }
    if (spec.inverted) {
      // c-s sizes its buffer by the inverted distribution's maxValue(), which is the minimum,
      // and then fails with ArrayIndexOutOfBoundsException on the first larger value.
      throw fail("is inverted", 'a distribution without "~" (cassandra-stress fails on it)');
    }
    this.#min = spec.min;
    this.#max = spec.max;
    this.maxBytes = spec.max;
    const delta = spec.max - spec.min;
    switch (spec.kind) {
      case "uniform":
        this.#kind = SIZE_UNIFORM;
        return;
      case "gaussian":
        this.#kind = SIZE_GAUSSIAN;
        this.#a = spec.mean;
        this.#b = spec.stdev;
        return;
      case "exp":
        this.#kind = SIZE_EXP;
        // The mean puts P(X > max - min) at sqrt(1 / (max - min)).
        this.#a = delta / -Math.log(1 - (1 - Math.sqrt(1 / delta)));
        this.#table = exponentialTable();
        return;
      case "extreme":
        this.#kind = SIZE_EXTREME;
        this.#a = 1 / spec.shape;
        this.#b = delta / Math.pow(-Math.log1p(-(1 - Math.sqrt(1 / delta))), this.#a);
        return;
      case "seq":
        this.#kind = SIZE_SEQ;
        return;
      case "qextreme":
        // DistributionQuantized draws from an unseeded java.util.Random: not reproducible.
        throw fail("is not reproducible", "fixed, uniform, gaussian, exp, extreme or seq");
    }
  }

  /** The size for a value whose identity draw was `identity` (an integer in [1, 10^11]). */
  sample(identity: number): number {
    const kind = this.#kind;
    if (kind === SIZE_FIXED) return this.#min;
    if (kind === SIZE_SEQ) return this.#min + identity % (this.#max - this.#min + 1);
    const random = this.#random;
    random.setSeed(Math.floor(identity / TWO_POW_32), identity >>> 0);
    const min = this.#min;
    const max = this.#max;
    if (kind === SIZE_UNIFORM) {
      const u = random.nextDouble();
      return bound(min, max, u * (max + 1) + (1 - u) * min);
    }
    if (kind === SIZE_GAUSSIAN) return bound(min, max, this.#b * random.firstGaussian() + this.#a);
    if (kind === SIZE_EXP) return offset(min, max, this.#a * this.#exponential(random));
    const p = random.nextDouble();
    return offset(min, max, p === 0 ? 0 : this.#b * Math.pow(-Math.log1p(-p), this.#a));
  }

  /** A unit exponential by commons-math3's Ahrens-Dieter (1972) method. */
  #exponential(random: JavaRandom): number {
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

/** Java's `(long) x` clamped into `[min, max]` (DistributionBoundApache). */
function bound(min: number, max: number, x: number): number {
  const r = Math.trunc(x) || 0;
  return r < min ? min : r > max ? max : r;
}

/** Java's `(long) x` clamped into `[0, max - min]`, plus `min` (DistributionOffsetApache). */
function offset(min: number, max: number, x: number): number {
  const r = Math.trunc(x) || 0;
  const delta = max - min;
  return min + (r < 0 ? 0 : r > delta ? delta : r);
}
