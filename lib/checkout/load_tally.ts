/**
 * The measurements of `stress checkout load`: per-endpoint request counts, failures and latency
 * histograms, per interval and for the whole run, and failures by kind. Pure: the caller passes
 * every time.
 *
 * @module
 */

import { OpWindow } from "../stats/op_window.ts";
import type { Endpoint } from "./load_scenario.ts";

/** Options of {@linkcode LoadTally}. */
export interface LoadTallyOptions {
  /**
   * Whether requests run on a schedule (the open model): then each request also records its
   * response time, from its intended start, and its wait for a free slot.
   */
  scheduled: boolean;
}

/** One kind of failure on one endpoint, with its count. */
export interface FailureCount {
  /** The endpoint's index in `tally.endpoints`. */
  endpoint: number;
  /** What failed, e.g. `HTTP 500` or `connection reset`. */
  kind: string;
  /** How many times. */
  count: number;
}

/** What {@linkcode LoadTally.takeInterval} returns: valid until the next call. */
export interface LoadInterval {
  /** One window per endpoint, in `tally.endpoints` order; `ops` counts every request. */
  windows: readonly OpWindow[];
  /** The failures of the interval by endpoint and kind, in the order they were first seen. */
  failures: readonly FailureCount[];
}

/** The display name of an endpoint: `POST /orders/checkout/[order_id]`. */
function endpointName(endpoint: Endpoint): string {
  return `${endpoint.method} ${endpoint.name}`;
}

/**
 * Per-endpoint counts and HDR histograms of a load run. Every request counts in `ops` and has its
 * latency recorded, a failed one too (as locust does); failures also count in `errors` and by
 * kind.
 *
 * Windows are named after their endpoint (`POST /orders/checkout/[order_id]`); use
 * {@linkcode hdrTagOf} for an HDR log tag.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LoadTally } from "./load_tally.ts";
 *
 * const tally = new LoadTally([{ method: "POST", name: "/orders/checkout/[order_id]" }], {
 *   scheduled: false,
 * });
 * tally.record(0, { intendedNs: 0, sentNs: 0, doneNs: 2_000_000, failure: null });
 * tally.record(0, { intendedNs: 0, sentNs: 0, doneNs: 1_000_000, failure: "HTTP 500" });
 * const interval = tally.takeInterval();
 * assert.equal(interval.windows[0].name, "POST /orders/checkout/[order_id]");
 * assert.equal(interval.windows[0].ops, 2);
 * assert.equal(interval.windows[0].errors, 1);
 * assert.deepEqual(interval.failures, [{ endpoint: 0, kind: "HTTP 500", count: 1 }]);
 * assert.equal(tally.totals[0].ops, 2);
 * assert.equal(tally.takeInterval().windows[0].ops, 0);
 * ```
 */
export class LoadTally {
  /** The endpoints, as the scenario runner numbers them. */
  readonly endpoints: readonly Endpoint[];
  /** One window per endpoint over every interval taken so far. */
  readonly totals: readonly OpWindow[];
  #current: OpWindow[];
  #spare: OpWindow[];
  #failures = new Map<string, FailureCount>();
  #intervalFailures = new Map<string, FailureCount>();
  #scheduled: boolean;

  /**
   * Creates an empty tally.
   *
   * @param endpoints The endpoints, in the order of the runner's `endpoint` indexes.
   * @param options Whether requests run on a schedule.
   */
  constructor(endpoints: readonly Endpoint[], options: LoadTallyOptions) {
    this.endpoints = endpoints;
    this.#scheduled = options.scheduled;
    const windows = () =>
      endpoints.map((e) => new OpWindow(endpointName(e), { scheduled: options.scheduled }));
    this.totals = windows();
    this.#current = windows();
    this.#spare = windows();
  }

  /**
   * Records one request.
   *
   * @param endpoint The endpoint's index.
   * @param timing When it was due (`intendedNs`; equal to `sentNs` when it was not scheduled),
   * sent and answered, in ns on one clock, and its failure kind or null for a success.
   */
  record(
    endpoint: number,
    timing: { intendedNs: number; sentNs: number; doneNs: number; failure: string | null },
  ): void {
    const window = this.#current[endpoint];
    window.ops++;
    const serviceNs = timing.doneNs - timing.sentNs;
    window.service.recordValue(serviceNs > 0 ? serviceNs : 0);
    if (this.#scheduled) {
      const responseNs = timing.doneNs - timing.intendedNs;
      const waitNs = timing.sentNs - timing.intendedNs;
      window.response!.recordValue(responseNs > 0 ? responseNs : 0);
      window.wait!.recordValue(waitNs > 0 ? waitNs : 0);
    }
    if (timing.failure !== null) {
      window.errors++;
      const key = `${endpoint}\n${timing.failure}`;
      const entry = this.#intervalFailures.get(key);
      if (entry === undefined) {
        this.#intervalFailures.set(key, { endpoint, kind: timing.failure, count: 1 });
      } else {
        entry.count++;
      }
    }
  }

  /**
   * Ends the interval: adds it to the totals and returns it. The returned windows are reused by
   * the call after next, so use them before taking another interval.
   *
   * @returns The interval's windows and failures.
   */
  takeInterval(): LoadInterval {
    const finished = this.#current;
    this.#current = this.#spare;
    this.#spare = finished;
    for (const window of this.#current) window.reset();
    for (const [i, window] of finished.entries()) this.totals[i].add(window);
    const failures = [...this.#intervalFailures.values()];
    this.#intervalFailures = new Map();
    for (const failure of failures) {
      const key = `${failure.endpoint}\n${failure.kind}`;
      const entry = this.#failures.get(key);
      if (entry === undefined) this.#failures.set(key, { ...failure });
      else entry.count += failure.count;
    }
    return { windows: finished, failures };
  }

  /**
   * The failures of every interval taken so far, largest count first.
   *
   * @returns The failures by endpoint and kind.
   */
  failures(): FailureCount[] {
    return [...this.#failures.values()].map((f) => ({ ...f })).sort((a, b) =>
      b.count - a.count || a.endpoint - b.endpoint || (a.kind < b.kind ? -1 : 1)
    );
  }
}

/**
 * The HDR log tag of an endpoint window: its name with each run of spaces and commas replaced by
 * one `_` (a tag cannot hold either).
 *
 * @param name The window name, e.g. `POST /orders/checkout/[order_id]`.
 * @returns The tag, e.g. `POST_/orders/checkout/[order_id]`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { hdrTagOf } from "./load_tally.ts";
 * assert.equal(hdrTagOf("POST /a, b"), "POST_/a_b");
 * ```
 */
export function hdrTagOf(name: string): string {
  return name.replace(/[\s,]+/g, "_");
}
