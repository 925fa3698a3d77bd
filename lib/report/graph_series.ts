/**
 * Collects the points of a `-graph` revision from interval windows: per op type and a
 * `total`, the throughput, error rate and latency percentiles of each interval.
 *
 * @module
 */

import { OpWindow } from "../stats/op_window.ts";
import type { GraphPoint } from "./graph_html.ts";

/** Where an interval sits on the revision's time line. */
export interface GraphIntervalOptions {
  /** Seconds from the start of the revision to the end of the interval. */
  timeSec: number;
  /** The interval's length in seconds. */
  lengthSec: number;
  /** Report response time (`fixed=`) instead of service time. */
  useResponseTime: boolean;
}

/** The series of all op types together. */
const TOTAL = "total";

/**
 * The series name of an op type: its own name, but for an op named `total` (a profile's query
 * may be), which would mix its points into the series of all op types.
 */
function seriesNameOf(op: string): string {
  return op === TOTAL ? `${TOTAL} (op)` : op;
}

function msOf(ns: number): number {
  return Math.round(ns) / 1e6;
}

function pointOf(window: OpWindow, options: GraphIntervalOptions): GraphPoint {
  const h = window.reported(options.useResponseTime);
  const len = options.lengthSec;
  const none = h.totalCount === 0;
  const at = (p: number) => (none ? NaN : msOf(h.valueAtPercentile(p)));
  return {
    timeSec: options.timeSec,
    opsPerSec: len > 0 ? window.ops / len : 0,
    errorsPerSec: len > 0 ? window.errors / len : 0,
    meanMs: none ? NaN : msOf(h.meanNs),
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    p999Ms: at(99.9),
    maxMs: none ? NaN : msOf(h.maxNs),
  };
}

/**
 * The series of one `-graph` revision, filled interval by interval: one per op type and
 * `total`, the op types together (an op type named `total` is `total (op)`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { GraphSeries } from "./graph_series.ts";
 * import { OpRecorder } from "../stats/op_recorder.ts";
 * import { OpWindow } from "../stats/op_window.ts";
 * const recorder = new OpRecorder({ scheduled: false });
 * recorder.recordOp(0, 0, 2_000_000, 1, 1);
 * const write = new OpWindow("WRITE", { scheduled: false });
 * write.addSample(recorder.sample());
 * const series = new GraphSeries();
 * series.add([write], { timeSec: 1, lengthSec: 0.5, useResponseTime: false });
 * assert.deepEqual(Object.keys(series.series), ["WRITE", "total"]);
 * assert.equal(series.series.WRITE[0].opsPerSec, 2);
 * assert.equal(series.series.total[0].p50Ms, series.series.WRITE[0].p50Ms);
 * ```
 */
export class GraphSeries {
  // A Map, not an object: an op type may be named "constructor" or "toString".
  readonly #series = new Map<string, GraphPoint[]>();

  #push(name: string, point: GraphPoint): void {
    const points = this.#series.get(name);
    if (points === undefined) this.#series.set(name, [point]);
    else points.push(point);
  }

  /**
   * Adds one interval's windows (and their total).
   *
   * @param windows The interval's windows, one per op type.
   * @param options Its place on the time line and which latency to report.
   */
  add(windows: readonly OpWindow[], options: GraphIntervalOptions): void {
    const total = new OpWindow(TOTAL, { scheduled: windows.some((w) => w.response !== null) });
    for (const window of windows) {
      total.add(window);
      this.#push(seriesNameOf(window.name), pointOf(window, options));
    }
    this.#push(TOTAL, pointOf(total, options));
  }

  /** The points so far, by op type name and `total`. */
  get series(): Record<string, GraphPoint[]> {
    return Object.fromEntries(this.#series);
  }
}

/**
 * The Results block as `label → value` pairs for a revision's summary table.
 *
 * @param resultsText The text of the Results block.
 * @returns The pairs, in order.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryOf } from "./graph_series.ts";
 * assert.deepEqual(summaryOf("Results:\nOp rate                   :    3,056 op/s"), {
 *   "Op rate": "3,056 op/s",
 * });
 * ```
 */
export function summaryOf(resultsText: string): Record<string, string> {
  const summary: Record<string, string> = {};
  for (const line of resultsText.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0 || colon === line.length - 1) continue;
    summary[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return summary;
}
