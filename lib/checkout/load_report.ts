/**
 * The text and JSON reports of `stress checkout load`: per-endpoint interval rows, the summary
 * with failures by kind, and the JSON summary. Pure.
 *
 * @module
 */

import { type JsonLatencyMs, jsonLatencyMsOf } from "../report/json_summary.ts";
import type { OpWindow } from "../stats/op_window.ts";
import type { FailureCount } from "./load_tally.ts";

/** The header of the interval rows. */
export const LOAD_INTERVAL_HEADER: string =
  "  time_s  users    reqs/s   fails/s    p50_ms    p95_ms    p99_ms    max_ms  endpoint";

/** The common inputs of the interval rows and the summary. */
export interface LoadReportOptions {
  /** Whether latencies are response times from the intended start (the open model). */
  responseTime: boolean;
}

/** The inputs of {@linkcode formatLoadIntervalRows}. */
export interface LoadIntervalRowsInput extends LoadReportOptions {
  /** The interval's endpoint windows. */
  windows: readonly OpWindow[];
  /** The interval's windows merged into one (the `total` row). */
  total: OpWindow;
  /** Seconds from the start of the run to the end of the interval. */
  elapsedSec: number;
  /** The interval's length in seconds. */
  lengthSec: number;
  /** Virtual users (closed model) or iterations in flight (open model) at the end. */
  users: number;
}

function fixed(value: number, width: number, digits: number): string {
  return value.toFixed(digits).padStart(width);
}

function ms(ns: number): number {
  return ns / 1e6;
}

function row(
  window: OpWindow,
  name: string,
  input: LoadIntervalRowsInput,
): string {
  const latency = window.reported(input.responseTime);
  const rate = (count: number) => (input.lengthSec > 0 ? count / input.lengthSec : 0);
  const pct = (p: number) =>
    fixed(ms(latency.totalCount === 0 ? 0 : latency.valueAtPercentile(p)), 10, 2);
  return `${fixed(input.elapsedSec, 8, 1)}${String(input.users).padStart(7)}${
    fixed(rate(window.ops), 10, 1)
  }${fixed(rate(window.errors), 10, 1)}${pct(50)}${pct(95)}${pct(99)}${
    fixed(ms(latency.maxNs), 10, 2)
  }  ${name}`;
}

/**
 * Formats one interval: a row per endpoint that had requests in it, then a `total` row (always,
 * so a silent interval shows as zeros). Columns match {@linkcode LOAD_INTERVAL_HEADER}.
 *
 * @param input The interval.
 * @returns The lines.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatLoadIntervalRows, LOAD_INTERVAL_HEADER } from "./load_report.ts";
 * const checkout = new OpWindow("POST /orders/checkout/[order_id]", { scheduled: false });
 * checkout.ops = 10;
 * checkout.errors = 1;
 * checkout.service.recordValueWithCount(2_000_000, 10);
 * const lines = formatLoadIntervalRows({
 *   windows: [checkout], total: checkout, elapsedSec: 2, lengthSec: 2, users: 5,
 *   responseTime: false,
 * });
 * assert.equal(lines.length, 2);
 * assert.equal(lines[0].length, LOAD_INTERVAL_HEADER.length - "endpoint".length + checkout.name.length);
 * assert.match(lines[0], /^ +2\.0 +5 +5\.0 +0\.5 +2\.00 +2\.00 +2\.00 +2\.00  POST \/orders/);
 * assert.match(lines[1], / total$/);
 * ```
 */
export function formatLoadIntervalRows(input: LoadIntervalRowsInput): string[] {
  const lines: string[] = [];
  for (const window of input.windows) {
    if (window.ops > 0) lines.push(row(window, window.name, input));
  }
  lines.push(row(input.total, "total", input));
  return lines;
}

/** The inputs of {@linkcode formatLoadSummary} and {@linkcode createLoadJson}. */
export interface LoadSummaryInput extends LoadReportOptions {
  /** The run's endpoint windows. */
  windows: readonly OpWindow[];
  /** The run's windows merged into one. */
  total: OpWindow;
  /** The run's failures by endpoint and kind, largest first. */
  failures: readonly FailureCount[];
  /** The length of the run in seconds, from the first request to the last answer. */
  elapsedSec: number;
  /** Scenario iterations that ran every step successfully. */
  completedIterations: number;
  /** Scenario iterations ended early by a failed step. */
  abortedIterations: number;
}

const SUMMARY_HEADER =
  "  requests  failures     req/s   fails/s   mean_ms    p50_ms    p95_ms    p99_ms  p99.9_ms    max_ms  endpoint";

function summaryRow(window: OpWindow, name: string, input: LoadSummaryInput): string {
  const latency = window.reported(input.responseTime);
  const rate = (count: number) => (input.elapsedSec > 0 ? count / input.elapsedSec : 0);
  const empty = latency.totalCount === 0;
  const pct = (p: number) => fixed(empty ? 0 : ms(latency.valueAtPercentile(p)), 10, 2);
  return `${String(window.ops).padStart(10)}${String(window.errors).padStart(10)}${
    fixed(rate(window.ops), 10, 1)
  }${fixed(rate(window.errors), 10, 1)}${fixed(empty ? 0 : ms(latency.meanNs), 10, 2)}${pct(50)}${
    pct(95)
  }${pct(99)}${pct(99.9)}${fixed(ms(latency.maxNs), 10, 2)}  ${name}`;
}

/**
 * Formats the summary: a row per endpoint and a `total` row (requests, failures, rates, mean and
 * percentiles), then every failure by kind and endpoint (or `Failures: none`), then the scenario
 * iterations.
 *
 * @param input The run.
 * @returns The lines.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatLoadSummary } from "./load_report.ts";
 * const checkout = new OpWindow("POST /orders/checkout/[order_id]", { scheduled: false });
 * checkout.ops = 4;
 * checkout.errors = 3;
 * checkout.service.recordValueWithCount(1_000_000, 4);
 * const lines = formatLoadSummary({
 *   windows: [checkout], total: checkout, elapsedSec: 2, responseTime: false,
 *   failures: [{ endpoint: 0, kind: "HTTP 500", count: 3 }],
 *   completedIterations: 1, abortedIterations: 3,
 * });
 * assert.ok(lines.includes("         3  HTTP 500  POST /orders/checkout/[order_id]"));
 * assert.equal(lines.at(-1), "Iterations: 1 completed, 3 ended by a failed step");
 * ```
 */
export function formatLoadSummary(input: LoadSummaryInput): string[] {
  const lines = [
    `Results (${input.elapsedSec.toFixed(1)} s, latency is ${
      input.responseTime ? "response time from the intended start" : "service time"
    }):`,
    SUMMARY_HEADER,
  ];
  for (const window of input.windows) lines.push(summaryRow(window, window.name, input));
  lines.push(summaryRow(input.total, "total", input));
  if (input.failures.length === 0) {
    lines.push("Failures: none");
  } else {
    const width = Math.max(4, ...input.failures.map((f) => f.kind.length));
    lines.push("Failures by kind:", `     count  ${"kind".padEnd(width)}  endpoint`);
    for (const failure of input.failures) {
      lines.push(
        `${String(failure.count).padStart(10)}  ${failure.kind.padEnd(width)}  ${
          input.windows[failure.endpoint].name
        }`,
      );
    }
  }
  lines.push(
    `Iterations: ${input.completedIterations} completed, ${input.abortedIterations} ended by a failed step`,
  );
  return lines;
}

/** The figures of one endpoint (or the total) in {@linkcode LoadJson}. */
export interface LoadJsonStats {
  /** The endpoint, e.g. `POST /orders/checkout/[order_id]`, or `total`. */
  name: string;
  /** Requests answered or failed. */
  requests: number;
  /** Failed requests. */
  failures: number;
  /** Requests per second over the run. */
  requestsPerSec: number;
  /** Failures per second over the run. */
  failuresPerSec: number;
  /** The reported latency (response time in the open model, service time otherwise). */
  latencyMs: JsonLatencyMs;
  /** Service time (send to answer), in the open model only. */
  serviceLatencyMs?: JsonLatencyMs;
}

/** The JSON summary of a load run (`--json FILE`), without the caller's settings. */
export interface LoadJson {
  /** The length of the run in seconds. */
  elapsedSec: number;
  /** Whether latencies are response times from the intended start. */
  responseTime: boolean;
  /** Every endpoint. */
  endpoints: LoadJsonStats[];
  /** All endpoints together. */
  total: LoadJsonStats;
  /** Failures by endpoint name and kind, largest first. */
  failures: { endpoint: string; kind: string; count: number }[];
  /** Scenario iterations. */
  iterations: { completed: number; aborted: number };
}

function jsonStats(window: OpWindow, name: string, input: LoadSummaryInput): LoadJsonStats {
  const rate = (count: number) => (input.elapsedSec > 0 ? count / input.elapsedSec : 0);
  const stats: LoadJsonStats = {
    name,
    requests: window.ops,
    failures: window.errors,
    requestsPerSec: rate(window.ops),
    failuresPerSec: rate(window.errors),
    latencyMs: jsonLatencyMsOf(window.reported(input.responseTime)),
  };
  if (input.responseTime && window.response !== null) {
    stats.serviceLatencyMs = jsonLatencyMsOf(window.service);
  }
  return stats;
}

/**
 * Builds the JSON summary of a run.
 *
 * @param input The run.
 * @returns The summary, ready for `JSON.stringify`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { createLoadJson } from "./load_report.ts";
 * const checkout = new OpWindow("POST /orders/checkout/[order_id]", { scheduled: false });
 * checkout.ops = 10;
 * checkout.service.recordValueWithCount(1_000_000, 10);
 * const json = createLoadJson({
 *   windows: [checkout], total: checkout, elapsedSec: 5, responseTime: false, failures: [],
 *   completedIterations: 10, abortedIterations: 0,
 * });
 * assert.equal(json.total.requestsPerSec, 2);
 * assert.equal(json.endpoints[0].name, "POST /orders/checkout/[order_id]");
 * ```
 */
export function createLoadJson(input: LoadSummaryInput): LoadJson {
  return {
    elapsedSec: input.elapsedSec,
    responseTime: input.responseTime,
    endpoints: input.windows.map((w) => jsonStats(w, w.name, input)),
    total: jsonStats(input.total, "total", input),
    failures: input.failures.map((f) => ({
      endpoint: input.windows[f.endpoint].name,
      kind: f.kind,
      count: f.count,
    })),
    iterations: { completed: input.completedIterations, aborted: input.abortedIterations },
  };
}
