/**
 * Tracks the heartbeats of `stress disk` clients and tells which ones went away.
 *
 * @module
 */

/** Where a tracked client stands: watched, done (no longer watched) or gone (final). */
export type HeartbeatStatus = "alive" | "finished" | "gone";

/** What the tracker knows of one client. */
export interface HeartbeatClientState {
  /** Where the client stands. */
  readonly status: HeartbeatStatus;
  /** The client's heartbeat interval, in milliseconds. */
  readonly heartbeatMs: number;
  /** The time of the last heartbeat, or of the registration when none came yet (ms). */
  readonly lastSeenMs: number;
  /** The number of heartbeats received since the registration. */
  readonly beats: number;
}

/** Options for {@linkcode HeartbeatTracker}. */
export interface HeartbeatTrackerOptions {
  /** How many heartbeat intervals may pass without a heartbeat before a client is gone. */
  readonly misses: number;
}

interface Entry {
  status: HeartbeatStatus;
  heartbeatMs: number;
  lastSeenMs: number;
  beats: number;
}

/**
 * Decides when a client is gone: when more than `misses` × its `heartbeatMs` passed since its
 * last heartbeat (or its registration, if none came). Time is always passed in, in
 * milliseconds, so tests drive it by hand.
 *
 * Gone is final: a late heartbeat from a gone client is counted but does not bring it back
 * (the server has already recorded the `gone` event). A client that connects again is
 * registered again, which starts over.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
 *
 * const tracker = new HeartbeatTracker({ misses: 3 });
 * tracker.register("c1", 5000, 0);
 * tracker.register("c2", 5000, 0);
 * tracker.beat("c1", 10_000);
 * assert.deepEqual(tracker.expired(15_001), ["c2"]);
 * assert.deepEqual(tracker.expired(16_000), []); // reported once
 * assert.deepEqual(tracker.expired(25_001), ["c1"]);
 * ```
 */
export class HeartbeatTracker {
  #misses: number;
  #clients: Map<string, Entry> = new Map();

  /**
   * Creates a tracker.
   *
   * @param options The number of missed intervals that make a client gone.
   * @throws {RangeError} When `misses` is not a positive integer.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * assert.throws(() => new HeartbeatTracker({ misses: 0 }), RangeError);
   * ```
   */
  constructor(options: HeartbeatTrackerOptions) {
    if (!Number.isSafeInteger(options.misses) || options.misses < 1) {
      throw new RangeError(
        `Cannot create heartbeat tracker: misses "${options.misses}" is invalid, expected a positive integer`,
      );
    }
    this.#misses = options.misses;
  }

  /**
   * Starts watching a client (again, if it was known: its state starts over).
   *
   * @param client The client id.
   * @param heartbeatMs The client's heartbeat interval, in milliseconds.
   * @param nowMs The current time, in milliseconds.
   * @throws {RangeError} When `heartbeatMs` is not a positive finite number.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * const tracker = new HeartbeatTracker({ misses: 2 });
   * tracker.register("c1", 1000, 500);
   * assert.equal(tracker.state("c1")?.status, "alive");
   * ```
   */
  register(client: string, heartbeatMs: number, nowMs: number): void {
    if (!Number.isFinite(heartbeatMs) || heartbeatMs <= 0) {
      throw new RangeError(
        `Cannot register client "${client}": heartbeat interval "${heartbeatMs}" is invalid, expected a positive number of milliseconds`,
      );
    }
    this.#clients.set(client, { status: "alive", heartbeatMs, lastSeenMs: nowMs, beats: 0 });
  }

  /**
   * Records a heartbeat.
   *
   * @param client The client id.
   * @param nowMs The time it was received, in milliseconds.
   * @returns False when the client is unknown, else true.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * const tracker = new HeartbeatTracker({ misses: 3 });
   * tracker.register("c1", 1000, 0);
   * assert.equal(tracker.beat("c1", 900), true);
   * assert.equal(tracker.beat("stranger", 900), false);
   * assert.equal(tracker.state("c1")?.beats, 1);
   * ```
   */
  beat(client: string, nowMs: number): boolean {
    const entry = this.#clients.get(client);
    if (entry === undefined) return false;
    entry.beats++;
    if (nowMs > entry.lastSeenMs) entry.lastSeenMs = nowMs;
    return true;
  }

  /**
   * Stops watching a client that finished (said `bye`); it is never reported as gone.
   * A client already gone stays gone.
   *
   * @param client The client id.
   * @returns False when the client is unknown, else true.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * const tracker = new HeartbeatTracker({ misses: 3 });
   * tracker.register("c1", 1000, 0);
   * tracker.finish("c1");
   * assert.deepEqual(tracker.expired(60_000), []);
   * assert.equal(tracker.state("c1")?.status, "finished");
   * ```
   */
  finish(client: string): boolean {
    const entry = this.#clients.get(client);
    if (entry === undefined) return false;
    if (entry.status === "alive") entry.status = "finished";
    return true;
  }

  /**
   * Moves the deadline of every watched client on by `stalledMs`: time in which the owner could
   * not listen (its event loop was held, e.g. by a slow synchronous database commit) is no
   * heartbeat missed. The heartbeats sent meanwhile wait unread in the socket; without this, the
   * first check after the stall would find every client silent and call it gone.
   *
   * @param stalledMs How long the owner could not listen, in milliseconds (nothing when <= 0).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * const tracker = new HeartbeatTracker({ misses: 3 });
   * tracker.register("c1", 1000, 0);
   * tracker.excuse(2000); // the server was held for 2 s
   * assert.deepEqual(tracker.expired(3001), []);
   * assert.deepEqual(tracker.expired(5001), ["c1"]);
   * ```
   */
  excuse(stalledMs: number): void {
    if (!Number.isFinite(stalledMs) || stalledMs <= 0) return;
    for (const entry of this.#clients.values()) {
      if (entry.status === "alive") entry.lastSeenMs += stalledMs;
    }
  }

  /**
   * Returns the clients that became gone by `nowMs`: watched clients whose last heartbeat (or
   * registration) is more than `misses` × `heartbeatMs` old. Each is reported once.
   *
   * @param nowMs The current time, in milliseconds.
   * @returns The ids of the clients newly gone, in registration order.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * const tracker = new HeartbeatTracker({ misses: 3 });
   * tracker.register("c1", 1000, 0);
   * assert.deepEqual(tracker.expired(3000), []);
   * assert.deepEqual(tracker.expired(3001), ["c1"]);
   * ```
   */
  expired(nowMs: number): string[] {
    const gone: string[] = [];
    for (const [client, entry] of this.#clients) {
      if (entry.status !== "alive") continue;
      if (nowMs - entry.lastSeenMs > this.#misses * entry.heartbeatMs) {
        entry.status = "gone";
        gone.push(client);
      }
    }
    return gone;
  }

  /**
   * The earliest time at which a watched client would become gone, to set a timer.
   *
   * @returns The time in milliseconds (the client is gone just after it), or null when no
   * client is watched.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * const tracker = new HeartbeatTracker({ misses: 3 });
   * assert.equal(tracker.nextDeadlineMs(), null);
   * tracker.register("c1", 1000, 0);
   * tracker.register("c2", 500, 100);
   * assert.equal(tracker.nextDeadlineMs(), 1600);
   * ```
   */
  nextDeadlineMs(): number | null {
    let deadlineMs: number | null = null;
    for (const entry of this.#clients.values()) {
      if (entry.status !== "alive") continue;
      const candidateMs = entry.lastSeenMs + this.#misses * entry.heartbeatMs;
      if (deadlineMs === null || candidateMs < deadlineMs) deadlineMs = candidateMs;
    }
    return deadlineMs;
  }

  /**
   * What the tracker knows of a client.
   *
   * @param client The client id.
   * @returns A copy of its state, or null when the client is unknown.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HeartbeatTracker } from "./heartbeat_tracker.ts";
   * const tracker = new HeartbeatTracker({ misses: 3 });
   * tracker.register("c1", 1000, 0);
   * tracker.beat("c1", 700);
   * assert.deepEqual(tracker.state("c1"), {
   *   status: "alive",
   *   heartbeatMs: 1000,
   *   lastSeenMs: 700,
   *   beats: 1,
   * });
   * assert.equal(tracker.state("c9"), null);
   * ```
   */
  state(client: string): HeartbeatClientState | null {
    const entry = this.#clients.get(client);
    return entry === undefined ? null : { ...entry };
  }
}
