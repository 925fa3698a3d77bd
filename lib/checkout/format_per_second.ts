/**
 * The rate format of `stress checkout load`'s first lines: a shard's share of `--rate` or
 * `--spawn-rate` is a fraction (10/s over 3 shards).
 *
 * @module
 */

/**
 * Formats a rate per second with at most three decimals, no trailing zeros.
 *
 * @param perSecond The rate.
 * @returns E.g. `"10/s"`, `"3.333/s"`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPerSecond } from "./format_per_second.ts";
 * assert.equal(formatPerSecond(10), "10/s");
 * assert.equal(formatPerSecond(10 / 3), "3.333/s");
 * ```
 */
export function formatPerSecond(perSecond: number): string {
  return `${Number(perSecond.toFixed(3))}/s`;
}
