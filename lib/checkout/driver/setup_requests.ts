/**
 * The requests of a setup phase (`checkout consistency`'s populate, orders and read-back,
 * `checkout load --init`): a request whose connection failed before anything was sent is sent
 * again after a back-off, so a service whose accept queue is full slows the setup down instead of
 * aborting it. The retries are counted and reported by a progress line.
 *
 * @module
 */

import type { HttpPool, HttpRequestOptions } from "./http_pool.ts";
import type { HttpFailure, HttpResult } from "./http_result.ts";

/** Options of {@linkcode SetupRequests}. */
export interface SetupRequestsOptions {
  /** The phase, which starts every progress line, e.g. `populate`. */
  phase: string;
  /** Where the progress lines go. */
  progress: (line: string) => void;
  /**
   * The most times one request is sent.
   *
   * @default {8}
   */
  attempts?: number;
  /**
   * The wait before the first retry in ms; it doubles with each retry of the same request.
   *
   * @default {100}
   */
  firstBackoffMs?: number;
  /**
   * The longest wait before a retry in ms.
   *
   * @default {5000}
   */
  maxBackoffMs?: number;
  /**
   * The least time between two progress lines in ms.
   *
   * @default {1000}
   */
  progressEveryMs?: number;
}

/**
 * Sends setup requests through a pool and sends again, after a doubling back-off, each one whose
 * connection failed before anything was sent: a connect timeout always (the service did not
 * accept the connection in time), a refused connection only once the pool has connected before
 * (a service never reached is a wrong address, reported at once). Other failures and every
 * answer are returned as they are.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { HttpPool } from "./http_pool.ts";
 * import { SetupRequests } from "./setup_requests.ts";
 * const server = Deno.serve({ port: 0, onListen() {} }, () => new Response("made"));
 * const pool = new HttpPool({ url: `http://127.0.0.1:${server.addr.port}`, connections: 2 });
 * const lines: string[] = [];
 * const setup = new SetupRequests({ phase: "populate", progress: (line) => lines.push(line) });
 * const result = await setup.request(pool, "POST", "/make");
 * assert.equal(result.ok && result.status, 200);
 * assert.equal(setup.retried, 0);
 * setup.stop();
 * await pool.close();
 * await server.shutdown();
 * ```
 */
export class SetupRequests {
  readonly #phase: string;
  readonly #progress: (line: string) => void;
  readonly #attempts: number;
  readonly #firstBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #progressEveryMs: number;
  readonly #stopping = new AbortController();
  #retried = 0;
  #reportedAtMs = -Infinity;

  /**
   * Creates the sender of one phase.
   *
   * @param options The phase, where its progress lines go, and the retry limits.
   */
  constructor(options: SetupRequestsOptions) {
    this.#phase = options.phase;
    this.#progress = options.progress;
    this.#attempts = options.attempts ?? 8;
    this.#firstBackoffMs = options.firstBackoffMs ?? 100;
    this.#maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.#progressEveryMs = options.progressEveryMs ?? 1000;
  }

  /** The number of times a request was sent again. */
  get retried(): number {
    return this.#retried;
  }

  /**
   * Sends one request, again after a back-off while its connection fails before anything is
   * sent, at most `attempts` times in all.
   *
   * @param pool The service's pool.
   * @param method The method.
   * @param path The path.
   * @param options A body, headers, and `onSend` (called at each attempt that is sent).
   * @returns The answer, or the last failure (its message says how many times it was tried).
   */
  async request(
    pool: HttpPool,
    method: string,
    path: string,
    options?: HttpRequestOptions,
  ): Promise<HttpResult> {
    let backoffMs = this.#firstBackoffMs;
    for (let attempt = 1;; attempt++) {
      const result = await pool.request(method, path, options);
      if (result.ok || !this.#retryable(result, pool)) return result;
      if (attempt >= this.#attempts || this.#stopping.signal.aborted) {
        return attempt === 1
          ? result
          : { ...result, message: `${result.message} (sent ${attempt} times)` };
      }
      this.#retried++;
      this.#report(result);
      await this.#sleep(backoffMs);
      backoffMs = Math.min(this.#maxBackoffMs, backoffMs * 2);
    }
  }

  /**
   * Ends every back-off at once and retries no more (when the phase has failed): the requests
   * waiting to be sent again resolve with their last failure.
   */
  stop(): void {
    this.#stopping.abort();
  }

  /**
   * A line that sums up the retries for the phase's last line, e.g. `, 94 requests sent again
   * after a failed connection`, or `""` when there were none.
   *
   * @returns The text, starting with a comma.
   */
  summary(): string {
    if (this.#retried === 0) return "";
    return `, ${this.#retried} ${
      this.#retried === 1 ? "request" : "requests"
    } sent again after a failed connection`;
  }

  #retryable(failure: HttpFailure, pool: HttpPool): boolean {
    return failure.error === "connect_timeout" || (failure.error === "connect" && pool.opened > 0);
  }

  #report(failure: HttpFailure): void {
    const nowMs = performance.now();
    if (nowMs - this.#reportedAtMs < this.#progressEveryMs) return;
    this.#reportedAtMs = nowMs;
    this.#progress(
      `${this.#phase}: ${this.#retried} ${
        this.#retried === 1 ? "request" : "requests"
      } to send again so far: the connection failed before anything was sent (last: ${failure.error}, ${failure.message})`,
    );
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#stopping.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done);
    });
  }
}
