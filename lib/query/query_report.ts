/**
 * The results of `stress query run`: the assignment's figures (number of queries, total
 * processing time, minimum, median, average and maximum query time), percentiles, wall time
 * and rate, per-Worker counts and errors by kind, as text lines and as a JSON object.
 *
 * @module
 */

import type { OpWindow } from "../stats/op_window.ts";
import { type JsonLatencyMs, jsonLatencyMsOf } from "../report/json_summary.ts";

/** Exact figures of the successful queries, in ns (the histogram keeps 3 digits). */
export interface QueryExact {
  /** Successful queries. */
  readonly count: number;
  /** The sum of their times. */
  readonly sumNs: number;
  /** The shortest (0 without queries). */
  readonly minNs: number;
  /** The longest (0 without queries). */
  readonly maxNs: number;
}

/** One Worker's share. */
export interface QueryWorkerShare {
  /** Successful queries (in `window`). */
  readonly window: OpWindow;
  /** Distinct hosts routed to it. */
  readonly hosts: number;
  /** Its exact figures. */
  readonly exact: QueryExact;
}

/** Failed queries of one kind. */
export interface QueryErrorCount {
  /** The kind (`22012 division_by_zero`, `connection CONNECTION_CLOSED`, ...). */
  readonly kind: string;
  /** How many queries failed so. */
  readonly count: number;
  /** The input line of the first one. */
  readonly firstLine: number;
  /** Its host. */
  readonly firstHost: string;
  /** Its message. */
  readonly message: string;
}

/** The input of {@linkcode formatQueryReport} and {@linkcode createQueryJson}. */
export interface QueryReportInput {
  /** All successful queries (merged windows of every Worker). */
  readonly total: OpWindow;
  /** Exact figures over all Workers. */
  readonly exact: QueryExact;
  /** Each Worker's share, by index. */
  readonly workers: readonly QueryWorkerShare[];
  /** Seconds from the start of the run (before the first row was read) to the last answer. */
  readonly wallSec: number;
  /** Failed queries by kind, most frequent first. */
  readonly errors: readonly QueryErrorCount[];
  /** Malformed rows skipped (`--skip-bad-rows`). */
  readonly badRows: number;
  /** Rows routed but not run because the run stopped (fail-fast, interrupt, bad row). */
  readonly notRun: number;
}

/** The JSON document of `stress query run --json`. */
export interface QueryJson {
  /** Successful queries. */
  queries: number;
  /** Failed queries. */
  errors: number;
  /** Malformed rows skipped. */
  badRows: number;
  /** Rows not run because the run stopped early. */
  notRun: number;
  /** Wall time in seconds. */
  wallSec: number;
  /** Successful queries per second of wall time. */
  queriesPerSec: number;
  /** Exact figures in ms: the sum of all query times, min, average and max. */
  queryTimeMs: { total: number; min: number; average: number; max: number };
  /**
   * Histogram figures of the query time in ms (median is `p50`); min and max are exact and the
   * percentiles are kept within them.
   */
  latencyMs: JsonLatencyMs;
  /** Per Worker: queries, failed queries, hosts and its median in ms. */
  workers: { worker: number; queries: number; errors: number; hosts: number; p50Ms: number }[];
  /** Failed queries by kind. */
  errorsByKind: QueryErrorCount[];
}

/**
 * A percentile of the histogram, kept within the exact min and max (an HDR bucket's value can
 * lie a little beyond the value recorded in it).
 */
function percentileNs(
  input: { readonly exact: QueryExact; readonly window: OpWindow },
  percentile: number,
): number {
  if (input.exact.count === 0) return 0;
  const value = input.window.service.valueAtPercentile(percentile);
  return Math.min(Math.max(value, input.exact.minNs), input.exact.maxNs);
}

function ms(ns: number): string {
  return (ns / 1e6).toFixed(3);
}

/**
 * Formats the results block.
 *
 * @param input The measured figures.
 * @returns The lines, without trailing newlines.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { formatQueryReport } from "./query_report.ts";
 *
 * const total = new OpWindow("QUERY", { scheduled: false });
 * total.ops = 2;
 * total.service.recordValue(1_000_000);
 * total.service.recordValue(3_000_000);
 * const lines = formatQueryReport({
 *   total,
 *   exact: { count: 2, sumNs: 4_000_000, minNs: 1_000_000, maxNs: 3_000_000 },
 *   workers: [{ window: total, hosts: 2, exact: { count: 2, sumNs: 4e6, minNs: 1e6, maxNs: 3e6 } }],
 *   wallSec: 0.5,
 *   errors: [],
 *   badRows: 0,
 *   notRun: 0,
 * });
 * assert.equal(lines[1], "Number of queries         : 2");
 * assert.equal(lines[2], "Total processing time     : 4.000 ms");
 * assert.equal(lines[5], "Average query time        : 2.000 ms");
 * ```
 */
export function formatQueryReport(input: QueryReportInput): string[] {
  const { exact } = input;
  const at = (percentile: number) => percentileNs({ exact, window: input.total }, percentile);
  const failed = input.errors.reduce((sum, e) => sum + e.count, 0);
  const row = (label: string, value: string) => `${label.padEnd(26)}: ${value}`;
  // With no query done there is no query time: "-", not a minimum of 0.000 ms.
  const time = (ns: () => number) => exact.count === 0 ? "-" : `${ms(ns())} ms`;
  const lines = [
    "Results:",
    row("Number of queries", String(exact.count)),
    row("Total processing time", `${ms(exact.sumNs)} ms`),
    row("Minimum query time", time(() => exact.minNs)),
    row("Median query time", time(() => at(50))),
    row("Average query time", time(() => exact.sumNs / exact.count)),
    row("Maximum query time", time(() => exact.maxNs)),
    row("95th percentile", time(() => at(95))),
    row("99th percentile", time(() => at(99))),
    row("99.9th percentile", time(() => at(99.9))),
    row("Wall time", `${input.wallSec.toFixed(3)} s`),
    row("Queries/s", (input.wallSec > 0 ? exact.count / input.wallSec : 0).toFixed(1)),
    row("Failed queries", String(failed)),
  ];
  if (input.badRows > 0) lines.push(row("Bad rows skipped", String(input.badRows)));
  if (input.notRun > 0) lines.push(row("Rows not run", String(input.notRun)));
  lines.push("", "Workers:", "worker  queries  errors  hosts  median_ms");
  input.workers.forEach((share, index) => {
    const window = share.window;
    lines.push(
      `${String(index).padStart(6)}  ${String(window.ops).padStart(7)}  ${
        String(window.errors).padStart(6)
      }  ${String(share.hosts).padStart(5)}  ${
        (window.ops > 0 ? ms(percentileNs(share, 50)) : "-").padStart(9)
      }`,
    );
  });
  if (input.errors.length > 0) {
    lines.push("", "Errors by kind:");
    for (const error of input.errors) {
      lines.push(
        `  ${error.kind}: ${error.count} (first at line ${error.firstLine}, host "${error.firstHost}": ${error.message})`,
      );
    }
  }
  return lines;
}

/**
 * Makes the JSON document of `--json`.
 *
 * @param input The measured figures.
 * @returns The document (plain data).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { createQueryJson } from "./query_report.ts";
 *
 * const total = new OpWindow("QUERY", { scheduled: false });
 * total.ops = 1;
 * total.service.recordValue(1_000_000);
 * const json = createQueryJson({
 *   total,
 *   exact: { count: 1, sumNs: 1_000_000, minNs: 1_000_000, maxNs: 1_000_000 },
 *   workers: [{ window: total, hosts: 1, exact: { count: 1, sumNs: 1e6, minNs: 1e6, maxNs: 1e6 } }],
 *   wallSec: 2,
 *   errors: [],
 *   badRows: 0,
 *   notRun: 0,
 * });
 * assert.equal(json.queriesPerSec, 0.5);
 * assert.deepEqual(json.queryTimeMs, { total: 1, min: 1, average: 1, max: 1 });
 * ```
 */
export function createQueryJson(input: QueryReportInput): QueryJson {
  const { exact } = input;
  const all = { exact, window: input.total };
  return {
    queries: exact.count,
    errors: input.errors.reduce((sum, e) => sum + e.count, 0),
    badRows: input.badRows,
    notRun: input.notRun,
    wallSec: input.wallSec,
    queriesPerSec: input.wallSec > 0 ? exact.count / input.wallSec : 0,
    queryTimeMs: {
      total: exact.sumNs / 1e6,
      min: exact.minNs / 1e6,
      average: exact.count > 0 ? exact.sumNs / exact.count / 1e6 : 0,
      max: exact.maxNs / 1e6,
    },
    latencyMs: {
      ...jsonLatencyMsOf(input.total.service),
      min: exact.minNs / 1e6,
      max: exact.maxNs / 1e6,
      p50: percentileNs(all, 50) / 1e6,
      p95: percentileNs(all, 95) / 1e6,
      p99: percentileNs(all, 99) / 1e6,
      p999: percentileNs(all, 99.9) / 1e6,
      p9999: percentileNs(all, 99.99) / 1e6,
    },
    workers: input.workers.map((share, worker) => ({
      worker,
      queries: share.window.ops,
      errors: share.window.errors,
      hosts: share.hosts,
      p50Ms: percentileNs(share, 50) / 1e6,
    })),
    errorsByKind: [...input.errors],
  };
}
