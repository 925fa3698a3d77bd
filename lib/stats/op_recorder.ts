/**
 * The per-Worker, per-op-type recorder: counts and latency histograms, double-buffered for
 * interval sampling.
 *
 * @module
 */

import { type HistogramExport, LatencyHistogram } from "./latency_histogram.ts";

/**
 * One interval's measurements of one op type in one Worker, ready for `postMessage`
 * (transfer the buffers listed by {@linkcode OpRecorder.transferables}).
 */
export interface OpSample {
  /** Completed operations. */
  ops: number;
  /** Partitions touched by the completed operations. */
  partitions: number;
  /** Rows touched by the completed operations. */
  rows: number;
  /** Failed operations (after their last try). */
  errors: number;
  /** Service time (end - actual start), ns. */
  service: HistogramExport;
  /** Response time (end - intended start), ns; `null` without a schedule. */
  response: HistogramExport | null;
  /** Wait time (actual start - intended start), ns; `null` without a schedule. */
  wait: HistogramExport | null;
}

/** Options of {@linkcode OpRecorder}. */
export interface OpRecorderOptions {
  /** Whether ops run on a schedule (`throttle=` or `fixed=`), so response and wait times exist. */
  scheduled: boolean;
}

/**
 * Records the ops of one op type in one Worker. The hot path {@linkcode OpRecorder.recordOp}
 * increments plain number fields and typed arrays only. {@linkcode OpRecorder.sample} swaps
 * the active and inactive histograms (two sets, allocated once), exports the finished set and
 * resets it with `fill(0)` for its next turn.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpRecorder } from "./op_recorder.ts";
 *
 * const recorder = new OpRecorder({ scheduled: true });
 * recorder.recordOp(0, 1_000, 3_000, 1, 1); // intended 0, started 1 µs, ended 3 µs
 * recorder.recordError();
 * const sample = recorder.sample();
 * assert.equal(sample.ops, 1);
 * assert.equal(sample.errors, 1);
 * assert.equal(sample.service.totalCount, 1);
 * assert.equal(sample.response?.totalCount, 1);
 * assert.equal(OpRecorder.transferables(sample).length, 3);
 * assert.equal(recorder.sample().ops, 0);
 * ```
 */
export class OpRecorder {
  #scheduled: boolean;
  #service: LatencyHistogram;
  #response: LatencyHistogram;
  #wait: LatencyHistogram;
  #spareService: LatencyHistogram;
  #spareResponse: LatencyHistogram;
  #spareWait: LatencyHistogram;
  #ops = 0;
  #partitions = 0;
  #rows = 0;
  #errors = 0;

  /**
   * Creates a recorder and all its histograms.
   *
   * @param options Whether the ops run on a schedule.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpRecorder } from "./op_recorder.ts";
   * const recorder = new OpRecorder({ scheduled: false });
   * assert.equal(recorder.scheduled, false);
   * ```
   */
  constructor(options: OpRecorderOptions) {
    this.#scheduled = options.scheduled;
    this.#service = new LatencyHistogram();
    this.#spareService = new LatencyHistogram();
    // Without a schedule the four response/wait slots share one histogram that is never
    // written, so the fields keep one type and the hot path one shape.
    const unused = options.scheduled ? null : new LatencyHistogram();
    this.#response = unused ?? new LatencyHistogram();
    this.#spareResponse = unused ?? new LatencyHistogram();
    this.#wait = unused ?? new LatencyHistogram();
    this.#spareWait = unused ?? new LatencyHistogram();
  }

  /**
   * Whether the recorder keeps response and wait times.
   *
   * @returns The `scheduled` option.
   */
  get scheduled(): boolean {
    return this.#scheduled;
  }

  /**
   * Records one completed op. Hot path: no allocation. Service time is `endNs - startNs`;
   * when scheduled, response time is `endNs - intendedNs` and wait time `startNs - intendedNs`,
   * negative values clamped to 0 (a 0 is recorded as 1 ns by the histogram).
   *
   * @param intendedNs When the op was due (ignored when not scheduled).
   * @param startNs When the op actually started.
   * @param endNs When the op completed.
   * @param partitions Partitions the op touched.
   * @param rows Rows the op touched.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpRecorder } from "./op_recorder.ts";
   * const recorder = new OpRecorder({ scheduled: false });
   * recorder.recordOp(0, 100, 250, 1, 10);
   * const sample = recorder.sample();
   * assert.equal(sample.rows, 10);
   * assert.equal(sample.response, null);
   * ```
   */
  recordOp(
    intendedNs: number,
    startNs: number,
    endNs: number,
    partitions: number,
    rows: number,
  ): void {
    this.#ops++;
    this.#partitions += partitions;
    this.#rows += rows;
    this.#service.recordValue(endNs - startNs);
    if (this.#scheduled) {
      const responseNs = endNs - intendedNs;
      const waitNs = startNs - intendedNs;
      this.#response.recordValue(responseNs > 0 ? responseNs : 0);
      this.#wait.recordValue(waitNs > 0 ? waitNs : 0);
    }
  }

  /**
   * Counts one failed op (no latency is recorded for it).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpRecorder } from "./op_recorder.ts";
   * const recorder = new OpRecorder({ scheduled: false });
   * recorder.recordError();
   * assert.equal(recorder.sample().errors, 1);
   * ```
   */
  recordError(): void {
    this.#errors++;
  }

  /**
   * Ends the current interval: swaps the histograms, exports the finished ones, resets them
   * for reuse and zeroes the counters.
   *
   * @returns The interval's sample; its buffers belong to it alone.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpRecorder } from "./op_recorder.ts";
   * const recorder = new OpRecorder({ scheduled: false });
   * recorder.recordOp(0, 0, 2_000_000, 1, 1);
   * assert.equal(recorder.sample().service.totalCount, 1);
   * assert.equal(recorder.sample().service.totalCount, 0);
   * ```
   */
  sample(): OpSample {
    const service = this.#service;
    this.#service = this.#spareService;
    this.#spareService = service;
    const response = this.#response;
    this.#response = this.#spareResponse;
    this.#spareResponse = response;
    const wait = this.#wait;
    this.#wait = this.#spareWait;
    this.#spareWait = wait;

    const result: OpSample = {
      ops: this.#ops,
      partitions: this.#partitions,
      rows: this.#rows,
      errors: this.#errors,
      service: service.exportCounts(),
      response: this.#scheduled ? response.exportCounts() : null,
      wait: this.#scheduled ? wait.exportCounts() : null,
    };
    this.#ops = 0;
    this.#partitions = 0;
    this.#rows = 0;
    this.#errors = 0;
    if (service.totalCount !== 0) service.reset();
    if (response.totalCount !== 0) response.reset();
    if (wait.totalCount !== 0) wait.reset();
    return result;
  }

  /**
   * Lists the buffers of a sample, for `postMessage(sample, transferables)`.
   *
   * @param sample A sample from {@linkcode OpRecorder.sample}.
   * @returns Its histogram buffers.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpRecorder } from "./op_recorder.ts";
   * const sample = new OpRecorder({ scheduled: false }).sample();
   * assert.deepEqual(OpRecorder.transferables(sample), [sample.service.counts.buffer]);
   * ```
   */
  static transferables(sample: OpSample): ArrayBuffer[] {
    const buffers: ArrayBuffer[] = [sample.service.counts.buffer];
    if (sample.response !== null) buffers.push(sample.response.counts.buffer);
    if (sample.wait !== null) buffers.push(sample.wait.counts.buffer);
    return buffers;
  }
}
