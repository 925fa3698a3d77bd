/**
 * The refusals of {@linkcode mergeHdrLogs}: logs that cannot be one run's logs (no intervals,
 * no BaseTime next to logs with one, another tag set) or whose values are not nanoseconds.
 *
 * Unit rule. An HDR log as `-log hdrfile=` (and cassandra-stress) writes it holds histograms
 * of nanoseconds and an `Interval_Max` column in milliseconds (`%.3f` of the histogram's max
 * / 1e6); its header states no unit. So a log is accepted when
 * - its header (comment lines and legend) names no time unit, or names nanoseconds, and
 * - on every line that carries the column, `|maxMs * 1e6 - histogram max| <= 500 ns +
 *   histogram max / 1000`: the rounding of `%.3f` plus the histogram's precision (3
 *   significant digits; one bucket is at most 1/1024 of its value wide). A log of
 *   microseconds is off by a factor of 1000, far outside this.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { HistogramExport, LatencyHistogram } from "../stats/latency_histogram.ts";

/** A time unit a log can declare for its values. */
export type HdrValueUnit = "ns" | "us" | "ms" | "s";

/** What the checks read of an input interval. */
export interface CheckedInterval {
  /** The tag. */
  readonly tag: string;
  /** Start, seconds since BaseTime. */
  readonly startSec: number;
  /** The histogram (ns) or its export. */
  readonly histogram: LatencyHistogram | HistogramExport;
  /** The `Interval_Max` column in ms, when known. */
  readonly maxMs?: number;
}

/** What the checks read of an input log. */
export interface CheckedLog {
  /** The log's name. */
  readonly name: string;
  /** BaseTime, epoch ms (0 when the log has none). */
  readonly baseTimeMs: number;
  /** The intervals. */
  readonly intervals: readonly CheckedInterval[];
  /** The unit the header declares. */
  readonly unit?: HdrValueUnit;
}

/**
 * The highest value equivalent to the last non-zero count of an export, as
 * `LatencyHistogram.maxNs` (the layout: 2048 sub-buckets, half of them per bucket above 0).
 *
 * @param data The export.
 * @returns The max in ns, or 0 when empty.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "../stats/latency_histogram.ts";
 * import { maxNsOfExport } from "./_merge_checks.ts";
 * const histogram = new LatencyHistogram();
 * histogram.recordValue(5_000_000);
 * assert.equal(maxNsOfExport(histogram.exportCounts()), histogram.maxNs);
 * ```
 */
export function maxNsOfExport(data: HistogramExport): number {
  let last = data.counts.length - 1;
  while (last >= 0 && data.counts[last] === 0) last--;
  if (last < 0) return 0;
  const index = data.startIndex + last;
  const bucket = Math.max((index >> 10) - 1, 0);
  const sub = (index & 1023) + ((index >> 10) === 0 ? 0 : 1024);
  return sub * 2 ** bucket + 2 ** bucket - 1;
}

function maxNsOf(histogram: LatencyHistogram | HistogramExport): number {
  return "maxNs" in histogram ? histogram.maxNs : maxNsOfExport(histogram);
}

function tagsOf(log: CheckedLog): string {
  return [...new Set(log.intervals.map((interval) => interval.tag))].sort().join(",");
}

/**
 * Throws the first refusal that applies to `logs`, or returns.
 *
 * @param logs The logs to merge.
 * @param options `sameTags: false` accepts logs whose tag sets differ.
 * @throws {UsageError} When there is no log, a log has no intervals, BaseTimes are missing in
 * some logs only, tag sets differ (unless allowed), or a log's values are not nanoseconds.
 */
export function checkMergeInput(
  logs: readonly CheckedLog[],
  options: { sameTags?: boolean } = {},
): void {
  const sameTags = options.sameTags ?? true;
  if (logs.length === 0) {
    throw new UsageError("Cannot merge HDR logs: none given, expected at least one LOG");
  }
  const first = logs[0];
  const firstTags = first.intervals.length === 0 ? "" : tagsOf(first);
  for (const log of logs) {
    const where = `Cannot merge HDR log "${log.name}"`;
    if (log.intervals.length === 0) {
      throw new UsageError(`${where}: it has no intervals, expected at least one Tag=... line`);
    }
    if ((log.baseTimeMs === 0) !== (first.baseTimeMs === 0)) {
      const [without, other] = log.baseTimeMs === 0 ? [log, first] : [first, log];
      throw new UsageError(
        `Cannot merge HDR log "${without.name}": it has no BaseTime, expected a ` +
          `"#[BaseTime: ...]" line as in "${other.name}"`,
      );
    }
    const tags = tagsOf(log);
    if (sameTags && tags !== firstTags) {
      throw new UsageError(
        `${where}: its tags are "${tags}", expected "${firstTags}" as in "${first.name}" ` +
          "(a loader that never ran an op type has no tag for it: --allow-missing-tags merges anyway)",
      );
    }
    const unit = log.unit ?? "ns";
    if (unit !== "ns") {
      throw new UsageError(`${where}: its values are in "${unit}", expected "ns" (nanoseconds)`);
    }
    for (const interval of log.intervals) {
      if (interval.maxMs === undefined) continue;
      const maxNs = maxNsOf(interval.histogram);
      if (Math.abs(interval.maxMs * 1e6 - maxNs) > 500 + maxNs / 1000) {
        throw new UsageError(
          `${where}: interval "${interval.tag}" at ${interval.startSec} s has max ` +
            `${interval.maxMs} ms but its histogram's max is ${maxNs} ns, expected the same ` +
            "within 0.1% (histogram values in nanoseconds)",
        );
      }
    }
  }
}
