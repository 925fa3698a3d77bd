/**
 * cassandra-stress's `Results:` block (reference section 2.4), line for line, and the
 * `END` / `FAILURE` line that follows it.
 *
 * @module
 */

import { OpWindow } from "../stats/op_window.ts";
import type { LatencyHistogram } from "../stats/latency_histogram.ts";
import { formatFixed, formatJavaFloat, formatJavaInt, groupThousands } from "./_java_format.ts";

/** JMX garbage-collection totals of the run (all 0 when not collected). */
export interface ResultsGc {
  /** Number of collections. */
  count: number;
  /** Memory collected, bytes. */
  bytes: number;
  /** Total pause time, ms. */
  sumMs: number;
  /** Standard deviation of the pauses, ms. */
  sdvMs: number;
}

/** The input of {@linkcode formatResults}. */
export interface ResultsInput {
  /** The whole run's cumulative windows, one per op type. */
  windows: readonly OpWindow[];
  /** Length of the measured run, seconds (the divisor of the rates). */
  elapsedSec: number;
  /** Report response time (`fixed=`) instead of service time. */
  useResponseTime: boolean;
  /**
   * JMX GC totals.
   *
   * @default {{ count: 0, bytes: 0, sumMs: 0, sdvMs: 0 }}
   */
  gc?: ResultsGc;
}

const NO_GC: ResultsGc = { count: 0, bytes: 0, sumMs: 0, sdvMs: 0 };

/** Cassandra's `FBUtilities.prettyPrintMemory(size, true)`. */
function prettyPrintMemory(bytes: number): string {
  if (bytes >= 2 ** 30) return `${formatFixed(bytes / 2 ** 30, 3)} GiB`;
  if (bytes >= 2 ** 20) return `${formatFixed(bytes / 2 ** 20, 3)} MiB`;
  return `${formatFixed(bytes / 2 ** 10, 3)} KiB`;
}

/** Apache commons `DurationFormatUtils.formatDuration(ms, "HH:mm:ss", true)`. */
function formatHms(elapsedSec: number): string {
  const totalSec = Math.max(0, Math.floor(elapsedSec));
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${pad(Math.floor(totalSec / 3600))}:${pad(Math.floor(totalSec / 60) % 60)}:${
    pad(totalSec % 60)
  }`;
}

/** The bracket list: `[READ: 1,234 op/s, WRITE: 56 op/s]`, or `[]`. */
function bracket(
  windows: readonly OpWindow[],
  value: (window: OpWindow) => string,
  unit: string,
): string {
  const parts = windows.map((window) =>
    `${window.name}: ${value(window)}${unit === "" ? "" : " " + unit}`
  );
  return `[${parts.join(", ")}]`;
}

/**
 * Formats the `Results:` block: two blank lines, `Results:`, the rates, latencies (ms),
 * totals, GC lines and `Total operation time`, then one blank line. Per-op brackets list the
 * op types sorted by name. Thousands separators are `,` (the `en_US` locale).
 *
 * @param input The cumulative windows, the run length and options.
 * @returns The block as printed, every line ending in `\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatResults } from "./results_block.ts";
 *
 * const write = new OpWindow("WRITE", { scheduled: false });
 * write.ops = write.partitions = write.rows = 46_751 * 2;
 * write.service.recordValueWithCount(4_300_000, write.ops);
 * const text = formatResults({ windows: [write], elapsedSec: 2, useResponseTime: false });
 * const lines = text.split("\n");
 * assert.deepEqual(lines.slice(0, 4), [
 *   "",
 *   "",
 *   "Results:",
 *   "Op rate                   :   46,751 op/s  [WRITE: 46,751 op/s]",
 * ]);
 * assert.equal(lines.at(-3), "Total operation time      : 00:00:02");
 * ```
 */
export function formatResults(input: ResultsInput): string {
  const gc = input.gc ?? NO_GC;
  const windows = [...input.windows].sort((
    a,
    b,
  ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const scheduled = windows.some((window) => window.response !== null);
  const total = new OpWindow("total", { scheduled });
  for (const window of windows) total.add(window);
  const seconds = input.elapsedSec;
  const latencyOf = (window: OpWindow): LatencyHistogram => window.reported(input.useResponseTime);
  const rate = (count: number): string => formatJavaFloat(count / seconds, 8, 0, true);
  const bracketRate = (count: number): string => formatJavaFloat(count / seconds, 0, 0, true);
  const ms = (valueNs: number): string => formatJavaFloat(valueNs / 1e6, 6, 1);
  const bracketMs = (valueNs: number): string => formatJavaFloat(valueNs / 1e6, 0, 1, true);
  const latencyLine = (label: string, pick: (histogram: LatencyHistogram) => number): string =>
    `${label.padEnd(26)}: ${ms(pick(latencyOf(total)))} ms ${
      bracket(windows, (window) => bracketMs(pick(latencyOf(window))), "ms")
    }`;

  const lines = [
    "",
    "",
    "Results:",
    `Op rate                   : ${rate(total.ops)} op/s  ${
      bracket(windows, (window) => bracketRate(window.ops), "op/s")
    }`,
    `Partition rate            : ${rate(total.partitions)} pk/s  ${
      bracket(windows, (window) => bracketRate(window.partitions), "pk/s")
    }`,
    `Row rate                  : ${rate(total.rows)} row/s ${
      bracket(windows, (window) => bracketRate(window.rows), "row/s")
    }`,
    latencyLine("Latency mean", (histogram) => histogram.meanNs),
    latencyLine("Latency median", (histogram) => histogram.valueAtPercentile(50)),
    latencyLine("Latency 95th percentile", (histogram) => histogram.valueAtPercentile(95)),
    latencyLine("Latency 99th percentile", (histogram) => histogram.valueAtPercentile(99)),
    latencyLine("Latency 99.9th percentile", (histogram) => histogram.valueAtPercentile(99.9)),
    latencyLine("Latency max", (histogram) => histogram.maxNs),
    `Total partitions          : ${formatJavaInt(total.partitions, 10, true)} ${
      bracket(windows, (window) => groupThousands(String(window.partitions)), "")
    }`,
    `Total errors              : ${formatJavaInt(total.errors, 10, true)} ${
      bracket(windows, (window) => groupThousands(String(window.errors)), "")
    }`,
    `Total GC count            : ${formatJavaFloat(gc.count, 1, 0, true)}`,
    `Total GC memory           : ${prettyPrintMemory(gc.bytes)}`,
    `Total GC time             : ${formatJavaFloat(gc.sumMs / 1000, 6, 1, true)} seconds`,
    `Avg GC time               : ${formatJavaFloat(gc.sumMs / gc.count, 6, 1, true)} ms`,
    `StdDev GC time            : ${formatJavaFloat(gc.sdvMs, 6, 1, true)} ms`,
    `Total operation time      : ${formatHms(seconds)}`,
    "",
  ];
  return lines.join("\n") + "\n";
}

/**
 * The line printed after the Results block: `END`, or `FAILURE` when any Worker failed.
 *
 * @param failed Whether the run failed.
 * @returns `"END"` or `"FAILURE"` (without a line break).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRunEnd } from "./results_block.ts";
 * assert.equal(formatRunEnd(false), "END");
 * assert.equal(formatRunEnd(true), "FAILURE");
 * ```
 */
export function formatRunEnd(failed: boolean): string {
  return failed ? "FAILURE" : "END";
}
