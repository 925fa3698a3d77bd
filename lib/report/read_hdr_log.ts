/**
 * Reads an HDR interval log (the format `-log hdrfile=` writes) back into tagged
 * interval histograms.
 *
 * @module
 */

import { parseHdrLogMergeInput } from "./hdr_log_merge_input.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";

/** One interval line of an HDR log. */
export interface HdrLogInterval {
  /** The tag, e.g. `WRITE-st`; empty for an untagged line. */
  readonly tag: string;
  /** Seconds since the log's BaseTime. */
  readonly startSec: number;
  /** The interval's length in seconds. */
  readonly lengthSec: number;
  /** The histogram (nanoseconds). */
  readonly histogram: LatencyHistogram;
}

/** A parsed HDR log. */
export interface HdrLog {
  /** BaseTime in epoch ms, or 0 when the log has none. */
  readonly baseTimeMs: number;
  /** The interval lines in file order. */
  readonly intervals: HdrLogInterval[];
}

/**
 * Parses the text of an HDR interval log.
 *
 * @param text The file's text.
 * @param name The file name, for messages.
 * @returns BaseTime and the intervals.
 * @throws {UsageError} When a line is not an HDR log line.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { readHdrLog } from "./read_hdr_log.ts";
 * const log = readHdrLog("#[BaseTime: 1700000000.000 (seconds since epoch)]\n", "x.hdr");
 * assert.deepEqual(log, { baseTimeMs: 1700000000000, intervals: [] });
 * ```
 */
export function readHdrLog(text: string, name: string): HdrLog {
  const log = parseHdrLogMergeInput(text, name);
  return {
    baseTimeMs: log.baseTimeMs,
    intervals: log.intervals.map(({ tag, startSec, lengthSec, histogram }) => {
      const full = new LatencyHistogram();
      if (histogram instanceof LatencyHistogram) full.add(histogram);
      else full.addExport(histogram);
      return { tag, startSec, lengthSec, histogram: full };
    }),
  };
}
