/**
 * The elapsed-time format of `stress checkout consistency`'s progress lines.
 *
 * @module
 */

/**
 * Formats milliseconds as seconds with two decimals.
 *
 * @param ms A duration in milliseconds.
 * @returns E.g. `"1.50 s"`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSeconds } from "./format_seconds.ts";
 * assert.equal(formatSeconds(1500), "1.50 s");
 * ```
 */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
