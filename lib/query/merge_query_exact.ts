/**
 * The exact query-time figures of a whole run, from those of its Workers.
 *
 * @module
 */

import type { QueryExact } from "./query_report.ts";

/**
 * Merges the Workers' exact figures: counts and sums add up, min and max over the Workers
 * that ran a query (0 when none did).
 *
 * @param parts One entry per Worker.
 * @returns The figures of all of them.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeQueryExact } from "./merge_query_exact.ts";
 *
 * assert.deepEqual(
 *   mergeQueryExact([
 *     { count: 2, sumNs: 30, minNs: 10, maxNs: 20 },
 *     { count: 0, sumNs: 0, minNs: 0, maxNs: 0 },
 *     { count: 1, sumNs: 5, minNs: 5, maxNs: 5 },
 *   ]),
 *   { count: 3, sumNs: 35, minNs: 5, maxNs: 20 },
 * );
 * assert.deepEqual(mergeQueryExact([]), { count: 0, sumNs: 0, minNs: 0, maxNs: 0 });
 * ```
 */
export function mergeQueryExact(parts: readonly QueryExact[]): QueryExact {
  let count = 0;
  let sumNs = 0;
  let minNs = Infinity;
  let maxNs = 0;
  for (const part of parts) {
    if (part.count === 0) continue;
    count += part.count;
    sumNs += part.sumNs;
    minNs = Math.min(minNs, part.minNs);
    maxNs = Math.max(maxNs, part.maxNs);
  }
  return { count, sumNs, minNs: count === 0 ? 0 : minNs, maxNs };
}
