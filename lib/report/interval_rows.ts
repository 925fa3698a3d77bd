/**
 * cassandra-stress's interval header and rows (reference section 2.3), line for line.
 *
 * @module
 */

import { OpWindow } from "../stats/op_window.ts";
import { formatJavaFloat, formatJavaInt } from "./_java_format.ts";

/** JMX garbage-collection figures of one interval (all 0 when not collected). */
export interface IntervalGc {
  /** Number of collections (`gc: #`). */
  count: number;
  /** Longest pause, ms (`max ms`). */
  maxMs: number;
  /** Total pause time, ms (`sum ms`). */
  sumMs: number;
  /** Standard deviation of the pauses, ms (`sdv ms`). */
  sdvMs: number;
  /** Memory collected, MiB (`mb`). */
  mb: number;
}

/** The input of {@linkcode formatIntervalRows}. */
export interface IntervalRowsInput {
  /** This interval's merged windows, one per op type that is configured. */
  windows: readonly OpWindow[];
  /** Cumulative completed ops since the measured run started, by op name (this interval included). */
  totalOpsByName: Readonly<Record<string, number>>;
  /** Seconds since the start of the measured run (the `time` column). */
  elapsedSec: number;
  /** Length of this interval in seconds (the divisor of the rates). */
  intervalSec: number;
  /** Uncertainty of the mean row rate (the `stderr` column). */
  stderr: number;
  /** Report response time (`fixed=`) instead of service time. */
  useResponseTime: boolean;
  /**
   * JMX GC figures.
   *
   * @default {{ count: 0, maxMs: 0, sumMs: 0, sdvMs: 0, mb: 0 }}
   */
  gc?: IntervalGc;
}

const HEADER = "type       total ops,    op/s,    pk/s,   row/s,    mean,     med,     .95," +
  "     .99,    .999,     max,   time,   stderr, errors,  gc: #,  max ms,  sum ms,  sdv ms,      mb";

const NO_GC: IntervalGc = { count: 0, maxMs: 0, sumMs: 0, sdvMs: 0, mb: 0 };

/**
 * Returns the interval header line of cassandra-stress (without a line break).
 *
 * @returns The header.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatIntervalHeader } from "./interval_rows.ts";
 * assert.ok(formatIntervalHeader().startsWith("type       total ops,    op/s,"));
 * ```
 */
export function formatIntervalHeader(): string {
  return HEADER;
}

function formatRow(
  label: string,
  totalOps: number,
  window: OpWindow,
  input: IntervalRowsInput,
  gc: IntervalGc,
): string {
  const latency = window.reported(input.useResponseTime);
  const ms = (valueNs: number): string => formatJavaFloat(valueNs / 1e6, 8, 1);
  return (label + ",").padEnd(10) +
    formatJavaInt(totalOps, 10) + "," +
    formatJavaFloat(window.ops / input.intervalSec, 8, 0) + "," +
    formatJavaFloat(window.partitions / input.intervalSec, 8, 0) + "," +
    formatJavaFloat(window.rows / input.intervalSec, 8, 0) + "," +
    ms(latency.meanNs) + "," +
    ms(latency.valueAtPercentile(50)) + "," +
    ms(latency.valueAtPercentile(95)) + "," +
    ms(latency.valueAtPercentile(99)) + "," +
    ms(latency.valueAtPercentile(99.9)) + "," +
    ms(latency.maxNs) + "," +
    formatJavaFloat(input.elapsedSec, 7, 1) + "," +
    formatJavaFloat(input.stderr, 9, 5) + "," +
    formatJavaInt(window.errors, 7) + "," +
    formatJavaFloat(gc.count, 7, 0) + "," +
    formatJavaFloat(gc.maxMs, 8, 0) + "," +
    formatJavaFloat(gc.sumMs, 8, 0) + "," +
    formatJavaFloat(gc.sdvMs, 8, 0) + "," +
    formatJavaFloat(gc.mb, 8, 0);
}

/**
 * Formats one interval's rows as cassandra-stress prints them. As in cassandra-stress, when
 * more than one op type is configured (more than one window), one row per op type, sorted by
 * name, comes before the `total` row; otherwise only `total` is printed. When no op completed
 * in the interval, nothing is printed (an empty array).
 *
 * @param input The interval's windows, cumulative op counts, times and options.
 * @returns The rows, without line breaks.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatIntervalRows } from "./interval_rows.ts";
 *
 * const write = new OpWindow("WRITE", { scheduled: false });
 * write.ops = write.partitions = write.rows = 2;
 * write.service.recordValue(1_000_000);
 * write.service.recordValue(3_000_000);
 * const [row] = formatIntervalRows({
 *   windows: [write],
 *   totalOpsByName: { WRITE: 10 },
 *   elapsedSec: 5,
 *   intervalSec: 1,
 *   stderr: 0,
 *   useResponseTime: false,
 * });
 * assert.equal(
 *   row,
 *   "total,            10,       2,       2,       2,     2.0,     1.0,     3.0,     3.0," +
 *     "     3.0,     3.0,    5.0,  0.00000,      0,      0,       0,       0,       0,       0",
 * );
 * ```
 */
export function formatIntervalRows(input: IntervalRowsInput): string[] {
  const gc = input.gc ?? NO_GC;
  const windows = [...input.windows].sort((
    a,
    b,
  ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let intervalOps = 0;
  let totalOps = 0;
  for (const window of windows) intervalOps += window.ops;
  for (const name of Object.keys(input.totalOpsByName)) totalOps += input.totalOpsByName[name];
  if (intervalOps === 0) return [];
  const rows: string[] = [];
  if (windows.length > 1) {
    for (const window of windows) {
      rows.push(formatRow(window.name, input.totalOpsByName[window.name] ?? 0, window, input, gc));
    }
  }
  // One op type is its own total: no window of three 33,792-count histograms to build and fill
  // on the main thread every interval (a millisecond, and garbage, on a 2,000 op/s schedule).
  rows.push(
    formatRow("total", totalOps, windows.length === 1 ? windows[0] : totalOf(windows), input, gc),
  );
  return rows;
}

/** Every op type's window added into one. */
function totalOf(windows: readonly OpWindow[]): OpWindow {
  const scheduled = windows.some((window) => window.response !== null);
  const total = new OpWindow("total", { scheduled });
  for (const window of windows) total.add(window);
  return total;
}
