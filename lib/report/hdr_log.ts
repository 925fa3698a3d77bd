/**
 * The HdrHistogram interval log (`-log hdrfile=`, reference section 2.5): the version 1.3
 * header and one tagged line per op type and histogram kind per interval.
 *
 * @module
 */

import type { LatencyHistogram } from "../stats/latency_histogram.ts";
import type { OpWindow } from "../stats/op_window.ts";
import { formatFixed, formatJavaDate, zoneNameOf } from "./_java_format.ts";
import { encodeCompressedBase64 } from "../stats/hdr_codec.ts";

/** Options of {@linkcode formatHdrLogHeader}. */
export interface HdrLogHeaderOptions {
  /** When the process started, epoch ms; printed rounded down to the whole second. */
  startTimeMs: number;
  /**
   * The first comment line, without `#`.
   *
   * @default {"Logging op latencies for Cassandra Stress"}
   */
  comment?: string;
  /**
   * The UTC offset of the human-readable start date, in minutes (pure code reads no time zone).
   *
   * @default {0}
   */
  utcOffsetMinutes?: number;
  /**
   * The zone name printed in the start date.
   *
   * @default {"UTC" for offset 0, else "GMT+hh:mm"}
   */
  timeZoneName?: string;
}

export type { OpWindow } from "../stats/op_window.ts";

/** What an HDR log line needs of an {@linkcode OpWindow}: its tag name and histograms. */
export type HdrLogWindow = Pick<OpWindow, "name" | "service" | "response" | "wait">;

/** The input of {@linkcode formatHdrLogInterval}. */
export interface HdrLogIntervalInput {
  /** This interval's merged windows, one per op type (the name is the tag, without `-st`). */
  windows: readonly HdrLogWindow[];
  /** Start of the interval, seconds since the log's BaseTime. */
  startSec: number;
  /** Length of the interval, seconds. */
  lengthSec: number;
}

/**
 * Formats the header of an HDR interval log as cassandra-stress writes it: the comment, the
 * format version line, BaseTime and StartTime (the start rounded down to the whole second,
 * as seconds with 3 decimals; StartTime adds a Java `Date.toString()` date) and the legend.
 *
 * @param options The start time and optional comment and time zone.
 * @returns The header, every line ending in `\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatHdrLogHeader } from "./hdr_log.ts";
 * const header = formatHdrLogHeader({
 *   startTimeMs: 1730903661789,
 *   utcOffsetMinutes: 60,
 *   timeZoneName: "CET",
 * });
 * assert.equal(
 *   header,
 *   "#Logging op latencies for Cassandra Stress\n" +
 *     "#[Histogram log format version 1.3]\n" +
 *     "#[BaseTime: 1730903661.000 (seconds since epoch)]\n" +
 *     "#[StartTime: 1730903661.000 (seconds since epoch), Wed Nov 06 15:34:21 CET 2024]\n" +
 *     '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n',
 * );
 * ```
 */
export function formatHdrLogHeader(options: HdrLogHeaderOptions): string {
  const baseMs = Math.floor(options.startTimeMs / 1000) * 1000;
  const offset = options.utcOffsetMinutes ?? 0;
  const zone = options.timeZoneName ?? zoneNameOf(offset);
  const seconds = formatFixed(baseMs / 1000, 3);
  return `#${options.comment ?? "Logging op latencies for Cassandra Stress"}\n` +
    "#[Histogram log format version 1.3]\n" +
    `#[BaseTime: ${seconds} (seconds since epoch)]\n` +
    `#[StartTime: ${seconds} (seconds since epoch), ${formatJavaDate(baseMs, offset, zone)}]\n` +
    '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n';
}

/**
 * Formats one interval of an HDR log: `Tag=<OP>-st|rt|wt,<start>,<length>,<max ms>,<payload>`
 * for each op type sorted by name, `st` then `rt` then `wt`, only for histograms with a count
 * above 0, and no total. The start and the end are rounded to whole milliseconds (the length is
 * their difference, so that consecutive intervals meet), the max is the histogram's max in ms
 * (`%.3f`), the payload the V2 compressed base64 histogram in ns.
 *
 * @param input The interval's windows, start and length.
 * @returns The lines, every one ending in `\n` (empty when nothing was recorded).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatHdrLogInterval } from "./hdr_log.ts";
 * const read = new OpWindow("READ", { scheduled: false });
 * read.service.recordValue(3_426_000);
 * const text = formatHdrLogInterval({ windows: [read], startSec: 0.001, lengthSec: 0.999 });
 * assert.ok(text.startsWith("Tag=READ-st,0.001,0.999,3.426,HISTF"));
 * ```
 */
export function formatHdrLogInterval(input: HdrLogIntervalInput): string {
  const windows = [...input.windows].sort((
    a,
    b,
  ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Both ends on whole milliseconds, as HdrHistogram's writer has them: the length is the
  // rounded end minus the rounded start, so each interval ends where the next one starts.
  const startMs = Math.round(input.startSec * 1000);
  const endMs = Math.round((input.startSec + input.lengthSec) * 1000);
  const start = formatFixed(startMs / 1000, 3);
  const length = formatFixed((endMs - startMs) / 1000, 3);
  let text = "";
  const line = (tag: string, histogram: LatencyHistogram | null): void => {
    if (histogram === null || histogram.totalCount === 0) return;
    text += `Tag=${tag},${start},${length},${formatFixed(histogram.maxNs / 1e6, 3)},${
      encodeCompressedBase64(histogram)
    }\n`;
  };
  for (const window of windows) {
    line(`${window.name}-st`, window.service);
    line(`${window.name}-rt`, window.response);
    line(`${window.name}-wt`, window.wait);
  }
  return text;
}
