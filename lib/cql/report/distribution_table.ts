/**
 * The table of `cassandra-stress print dist=DIST`.
 *
 * @module
 */

import type { Distribution } from "../../core/distribution.ts";

/** The cumulative probabilities cassandra-stress tabulates, in order. */
const SAMPLE_FRACTIONS: readonly number[] = [
  0.1,
  0.2,
  0.3,
  0.4,
  0.5,
  0.6,
  0.7,
  0.8,
  0.9,
  0.95,
  0.99,
  1,
];

const HEADER = "% of samples    Range       % of total";

/**
 * Formats `x` as Java's `String.format("%.1f", x)` does: the shortest decimal form of the
 * double rounded half-up (so 0.25 gives "0.3" and 0.15 gives "0.2", where C gives "0.1").
 */
function formatOneDecimal(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const [mantissa, exponentText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const keep = Number(exponentText) + 2; // digits up to and including the first decimal
  let tenths = 0n;
  if (keep >= 0) {
    const kept = digits.slice(0, keep).padEnd(keep, "0");
    tenths = BigInt(kept === "" ? "0" : kept);
    if (keep < digits.length && digits[keep] >= "5") tenths += 1n;
  }
  const text = tenths.toString().padStart(2, "0");
  return `${sign}${text.slice(0, -1)}.${text.slice(-1)}`;
}

/**
 * Formats the percentile table that `cassandra-stress print dist=DIST` prints: a header, then
 * one row per cumulative probability 10%, 20%, ..., 90%, 95%, 99%, 100% with the value at that
 * probability (`inverseCumProb`) and that value as a percentage of the value at 100%. Columns
 * follow Java's `%-16.1f%-12d%12.1f`, including `NaN` and `Infinity` when the value at 100% is
 * 0, so the output matches cassandra-stress line for line.
 *
 * @param dist The distribution to tabulate; only `inverseCumProb` is called, so its PRNG is
 * not advanced.
 * @returns 13 lines joined by `\n`, without a trailing newline.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDistribution } from "../../core/distribution.ts";
 * import { Prng } from "../../core/prng.ts";
 * import { formatDistributionTable } from "./distribution_table.ts";
 *
 * const spec = {
 *   kind: "uniform",
 *   min: 1,
 *   max: 100,
 *   inverted: false,
 *   source: "uniform(1..100)",
 * } as const;
 * const table = formatDistributionTable(createDistribution(spec, new Prng(1)));
 * const lines = table.split("\n");
 * assert.equal(lines[0], "% of samples    Range       % of total");
 * assert.equal(lines[1], "10.0            11                  11.0");
 * assert.equal(lines.length, 13);
 * ```
 */
export function formatDistributionTable(dist: Distribution): string {
  const lines = [HEADER];
  const rangeMax = dist.inverseCumProb(1) / 100;
  for (const fraction of SAMPLE_FRACTIONS) {
    const value = dist.inverseCumProb(fraction);
    lines.push(
      formatOneDecimal(fraction * 100).padEnd(16) +
        String(value).padEnd(12) +
        formatOneDecimal(value / rangeMax).padStart(12),
    );
  }
  return lines.join("\n");
}
