/**
 * The parsed form of a cassandra-stress distribution (`FIXED(v)`, `UNIFORM(a..b)`,
 * `GAUSSIAN(a..b[,stdvrng | ,mean,stdev])`, `EXP(a..b)`, `EXTREME(a..b,shape)`,
 * `QEXTREME(a..b,shape,quantas)`, `SEQ(a..b)`, each optionally inverted with `~`), and of
 * a ratio distribution (`DIST/divisor`). Parsing lives in `parse_distribution.ts`;
 * sampling lives in `lib/core/distribution.ts`.
 *
 * @module
 */

/** A fixed distribution: always `value`. */
export interface FixedSpec {
  /** The kind. */
  readonly kind: "fixed";
  /** The one value. */
  readonly value: number;
}

/** A uniform distribution over `[min, max]`. */
export interface UniformSpec {
  /** The kind. */
  readonly kind: "uniform";
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
}

/** A Gaussian clamped to `[min, max]`; `mean` and `stdev` are resolved from the form used. */
export interface GaussianSpec {
  /** The kind. */
  readonly kind: "gaussian";
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
  /** The mean: `(min + max) / 2` unless given. */
  readonly mean: number;
  /** The standard deviation: `(max - min) / 2 / stdvrng` (stdvrng 3) unless given. */
  readonly stdev: number;
}

/** An exponential distribution scaled to `[min, max]`. */
export interface ExpSpec {
  /** The kind. */
  readonly kind: "exp";
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
}

/** A Weibull ("extreme") distribution offset into `[min, max]`. */
export interface ExtremeSpec {
  /** The kind. */
  readonly kind: "extreme";
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
  /** The Weibull shape. */
  readonly shape: number;
}

/** A quantised Weibull distribution in `[min, max]`. */
export interface QExtremeSpec {
  /** The kind. */
  readonly kind: "qextreme";
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
  /** The Weibull shape. */
  readonly shape: number;
  /** The number of quanta. */
  readonly quantas: number;
}

/** A wrapping sequence `min, min+1, ..., max, min, ...`. */
export interface SeqSpec {
  /** The kind. */
  readonly kind: "seq";
  /** The first value. */
  readonly min: number;
  /** The last value. */
  readonly max: number;
}

/** One of the distribution kinds, without inversion. */
export type BaseDistributionSpec =
  | FixedSpec
  | UniformSpec
  | GaussianSpec
  | ExpSpec
  | ExtremeSpec
  | QExtremeSpec
  | SeqSpec;

/**
 * A parsed distribution: a base kind plus whether it is inverted (`~`) and the exact
 * text it was written as (`source`, e.g. `"gaussian(1..1000000)"`), used where
 * cassandra-stress prints the option back.
 */
export type DistributionSpec = BaseDistributionSpec & {
  /** True for `~NAME(...)`: the distribution is mirrored, so `~exp(1..10)` yields 10 most often. */
  readonly inverted: boolean;
  /** The text as given on the command line (or the default's text). */
  readonly source: string;
};

/** A ratio distribution `DIST/divisor`, e.g. `fixed(1)/1`. */
export interface RatioDistributionSpec {
  /** The distribution of the numerator. */
  readonly distribution: DistributionSpec;
  /** The divisor. */
  readonly divisor: number;
  /** The text as given. */
  readonly source: string;
}

/**
 * The largest value a distribution can draw (inverted or not, every kind stays within its
 * bounds).
 *
 * @param spec The distribution.
 * @returns Its `max`, or a fixed distribution's value.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { distributionMax } from "./distribution_spec.ts";
 * assert.equal(distributionMax({ kind: "fixed", value: 7, inverted: false, source: "fixed(7)" }), 7);
 * ```
 */
export function distributionMax(spec: DistributionSpec): number {
  return spec.kind === "fixed" ? spec.value : spec.max;
}
