/**
 * The progress lines of `stress query run`: one line per interval under a header.
 *
 * @module
 */

import type { OpWindow } from "../stats/op_window.ts";

/** The header above the interval lines of {@linkcode formatQueryInterval}. */
export const QUERY_INTERVAL_HEADER =
  "time_s  queries  queries/s  errors    p50_ms    p99_ms    max_ms";

/**
 * Formats one interval's queries as a progress line: the elapsed time, queries, rate,
 * errors, and the median, 99th percentile and maximum query time.
 *
 * @param window The interval's successful queries and errors.
 * @param endSec Seconds from the start of the run to the end of the interval.
 * @param lengthSec The interval's length in seconds.
 * @returns The line, in the columns of {@linkcode QUERY_INTERVAL_HEADER}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatQueryInterval, QUERY_INTERVAL_HEADER } from "./format_query_interval.ts";
 *
 * const window = new OpWindow("QUERY", { scheduled: false });
 * window.errors = 2;
 * const line = formatQueryInterval(window, 2, 0.5);
 * assert.equal(line, "   2.0        0        0.0       2     0.000     0.000     0.000");
 * assert.equal(line.length, QUERY_INTERVAL_HEADER.length);
 * ```
 */
export function formatQueryInterval(window: OpWindow, endSec: number, lengthSec: number): string {
  const p = (percentile: number) =>
    (window.ops > 0 ? window.service.valueAtPercentile(percentile) / 1e6 : 0).toFixed(3);
  return `${endSec.toFixed(1).padStart(6)}  ${String(window.ops).padStart(7)}  ${
    (lengthSec > 0 ? window.ops / lengthSec : 0).toFixed(1).padStart(9)
  }  ${String(window.errors).padStart(6)}  ${p(50).padStart(8)}  ${p(99).padStart(8)}  ${
    (window.ops > 0 ? window.service.maxNs / 1e6 : 0).toFixed(3).padStart(8)
  }`;
}
