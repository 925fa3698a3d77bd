/**
 * The query Workers of `stress query run`: created one by one as rows are routed to them,
 * fed in batches with a bound on the rows queued in each, sampled for interval histograms,
 * and ended or stopped.
 *
 * @module
 */

import { workerEntryUrl } from "../../engine/worker_entry_url.ts";
import { OpWindow } from "../../stats/op_window.ts";
import type { OpSample } from "../../stats/op_recorder.ts";
import type {
  QueryAnswer,
  QueryExactTimes,
  QueryMainMessage,
  QueryWorkerInit,
  QueryWorkerMessage,
  QueryWorkerRow,
} from "../query_protocol.ts";
import type { WorkerLoaderSample } from "../../stats/loader_verdict.ts";

/** A failed query, as a Worker reported it. */
export interface QueryFailure {
  /** The Worker that ran it. */
  readonly workerIndex: number;
  /** The input line. */
  readonly line: number;
  /** The host. */
  readonly host: string;
  /** The error kind (see `queryErrorKind`). */
  readonly kind: string;
  /** The message. */
  readonly message: string;
}

/** Options of {@linkcode QueryPool}. */
export interface QueryPoolOptions {
  /** The number of Workers. */
  readonly workerCount: number;
  /** What every Worker's `init` carries besides its index. */
  readonly init: Omit<QueryWorkerInit, "type" | "workerIndex">;
  /** Rows sent to a Worker and not yet finished, at most, before `dispatch` waits. */
  readonly maxQueuedRows: number;
  /** Called for every failed query. */
  readonly onFailure: (failure: QueryFailure) => void;
  /** Called with query answers (only with `collectResults`). */
  readonly onAnswers: (answers: readonly QueryAnswer[]) => void;
  /** Called when a Worker cannot connect; it then finishes without running its rows. */
  readonly onFatal: (workerIndex: number, message: string) => void;
  /**
   * Called when a Worker lost its connection at a query (after `onFailure` for that query);
   * it then finishes without running the rows it still had.
   */
  readonly onLost: (failure: QueryFailure) => void;
}

interface Slot {
  readonly worker: Worker;
  sent: number;
  finished: number;
  sampledEpoch: number;
  done: boolean;
  dropped: number;
  /** Queries finished since the last interval was taken. */
  readonly interval: OpWindow;
  /** Every query of this Worker. */
  readonly total: OpWindow;
  /** Exact figures, once done. */
  exact: QueryExactTimes;
  /** What the Worker measured of itself, once done. */
  loader: WorkerLoaderSample | null;
}

// From the bundle (`deno task bundle`), `dist/query_worker.js` next to `dist/stress.js`.
const WORKER_URL = workerEntryUrl("./query_worker.ts", import.meta.url);

/**
 * The pool of query Workers. Not thread-safe across callers: one dispatcher feeds it.
 *
 * @example Usage
 * ```ts ignore
 * const pool = new QueryPool({ workerCount: 4, init, maxQueuedRows: 4096, ...callbacks });
 * await pool.dispatch(routing.route(row.host), [row]);
 * pool.stopAll(); // Ctrl-C: every Worker ends after the query it is running
 * await pool.finish({ stop: false });
 * const last = await pool.takeInterval();
 * ```
 */
export class QueryPool {
  readonly #options: QueryPoolOptions;
  readonly #slots: (Slot | undefined)[];
  #epoch = 0;
  #stopped = false;
  /** Rows handed to `dispatch` after `stopAll`, never sent to a Worker. */
  #droppedUnsent = 0;
  /** Wakes whoever waits for progress, a sample or a `done`. */
  #wake: (() => void) | null = null;

  /**
   * Creates the pool; no Worker starts until a row is dispatched to it.
   *
   * @param options The Worker count, init, queue bound and callbacks.
   */
  constructor(options: QueryPoolOptions) {
    this.#options = options;
    this.#slots = new Array(options.workerCount).fill(undefined);
  }

  /** The Workers started so far, by index (`undefined` for one never started). */
  get started(): boolean[] {
    return this.#slots.map((slot) => slot !== undefined);
  }

  /**
   * Every Worker's queries so far (a window per Worker; an empty one for a Worker never
   * started).
   *
   * @returns One window per Worker, by index.
   */
  totals(): OpWindow[] {
    return this.#slots.map((slot) => slot?.total ?? new OpWindow("QUERY", { scheduled: false }));
  }

  /**
   * Every Worker's exact figures (known once it is done; zeros before).
   *
   * @returns One entry per Worker, by index.
   */
  exactTimes(): QueryExactTimes[] {
    return this.#slots.map((slot) => slot?.exact ?? { count: 0, sumNs: 0, minNs: 0, maxNs: 0 });
  }

  /**
   * What each Worker that finished measured of itself (for the loader verdict).
   *
   * @returns One sample per finished Worker.
   */
  loaderSamples(): WorkerLoaderSample[] {
    return this.#slots.flatMap((slot) => slot?.loader ?? []);
  }

  /** Rows dropped by a stop, over all Workers. */
  get dropped(): number {
    return this.#slots.reduce((sum, slot) => sum + (slot?.dropped ?? 0), this.#droppedUnsent);
  }

  /** Whether {@linkcode QueryPool.stopAll} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Sends rows to a Worker, starting it on first use; waits while it has more than
   * `maxQueuedRows` queued.
   *
   * @param workerIndex The Worker.
   * @param rows The rows, in input order.
   */
  async dispatch(workerIndex: number, rows: readonly QueryWorkerRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.#stopped) {
      this.#droppedUnsent += rows.length;
      return;
    }
    const slot = this.#slots[workerIndex] ?? this.#start(workerIndex);
    while (
      !slot.done && !this.#stopped && slot.sent - slot.finished >= this.#options.maxQueuedRows
    ) {
      await this.#nextEvent();
    }
    if (slot.done || this.#stopped) {
      // The Worker could not connect, lost its connection, or was stopped.
      this.#droppedUnsent += rows.length;
      return;
    }
    slot.sent += rows.length;
    this.#post(slot, { type: "rows", rows });
  }

  /**
   * Takes the queries finished since the last call from every running Worker.
   *
   * @returns The interval's merged window.
   */
  async takeInterval(): Promise<OpWindow> {
    const epoch = ++this.#epoch;
    for (const slot of this.#slots) {
      if (slot !== undefined && !slot.done) this.#post(slot, { type: "sample", epoch });
    }
    while (this.#slots.some((s) => s !== undefined && !s.done && s.sampledEpoch < epoch)) {
      await this.#nextEvent();
    }
    return this.#drainIntervals();
  }

  /**
   * Stops the run: every Worker drops the rows it has not started, finishes the query it is
   * running and exits; rows dispatched from now on are dropped. Safe to call more than once,
   * and while {@linkcode QueryPool.finish} waits.
   */
  stopAll(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const slot of this.#slots) {
      if (slot !== undefined && !slot.done) this.#post(slot, { type: "stop" });
    }
    this.#notify(); // a dispatch waiting for room drops its rows
  }

  /**
   * Ends the input: every Worker finishes its queue (or, with `stop` or after
   * {@linkcode QueryPool.stopAll}, only the query it is running) and exits. Resolves when all
   * have; their last queries are then in {@linkcode QueryPool.takeInterval}.
   *
   * @param options `stop` drops queued rows.
   */
  async finish(options: { stop: boolean }): Promise<void> {
    if (options.stop) this.stopAll();
    for (const slot of this.#slots) {
      if (slot !== undefined && !slot.done) this.#post(slot, { type: "end" });
    }
    while (this.#slots.some((s) => s !== undefined && !s.done)) await this.#nextEvent();
  }

  /** Stops every Worker at once (after an unexpected error); nothing more is reported. */
  terminate(): void {
    for (const slot of this.#slots) {
      if (slot !== undefined && !slot.done) {
        slot.done = true;
        slot.worker.terminate();
      }
    }
  }

  #drainIntervals(): OpWindow {
    const merged = new OpWindow("QUERY", { scheduled: false });
    for (const slot of this.#slots) {
      if (slot === undefined) continue;
      merged.add(slot.interval);
      slot.interval.reset();
    }
    return merged;
  }

  #nextEvent(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.#wake;
      this.#wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #post(slot: Slot, message: QueryMainMessage): void {
    slot.worker.postMessage(message);
  }

  #start(workerIndex: number): Slot {
    const worker = new Worker(WORKER_URL, { type: "module" });
    const slot: Slot = {
      worker,
      sent: 0,
      finished: 0,
      sampledEpoch: 0,
      done: false,
      dropped: 0,
      interval: new OpWindow("QUERY", { scheduled: false }),
      total: new OpWindow("QUERY", { scheduled: false }),
      exact: { count: 0, sumNs: 0, minNs: 0, maxNs: 0 },
      loader: null,
    };
    this.#slots[workerIndex] = slot;
    worker.onmessage = (event: MessageEvent<QueryWorkerMessage>) => {
      this.#receive(slot, event.data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#options.onFatal(workerIndex, event.message);
      slot.done = true;
      slot.dropped += slot.sent - slot.finished;
      worker.terminate();
      this.#notify();
    };
    this.#post(slot, { ...this.#options.init, type: "init", workerIndex });
    return slot;
  }

  #addSample(slot: Slot, sample: OpSample): void {
    slot.interval.addSample(sample);
    slot.total.addSample(sample);
  }

  #receive(slot: Slot, message: QueryWorkerMessage): void {
    switch (message.type) {
      case "progress":
        slot.finished = message.finished;
        break;
      case "sample":
        this.#addSample(slot, message.sample);
        slot.sampledEpoch = message.epoch;
        break;
      case "error":
        this.#options.onFailure(message);
        return;
      case "results":
        this.#options.onAnswers(message.answers);
        return;
      case "fatal":
        this.#options.onFatal(message.workerIndex, message.message);
        return;
      case "lost":
        this.#options.onLost(message);
        return;
      case "done":
        this.#addSample(slot, message.sample);
        slot.finished = message.finished;
        // Every row sent and not run: also those that reached the Worker once it was finishing
        // (after it failed to connect), which it could no longer count.
        slot.dropped = slot.sent - message.finished;
        slot.exact = message.exact;
        slot.loader = message.loader;
        slot.done = true;
        break;
    }
    this.#notify();
  }
}
