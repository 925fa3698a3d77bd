/**
 * Reads an HDR interval log (the format `-log hdrfile=` writes) back into tagged
 * interval histograms.
 *
 * @module
 */

import { UserError } from "../errors.ts";
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
 * @throws {UserError} When a line is not an HDR log line.
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
  let baseTimeMs = 0;
  const intervals: HdrLogInterval[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith('"StartTimestamp"')) continue;
    if (line.startsWith("#")) {
      const base = /^#\[BaseTime: ([0-9.]+)/.exec(line);
      if (base !== null) baseTimeMs = Math.round(Number(base[1]) * 1000);
      continue;
    }
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
    if (fields.length !== 4 || !Number.isFinite(startSec) || !Number.isFinite(lengthSec)) {
      throw new UserError(
        `Cannot read HDR log "${name}": line ${
          i + 1
        } is invalid, expected Tag=T,start,length,max,histogram`,
        { exitCode: 2 },
      );
    }
    let histogram: LatencyHistogram;
    try {
      histogram = LatencyHistogram.fromCompressedBase64(fields[3]);
    } catch (error) {
      throw new UserError(
        `Cannot read HDR log "${name}": line ${i + 1} has an undecodable histogram`,
        { exitCode: 2, cause: error },
      );
    }
    intervals.push({ tag, startSec, lengthSec, histogram });
  }
  return { baseTimeMs, intervals };
}
