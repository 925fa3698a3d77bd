/**
 * Private helper of the disk report: chunk-write latency percentiles from a merged histogram.
 *
 * @module
 */

import type { LatencyHistogram } from "../../stats/latency_histogram.ts";
import type { LatencySummaryMs } from "./disk_client_report.ts";

/**
 * Summarizes a histogram of chunk-write latencies (ns) as percentiles in milliseconds.
 *
 * @param histogram The merged histogram.
 * @returns The percentiles, or null when the histogram is empty.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeLatency } from "./_summarize_latency.ts";
 * import { LatencyHistogram } from "../../stats/latency_histogram.ts";
 * const histogram = new LatencyHistogram();
 * assert.equal(summarizeLatency(histogram), null);
 * histogram.recordValue(2_000_000);
 * assert.equal(summarizeLatency(histogram)?.count, 1);
 * ```
 */
export function summarizeLatency(histogram: LatencyHistogram): LatencySummaryMs | null {
  if (histogram.totalCount === 0) return null;
  const ms = (percentile: number) => histogram.valueAtPercentile(percentile) / 1e6;
  return {
    count: histogram.totalCount,
    p50: ms(50),
    p90: ms(90),
    p99: ms(99),
    p999: ms(99.9),
    max: histogram.maxNs / 1e6,
  };
}
