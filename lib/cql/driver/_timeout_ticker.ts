/**
 * Private helper of `native_connection.ts`: the timer that checks request timeouts, and the
 * coarse clock their deadlines are taken on.
 *
 * @module
 */

/** How often timeouts are checked, at most (a timeout's deadline is as coarse). */
const TICK_MS = 20;

/**
 * Runs `onTick` while requests with a timeout are in flight: every 20 ms for the usual timeouts
 * of seconds, every quarter of a shorter one (`requestTimeout=1` timed out 18 of 300 writes that
 * took longer, on a 20 ms tick). The timer does not keep the process alive.
 */
export class TimeoutTicker {
  /** The clock at the last tick (or start), in ms: deadlines are taken on it. */
  nowMs: number = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #periodMs = TICK_MS;

  /** @param onTick Called on each tick, after `nowMs` was read. */
  constructor(private readonly onTick: () => void) {}

  /** Runs the timer, often enough for a request with `timeoutMs`. */
  want(timeoutMs: number): void {
    const periodMs = Math.min(TICK_MS, Math.max(1, Math.floor(timeoutMs / 4)));
    if (this.#timer !== undefined && periodMs >= this.#periodMs) return;
    clearInterval(this.#timer);
    this.#periodMs = periodMs;
    this.nowMs = performance.now();
    this.#timer = setInterval(() => {
      this.nowMs = performance.now();
      this.onTick();
    }, periodMs);
    Deno.unrefTimer(this.#timer);
  }

  /** Stops the timer (`want` starts it again). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
