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
 *   microseconds is off by a factor of 1000, far outside this. A max above one hour is
 *   accepted when the histogram clamped values to one hour (it holds no more).
 *
 * A writer that divides the max by 1e6 whatever its values' unit (HdrHistogram's default
 * ratio) writes a log of microseconds that passes: nothing in such a log tells its unit.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { HistogramExport, LatencyHistogram } from "../stats/latency_histogram.ts";
import { HIGHEST_NS } from "../stats/_histogram_layout.ts";

/** A time unit a log can declare for its values. */
export type HdrValueUnit = "ns" | "us" | "ms" | "s";

/** What the checks read of an input interval. */
export interface CheckedInterval {
  /** The tag. */
  readonly tag: string;
  /** Start, seconds since BaseTime. */
  readonly startSec: number;
  /**
   * Length, seconds.
   *
   * @default {0}
   */
  readonly lengthSec?: number;
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
 * @throws {UsageError} When there is no log, a log has no intervals, some logs' starts are
 * relative to no BaseTime while others' times are known (a BaseTime, or starts since the
 * epoch), tag sets differ (unless allowed), a log's values are not nanoseconds, or an interval
 * lies at no date (its BaseTime plus its start past what a `Date` holds).
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
    if (isAnchored(log) !== isAnchored(first)) {
      const [without, other] = isAnchored(log) ? [first, log] : [log, first];
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
      checkDate(log, interval);
      checkMaxColumn(where, interval);
    }
  }
}

/**
 * Refuses an interval whose `Interval_Max` column (ms) is not its histogram's max (ns): values
 * that are not nanoseconds. A max above one hour, which the histogram holds as one hour (its
 * values above are clamped and counted), is that max.
 */
function checkMaxColumn(where: string, interval: CheckedInterval): void {
  if (interval.maxMs === undefined) return;
  const maxNs = maxNsOf(interval.histogram);
  const clamped = interval.histogram.clampedCount > 0 && interval.maxMs * 1e6 > HIGHEST_NS;
  if (clamped || Math.abs(interval.maxMs * 1e6 - maxNs) <= 500 + maxNs / 1000) return;
  throw new UsageError(
    `${where}: interval "${interval.tag}" at ${interval.startSec} s has max ` +
      `${interval.maxMs} ms but its histogram's max is ${maxNs} ns, expected the same ` +
      "within 0.1% (histogram values in nanoseconds)",
  );
}

/** A year, in seconds. */
const YEAR_SEC = 365 * 24 * 3600;

/**
 * Whether a log's intervals lie at known times: it has a BaseTime, or its starts are seconds
 * since the epoch (as HdrHistogram's writer logs without one, and its reader takes a log
 * without one), not seconds since an unknown start.
 */
function isAnchored(log: CheckedLog): boolean {
  return log.baseTimeMs !== 0 || log.intervals.every((i) => i.startSec >= YEAR_SEC);
}

/** The farthest epoch ms from 1970 a `Date` holds (year 275760). */
const MAX_DATE_MS = 8.64e15;

/**
 * Refuses an interval whose absolute start or end (its log's BaseTime plus its start, or its
 * start alone in a log of absolute timestamps) is no date: the merge's times and dates would be
 * invalid.
 */
function checkDate(log: CheckedLog, interval: CheckedInterval): void {
  const startMs = log.baseTimeMs + interval.startSec * 1000;
  const endMs = startMs + (interval.lengthSec ?? 0) * 1000;
  if (Math.abs(startMs) <= MAX_DATE_MS && Math.abs(endMs) <= MAX_DATE_MS) return;
  throw new UsageError(
    `Cannot merge HDR log "${log.name}": interval "${interval.tag}" at ${interval.startSec} s ` +
      "lies past the year 275760 once its BaseTime is added, expected a BaseTime and starts " +
      "in seconds since the epoch",
  );
}
