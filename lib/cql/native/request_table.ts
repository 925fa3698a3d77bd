/**
 * The requests a connection has in flight, one slot per stream id in parallel arrays (no object
 * per request): what was sent (to send it again after a re-prepare), how to settle its promise,
 * its deadline, and its state. A request that timed out keeps its stream id until its late
 * answer arrives. Requests that find no free stream id wait in a queue, in order; a request
 * detached from its id (answered Unprepared) waits elsewhere and comes back through the queue.
 *
 * @module
 */

import { settleValues } from "./frame_buffer.ts";
import { StreamIdPool } from "./stream_id_pool.ts";

/**
 * Slot states.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { SLOT } from "./request_table.ts";
 * assert.equal(SLOT.free, 0);
 * ```
 */
export const SLOT = {
  /** No request. */
  free: 0,
  /** Sent; its answer is awaited. */
  waiting: 1,
  /** Sent, timed out (its caller was told); the late answer frees the id. */
  timedOut: 2,
} as const;

/** Settles a request. */
export type Settle = (value: unknown) => void;

/** A request waiting for a stream id. */
export interface QueuedRequest {
  /** The request kind (the connection's numbering). */
  readonly kind: number;
  /** What the request is about (statement, text, batch). */
  readonly subject: unknown;
  /** Its bound values, if any. */
  readonly values: unknown;
  /** Its options, if any. */
  readonly options: unknown;
  /** Resolves its promise. */
  readonly resolve: Settle;
  /** Rejects its promise. */
  readonly reject: Settle;
  /** When it times out (ms on the connection's clock), Infinity for never. */
  readonly deadlineMs: number;
  /** Its timeout, for the error message. */
  readonly timeoutMs: number;
  /**
   * Whether it was already sent again after a re-prepare (a second Unprepared fails it).
   *
   * @default {false}
   */
  readonly retried?: boolean;
}

/**
 * The in-flight requests of one connection.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RequestTable, SLOT } from "./request_table.ts";
 * const table = new RequestTable(4);
 * const stream = table.take();
 * let answer: unknown;
 * table.begin(stream, {
 *   kind: 1, subject: "q", values: null, options: null,
 *   resolve: (v) => answer = v, reject: () => {}, deadlineMs: 100, timeoutMs: 100,
 * });
 * assert.equal(table.state[stream], SLOT.waiting);
 * const expired: number[] = [];
 * table.expire(150, (s) => expired.push(s));
 * assert.deepEqual(expired, [stream]);
 * assert.equal(table.state[stream], SLOT.timedOut);
 * assert.equal(table.timedOut, 1);
 * table.releaseLate(stream); // its late answer came
 * assert.equal(table.inFlight, 0);
 * assert.equal(table.timedOut, 0);
 * assert.equal(answer, undefined);
 * ```
 */
export class RequestTable {
  /** Per stream: its {@linkcode SLOT} state. */
  readonly state: Uint8Array;
  /** Per stream: the request kind. */
  readonly kind: Uint8Array;
  /** Per stream: whether it was already sent again after a re-prepare. */
  readonly retried: Uint8Array;
  /** Per stream: its deadline (ms on the connection's clock). */
  readonly deadlineMs: Float64Array;
  /** Per stream: its timeout (ms), for the error message. */
  readonly timeoutMs: Float64Array;
  /** Per stream: what it is about. */
  readonly subject: unknown[];
  /** Per stream: its values. */
  readonly values: unknown[];
  /** Per stream: its options. */
  readonly options: unknown[];
  /** Per stream: resolves its promise. */
  readonly resolve: (Settle | null)[];
  /** Per stream: rejects its promise. */
  readonly reject: (Settle | null)[];
  /** Requests waiting for a stream id. */
  readonly queue: QueuedRequest[] = [];
  /** Stream ids taken (waiting or timed out). */
  inFlight = 0;
  /** Stream ids held by requests that timed out, until their late answer frees them. */
  timedOut = 0;
  /** The highest stream id ever taken (scans stop there). */
  highestId: number = -1;
  readonly #pool: StreamIdPool;

  /**
   * Creates an empty table.
   *
   * @param size The stream ids it may use (1..32768).
   */
  constructor(size: number) {
    this.#pool = new StreamIdPool(size);
    this.state = new Uint8Array(size);
    this.kind = new Uint8Array(size);
    this.retried = new Uint8Array(size);
    this.deadlineMs = new Float64Array(size);
    this.timeoutMs = new Float64Array(size);
    this.subject = new Array(size).fill(null);
    this.values = new Array(size).fill(null);
    this.options = new Array(size).fill(null);
    this.resolve = new Array(size).fill(null);
    this.reject = new Array(size).fill(null);
  }

  /** How many stream ids the table has. */
  get size(): number {
    return this.#pool.size;
  }

  /**
   * Takes a free stream id.
   *
   * @returns The id, or -1 when every id is in use.
   */
  take(): number {
    const id = this.#pool.take();
    if (id >= 0) {
      this.inFlight++;
      if (id > this.highestId) this.highestId = id;
    }
    return id;
  }

  /**
   * Fills the slot of a stream id just taken; the request is then waiting.
   *
   * @param stream The id.
   * @param request The request.
   */
  begin(stream: number, request: QueuedRequest): void {
    this.state[stream] = SLOT.waiting;
    this.kind[stream] = request.kind;
    this.retried[stream] = request.retried === true ? 1 : 0;
    this.deadlineMs[stream] = request.deadlineMs;
    this.timeoutMs[stream] = request.timeoutMs;
    this.subject[stream] = request.subject;
    this.values[stream] = request.values;
    this.options[stream] = request.options;
    this.resolve[stream] = request.resolve;
    this.reject[stream] = request.reject;
  }

  /**
   * Frees a stream id and drops what its slot held.
   *
   * @param stream The id.
   */
  release(stream: number): void {
    this.state[stream] = SLOT.free;
    this.subject[stream] = null;
    this.values[stream] = null;
    this.options[stream] = null;
    this.resolve[stream] = null;
    this.reject[stream] = null;
    this.inFlight--;
    this.#pool.give(stream);
  }

  /**
   * Frees the stream id of a request that timed out, once its late answer came.
   *
   * @param stream The id.
   */
  releaseLate(stream: number): void {
    this.timedOut--;
    this.release(stream);
  }

  /**
   * Frees a stream id and hands back its request, marked as sent again, to begin later on any
   * id: its promise and values go with it (nothing is settled).
   *
   * @param stream The id.
   * @returns The request.
   */
  detach(stream: number): QueuedRequest {
    const request = {
      kind: this.kind[stream],
      subject: this.subject[stream],
      values: this.values[stream],
      options: this.options[stream],
      resolve: this.resolve[stream]!,
      reject: this.reject[stream]!,
      deadlineMs: this.deadlineMs[stream],
      timeoutMs: this.timeoutMs[stream],
      retried: true,
    };
    this.release(stream);
    return request;
  }

  /**
   * Frees every stream in use and empties the queue (the connection closed): each request's
   * values go back to their owner ({@linkcode settleValues}), then it is rejected with `error`.
   *
   * @param error Why.
   */
  failAll(error: Error): void {
    for (let id = 0; id <= this.highestId; id++) {
      if (this.state[id] === SLOT.free) continue;
      const reject = this.reject[id];
      const values = this.values[id];
      this.release(id);
      settleValues(values);
      reject?.(error);
    }
    this.timedOut = 0;
    for (const request of this.queue.splice(0)) {
      settleValues(request.values);
      request.reject(error);
    }
  }

  /**
   * Marks the requests past their deadline as timed out (their ids stay taken) and calls
   * `onTimeout` for each, before the slot forgets how to settle it; queued requests past their
   * deadline leave the queue and go to `onQueuedTimeout`.
   *
   * @param nowMs The connection's clock.
   * @param onTimeout Called with each stream id that timed out.
   * @param onQueuedTimeout Called with each queued request that timed out.
   */
  expire(
    nowMs: number,
    onTimeout: (stream: number) => void,
    onQueuedTimeout?: (request: QueuedRequest) => void,
  ): void {
    for (let id = 0; id <= this.highestId; id++) {
      if (this.state[id] !== SLOT.waiting || this.deadlineMs[id] > nowMs) continue;
      onTimeout(id);
      this.state[id] = SLOT.timedOut;
      this.timedOut++;
      this.values[id] = null;
      this.resolve[id] = null;
      this.reject[id] = null;
    }
    if (this.queue.length === 0) return;
    const kept = this.queue.filter((request) => request.deadlineMs > nowMs);
    if (kept.length === this.queue.length) return;
    const gone = this.queue.filter((request) => request.deadlineMs <= nowMs);
    this.queue.splice(0, this.queue.length, ...kept);
    for (const request of gone) onQueuedTimeout?.(request);
  }
}
