/**
 * A queue of callbacks due at given times, with sub-millisecond precision: the runtime's
 * timers wake up to about 1 ms late, so the last stretch before a deadline is polled
 * with `MessageChannel` turns (which yield to the event loop without the timer clamp).
 *
 * @module
 */

/** How close to a deadline (ms) polling takes over from a timer. */
const POLL_WINDOW_MS = 1.5;

/**
 * A min-heap of deadlines (in `performance.now()` milliseconds) and their callbacks.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { DelayQueue } from "./delay_queue.ts";
 * const queue = new DelayQueue();
 * const start = performance.now();
 * await new Promise<void>((resolve) => queue.add(0.2, resolve));
 * assert.ok(performance.now() - start >= 0.2);
 * queue.close();
 * ```
 */
export class DelayQueue {
  #due: number[] = [];
  #callbacks: (() => void)[] = [];
  #channel: MessageChannel | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;

  /**
   * Runs `callback` once `delayMs` milliseconds have passed.
   *
   * @param delayMs The delay in milliseconds (fractions count).
   * @param callback What to run.
   */
  add(delayMs: number, callback: () => void): void {
    this.#push(performance.now() + delayMs, callback);
    if (!this.#polling) this.#arm();
  }

  /** Drops every pending callback and stops polling. */
  close(): void {
    clearTimeout(this.#timer);
    this.#due.length = 0;
    this.#callbacks.length = 0;
    this.#channel?.port1.close();
    this.#channel?.port2.close();
    this.#channel = null;
    this.#polling = false;
  }

  #arm(): void {
    if (this.#due.length === 0) return;
    const waitMs = this.#due[0] - performance.now();
    clearTimeout(this.#timer);
    if (waitMs > POLL_WINDOW_MS) {
      this.#timer = setTimeout(() => this.#arm(), waitMs - POLL_WINDOW_MS);
      return;
    }
    this.#polling = true;
    if (this.#channel === null) {
      this.#channel = new MessageChannel();
      this.#channel.port1.onmessage = () => this.#poll();
    }
    this.#channel.port2.postMessage(null);
  }

  #poll(): void {
    // #polling stays true while callbacks run, so an add() from inside one does not arm a
    // second poll; the #arm() below takes its deadline into account.
    const now = performance.now();
    while (this.#due.length > 0 && this.#due[0] <= now) this.#pop()();
    this.#polling = false;
    this.#arm();
  }

  #push(due: number, callback: () => void): void {
    const heap = this.#due;
    const callbacks = this.#callbacks;
    let i = heap.length;
    heap.push(due);
    callbacks.push(callback);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= due) break;
      heap[i] = heap[parent];
      callbacks[i] = callbacks[parent];
      i = parent;
    }
    heap[i] = due;
    callbacks[i] = callback;
  }

  #pop(): () => void {
    const heap = this.#due;
    const callbacks = this.#callbacks;
    const top = callbacks[0];
    const lastDue = heap.pop()!;
    const lastCallback = callbacks.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap[child + 1] < heap[child]) child++;
        if (heap[child] >= lastDue) break;
        heap[i] = heap[child];
        callbacks[i] = callbacks[child];
        i = child;
      }
      heap[i] = lastDue;
      callbacks[i] = lastCallback;
    }
    return top;
  }
}
