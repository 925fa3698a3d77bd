/**
 * The summary that `stress analyze` prints after running N `simulate` processes side by side
 * (the format of the seed tool in seeds/stress-simulation.md).
 *
 * @module
 */

import type { LatencyHistogram } from "../stats/latency_histogram.ts";
import { formatCtime } from "../report/_java_format.ts";

/** One finished process. */
export interface AnalyzedProcess {
  /** Its process id. */
  pid: number;
  /** When it started, epoch ms. */
  startTimeMs: number;
  /** When it finished, epoch ms. */
  endTimeMs: number;
}

/** The input of {@linkcode formatAnalyzeSummary}. */
export interface AnalyzeSummaryInput {
  /** Per-interval throughput samples (ops/s) of every process, in any order. */
  throughputsOpsPerSec: readonly number[];
  /** The latencies of every process, merged into one histogram (ns). */
  latency: LatencyHistogram;
  /** The processes, printed in this order. */
  processes: readonly AnalyzedProcess[];
  /**
   * UTC offset of the printed dates, in minutes (pure code reads no time zone; the command
   * passes the local offset, tests pass 0).
   *
   * @default {0}
   */
  utcOffsetMinutes?: number;
}

/** Python's `str(round(value, 2))` for a float: `18183.0`, `9331.78`. */
function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  const rounded = Math.round(value * 100) / 100;
  const text = String(rounded);
  return Number.isInteger(rounded) && !text.includes("e") ? `${text}.0` : text;
}

/** A max or min: printed as an integer when it is whole (as the seed's int samples), else as a float. */
function pythonNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : pythonFloat(value);
}

/** The 95th percentile with linear interpolation between closest ranks (Python's "inclusive"). */
function percentileInclusive(sorted: readonly number[], percentile: number): number {
  if (sorted.length === 0) return 0;
  const position = (percentile / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/**
 * Formats the analyze summary: average, max, min and 95th percentile of throughput (from the
 * samples) and of latency (from the merged histogram, in ms rounded to 2 decimals), the number
 * of processes, and one line per process with its start and finish dates (`time.ctime()`
 * style, at the given UTC offset) and its duration.
 *
 * Unlike the seed (Python's `statistics.quantiles`, "exclusive" method, which extrapolates
 * past the largest sample), the throughput percentile interpolates between samples and never
 * exceeds the maximum. With no samples the throughput figures are 0.
 *
 * @param input The samples, the merged latency histogram and the processes.
 * @returns The summary, every line ending in `\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "../stats/latency_histogram.ts";
 * import { formatAnalyzeSummary } from "./analyze_summary.ts";
 * const latency = new LatencyHistogram();
 * latency.recordValue(304_000_000);
 * const text = formatAnalyzeSummary({
 *   throughputsOpsPerSec: [747, 87622],
 *   latency,
 *   processes: [{ pid: 26849, startTimeMs: 1603216672000, endTimeMs: 1603216674090 }],
 * });
 * assert.equal(text.split("\n")[2], "Max throughput = 87622 ops/s");
 * assert.equal(
 *   text.split("\n")[9],
 *   "pid: 26849 started at Tue Oct 20 17:57:52 2020 and finished at " +
 *     "Tue Oct 20 17:57:54 2020 taking  2.09 seconds to complete",
 * );
 * ```
 */
export function formatAnalyzeSummary(input: AnalyzeSummaryInput): string {
  const offset = input.utcOffsetMinutes ?? 0;
  const samples = [...input.throughputsOpsPerSec].sort((a, b) => a - b);
  let sum = 0;
  for (const sample of samples) sum += sample;
  const average = samples.length === 0 ? 0 : sum / samples.length;
  const maxThroughput = samples.length === 0 ? 0 : samples[samples.length - 1];
  const minThroughput = samples.length === 0 ? 0 : samples[0];
  const latency = input.latency;
  const ms = (valueNs: number): number => Math.round(valueNs / 1e4) / 100;
  const lines = [
    `Average Throughput = ${pythonFloat(average)} ops/s`,
    `Average Latency = ${pythonFloat(ms(latency.meanNs))}ms`,
    `Max throughput = ${pythonNumber(maxThroughput)} ops/s`,
    `Max latency = ${pythonNumber(ms(latency.maxNs))}ms`,
    `Min throughput = ${pythonNumber(minThroughput)} ops/s`,
    `Min latency = ${pythonNumber(ms(latency.minNs))}ms`,
    `Throughput 95th percentile = ${pythonFloat(percentileInclusive(samples, 95))} ops/s`,
    `Latency 95th percentile = ${pythonFloat(ms(latency.valueAtPercentile(95)))}ms`,
    `${input.processes.length} processes run in total`,
  ];
  for (const process of input.processes) {
    const seconds = (process.endTimeMs - process.startTimeMs) / 1000;
    lines.push(
      `pid: ${process.pid} started at ${formatCtime(process.startTimeMs, offset)} and finished at ${
        formatCtime(process.endTimeMs, offset)
      } taking ${seconds >= 0 ? " " : ""}${seconds.toFixed(2)} seconds to complete`,
    );
  }
  return lines.join("\n") + "\n";
}
