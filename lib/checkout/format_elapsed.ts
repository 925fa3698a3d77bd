/**
 * The elapsed-time format of `stress checkout consistency`'s progress lines.
 *
 * @module
 */

/**
 * Formats an elapsed time with two decimals: in milliseconds below a second (so a short phase
 * does not print as `0.00 s`), in seconds from a second on.
 *
 * @param ms A duration in milliseconds.
 * @returns E.g. `"4.75 ms"`, `"1.50 s"`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatElapsed } from "./format_elapsed.ts";
 * assert.equal(formatElapsed(4.75), "4.75 ms");
 * assert.equal(formatElapsed(1500), "1.50 s");
 * ```
 */
export function formatElapsed(ms: number): string {
  // 999.996 ms would print as "1000.00 ms": from there on, seconds.
  return ms < 999.995 ? `${ms.toFixed(2)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
