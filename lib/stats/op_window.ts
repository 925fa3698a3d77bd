/**
 * The main thread's merge of {@linkcode OpSample}s for one op type over a span of time.
 *
 * @module
 */

import { LatencyHistogram } from "./latency_histogram.ts";
import type { OpSample } from "./op_recorder.ts";

/** Options of {@linkcode OpWindow}. */
export interface OpWindowOptions {
  /** Whether ops run on a schedule, so response and wait histograms exist. */
  scheduled: boolean;
}

/**
 * Counts and histograms of one op type over one interval or the whole run, merged from the
 * samples of every Worker.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpRecorder } from "./op_recorder.ts";
 * import { OpWindow } from "./op_window.ts";
 *
 * const workerA = new OpRecorder({ scheduled: true });
 * const workerB = new OpRecorder({ scheduled: true });
 * workerA.recordOp(0, 0, 1_000_000, 1, 1);
 * workerB.recordOp(0, 500_000, 3_000_000, 1, 1);
 * const window = new OpWindow("WRITE", { scheduled: true });
 * window.addSample(workerA.sample());
 * window.addSample(workerB.sample());
 * assert.equal(window.ops, 2);
 * assert.equal(window.reported(true).maxNs, 3_000_319); // response time
 * assert.equal(window.reported(false).maxNs, 2_500_607); // service time
 * ```
 */
export class OpWindow {
  /** The op type, as printed (`WRITE`, `READ`, a user op name). */
  readonly name: string;
  /** Completed operations. */
  ops = 0;
  /** Partitions touched. */
  partitions = 0;
  /** Rows touched. */
  rows = 0;
  /** Failed operations. */
  errors = 0;
  /** Service time histogram, ns. */
  readonly service: LatencyHistogram;
  /** Response time histogram, ns; `null` without a schedule. */
  readonly response: LatencyHistogram | null;
  /** Wait time histogram, ns; `null` without a schedule. */
  readonly wait: LatencyHistogram | null;

  /**
   * Creates an empty window.
   *
   * @param name The op type.
   * @param options Whether the ops run on a schedule.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpWindow } from "./op_window.ts";
   * const window = new OpWindow("READ", { scheduled: false });
   * assert.equal(window.response, null);
   * ```
   */
  constructor(name: string, options: OpWindowOptions) {
    this.name = name;
    this.service = new LatencyHistogram();
    this.response = options.scheduled ? new LatencyHistogram() : null;
    this.wait = options.scheduled ? new LatencyHistogram() : null;
  }

  /**
   * Adds one Worker's sample. Response and wait data are added only when both the window
   * and the sample have them.
   *
   * @param sample The sample from {@linkcode OpRecorder.sample}.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpRecorder } from "./op_recorder.ts";
   * import { OpWindow } from "./op_window.ts";
   * const recorder = new OpRecorder({ scheduled: false });
   * recorder.recordOp(0, 0, 10, 2, 20);
   * const window = new OpWindow("WRITE", { scheduled: false });
   * window.addSample(recorder.sample());
   * assert.equal(window.partitions, 2);
   * ```
   */
  addSample(sample: OpSample): void {
    this.ops += sample.ops;
    this.partitions += sample.partitions;
    this.rows += sample.rows;
    this.errors += sample.errors;
    this.service.addExport(sample.service);
    if (this.response !== null && sample.response !== null) {
      this.response.addExport(sample.response);
    }
    if (this.wait !== null && sample.wait !== null) this.wait.addExport(sample.wait);
  }

  /**
   * Adds another window (for example an interval into the run's cumulative window, or every
   * op type into a total).
   *
   * @param other The window to add; it is not changed.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpWindow } from "./op_window.ts";
   * const total = new OpWindow("total", { scheduled: false });
   * const read = new OpWindow("READ", { scheduled: false });
   * read.ops = 3;
   * total.add(read);
   * assert.equal(total.ops, 3);
   * ```
   */
  add(other: OpWindow): void {
    this.ops += other.ops;
    this.partitions += other.partitions;
    this.rows += other.rows;
    this.errors += other.errors;
    this.service.add(other.service);
    if (this.response !== null && other.response !== null) this.response.add(other.response);
    if (this.wait !== null && other.wait !== null) this.wait.add(other.wait);
  }

  /**
   * Empties the window for reuse (no allocation).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpWindow } from "./op_window.ts";
   * const window = new OpWindow("READ", { scheduled: true });
   * window.ops = 5;
   * window.service.recordValue(10);
   * window.reset();
   * assert.equal(window.ops, 0);
   * assert.equal(window.service.totalCount, 0);
   * ```
   */
  reset(): void {
    this.ops = 0;
    this.partitions = 0;
    this.rows = 0;
    this.errors = 0;
    this.service.reset();
    this.response?.reset();
    this.wait?.reset();
  }

  /**
   * The histogram that reports show: response time with `fixed=` (when it exists), service
   * time otherwise.
   *
   * @param useResponseTime Whether `fixed=` is in effect.
   * @returns The histogram (not a copy).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { OpWindow } from "./op_window.ts";
   * const window = new OpWindow("READ", { scheduled: false });
   * assert.equal(window.reported(true), window.service);
   * ```
   */
  reported(useResponseTime: boolean): LatencyHistogram {
    return useResponseTime && this.response !== null ? this.response : this.service;
  }
}
