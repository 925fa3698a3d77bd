/**
 * The output of cassandra-stress's thread-count search (auto mode): the lines around each
 * step and the final table with an `id` column that holds every step's summary rows.
 *
 * @module
 */

import type { OpWindow } from "../../stats/op_window.ts";
import { formatFixed } from "../../report/_java_format.ts";
import { formatIntervalHeader, formatIntervalRows } from "../../report/interval_rows.ts";
import { ranOpWindows } from "./ran_op_windows.ts";

/** One finished step of the search, as {@linkcode formatThreadSearchTable} reads it. */
export interface ThreadSearchTableStep {
  /** The step's thread count (the id is `<threads> threadCount`). */
  threads: number;
  /** The step's cumulative windows, one per op type. */
  windows: readonly OpWindow[];
  /** The step's run time in seconds (the divisor of the rates). */
  elapsedSec: number;
  /**
   * The `time` column: the step's end on the interval rows' clock.
   *
   * @default {elapsedSec}
   */
  timeSec?: number;
  /** The step's final uncertainty of the mean row rate (the `stderr` column). */
  stderr: number;
}

/** The input of {@linkcode formatThreadSearchTable}. */
export interface ThreadSearchTableInput {
  /** The steps in the order they ran. */
  steps: readonly ThreadSearchTableStep[];
  /** Report response time (`fixed=`) instead of service time. */
  useResponseTime: boolean;
}

/**
 * Formats the lines that open a step: an empty line, then `Running with N threadCount`.
 *
 * @param threads The step's thread count.
 * @returns The two lines, each ending in `\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatThreadStepStart } from "./thread_search_table.ts";
 * assert.equal(formatThreadStepStart(104), "\nRunning with 104 threadCount\n");
 * ```
 */
export function formatThreadStepStart(threads: number): string {
  return `\nRunning with ${threads} threadCount\n`;
}

/**
 * Formats the line after a step's `Results:`: `Improvement over N threadCount: X%`, the
 * improvement of the op rate over the previous step rounded as Java's `%.0f` does.
 *
 * @param previousThreads The previous step's thread count.
 * @param improvement The improvement as a fraction (0.25 for 25%; NaN when the previous rate was 0).
 * @returns The line, ending in `\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatThreadImprovement } from "./thread_search_table.ts";
 * assert.equal(formatThreadImprovement(4, 0.125), "Improvement over 4 threadCount: 13%\n");
 * assert.equal(formatThreadImprovement(104, -0.004), "Improvement over 104 threadCount: -0%\n");
 * ```
 */
export function formatThreadImprovement(previousThreads: number, improvement: number): string {
  return `Improvement over ${previousThreads} threadCount: ${formatFixed(100 * improvement, 0)}%\n`;
}

/** A step's rows: one per op type that ran (sorted by name), then `total`. */
function stepRows(step: ThreadSearchTableStep, useResponseTime: boolean): string[] {
  const windows = ranOpWindows(step.windows);
  const rowsOf = (list: readonly OpWindow[]): string[] =>
    formatIntervalRows({
      windows: list,
      totalOpsByName: Object.fromEntries(list.map((window) => [window.name, window.ops])),
      elapsedSec: step.timeSec ?? step.elapsedSec,
      intervalSec: step.elapsedSec,
      stderr: step.stderr,
      useResponseTime,
    });
  if (windows.length !== 1) return rowsOf(windows);
  // The interval rows name op types only when there are several; cassandra-stress's table
  // always does. A lone op type passed twice gives its own row first; `total` comes alone.
  const [window] = windows;
  const own = rowsOf([window, window]);
  return own.length === 0 ? [] : [own[0], ...rowsOf([window])];
}

/**
 * Formats the table cassandra-stress prints after the last step of a thread-count search:
 * the interval header prefixed with `id, `, then for every step one row per op type (sorted
 * by name) and a `total` row, each prefixed with the step's id (`4 threadCount, `)
 * right-aligned to the longest id. The rows hold each step's whole-run figures: total ops,
 * rates over the step's run time, latencies of the whole step, its run time and final
 * `stderr`. A step that completed no op has no rows (cassandra-stress would print zeros).
 *
 * @param input The steps and whether response time is reported.
 * @returns The table, every line ending in `\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../../stats/op_window.ts";
 * import { formatThreadSearchTable } from "./thread_search_table.ts";
 *
 * const read = new OpWindow("READ", { scheduled: false });
 * read.ops = read.partitions = read.rows = 2000;
 * read.service.recordValueWithCount(1_000_000, 2000);
 * const table = formatThreadSearchTable({
 *   steps: [{ threads: 4, windows: [read], elapsedSec: 2, stderr: 0.01 }],
 *   useResponseTime: false,
 * }).split("\n");
 * assert.match(table[0], /^           id, type       total ops,/);
 * assert.match(table[1], /^4 threadCount, READ,           2000,    1000,/);
 * assert.match(table[2], /^4 threadCount, total,          2000,    1000,/);
 * ```
 */
export function formatThreadSearchTable(input: ThreadSearchTableInput): string {
  const ids = input.steps.map((step) => `${step.threads} threadCount`);
  const idWidth = Math.max(0, ...ids.map((id) => id.length));
  const lines = [`${"id".padStart(idWidth)}, ${formatIntervalHeader()}`];
  input.steps.forEach((step, i) => {
    const prefix = `${ids[i].padStart(idWidth)}, `;
    for (const row of stepRows(step, input.useResponseTime)) lines.push(prefix + row);
  });
  return lines.map((line) => line + "\n").join("");
}
