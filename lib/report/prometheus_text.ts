/**
 * The live metrics of a run in the Prometheus text exposition format, version 0.0.4: the
 * cumulative op and error counters, and the latest finished interval's rates and latency
 * percentiles, per op type.
 *
 * @module
 */

import type { OpWindow } from "../stats/op_window.ts";

/** The input of {@linkcode formatPrometheusText}. */
export interface PrometheusTextInput {
  /** The command that runs (`write`, `mixed`, `query`...), shown as `stress_info{command}`. */
  command: string;
  /**
   * The latest finished interval's windows, one per op type (empty before the first interval
   * finished: the interval families then have no samples).
   */
  windows: readonly OpWindow[];
  /** The length of that interval in seconds (the divisor of the rates); > 0. */
  lengthSec: number;
  /** The cumulative windows of the run, one per op type (the counters). */
  totals: readonly OpWindow[];
  /** Seconds since the measured run started. */
  elapsedSec: number;
  /** Report response time (`fixed=`) instead of service time. */
  useResponseTime: boolean;
}

/** The quantile label values and the percentiles (0..100) they are read at. */
const QUANTILES: readonly (readonly [string, number])[] = [
  ["0.5", 50],
  ["0.95", 95],
  ["0.99", 99],
  ["0.999", 99.9],
  ["1", 100],
];

/** Escapes a label value: backslash, double quote and line feed. */
function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\\" ? "\\\\" : c === '"' ? '\\"' : "\\n"));
}

/** A sample value as Go's `strconv.ParseFloat` reads it (`NaN`, `+Inf`, `-Inf` spelled so). */
function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}

/** The `# HELP` and `# TYPE` lines of one family. */
function header(name: string, type: "counter" | "gauge", help: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
}

/** One sample line per window with the `op` label. */
function perOp(
  name: string,
  windows: readonly OpWindow[],
  value: (window: OpWindow) => number,
): string {
  let text = "";
  for (const window of windows) {
    text += `${name}{op="${escapeLabelValue(window.name)}"} ${formatValue(value(window))}\n`;
  }
  return text;
}

/**
 * Formats the live metrics of a run in the Prometheus text exposition format 0.0.4 (serve it
 * as `text/plain; version=0.0.4`). Every family has one `# HELP` and one `# TYPE` line before
 * its samples, and its samples form one group; op names and the command are escaped as label
 * values. The families, each labelled `op` (the op type) unless noted:
 *
 * - `stress_ops_total`, `stress_errors_total` (counters): completed and failed ops since the
 *   measured run started, from `totals`.
 * - `stress_interval_ops_per_second`, `stress_interval_errors_per_second` (gauges): the latest
 *   finished interval's rates, `ops / lengthSec` as in the interval rows' `op/s` column.
 * - `stress_interval_latency_seconds` (gauge, labels `op` and `quantile` = `0.5`, `0.95`,
 *   `0.99`, `0.999`, `1`): that interval's latency percentiles from its merged histogram
 *   (response time with `useResponseTime` and a schedule, service time otherwise); `1` is the
 *   maximum; `NaN` when no op finished in the interval. A gauge rather than a `summary`: a
 *   summary's `_sum` and `_count` are cumulative, its quantiles over a sliding window, and
 *   rate() over them is meaningful; these are the quantiles of one closed interval, the same
 *   numbers as the interval row, and must not be averaged or summed across loaders (merge
 *   the HDR logs instead).
 * - `stress_elapsed_seconds` (gauge, no label): `elapsedSec`.
 * - `stress_info` (gauge, label `command`): always 1.
 *
 * @param input The windows of the latest interval and of the run, the times and options.
 * @returns The exposition text, ending with a line feed.
 * @throws {RangeError} If `lengthSec` is not a finite number > 0.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatPrometheusText } from "./prometheus_text.ts";
 *
 * const interval = new OpWindow("WRITE", { scheduled: false });
 * interval.ops = 500;
 * interval.service.recordValue(2_000_000); // 2 ms
 * const total = new OpWindow("WRITE", { scheduled: false });
 * total.ops = 1500;
 * const text = formatPrometheusText({
 *   command: "write",
 *   windows: [interval],
 *   lengthSec: 0.5,
 *   totals: [total],
 *   elapsedSec: 3,
 *   useResponseTime: false,
 * });
 * const lines = text.split("\n");
 * assert.ok(lines.includes('stress_ops_total{op="WRITE"} 1500'));
 * assert.ok(lines.includes('stress_interval_ops_per_second{op="WRITE"} 1000'));
 * assert.ok(lines.includes('stress_interval_latency_seconds{op="WRITE",quantile="1"} 0.002000895'));
 * assert.ok(lines.includes('stress_info{command="write"} 1'));
 * assert.ok(text.endsWith("\n"));
 * ```
 */
export function formatPrometheusText(input: PrometheusTextInput): string {
  const { windows, totals, lengthSec, useResponseTime } = input;
  if (!(lengthSec > 0 && Number.isFinite(lengthSec))) {
    throw new RangeError(
      `Cannot format Prometheus text: interval length "${lengthSec}" is invalid, expected a number > 0`,
    );
  }
  let text = header(
    "stress_ops_total",
    "counter",
    "Operations completed since the measured run started.",
  ) + perOp("stress_ops_total", totals, (w) => w.ops);
  text += header(
    "stress_errors_total",
    "counter",
    "Operations failed since the measured run started.",
  ) + perOp("stress_errors_total", totals, (w) => w.errors);
  text += header(
    "stress_interval_ops_per_second",
    "gauge",
    "Operations completed per second in the latest finished interval.",
  ) + perOp("stress_interval_ops_per_second", windows, (w) => w.ops / lengthSec);
  text += header(
    "stress_interval_errors_per_second",
    "gauge",
    "Operations failed per second in the latest finished interval.",
  ) + perOp("stress_interval_errors_per_second", windows, (w) => w.errors / lengthSec);
  text += header(
    "stress_interval_latency_seconds",
    "gauge",
    `Latency percentiles of the latest finished interval (${
      useResponseTime ? "response" : "service"
    } time); quantile 1 is the maximum.`,
  );
  for (const window of windows) {
    const histogram = window.reported(useResponseTime);
    const empty = histogram.totalCount === 0;
    const op = escapeLabelValue(window.name);
    for (const [label, percentile] of QUANTILES) {
      const valueNs = percentile === 100
        ? histogram.maxNs
        : histogram.valueAtPercentile(percentile);
      text += `stress_interval_latency_seconds{op="${op}",quantile="${label}"} ${
        empty ? "NaN" : formatValue(valueNs / 1e9)
      }\n`;
    }
  }
  text += header("stress_elapsed_seconds", "gauge", "Seconds since the measured run started.") +
    `stress_elapsed_seconds ${formatValue(input.elapsedSec)}\n`;
  text += header("stress_info", "gauge", "The command that runs; always 1.") +
    `stress_info{command="${escapeLabelValue(input.command)}"} 1\n`;
  return text;
}
