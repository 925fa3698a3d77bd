/**
 * Formats a {@linkcode DistributionSpec} back into the cassandra-stress grammar.
 *
 * @module
 */

import type { DistributionSpec } from "./distribution_spec.ts";

/**
 * Formats a spec as canonical distribution text that `parseDistribution` reads back to
 * the same spec (Gaussians are written in the explicit `mean,stdev` form).
 *
 * @param spec The spec; its `source` is ignored.
 * @returns The text, e.g. `"~uniform(1..10)"`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDistribution } from "./format_distribution.ts";
 * import { parseDistribution } from "./parse_distribution.ts";
 * const spec = parseDistribution("GAUSS(1..7)");
 * assert.equal(formatDistribution(spec), "gaussian(1..7,4,1)");
 * ```
 */
export function formatDistribution(spec: DistributionSpec): string {
  const prefix = spec.inverted ? "~" : "";
  switch (spec.kind) {
    case "fixed":
      return `${prefix}fixed(${spec.value})`;
    case "gaussian":
      return `${prefix}gaussian(${spec.min}..${spec.max},${spec.mean},${spec.stdev})`;
    case "extreme":
      return `${prefix}extreme(${spec.min}..${spec.max},${spec.shape})`;
    case "qextreme":
      return `${prefix}qextreme(${spec.min}..${spec.max},${spec.shape},${spec.quantas})`;
    default:
      return `${prefix}${spec.kind}(${spec.min}..${spec.max})`;
  }
}
