/**
 * The machine-readable run summary written by `-log json=FILE`.
 *
 * @module
 */

import type { LoaderVerdict } from "../stats/loader_verdict.ts";
import { OpWindow } from "../stats/op_window.ts";
import type { LatencyHistogram } from "../stats/latency_histogram.ts";
import { shardJson } from "../units/shard.ts";

/** Latency figures in milliseconds (ns / 1e6, exact to the nanosecond). */
export interface JsonLatencyMs {
  /** Mean (each HDR bucket's middle value). */
  mean: number;
  /** Minimum. */
  min: number;
  /** Maximum. */
  max: number;
  /** Population standard deviation. */
  stdev: number;
  /** 50th percentile (median). */
  p50: number;
  /** 75th percentile. */
  p75: number;
  /** 90th percentile. */
  p90: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** 99.9th percentile. */
  p999: number;
  /** 99.99th percentile. */
  p9999: number;
}

/** Counts, rates and latency of one op type, or of all of them (`total`). */
export interface JsonOpStats {
  /** Completed operations. */
  ops: number;
  /** Partitions touched. */
  partitions: number;
  /** Rows touched. */
  rows: number;
  /** Failed operations. */
  errors: number;
  /** `ops / elapsedSec`. */
  opsPerSec: number;
  /** `partitions / elapsedSec`. */
  partitionsPerSec: number;
  /** `rows / elapsedSec`. */
  rowsPerSec: number;
  /** Latency values that were above one hour and were clamped. */
  clampedLatencies: number;
  /** Latency of the reported kind (see {@linkcode JsonSummary.latencyKind}). */
  latencyMs: JsonLatencyMs;
  /**
   * A scheduled run's (`throttle=`, `fixed=`) three latencies side by side: service time (from
   * the actual start), response time (from the intended start) and wait time (intended start
   * to actual start). Absent in a closed-model run, where there is only service time.
   */
  scheduled?: { serviceMs: JsonLatencyMs; responseMs: JsonLatencyMs; waitMs: JsonLatencyMs };
}

/** One point of the per-interval series (all op types together). */
export interface JsonIntervalPoint {
  /** Seconds since the start of the measured run, at the end of the interval. */
  timeSec: number;
  /** Completed operations in the interval. */
  ops: number;
  /** Operations per second in the interval. */
  opsPerSec: number;
  /** Failed operations in the interval. */
  errors: number;
  /** Mean latency, ms (0 for an interval without ops; absent in files from before it existed). */
  meanMs?: number;
  /** Median latency, ms. */
  p50Ms: number;
  /** 99th percentile latency, ms. */
  p99Ms: number;
  /** Maximum latency, ms. */
  maxMs: number;
}

/**
 * The whole summary. Field names are stable: new fields may be added, none renamed.
 */
export interface JsonSummary {
  /** The format version of this object, 1. */
  formatVersion: 1;
  /** The command line, as given. */
  command: string;
  /**
   * This loader's shard (`--shard I/N`, from 0), or `null` for a run of the whole workload.
   * `settings` are then the shard's part (its slice of the population and of any rate).
   */
  shard: { index: number; count: number } | null;
  /** The effective settings, as the command passed them (JSON-able). */
  settings: unknown;
  /** Start of the measured run, ISO 8601 UTC. */
  startTime: string;
  /** Start of the measured run, epoch ms. */
  startTimeMs: number;
  /** End of the measured run, ISO 8601 UTC. */
  endTime: string;
  /** End of the measured run, epoch ms. */
  endTimeMs: number;
  /** Length of the measured run, seconds (the divisor of every rate). */
  elapsedSec: number;
  /** `response` (with `fixed=`, coordinated-omission corrected) or `service` time. */
  latencyKind: "response" | "service";
  /** Why the run stopped early, or `null` when it completed. */
  aborted: string | null;
  /** All op types together. */
  total: JsonOpStats;
  /** Each op type by name, in sorted order. */
  ops: Record<string, JsonOpStats>;
  /** The per-interval series, oldest first. */
  intervals: JsonIntervalPoint[];
  /** Whether the load generator itself was a limit (absent where it was not judged). */
  loader?: LoaderVerdict;
}

/** The input of {@linkcode createJsonSummary}. */
export interface JsonSummaryInput {
  /** The command line, as given (arguments are joined with spaces). */
  command: string | readonly string[];
  /**
   * This loader's shard, when the run is one of several.
   *
   * @default {null}
   */
  shard?: { index: number; count: number } | null;
  /** The effective settings (must be JSON-able). */
  settings: unknown;
  /** Start of the measured run, epoch ms. */
  startTimeMs: number;
  /** End of the measured run, epoch ms. */
  endTimeMs: number;
  /** Length of the measured run, seconds. */
  elapsedSec: number;
  /** The whole run's cumulative windows, one per op type. */
  windows: readonly OpWindow[];
  /** Report response time (`fixed=`) instead of service time. */
  useResponseTime: boolean;
  /**
   * The per-interval series, made with {@linkcode createJsonIntervalPoint}.
   *
   * @default {[]}
   */
  intervals?: readonly JsonIntervalPoint[];
  /**
   * Why the run stopped early.
   *
   * @default {null}
   */
  aborted?: string | null;
  /**
   * Whether the load generator itself was a limit, or null where it was not judged.
   *
   * @default {null}
   */
  loader?: LoaderVerdict | null;
}

/** Options of {@linkcode createJsonIntervalPoint}. */
export interface JsonIntervalPointOptions {
  /** Seconds since the start of the measured run, at the end of the interval. */
  elapsedSec: number;
  /** Length of the interval, seconds. */
  intervalSec: number;
  /** Report response time (`fixed=`) instead of service time. */
  useResponseTime: boolean;
}

function toMs(valueNs: number): number {
  return Math.round(valueNs) / 1e6;
}

function sortedByName(windows: readonly OpWindow[]): OpWindow[] {
  return [...windows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function totalOf(windows: readonly OpWindow[]): OpWindow {
  const total = new OpWindow("total", { scheduled: windows.some((w) => w.response !== null) });
  for (const window of windows) total.add(window);
  return total;
}

/**
 * The latency figures of a histogram in milliseconds, as every JSON summary gives them.
 *
 * @param histogram A histogram of nanoseconds.
 * @returns Mean, min, max, stdev and percentiles in ms.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "../stats/latency_histogram.ts";
 * import { jsonLatencyMsOf } from "./json_summary.ts";
 * const histogram = new LatencyHistogram();
 * histogram.recordValue(2_000_000);
 * assert.equal(jsonLatencyMsOf(histogram).p50, 2.000895);
 * ```
 */
export function jsonLatencyMsOf(histogram: LatencyHistogram): JsonLatencyMs {
  return {
    mean: toMs(histogram.meanNs),
    min: toMs(histogram.minNs),
    max: toMs(histogram.maxNs),
    stdev: toMs(histogram.stdDeviationNs),
    p50: toMs(histogram.valueAtPercentile(50)),
    p75: toMs(histogram.valueAtPercentile(75)),
    p90: toMs(histogram.valueAtPercentile(90)),
    p95: toMs(histogram.valueAtPercentile(95)),
    p99: toMs(histogram.valueAtPercentile(99)),
    p999: toMs(histogram.valueAtPercentile(99.9)),
    p9999: toMs(histogram.valueAtPercentile(99.99)),
  };
}

function statsOf(window: OpWindow, elapsedSec: number, useResponseTime: boolean): JsonOpStats {
  const latency = window.reported(useResponseTime);
  const rate = (count: number): number => (elapsedSec > 0 ? count / elapsedSec : 0);
  return {
    ops: window.ops,
    partitions: window.partitions,
    rows: window.rows,
    errors: window.errors,
    opsPerSec: rate(window.ops),
    partitionsPerSec: rate(window.partitions),
    rowsPerSec: rate(window.rows),
    clampedLatencies: latency.clampedCount,
    latencyMs: jsonLatencyMsOf(latency),
    ...(window.response === null || window.wait === null ? {} : {
      scheduled: {
        serviceMs: jsonLatencyMsOf(window.service),
        responseMs: jsonLatencyMsOf(window.response),
        waitMs: jsonLatencyMsOf(window.wait),
      },
    }),
  };
}

/**
 * Makes one point of the per-interval series from an interval's windows (call it once per
 * interval and keep the small points, not the windows).
 *
 * @param windows The interval's merged windows.
 * @param options The interval's end time and length, and the latency kind.
 * @returns The point.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { createJsonIntervalPoint } from "./json_summary.ts";
 * const write = new OpWindow("WRITE", { scheduled: false });
 * write.ops = 500;
 * write.service.recordValueWithCount(2_000_000, 500);
 * const point = createJsonIntervalPoint([write], {
 *   elapsedSec: 1,
 *   intervalSec: 0.5,
 *   useResponseTime: false,
 * });
 * assert.equal(point.opsPerSec, 1000);
 * assert.equal(point.p50Ms, 2.000895);
 * ```
 */
export function createJsonIntervalPoint(
  windows: readonly OpWindow[],
  options: JsonIntervalPointOptions,
): JsonIntervalPoint {
  const total = totalOf(windows);
  const latency = total.reported(options.useResponseTime);
  return {
    timeSec: options.elapsedSec,
    ops: total.ops,
    opsPerSec: options.intervalSec > 0 ? total.ops / options.intervalSec : 0,
    errors: total.errors,
    meanMs: latency.totalCount === 0 ? 0 : toMs(latency.meanNs),
    p50Ms: toMs(latency.valueAtPercentile(50)),
    p99Ms: toMs(latency.valueAtPercentile(99)),
    maxMs: toMs(latency.maxNs),
  };
}

/**
 * Builds the JSON summary of a run (serialize it with `JSON.stringify(summary, null, 2)`).
 *
 * @param input The command line, settings, times, cumulative windows and series.
 * @returns The summary, a plain JSON-able object.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { createJsonSummary } from "./json_summary.ts";
 * const read = new OpWindow("READ", { scheduled: false });
 * read.ops = 10;
 * read.service.recordValueWithCount(1_000_000, 10);
 * const summary = createJsonSummary({
 *   command: ["read", "n=10"],
 *   settings: { threads: 1 },
 *   startTimeMs: 0,
 *   endTimeMs: 2000,
 *   elapsedSec: 2,
 *   windows: [read],
 *   useResponseTime: false,
 * });
 * assert.equal(summary.command, "read n=10");
 * assert.equal(summary.total.opsPerSec, 5);
 * assert.equal(summary.ops.READ.latencyMs.max, 1.000447);
 * assert.equal(summary.aborted, null);
 * ```
 */
export function createJsonSummary(input: JsonSummaryInput): JsonSummary {
  const windows = sortedByName(input.windows);
  const ops: Record<string, JsonOpStats> = {};
  for (const window of windows) {
    ops[window.name] = statsOf(window, input.elapsedSec, input.useResponseTime);
  }
  return {
    formatVersion: 1,
    command: typeof input.command === "string" ? input.command : input.command.join(" "),
    shard: shardJson(input.shard ?? null),
    settings: input.settings,
    startTime: new Date(input.startTimeMs).toISOString(),
    startTimeMs: input.startTimeMs,
    endTime: new Date(input.endTimeMs).toISOString(),
    endTimeMs: input.endTimeMs,
    elapsedSec: input.elapsedSec,
    latencyKind: input.useResponseTime && windows.some((w) => w.response !== null)
      ? "response"
      : "service",
    aborted: input.aborted ?? null,
    total: statsOf(totalOf(windows), input.elapsedSec, input.useResponseTime),
    ops,
    intervals: [...(input.intervals ?? [])],
    ...(input.loader === undefined || input.loader === null ? {} : { loader: input.loader }),
  };
}
