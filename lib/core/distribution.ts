/**
 * Sampling of cassandra-stress distributions (`-pop dist=`, `-col size=`, `clustering=`, ...).
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";
import { OptionError } from "../errors.ts";
import type { Prng } from "./prng.ts";
import { normalQuantile } from "./_normal_quantile.ts";

/**
 * A sampled integer distribution, with the semantics of cassandra-stress's `Distribution`:
 * `next()` draws a value, `inverseCumProb(p)` is the value at cumulative probability `p`
 * (what `cassandra-stress print` tabulates).
 */
export interface Distribution {
  /**
   * Draws the next value (an integer, as cassandra-stress returns longs).
   *
   * @returns An integer in `[minValue, maxValue]`.
   */
  next(): number;
  /**
   * The value at cumulative probability `p`, computed as cassandra-stress does (so for an
   * inverted distribution it falls as `p` rises).
   *
   * @param p A probability in `[0, 1]`.
   * @returns An integer.
   */
  inverseCumProb(p: number): number;
  /** The smallest value `next()` can return. */
  readonly minValue: number;
  /** The largest value `next()` can return. */
  readonly maxValue: number;
}

/** Java's `(long) x` for the values that matter here: truncates, maps NaN (and -0) to 0. */
function toLong(x: number): number {
  return Math.trunc(x) || 0;
}

/** Truncates and clamps into `[min, max]` (cassandra-stress's DistributionBoundApache). */
function bound(min: number, max: number, x: number): number {
  const r = toLong(x);
  return r < min ? min : r > max ? max : r;
}

/** Truncates and clamps into `[0, delta]`, then adds `min` (DistributionOffsetApache). */
function offset(min: number, delta: number, x: number): number {
  const r = toLong(x);
  return min + (r < 0 ? 0 : r > delta ? delta : r);
}

class FixedDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  constructor(value: number) {
    this.minValue = value;
    this.maxValue = value;
  }
  next(): number {
    return this.minValue;
  }
  inverseCumProb(_p: number): number {
    return this.minValue;
  }
}

class UniformDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  readonly #width: number;
  readonly #prng: Prng;
  constructor(min: number, max: number, prng: Prng) {
    this.minValue = min;
    this.maxValue = max;
    // A real uniform over [min, max + 1), truncated, so max is as likely as any other value.
    this.#width = max + 1 - min;
    this.#prng = prng;
  }
  next(): number {
    return bound(
      this.minValue,
      this.maxValue,
      this.minValue + this.#prng.nextDouble() * this.#width,
    );
  }
  inverseCumProb(p: number): number {
    return bound(this.minValue, this.maxValue, p * this.#width + this.minValue);
  }
}

class GaussianDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  readonly #mean: number;
  readonly #stdev: number;
  readonly #prng: Prng;
  constructor(min: number, max: number, mean: number, stdev: number, prng: Prng) {
    this.minValue = min;
    this.maxValue = max;
    this.#mean = mean;
    this.#stdev = stdev;
    this.#prng = prng;
  }
  next(): number {
    return bound(
      this.minValue,
      this.maxValue,
      this.#mean + this.#stdev * this.#prng.nextGaussian(),
    );
  }
  inverseCumProb(p: number): number {
    return bound(this.minValue, this.maxValue, this.#mean + this.#stdev * normalQuantile(p));
  }
}

class ExpDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  readonly #delta: number;
  readonly #mean: number;
  readonly #prng: Prng;
  constructor(min: number, max: number, prng: Prng) {
    this.minValue = min;
    this.maxValue = max;
    this.#delta = max - min;
    // cassandra-stress: choose the mean so that P(X > max - min) = sqrt(1 / (max - min)).
    const p = 1 - Math.sqrt(1 / this.#delta);
    this.#mean = this.#delta / -Math.log(1 - p);
    this.#prng = prng;
  }
  next(): number {
    return offset(this.minValue, this.#delta, -this.#mean * Math.log(1 - this.#prng.nextDouble()));
  }
  inverseCumProb(p: number): number {
    const x = p === 1 ? Infinity : -this.#mean * Math.log(1 - p);
    return offset(this.minValue, this.#delta, x);
  }
}

class ExtremeDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  readonly #delta: number;
  readonly #inverseShape: number;
  readonly #scale: number;
  readonly #prng: Prng;
  constructor(min: number, max: number, shape: number, prng: Prng) {
    this.minValue = min;
    this.maxValue = max;
    this.#delta = max - min;
    this.#inverseShape = 1 / shape;
    // cassandra-stress: a Weibull scaled so that P(X > max - min) = sqrt(1 / (max - min)).
    const p = 1 - Math.sqrt(1 / this.#delta);
    this.#scale = this.#delta / Math.pow(-Math.log1p(-p), this.#inverseShape);
    this.#prng = prng;
  }
  #weibull(p: number): number {
    if (p === 0) return 0;
    if (p === 1) return Infinity;
    return this.#scale * Math.pow(-Math.log1p(-p), this.#inverseShape);
  }
  next(): number {
    return offset(this.minValue, this.#delta, this.#weibull(this.#prng.nextDouble()));
  }
  inverseCumProb(p: number): number {
    return offset(this.minValue, this.#delta, this.#weibull(p));
  }
}

/** A distribution cut into `quantas` equal-probability ranges, uniform within each. */
class QuantizedDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  readonly #delegate: Distribution;
  readonly #bounds: Float64Array;
  readonly #prng: Prng;
  constructor(delegate: Distribution, quantas: number, prng: Prng) {
    this.#delegate = delegate;
    this.#prng = prng;
    const bounds = new Float64Array(quantas + 1);
    bounds[0] = delegate.minValue;
    bounds[quantas] = delegate.maxValue + 1;
    for (let i = 1; i < quantas; i++) bounds[i] = delegate.inverseCumProb(i / quantas);
    this.#bounds = bounds;
    this.minValue = delegate.minValue;
    this.maxValue = delegate.maxValue;
  }
  /** The number of bounds strictly below `value`, minus one (Java's binarySearch idiom). */
  #quanta(value: number): number {
    const bounds = this.#bounds;
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (bounds[mid] < value) low = mid + 1;
      else high = mid;
    }
    return low - 1;
  }
  next(): number {
    const bounds = this.#bounds;
    let quanta = this.#quanta(this.#delegate.next());
    // cassandra-stress indexes bounds[-1] when the delegate returns exactly min; clamp instead.
    if (quanta < 0) quanta = 0;
    if (quanta > bounds.length - 2) quanta = bounds.length - 2;
    const low = bounds[quanta];
    return low + toLong(this.#prng.nextDouble() * (bounds[quanta + 1] - low));
  }
  inverseCumProb(p: number): number {
    const bounds = this.#bounds;
    const quantas = bounds.length - 1;
    const quanta = this.#quanta(this.#delegate.inverseCumProb(p));
    if (quanta < 0) return bounds[0];
    if (quanta >= quantas) return bounds[quantas] - 1;
    const within = (p - quanta / quantas) * quantas;
    return bounds[quanta] + toLong(within * (bounds[quanta + 1] - bounds[quanta]));
  }
}

/** `min, min + 1, ..., max, min, ...`; the position lives in the distribution. */
class SequenceDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  readonly #count: number;
  #position = 0;
  constructor(min: number, max: number) {
    this.minValue = min;
    this.maxValue = max;
    this.#count = max - min + 1;
  }
  next(): number {
    const value = this.minValue + this.#position;
    this.#position++;
    if (this.#position === this.#count) this.#position = 0;
    return value;
  }
  inverseCumProb(p: number): number {
    return toLong(this.minValue + (this.#count - 1) * p);
  }
}

/** Mirrors a distribution inside its own bounds: `x -> min + max - x`. */
class InvertedDistribution implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;
  readonly #wrapped: Distribution;
  constructor(wrapped: Distribution) {
    this.#wrapped = wrapped;
    this.minValue = wrapped.minValue;
    this.maxValue = wrapped.maxValue;
  }
  next(): number {
    return this.maxValue - (this.#wrapped.next() - this.minValue);
  }
  inverseCumProb(p: number): number {
    return this.maxValue - (this.#wrapped.inverseCumProb(p) - this.minValue);
  }
}

function invalid(spec: DistributionSpec, problem: string, expected: string): OptionError {
  return new OptionError({ option: "distribution", value: spec.source, problem, expected });
}

function checkInteger(spec: DistributionSpec, name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw invalid(spec, `has ${name} "${value}"`, `${name} to be an integer`);
  }
}

function createBase(spec: DistributionSpec, prng: Prng): Distribution {
  if (spec.kind === "fixed") {
    checkInteger(spec, "value", spec.value);
    return new FixedDistribution(spec.value);
  }
  checkInteger(spec, "min", spec.min);
  checkInteger(spec, "max", spec.max);
  if (spec.min > spec.max || (spec.kind === "seq" && spec.min === spec.max)) {
    const relation = spec.kind === "seq" ? "less than" : "at most";
    throw invalid(spec, `has min "${spec.min}" and max "${spec.max}"`, `min ${relation} max`);
  }
  if (spec.min === spec.max) return new FixedDistribution(spec.min);
  switch (spec.kind) {
    case "uniform":
      return new UniformDistribution(spec.min, spec.max, prng);
    case "gaussian":
      if (!Number.isFinite(spec.mean) || !(spec.stdev > 0 && Number.isFinite(spec.stdev))) {
        throw invalid(
          spec,
          `has mean "${spec.mean}" and stdev "${spec.stdev}"`,
          "a finite mean and a positive stdev",
        );
      }
      return new GaussianDistribution(spec.min, spec.max, spec.mean, spec.stdev, prng);
    case "exp":
      return new ExpDistribution(spec.min, spec.max, prng);
    case "extreme":
    case "qextreme": {
      if (!(spec.shape > 0 && Number.isFinite(spec.shape))) {
        throw invalid(spec, `has shape "${spec.shape}"`, "a positive shape");
      }
      const extreme = new ExtremeDistribution(spec.min, spec.max, spec.shape, prng);
      if (spec.kind === "extreme") return extreme;
      if (!(Number.isSafeInteger(spec.quantas) && spec.quantas >= 1)) {
        throw invalid(spec, `has quantas "${spec.quantas}"`, "a positive integer");
      }
      return new QuantizedDistribution(extreme, spec.quantas, prng);
    }
    case "seq":
      return new SequenceDistribution(spec.min, spec.max);
  }
}

/**
 * Creates a sampler for a parsed cassandra-stress distribution.
 *
 * Semantics follow cassandra-stress: `uniform` and `gaussian` are truncated to integers and
 * clamped into `[min, max]`; `exp` and `extreme` are offset from `min` and capped at `max`,
 * with the mean (scale) chosen so that the chance of passing `max` is `sqrt(1 / (max - min))`;
 * `qextreme` splits the Weibull into `quantas` equally likely ranges with a uniform pick inside
 * each; `seq` counts from `min` to `max` and wraps; `~` mirrors (`min + max - x`). When
 * `min == max` every kind but `seq` is `fixed(min)`. Samples come from `prng` (Java's own
 * generator is not reproduced, so the values differ from cassandra-stress's, not their law).
 *
 * @param spec The parsed distribution.
 * @param prng The generator that every `next()` draws from (reseed it per operation).
 * @returns The distribution.
 * @throws {OptionError} If the spec is impossible: bounds not integers, `min > max`, `seq`
 * with `min >= max`, a non-positive `stdev` or `shape`, or `quantas` below 1.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDistribution } from "./distribution.ts";
 * import { Prng } from "./prng.ts";
 *
 * const spec = {
 *   kind: "uniform",
 *   min: 1,
 *   max: 10,
 *   inverted: false,
 *   source: "uniform(1..10)",
 * } as const;
 * const dist = createDistribution(spec, new Prng(1));
 * const value = dist.next();
 * assert.ok(Number.isInteger(value) && value >= 1 && value <= 10);
 * assert.equal(dist.inverseCumProb(0.5), 6);
 * assert.equal(dist.maxValue, 10);
 * ```
 */
export function createDistribution(spec: DistributionSpec, prng: Prng): Distribution {
  const base = createBase(spec, prng);
  return spec.inverted ? new InvertedDistribution(base) : base;
}
