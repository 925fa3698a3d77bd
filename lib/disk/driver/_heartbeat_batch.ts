/**
 * Heartbeats the run stores note in memory and write in batches. Internal to
 * `lib/disk/driver/`.
 *
 * @module
 */

/** The heartbeats of one client not written yet. */
export interface PendingHeartbeat {
  /** The run. */
  readonly runId: number;
  /** The client. */
  readonly clientId: string;
  /** The latest heartbeat, epoch ms. */
  atMs: number;
  /** Heartbeats since the last write. */
  count: number;
}

/**
 * Heartbeats noted in memory and handed out for writing at most every `flushMs` (they are not
 * acknowledged records, so a batch lost with a killed server costs only bookkeeping).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { HeartbeatBatch } from "./_heartbeat_batch.ts";
 * const batch = new HeartbeatBatch(60_000);
 * batch.note(1, "c1", 10);
 * batch.note(1, "c1", 20);
 * assert.deepEqual(batch.takeDue(false), []); // not due yet
 * assert.deepEqual(batch.takeDue(true), [{ runId: 1, clientId: "c1", atMs: 20, count: 2 }]);
 * ```
 */
export class HeartbeatBatch {
  readonly #flushMs: number;
  readonly #pending = new Map<string, PendingHeartbeat>();
  #lastFlushMs = performance.now();

  /**
   * Creates an empty batch.
   *
   * @param flushMs The longest time a heartbeat waits, ms.
   */
  constructor(flushMs: number) {
    this.#flushMs = flushMs;
  }

  /**
   * Notes one heartbeat.
   *
   * @param runId The run.
   * @param clientId The client.
   * @param atMs Its time, epoch ms.
   */
  note(runId: number, clientId: string, atMs: number): void {
    const key = `${runId}\u0000${clientId}`;
    const pending = this.#pending.get(key);
    if (pending === undefined) {
      this.#pending.set(key, { runId, clientId, atMs, count: 1 });
    } else {
      pending.atMs = Math.max(pending.atMs, atMs);
      pending.count++;
    }
  }

  /**
   * Hands out the noted heartbeats when a write is due (or `force`d) and forgets them.
   *
   * @param force Hand them out whatever the time.
   * @returns The heartbeats to write, or none.
   */
  takeDue(force: boolean): PendingHeartbeat[] {
    if (this.#pending.size === 0) return [];
    const nowMs = performance.now();
    if (!force && nowMs - this.#lastFlushMs < this.#flushMs) return [];
    this.#lastFlushMs = nowMs;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    return batch;
  }
}
