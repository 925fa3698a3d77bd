/**
 * One interval of a run as a row of the live page: the total rates and latency percentiles,
 * and the same figures per op type.
 *
 * @module
 */

import { OpWindow } from "../stats/op_window.ts";
import type { LatencyHistogram } from "../stats/latency_histogram.ts";
import type { LiveEndpointRow, LiveOpPoint, LiveRow } from "./live_series.ts";

/** Options of {@linkcode liveRowOf}. */
export interface LiveRowOptions {
  /** The end of the interval, in milliseconds since the epoch. */
  atMs: number;
  /** The length of the interval in seconds (the divisor of the rates); > 0. */
  lengthSec: number;
  /** Threads (or virtual users) running at the end of the interval. */
  users: number;
  /** Chart response time (a schedule's `fixed=` or open model) instead of service time. */
  useResponseTime: boolean;
}

function percentileMs(histogram: LatencyHistogram, percentile: number): number | null {
  return histogram.totalCount === 0 ? null : histogram.valueAtPercentile(percentile) / 1e6;
}

/**
 * Builds the live page's row of one interval from its windows (one per op type): requests are
 * completed ops, failures failed ops; the total percentiles come from the windows' merged
 * histograms (0 when nothing completed), the per-op ones from each window's (null when it had
 * nothing). `byEndpoint` has the counts of the op types that completed or failed an op,
 * `byOp` the rates and percentiles of every op type.
 *
 * @param windows The interval's windows, one per op type.
 * @param options The time, interval length, users and latency kind.
 * @returns The row to push into a {@linkcode LiveSeries}.
 * @throws {RangeError} When `lengthSec` is not a finite number > 0.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../stats/op_window.ts";
 * import { liveRowOf } from "./live_row.ts";
 *
 * const write = new OpWindow("WRITE", { scheduled: false });
 * write.ops = 500;
 * write.errors = 5;
 * write.service.recordValue(2_000_000);
 * const read = new OpWindow("READ", { scheduled: false });
 * const row = liveRowOf([write, read], { atMs: 1000, lengthSec: 0.5, users: 8, useResponseTime: false });
 * assert.equal(row.requestsPerSec, 1000);
 * assert.equal(row.failuresPerSec, 10);
 * assert.equal(row.byEndpoint?.length, 1); // READ did nothing
 * assert.deepEqual(row.byOp?.map((op) => [op.name, op.requestsPerSec, op.p50Ms === null]), [
 *   ["WRITE", 1000, false],
 *   ["READ", 0, true],
 * ]);
 * ```
 */
export function liveRowOf(windows: readonly OpWindow[], options: LiveRowOptions): LiveRow {
  const { lengthSec, useResponseTime } = options;
  if (!(lengthSec > 0 && Number.isFinite(lengthSec))) {
    throw new RangeError(
      `Cannot build live row: interval length "${lengthSec}" is invalid, expected a number > 0`,
    );
  }
  const total = new OpWindow("total", { scheduled: windows.some((w) => w.response !== null) });
  const byEndpoint: LiveEndpointRow[] = [];
  const byOp: LiveOpPoint[] = [];
  for (const window of windows) {
    total.add(window);
    const latency = window.reported(useResponseTime);
    const p50Ms = percentileMs(latency, 50);
    const p95Ms = percentileMs(latency, 95);
    const p99Ms = percentileMs(latency, 99);
    byOp.push({
      name: window.name,
      requestsPerSec: window.ops / lengthSec,
      failuresPerSec: window.errors / lengthSec,
      p50Ms,
      p95Ms,
      p99Ms,
    });
    if (window.ops === 0 && window.errors === 0) continue;
    byEndpoint.push({
      name: window.name,
      requests: window.ops,
      failures: window.errors,
      p50Ms: p50Ms ?? 0,
      p95Ms: p95Ms ?? 0,
      p99Ms: p99Ms ?? 0,
    });
  }
  const latency = total.reported(useResponseTime);
  return {
    atMs: options.atMs,
    requestsPerSec: total.ops / lengthSec,
    failuresPerSec: total.errors / lengthSec,
    p50Ms: percentileMs(latency, 50) ?? 0,
    p95Ms: percentileMs(latency, 95) ?? 0,
    p99Ms: percentileMs(latency, 99) ?? 0,
    users: options.users,
    byEndpoint,
    byOp,
  };
}
