/**
 * The data model behind the live web page: a bounded time series of interval rows, the run
 * state, totals and failures by kind. Pure: no clock, no I/O; the runner pushes rows, the
 * server hands {@linkcode LiveSeries.snapshot} to the page as JSON.
 *
 * @module
 */

/** The state of the run shown on the live page. */
export type LiveState = "idle" | "running" | "stopping" | "stopped";

/** One endpoint's figures: per interval inside a {@linkcode LiveRow}, cumulative in a snapshot. */
export interface LiveEndpointRow {
  /** The endpoint's name, e.g. `POST /orders/checkout/:id`. */
  name: string;
  /** Requests completed (in the interval, or in the run for a snapshot). */
  requests: number;
  /** Requests that failed (in the interval, or in the run for a snapshot). */
  failures: number;
  /** Median latency in milliseconds (of the latest interval that had this endpoint). */
  p50Ms: number;
  /** 95th percentile latency in milliseconds. */
  p95Ms: number;
  /** 99th percentile latency in milliseconds. */
  p99Ms: number;
}

/** One op type's (or endpoint's) figures in one interval: the per-op lines of the charts. */
export interface LiveOpPoint {
  /** The op type or endpoint, e.g. `WRITE` or `POST /orders/checkout/:id`. */
  name: string;
  /** Ops (requests) completed per second in the interval. */
  requestsPerSec: number;
  /** Failed ops per second in the interval. */
  failuresPerSec: number;
  /** Median latency in milliseconds, or null when none completed in the interval. */
  p50Ms: number | null;
  /** 95th percentile latency in milliseconds, or null. */
  p95Ms: number | null;
  /** 99th percentile latency in milliseconds, or null. */
  p99Ms: number | null;
}

/** One interval row of the run, as the runner samples it (about once a second). */
export interface LiveRow {
  /** The end of the interval, in milliseconds since the epoch (or any clock the caller uses). */
  atMs: number;
  /** Requests completed per second in the interval. */
  requestsPerSec: number;
  /** Failed requests per second in the interval. */
  failuresPerSec: number;
  /** Median latency in milliseconds over the interval. */
  p50Ms: number;
  /** 95th percentile latency in milliseconds over the interval. */
  p95Ms: number;
  /** 99th percentile latency in milliseconds over the interval. */
  p99Ms: number;
  /** Virtual users active at the end of the interval. */
  users: number;
  /** Per-endpoint figures of the interval (counts, not rates). */
  byEndpoint?: LiveEndpointRow[];
  /** Per-op-type rates and latencies of the interval, which the page can chart one by one. */
  byOp?: LiveOpPoint[];
}

/** A point of the charts: a {@linkcode LiveRow} without its per-endpoint counts. */
export type LivePoint = Omit<LiveRow, "byEndpoint">;

/** The totals of the run shown in the page header. */
export interface LiveTotals {
  /** Requests completed since the run started. */
  requests: number;
  /** Requests failed since the run started. */
  failures: number;
  /** The latest interval's requests per second (0 before the first row). */
  requestsPerSec: number;
  /** The latest interval's failures per second (0 before the first row). */
  failuresPerSec: number;
  /** The latest interval's virtual users (0 before the first row). */
  users: number;
}

/** The parameters of the run the page started (echoed back so the form can show them). */
export interface LiveRunParams {
  /** Virtual users to reach. */
  users: number;
  /** Users started per second while ramping up. */
  spawnRate: number;
  /** Requests per second of the open model, when it was asked for. */
  rate?: number;
}

/** What the page gets from `GET /api/stats?since=N`: JSON-able, only new points since `N`. */
export interface LiveSnapshot {
  /** Changes each time the series is {@linkcode LiveSeries.reset}; the page clears its charts. */
  epoch: number;
  /** The run state. */
  state: LiveState;
  /** The index of `points[0]` (equal to `nextIndex` when there are no new points). */
  fromIndex: number;
  /** The index the next row will get: pass it as `since` in the next poll. */
  nextIndex: number;
  /** The new points, oldest first, without their per-endpoint breakdown. */
  points: LivePoint[];
  /** The header figures. */
  totals: LiveTotals;
  /** Cumulative per-endpoint figures, sorted by name. */
  endpoints: LiveEndpointRow[];
  /** Failures by kind (e.g. `http 500`, `timeout`, `connection reset`), largest first. */
  failuresByKind: { kind: string; count: number }[];
  /** The parameters of the current run, or null before the first start. */
  params: LiveRunParams | null;
  /** A message for the user (for example why a start failed), or null. */
  message: string | null;
}

/** Options of {@linkcode LiveSeries}. */
export interface LiveSeriesOptions {
  /**
   * How many points to keep; older ones are dropped.
   *
   * @default {3600}
   */
  capacity?: number;
}

/**
 * A bounded time series of interval rows plus the run state, totals and failures by kind.
 *
 * Totals count from the per-endpoint breakdown of the pushed rows unless the runner sets them
 * with {@linkcode LiveSeries.setTotals} (which it should when it has exact counts).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LiveSeries } from "./live_series.ts";
 *
 * const series = new LiveSeries({ capacity: 2 });
 * series.setState("running");
 * for (let i = 1; i <= 3; i++) {
 *   series.push({
 *     atMs: i * 1000, requestsPerSec: 10 * i, failuresPerSec: 0,
 *     p50Ms: 1, p95Ms: 2, p99Ms: 3, users: i,
 *   });
 * }
 * const all = series.snapshot();
 * assert.equal(all.state, "running");
 * assert.deepEqual(all.points.map((p) => p.requestsPerSec), [20, 30]); // bounded to 2
 * assert.equal(all.nextIndex, 3);
 * assert.equal(series.snapshot(all.nextIndex).points.length, 0); // nothing new
 * ```
 */
export class LiveSeries {
  #capacity: number;
  #rows: LivePoint[] = [];
  #head = 0; // index in #rows of the oldest point once the ring is full
  #count = 0; // points pushed since the last reset
  #epoch = 0;
  #state: LiveState = "idle";
  #endpoints = new Map<string, LiveEndpointRow>();
  #totals: { requests: number; failures: number } | null = null;
  #failuresByKind = new Map<string, number>();
  #params: LiveRunParams | null = null;
  #message: string | null = null;

  /**
   * Creates an empty series in state `idle`.
   *
   * @param options The capacity.
   * @throws {RangeError} When the capacity is not an integer of at least 1.
   */
  constructor(options: LiveSeriesOptions = {}) {
    const capacity = options.capacity ?? 3600;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create live series: capacity "${capacity}" is invalid, expected an integer >= 1`,
      );
    }
    this.#capacity = capacity;
  }

  /** The run state. */
  get state(): LiveState {
    return this.#state;
  }

  /** How many points are kept at most. */
  get capacity(): number {
    return this.#capacity;
  }

  /** How many points were pushed since the last reset (kept or dropped). */
  get count(): number {
    return this.#count;
  }

  /**
   * Sets the run state.
   *
   * @param state The new state.
   */
  setState(state: LiveState): void {
    this.#state = state;
  }

  /**
   * Sets the run parameters shown on the page.
   *
   * @param params The parameters, or null.
   */
  setParams(params: LiveRunParams | null): void {
    this.#params = params === null ? null : { ...params };
  }

  /**
   * Sets (or clears, with null) the message shown on the page.
   *
   * @param message One line, or null.
   */
  setMessage(message: string | null): void {
    this.#message = message;
  }

  /**
   * Appends an interval row, dropping the oldest point when full, and adds its per-endpoint
   * counts to the cumulative endpoint table.
   *
   * @param row The interval row; it is copied.
   */
  push(row: LiveRow): void {
    const point: LivePoint = {
      atMs: row.atMs,
      requestsPerSec: row.requestsPerSec,
      failuresPerSec: row.failuresPerSec,
      p50Ms: row.p50Ms,
      p95Ms: row.p95Ms,
      p99Ms: row.p99Ms,
      users: row.users,
    };
    if (row.byOp !== undefined) point.byOp = row.byOp.map((op) => ({ ...op }));
    if (this.#rows.length < this.#capacity) {
      this.#rows.push(point);
    } else {
      this.#rows[this.#head] = point;
      this.#head = (this.#head + 1) % this.#capacity;
    }
    this.#count++;
    for (const endpoint of row.byEndpoint ?? []) {
      const sum = this.#endpoints.get(endpoint.name);
      if (sum === undefined) {
        this.#endpoints.set(endpoint.name, { ...endpoint });
        continue;
      }
      sum.requests += endpoint.requests;
      sum.failures += endpoint.failures;
      if (endpoint.requests > 0) {
        sum.p50Ms = endpoint.p50Ms;
        sum.p95Ms = endpoint.p95Ms;
        sum.p99Ms = endpoint.p99Ms;
      }
    }
  }

  /**
   * Sets the exact totals (and, when given, the failures by kind), replacing the ones derived
   * from the rows.
   *
   * @param totals Requests and failures since the run started; failures by kind replace the
   * current ones when given.
   */
  setTotals(
    totals: { requests: number; failures: number; failuresByKind?: Record<string, number> },
  ): void {
    this.#totals = { requests: totals.requests, failures: totals.failures };
    if (totals.failuresByKind !== undefined) {
      this.#failuresByKind = new Map(Object.entries(totals.failuresByKind));
    }
  }

  /**
   * Adds failures of one kind.
   *
   * @param kind What failed, e.g. `http 500` or `connection reset`.
   * @param count How many.
   */
  addFailures(kind: string, count = 1): void {
    this.#failuresByKind.set(kind, (this.#failuresByKind.get(kind) ?? 0) + count);
  }

  /**
   * Clears the points, totals, endpoints, failures and message for a new run, and changes the
   * epoch so the page clears its charts. The state and parameters are kept.
   */
  reset(): void {
    this.#rows = [];
    this.#head = 0;
    this.#count = 0;
    this.#epoch++;
    this.#endpoints.clear();
    this.#totals = null;
    this.#failuresByKind.clear();
    this.#message = null;
  }

  /**
   * Returns the page's data: the points with an index of at least `sinceIndex` that are still
   * kept, and the current state, totals, endpoints and failures.
   *
   * @param sinceIndex The `nextIndex` of the previous snapshot; 0 (the default) for all points.
   * @returns A JSON-able snapshot that shares nothing with the series.
   */
  snapshot(sinceIndex = 0): LiveSnapshot {
    const kept = this.#rows.length;
    const firstIndex = this.#count - kept;
    const since = Number.isFinite(sinceIndex) ? Math.floor(sinceIndex) : 0;
    const fromIndex = Math.min(Math.max(since, firstIndex), this.#count);
    const points: LivePoint[] = [];
    for (let index = fromIndex; index < this.#count; index++) {
      const point = this.#rows[(this.#head + index - firstIndex) % kept];
      points.push(
        point.byOp === undefined
          ? { ...point }
          : { ...point, byOp: point.byOp.map((op) => ({ ...op })) },
      );
    }
    const endpoints = [...this.#endpoints.values()]
      .map((row) => ({ ...row }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const latest = kept === 0 ? null : this.#rows[(this.#head + kept - 1) % kept];
    const requests = this.#totals?.requests ??
      endpoints.reduce((sum, row) => sum + row.requests, 0);
    const failures = this.#totals?.failures ??
      endpoints.reduce((sum, row) => sum + row.failures, 0);
    return {
      epoch: this.#epoch,
      state: this.#state,
      fromIndex,
      nextIndex: this.#count,
      points,
      totals: {
        requests,
        failures,
        requestsPerSec: latest?.requestsPerSec ?? 0,
        failuresPerSec: latest?.failuresPerSec ?? 0,
        users: latest?.users ?? 0,
      },
      endpoints,
      failuresByKind: [...this.#failuresByKind.entries()]
        .map(([kind, count]) => ({ kind, count }))
        .sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1)),
      params: this.#params === null ? null : { ...this.#params },
      message: this.#message,
    };
  }
}
