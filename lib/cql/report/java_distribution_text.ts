/**
 * A distribution as cassandra-stress's Java prints it in the settings dump and the profile block:
 * its factory's `getConfigAsString()` (`Fixed:  key=1`, `Gaussian:  min=1,max=10,mean=...`).
 *
 * @module
 */

import type { DistributionSpec } from "../../units/distribution_spec.ts";

/** A number with six decimals, as Java's `%f`. */
export function fixed6(value: number): string {
  return value.toFixed(6);
}

/** The shape parameter scale cassandra-stress derives for EXP and EXTREME. */
function edgeQuantile(min: number, max: number): number {
  return -Math.log(Math.sqrt(1 / (max - min)));
}

function describeBase(spec: DistributionSpec): string {
  switch (spec.kind) {
    case "fixed":
      return `Fixed:  key=${spec.value}`;
    case "uniform":
      return `Uniform:  min=${spec.min},max=${spec.max}`;
    case "gaussian":
      return `Gaussian:  min=${spec.min},max=${spec.max},mean=${fixed6(spec.mean)},stdev=${
        fixed6(spec.stdev)
      }`;
    case "exp": {
      const mean = (spec.max - spec.min) / edgeQuantile(spec.min, spec.max);
      return `Exponential:  min=${spec.min},max=${spec.max},mean=${fixed6(mean)}`;
    }
    case "extreme":
    case "qextreme": {
      const scale = (spec.max - spec.min) / edgeQuantile(spec.min, spec.max) ** (1 / spec.shape);
      return `Extreme:  min=${spec.min},max=${spec.max},shape=${fixed6(spec.shape)}, scale=${
        fixed6(scale)
      }`;
    }
    case "seq":
      return `Sequence:  start=${spec.min},end=${spec.max}`;
  }
}

/**
 * A distribution as its Java factory's `getConfigAsString()` prints it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { javaDistributionText } from "./java_distribution_text.ts";
 * import { parseDistribution } from "../../units/parse_distribution.ts";
 * assert.equal(javaDistributionText(parseDistribution("fixed(1)")), "Fixed:  key=1");
 * assert.equal(javaDistributionText(parseDistribution("~uniform(1..10)")), "Inverse: Uniform:  min=1,max=10");
 * ```
 */
export function javaDistributionText(spec: DistributionSpec): string {
  return spec.inverted ? `Inverse: ${describeBase(spec)}` : describeBase(spec);
}
