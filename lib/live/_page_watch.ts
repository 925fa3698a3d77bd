/**
 * The open live pages, as their polls show them: lets the server wait, before it closes, until
 * each page has fetched the run's end state (private to {@link ./live_server.ts}).
 *
 * @module
 */

/**
 * Which pages poll `GET /api/stats` (each sends its own `page` id) and when each last did.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PageWatch } from "./_page_watch.ts";
 *
 * const watch = new PageWatch(1000);
 * await watch.shown(); // no page polls: at once
 * watch.polled("tab-1");
 * const shown = watch.shown(); // waits for tab-1's next poll
 * watch.polled("tab-1");
 * await shown;
 * ```
 */
export class PageWatch {
  readonly #pollIntervalMs: number;
  /** Each page's latest poll, in `performance.now()` milliseconds. */
  readonly #lastPollMs = new Map<string, number>();
  /** The checks of the pending {@linkcode PageWatch.shown} calls. */
  readonly #checks = new Set<() => void>();

  /**
   * Watches pages that poll every `pollIntervalMs`.
   *
   * @param pollIntervalMs How often a page polls, in milliseconds.
   */
  constructor(pollIntervalMs: number) {
    this.#pollIntervalMs = pollIntervalMs;
  }

  /**
   * Notes a poll of one page (call it as the poll is answered).
   *
   * @param page The page's id.
   * @param last Whether the answer is the page's last (the run's end: it polls no more).
   */
  polled(page: string, last = false): void {
    const now = performance.now();
    if (last) this.#lastPollMs.delete(page);
    else this.#lastPollMs.set(page, now);
    // A page that stopped polling (closed, reloaded) is forgotten.
    for (const [id, at] of this.#lastPollMs) {
      if (now - at > 2 * this.#pollIntervalMs) this.#lastPollMs.delete(id);
    }
    for (const check of this.#checks) check();
  }

  /**
   * Waits until every page that polled in the last two poll intervals (and did not get its last
   * answer) has polled again, so it got what the server serves from now on (the run's end
   * state); at once when no page polls, and never longer than two poll intervals and a half.
   */
  shown(): Promise<void> {
    const since = performance.now();
    const pages = [...this.#lastPollMs]
      .filter(([, at]) => since - at <= 2 * this.#pollIntervalMs)
      .map(([id]) => id);
    if (pages.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#checks.delete(check);
        resolve();
      };
      const check = (): void => {
        if (pages.every((id) => (this.#lastPollMs.get(id) ?? Infinity) > since)) done();
      };
      const timer = setTimeout(done, 2.5 * this.#pollIntervalMs);
      this.#checks.add(check);
    });
  }
}
