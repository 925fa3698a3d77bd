/**
 * Reads an HDR interval log into the compact input of {@linkcode mergeHdrLogs}: each
 * histogram as a small export (not a 264 KiB histogram per line, so a hundred one-hour logs
 * fit in memory), with the `Interval_Max` column and the unit the header declares.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { HistogramExport } from "../stats/latency_histogram.ts";
import type { HdrValueUnit } from "./_merge_checks.ts";
import type { MergeInputInterval, MergeInputLog } from "./merge_hdr_logs.ts";
import { decodeHistogramExport } from "../stats/hdr_codec.ts";

const UNIT_WORDS: Readonly<Record<string, HdrValueUnit>> = {
  nanosecond: "ns",
  nanoseconds: "ns",
  ns: "ns",
  microsecond: "us",
  microseconds: "us",
  us: "us",
  "µs": "us",
  millisecond: "ms",
  milliseconds: "ms",
  ms: "ms",
  second: "s",
  seconds: "s",
  s: "s",
};

/** "in <unit>", "(<unit>)" or "unit: <unit>" in a comment or the legend. */
const UNIT_PATTERN =
  /(?:\bin\s+|\(|\bunits?\s*[:=]\s*)(nanoseconds?|microseconds?|milliseconds?|seconds?|ns|us|µs|ms|s)(?![a-z])/i;

/**
 * Returns the unit a header line declares for the log's values: a `#` comment (not a
 * `#[...]` line) or the legend that says "in <unit>", "(<unit>)" or "unit: <unit>".
 *
 * @param line One trimmed line of the header.
 * @returns The unit, or `undefined` when the line declares none.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { declaredUnitOf } from "./hdr_log_merge_input.ts";
 * assert.equal(declaredUnitOf("#Latencies in microseconds"), "us");
 * assert.equal(declaredUnitOf("#Logging op latencies for Cassandra Stress"), undefined);
 * assert.equal(declaredUnitOf("#[BaseTime: 1.000 (seconds since epoch)]"), undefined);
 * ```
 */
export function declaredUnitOf(line: string): HdrValueUnit | undefined {
  if (line.startsWith("#[") || !(line.startsWith("#") || line.startsWith('"'))) return undefined;
  const match = UNIT_PATTERN.exec(line);
  return match === null ? undefined : UNIT_WORDS[match[1].toLowerCase()];
}

/**
 * Parses the text of an HDR interval log (as `-log hdrfile=` writes it) into a
 * {@linkcode MergeInputLog}.
 *
 * @param text The file's text.
 * @param name The file name, for messages and the loader list.
 * @returns BaseTime (the first one; 0 when missing), the intervals with exports and max column
 * (starts after a later BaseTime line, in logs concatenated into one file, moved to be relative
 * to the first), the unit, and `cutLine` when the last line, with no line break after it, is no
 * HDR log line (the loader stopped while writing it): that line is left out.
 * @throws {UsageError} When another line is not an HDR log line or its histogram cannot be decoded.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "../stats/latency_histogram.ts";
 * import { encodeCompressedBase64 } from "../stats/hdr_codec.ts";
 * import { parseHdrLogMergeInput } from "./hdr_log_merge_input.ts";
 * const histogram = new LatencyHistogram();
 * histogram.recordValue(2_000_000);
 * const text = "#[BaseTime: 1700000000.000 (seconds since epoch)]\n" +
 *   `Tag=WRITE-st,0.250,1.000,2.001,${encodeCompressedBase64(histogram)}\n`;
 * const log = parseHdrLogMergeInput(text, "a.hdr");
 * assert.equal(log.baseTimeMs, 1_700_000_000_000);
 * assert.equal(log.intervals[0].maxMs, 2.001);
 * assert.equal(log.intervals[0].histogram.totalCount, 1);
 * assert.equal(log.unit, "ns");
 * ```
 */
export function parseHdrLogMergeInput(text: string, name: string): MergeInputLog {
  let baseTimeMs = 0;
  // A later BaseTime (logs concatenated into one file) moves the intervals after it, as
  // HdrHistogram's reader does: their starts are kept relative to the first one.
  let shiftSec = 0;
  let startTimeMs = 0;
  let unit: HdrValueUnit | undefined;
  let cutLine: number | undefined;
  const intervals: MergeInputInterval[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    if (line.startsWith("#") || line.startsWith('"')) {
      const base = /^#\[BaseTime: ([0-9.]+)/.exec(line);
      const baseMs = base === null ? 0 : Math.round(Number(base[1]) * 1000);
      if (baseTimeMs === 0) baseTimeMs = baseMs;
      else if (baseMs !== 0) shiftSec = (baseMs - baseTimeMs) / 1000;
      const start = /^#\[StartTime: ([0-9.]+)/.exec(line);
      if (start !== null) startTimeMs = Math.round(Number(start[1]) * 1000);
      unit ??= declaredUnitOf(line);
      continue;
    }
    let interval: MergeInputInterval;
    try {
      interval = parseIntervalLine(line, `Cannot read HDR log "${name}": line ${i + 1}`);
    } catch (error) {
      // The last line, with no line break after it: the loader stopped while writing it.
      if (i !== lines.length - 1) throw error;
      cutLine = i + 1;
      break;
    }
    intervals.push({ ...interval, startSec: interval.startSec + shiftSec });
  }
  baseTimeMs ||= impliedBaseMs(startTimeMs, intervals);
  const log = { name, baseTimeMs, intervals, unit: unit ?? "ns" };
  return cutLine === undefined ? log : { ...log, cutLine };
}

/** One interval line, `[Tag=T,]start,length,max,histogram`; `where` starts its error message. */
function parseIntervalLine(line: string, where: string): MergeInputInterval {
  let rest = line;
  let tag = "";
  if (rest.startsWith("Tag=")) {
    const comma = rest.indexOf(",");
    tag = rest.slice(4, comma);
    rest = rest.slice(comma + 1);
  }
  const fields = rest.split(",");
  const startSec = Number(fields[0]);
  const lengthSec = Number(fields[1]);
  const maxMs = Number(fields[2]);
  if (
    fields.length !== 4 || !Number.isFinite(startSec) || !Number.isFinite(lengthSec) ||
    !Number.isFinite(maxMs) || fields[2].trim() === ""
  ) {
    throw new UsageError(`${where} is invalid, expected Tag=T,start,length,max,histogram`);
  }
  if (lengthSec < 0) {
    throw new UsageError(
      `${where} has length "${fields[1].trim()}" s, expected 0 or more (an interval's seconds)`,
    );
  }
  let histogram: HistogramExport;
  try {
    histogram = decodeHistogramExport(fields[3]);
  } catch (error) {
    throw new UsageError(`${where} has an undecodable histogram`, { cause: error });
  }
  return { tag, startSec, lengthSec, maxMs, histogram };
}

/** A year, in ms. */
const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The base of a log with no BaseTime line, as HdrHistogram's own reader deduces it: StartTime
 * when the first interval's timestamp lies more than a year before it (the timestamps are
 * relative), else 0 (they are absolute).
 */
function impliedBaseMs(startTimeMs: number, intervals: readonly MergeInputInterval[]): number {
  const first = intervals[0];
  if (startTimeMs === 0 || first === undefined) return 0;
  return first.startSec * 1000 < startTimeMs - YEAR_MS ? startTimeMs : 0;
}
