/**
 * Merges the HDR interval logs of many loaders into the intervals of one run: every input
 * interval is placed by its absolute time, and histograms are added, never percentiles
 * averaged.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { type HistogramExport, LatencyHistogram } from "../stats/latency_histogram.ts";
import { checkMergeInput, type HdrValueUnit } from "./_merge_checks.ts";

export type { HdrValueUnit } from "./_merge_checks.ts";

/** One interval line of an input log (`readHdrLog` returns these, without `maxMs`). */
export interface MergeInputInterval {
  /** The tag, e.g. `WRITE-st`. */
  readonly tag: string;
  /** Start, seconds since the log's BaseTime. */
  readonly startSec: number;
  /** Length, seconds. */
  readonly lengthSec: number;
  /** The histogram of nanoseconds, or its compact export. */
  readonly histogram: LatencyHistogram | HistogramExport;
  /**
   * The `Interval_Max` column, ms; checked against the histogram's max (the unit rule).
   *
   * @default {undefined (not checked)}
   */
  readonly maxMs?: number;
}

/** One loader's log. */
export interface MergeInputLog {
  /** The log's name (its file), for messages and the loader list. */
  readonly name: string;
  /** BaseTime, epoch ms (0 when the log has none). */
  readonly baseTimeMs: number;
  /** The interval lines. */
  readonly intervals: readonly MergeInputInterval[];
  /**
   * The unit the log's header declares for its values.
   *
   * @default {"ns"}
   */
  readonly unit?: HdrValueUnit;
  /**
   * The number of the log's last line when it was cut short (no line break after it, and not
   * an HDR log line: the loader stopped while writing it) and left out; absent otherwise.
   */
  readonly cutLine?: number;
}

/** One output interval: bucket `index` covers `[startSec, startSec + intervalSec)`. */
export interface MergedInterval {
  /** The bucket number k (0 at the merged BaseTime). */
  readonly index: number;
  /** Start, seconds since the merged BaseTime: the earliest start of the intervals it holds. */
  readonly startSec: number;
  /**
   * The time its inputs cover: each loader's span in the bucket (from its first interval's
   * start to its last one's end), averaged over the loaders. One log merged alone keeps its
   * intervals' starts and lengths, so its rates are the ones its loader printed.
   */
  readonly lengthSec: number;
  /** The merged histogram of each tag that has values in this bucket, by tag. */
  readonly histograms: ReadonlyMap<string, LatencyHistogram>;
}

/** One loader's share of the merge. */
export interface MergedLoader {
  /** The log's name. */
  readonly name: string;
  /** Its interval lines. */
  readonly intervals: number;
  /** Its values by tag. */
  readonly counts: Readonly<Record<string, number>>;
}

/** The result of {@linkcode mergeHdrLogs}. */
export interface MergedHdrLog {
  /** The merged BaseTime: the earliest absolute start, rounded down to the second, epoch ms. */
  readonly baseTimeMs: number;
  /** The output interval length, seconds. */
  readonly intervalSec: number;
  /** Every tag, sorted. */
  readonly tags: readonly string[];
  /** The non-empty output intervals in time order (empty when `onInterval` was given). */
  readonly intervals: readonly MergedInterval[];
  /** Start of the first non-empty interval, seconds since BaseTime. */
  readonly firstStartSec: number;
  /** End of the last non-empty interval, seconds since BaseTime. */
  readonly endSec: number;
  /** The whole run's histogram of each tag. */
  readonly totals: ReadonlyMap<string, LatencyHistogram>;
  /** Each input log's counts, in input order. */
  readonly loaders: readonly MergedLoader[];
}

/** Options of {@linkcode mergeHdrLogs}. */
export interface MergeHdrLogsOptions {
  /**
   * Refuse logs whose tag sets differ. `false` merges them: a tag missing from a log adds
   * nothing (a loader of a mixed run that never ran one op type has no tag for it).
   *
   * @default {true}
   */
  sameTags?: boolean;
  /**
   * The output interval length, seconds.
   *
   * @default {the logs' interval length: the longest of each log's median (its first and last left out)}
   */
  intervalSec?: number;
  /**
   * Receives each output interval in time order instead of keeping it in the result, so
   * memory stays bounded; the histograms are reset and reused after the call returns.
   *
   * @default {undefined (intervals are kept)}
   */
  onInterval?: (interval: MergedInterval) => void;
}

/** At most this many output intervals between the first and the last. */
const MAX_BUCKETS = 10_000_000;

/** The median of the lengths (ms) of the intervals that pass `keep`, or NaN when none does. */
function medianLengthMs(
  intervals: readonly MergeInputInterval[],
  keep: (interval: MergeInputInterval) => boolean,
): number {
  const lengths = Float64Array.from(
    intervals.filter(keep),
    (interval) => Math.round(interval.lengthSec * 1000),
  );
  return lengths.sort()[(lengths.length - 1) >> 1] ?? NaN;
}

/**
 * The logs' interval length, ms: the longest of each log's own, which is the median length of
 * its intervals after its first and before its last (those are cut short by the run's start
 * and end), or of all of them when it has no others. A shorter output interval would split a
 * log's intervals: rows would take turns holding one of its intervals and none.
 */
function inputLengthMs(logs: readonly MergeInputLog[]): number {
  let longest = 0;
  for (const log of logs) {
    let first = Infinity;
    let last = -Infinity;
    for (const interval of log.intervals) {
      first = Math.min(first, interval.startSec);
      last = Math.max(last, interval.startSec);
    }
    const inner = medianLengthMs(log.intervals, (i) => i.startSec > first && i.startSec < last);
    const own = Number.isNaN(inner) ? medianLengthMs(log.intervals, () => true) : inner;
    longest = Math.max(longest, own);
  }
  return longest;
}

function addTo(target: LatencyHistogram, histogram: LatencyHistogram | HistogramExport): void {
  if (histogram instanceof LatencyHistogram) target.add(histogram);
  else target.addExport(histogram);
}

/** The output grid: how many input intervals, the merged BaseTime and the interval length. */
interface MergeGrid {
  /** The input intervals of every log. */
  readonly count: number;
  /** The merged BaseTime, epoch ms. */
  readonly t0: number;
  /** The output interval length, ms. */
  readonly lengthMs: number;
}

/** Lays out the output intervals: t0 rounded down to the second, the length checked. */
function mergeGrid(logs: readonly MergeInputLog[], intervalSec: number | undefined): MergeGrid {
  let count = 0;
  let earliestMs = Infinity;
  for (const log of logs) {
    count += log.intervals.length;
    for (const interval of log.intervals) {
      earliestMs = Math.min(earliestMs, log.baseTimeMs + Math.round(interval.startSec * 1000));
    }
  }
  const inputMs = inputLengthMs(logs);
  const lengthMs = intervalSec === undefined ? inputMs : Math.round(intervalSec * 1000);
  if (!(lengthMs > 0)) {
    throw new UsageError(
      `Cannot merge HDR logs: interval "${
        intervalSec ?? lengthMs / 1000
      }" s is invalid, expected at least 0.001 s`,
    );
  }
  if (lengthMs < 0.9 * inputMs) {
    // An input interval cannot be split: shorter rows would each hold some loaders' only (a
    // tenth is left for the milliseconds a run's intervals differ by).
    throw new UsageError(
      `Cannot merge HDR logs: interval "${lengthMs / 1000}" s is shorter than the logs' ` +
        `intervals (${inputMs / 1000} s), expected at least ${inputMs / 1000} s`,
    );
  }
  const t0 = Math.floor(earliestMs / 1000) * 1000;
  return { count, t0, lengthMs };
}

/** Every input interval, ordered by its output bucket. */
interface BucketOrder {
  /** The input intervals, flattened in input order. */
  readonly flat: MergeInputInterval[];
  /** The log (loader) number of each flattened interval. */
  readonly loaderOf: Int32Array;
  /** The last bucket that holds an interval. */
  readonly lastBucket: number;
  /** Bucket b holds `order[starts[b]] .. order[starts[b + 1] - 1]`. */
  readonly starts: Int32Array;
  /** Flattened interval numbers, sorted by bucket (stable). */
  readonly order: Int32Array;
}

/** Counting sort of every interval by the bucket that holds its midpoint. */
function sortByBucket(logs: readonly MergeInputLog[], grid: MergeGrid): BucketOrder {
  const { count, t0, lengthMs } = grid;
  const flat: MergeInputInterval[] = new Array(count);
  const loaderOf = new Int32Array(count);
  const bucketOf = new Float64Array(count);
  let lastBucket = 0;
  let i = 0;
  logs.forEach((log, loader) => {
    for (const interval of log.intervals) {
      const startMs = log.baseTimeMs + Math.round(interval.startSec * 1000);
      const midMs = startMs + Math.round(interval.lengthSec * 1000) / 2;
      const bucket = Math.floor((midMs - t0) / lengthMs);
      flat[i] = interval;
      loaderOf[i] = loader;
      bucketOf[i++] = bucket;
      lastBucket = Math.max(lastBucket, bucket);
    }
  });
  if (lastBucket >= MAX_BUCKETS) {
    throw new UsageError(
      `Cannot merge HDR logs: they span ${lastBucket} intervals of ${lengthMs / 1000} s, ` +
        `expected at most ${MAX_BUCKETS} (logs of one run)`,
    );
  }
  const starts = new Int32Array(lastBucket + 2);
  for (let j = 0; j < count; j++) starts[bucketOf[j] + 1]++;
  for (let b = 1; b < starts.length; b++) starts[b] += starts[b - 1];
  const order = new Int32Array(count);
  const next = starts.slice(0, lastBucket + 1);
  for (let j = 0; j < count; j++) order[next[bucketOf[j]]++] = j;
  return { flat, loaderOf, lastBucket, starts, order };
}

/** What one bucket's merge needs besides the bucket number. */
interface BucketMerge {
  /** The input logs. */
  readonly logs: readonly MergeInputLog[];
  /** The output grid. */
  readonly grid: MergeGrid;
  /** The intervals by bucket. */
  readonly sorted: BucketOrder;
  /** Each loader's values by tag, added to. */
  readonly counts: Record<string, number>[];
  /** The last histogram of each tag, reused across buckets when streaming. */
  readonly pool: Map<string, LatencyHistogram>;
  /** Whether the histograms are reused (`onInterval` given). */
  readonly streaming: boolean;
  /** Each loader's earliest start and latest end (ms) in the bucket being merged. */
  readonly spans: { readonly startMs: Float64Array; readonly endMs: Float64Array };
  /** The latest end (ms, absolute) of any interval merged so far. */
  lastEndMs: number;
}

/** The earliest start and the mean of the loaders' spans of the bucket just merged. */
function bucketSpan(merge: BucketMerge, loaders: readonly number[]): [number, number] {
  const { startMs, endMs } = merge.spans;
  let firstMs = Infinity;
  let spanMs = 0;
  for (const loader of loaders) {
    firstMs = Math.min(firstMs, startMs[loader]);
    spanMs += endMs[loader] - startMs[loader];
    merge.lastEndMs = Math.max(merge.lastEndMs, endMs[loader]);
  }
  return [firstMs, spanMs / loaders.length];
}

/** Adds the input intervals of one non-empty bucket into a histogram per tag. */
function mergeBucket(bucket: number, merge: BucketMerge): MergedInterval {
  const { logs, counts, pool } = merge;
  const { flat, loaderOf, starts, order } = merge.sorted;
  const { startMs, endMs } = merge.spans;
  const loaders: number[] = [];
  const current = new Map<string, LatencyHistogram>();
  for (let k = starts[bucket]; k < starts[bucket + 1]; k++) {
    const j = order[k];
    const interval = flat[j];
    const loader = loaderOf[j];
    const log = logs[loader];
    const fromMs = log.baseTimeMs + Math.round(interval.startSec * 1000);
    const toMs = log.baseTimeMs + Math.round((interval.startSec + interval.lengthSec) * 1000);
    if (!loaders.includes(loader)) {
      loaders.push(loader);
      startMs[loader] = fromMs;
      endMs[loader] = toMs;
    }
    startMs[loader] = Math.min(startMs[loader], fromMs);
    endMs[loader] = Math.max(endMs[loader], toMs);
    let target = current.get(interval.tag);
    if (target === undefined) {
      target = !merge.streaming
        ? new LatencyHistogram()
        : pool.get(interval.tag) ?? new LatencyHistogram();
      pool.set(interval.tag, target);
      current.set(interval.tag, target);
    }
    addTo(target, interval.histogram);
    counts[loader][interval.tag] += interval.histogram.totalCount;
  }
  const [firstMs, spanMs] = bucketSpan(merge, loaders);
  return {
    index: bucket,
    startSec: (firstMs - merge.grid.t0) / 1000,
    lengthSec: spanMs / 1000,
    histograms: current,
  };
}

/**
 * Merges loaders' HDR interval logs. Each input interval goes, per tag, to the output
 * interval that holds its midpoint in absolute time (`baseTimeMs + startSec * 1000`); output
 * interval k covers `[t0 + k L, t0 + (k + 1) L)`, where t0 is the earliest absolute start
 * rounded down to the second and L the logs' interval length (the longest of each log's median
 * length, its first and last interval left out: they are cut by the run's start and end), or
 * `intervalSec`. The merged histograms are sums of the inputs' counts, so every percentile is
 * exact to the histogram's precision.
 *
 * @param logs The loaders' logs (what `readHdrLog` returns, with a name).
 * @param options The interval length and a streaming callback.
 * @returns The merged BaseTime, intervals, per-tag totals and per-loader counts.
 * @throws {UsageError} When no log is given, a log has no intervals, the tag sets differ,
 * a log's values are not nanoseconds (see `_merge_checks.ts` for the rule), some logs have no
 * BaseTime nor starts since the epoch, an interval lies past any date, `intervalSec` is not
 * positive or shorter than the logs' interval length, or the logs span more than 10^7 intervals.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "../stats/latency_histogram.ts";
 * import { mergeHdrLogs } from "./merge_hdr_logs.ts";
 * function log(name: string, baseTimeMs: number, valueNs: number) {
 *   const histogram = new LatencyHistogram();
 *   histogram.recordValue(valueNs);
 *   return { name, baseTimeMs, intervals: [{ tag: "WRITE-st", startSec: 0, lengthSec: 1, histogram }] };
 * }
 * const merged = mergeHdrLogs([log("a", 1_000_000, 1000), log("b", 1_000_400, 2000)]);
 * assert.equal(merged.baseTimeMs, 1_000_000);
 * assert.equal(merged.intervals.length, 1);
 * assert.equal(merged.intervals[0].histograms.get("WRITE-st")?.totalCount, 2);
 * assert.equal(merged.totals.get("WRITE-st")?.maxNs, 2000);
 * ```
 */
export function mergeHdrLogs(
  logs: readonly MergeInputLog[],
  options: MergeHdrLogsOptions = {},
): MergedHdrLog {
  checkMergeInput(logs, { sameTags: options.sameTags });
  const grid = mergeGrid(logs, options.intervalSec);
  const sorted = sortByBucket(logs, grid);
  const { t0, lengthMs } = grid;
  const { flat, starts, lastBucket } = sorted;

  const tags = [...new Set(flat.map((interval) => interval.tag))].sort();
  const totals = new Map<string, LatencyHistogram>(tags.map((t) => [t, new LatencyHistogram()]));
  const counts = logs.map(() => Object.fromEntries(tags.map((t) => [t, 0])));
  const kept: MergedInterval[] = [];
  const merge: BucketMerge = {
    logs,
    grid,
    sorted,
    counts,
    pool: new Map(),
    streaming: options.onInterval !== undefined,
    spans: { startMs: new Float64Array(logs.length), endMs: new Float64Array(logs.length) },
    lastEndMs: -Infinity,
  };
  let firstStartSec = Infinity;
  for (let bucket = 0; bucket <= lastBucket; bucket++) {
    if (starts[bucket] === starts[bucket + 1]) continue;
    const merged = mergeBucket(bucket, merge);
    for (const [tag, histogram] of merged.histograms) totals.get(tag)!.add(histogram);
    firstStartSec = Math.min(firstStartSec, merged.startSec);
    if (options.onInterval === undefined) {
      kept.push(merged);
    } else {
      options.onInterval(merged);
      for (const histogram of merged.histograms.values()) histogram.reset();
    }
  }
  return {
    baseTimeMs: t0,
    intervalSec: lengthMs / 1000,
    tags,
    intervals: kept,
    firstStartSec,
    endSec: (merge.lastEndMs - t0) / 1000,
    totals,
    loaders: logs.map((log, loader) => ({
      name: log.name,
      intervals: log.intervals.length,
      counts: counts[loader],
    })),
  };
}

/**
 * Every tag of the logs, sorted: the tags a merge of them has (with `sameTags: false` a log
 * may lack some).
 *
 * @param logs The logs.
 * @returns The union of their tags, sorted.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "../stats/latency_histogram.ts";
 * import { tagsOfLogs } from "./merge_hdr_logs.ts";
 * const at = (tag: string) => ({ tag, startSec: 0, lengthSec: 1, histogram: new LatencyHistogram() });
 * assert.deepEqual(
 *   tagsOfLogs([
 *     { name: "a", baseTimeMs: 0, intervals: [at("WRITE-st")] },
 *     { name: "b", baseTimeMs: 0, intervals: [at("READ-st"), at("WRITE-st")] },
 *   ]),
 *   ["READ-st", "WRITE-st"],
 * );
 * ```
 */
export function tagsOfLogs(logs: readonly MergeInputLog[]): string[] {
  const tags = new Set<string>();
  for (const log of logs) for (const interval of log.intervals) tags.add(interval.tag);
  return [...tags].sort();
}
