/**
 * A keep-alive HTTP/1.1 client pool for the load generator: `connections` TCP (or TLS)
 * connections over `Deno.connect`, at most one request in flight on each, a bounded FIFO queue
 * for the rest, a time limit to connect and one for each request, and results instead of
 * exceptions for every network or protocol problem. It does not time requests: the caller does.
 *
 * Connections are opened one TCP handshake at a time (see _http_connector.ts: a burst of
 * handshakes against a small listen backlog leaves requests sent into connections the server's
 * kernel has dropped, which hang for minutes).
 *
 * A read is kept pending on every connection idle for more than one tick of the deadline timer
 * (at most 100 ms), so a connection the server closed while idle is dropped, not reused. The one
 * retry: a request on a reused connection that was found closed before any byte of its answer
 * (the write failed, or the connection came from the idle list and the server closed or reset it
 * first: its idle close raced our write, so it never saw the request) is sent once more on a new
 * connection and counted in {@linkcode HttpPool.resent}. Any other closed or
 * reset connection resolves `reset`, so a load test counts every failure. No pipelining, no
 * redirects, no cookies, no decompression, no proxy.
 *
 * @module
 */

import { OptionError } from "../../errors.ts";
import { RequestEncoder } from "./request_encoder.ts";
import { ResponseParser } from "./response_parser.ts";
import type { HttpErrorKind, HttpFailure, HttpResponse, HttpResult } from "./http_result.ts";
import { HttpSlot } from "./_http_slot.ts";
import { JobQueue } from "./_job_queue.ts";
import { HttpConnector } from "./_http_connector.ts";
import type { HttpPoolOptions, HttpRequestOptions } from "./http_pool_options.ts";

export type { HttpPoolOptions, HttpRequestOptions } from "./http_pool_options.ts";

interface Job {
  method: string;
  path: string;
  options: HttpRequestOptions | undefined;
  resolve: (result: HttpResult) => void;
  reject: (error: unknown) => void;
}

const QUEUE_FULL: HttpFailure = Object.freeze({
  ok: false,
  error: "queue_full",
  message: "too many requests waiting for a connection",
}) as HttpFailure;
const POOL_CLOSED: HttpFailure = Object.freeze({
  ok: false,
  error: "reset",
  message: "the pool was closed",
}) as HttpFailure;

function failure(error: HttpErrorKind, message: string): HttpFailure {
  return { ok: false, error, message };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * A pool of keep-alive HTTP/1.1 connections to one origin.
 *
 * At most `connections` requests are in flight; the others wait in a FIFO queue. A connection is
 * opened when first needed, reused while the server keeps it alive (it honours
 * `Connection: close` and reconnects on the next request), and discarded after any error.
 * {@linkcode HttpPool.request} never rejects for network or protocol problems.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { HttpPool } from "./http_pool.ts";
 * const server = Deno.serve({ port: 0, onListen() {} }, () => new Response("hello"));
 * const pool = new HttpPool({ url: `http://127.0.0.1:${server.addr.port}`, connections: 2 });
 * const result = await pool.request("GET", "/");
 * assert.equal(result.ok && result.status, 200);
 * assert.equal(result.ok && new TextDecoder().decode(result.body), "hello");
 * await pool.close();
 * await server.shutdown();
 * ```
 */
export class HttpPool {
  #connector: HttpConnector;
  #timeoutMs: number;
  #maxQueue: number;
  #idle: HttpSlot[] = [];
  #slots: HttpSlot[] = [];
  /** The count of worker loops running, and what close() waits on until it is 0. */
  #running = 0;
  #drained: (() => void) | undefined = undefined;
  /** The FIFO queue of requests waiting for a connection. */
  #queue = new JobQueue<Job>();
  #sweeper: ReturnType<typeof setInterval> | undefined = undefined;
  #closed = false;
  #resent = 0;

  /**
   * Creates a pool; no connection is opened until the first request.
   *
   * @param options The base URL, the connection count and limits.
   * @throws {OptionError} When the URL is not `http:` or `https:`, or a count or limit is not
   * a positive integer.
   * @throws {TypeError} When a header is invalid.
   */
  constructor(options: HttpPoolOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch (cause) {
      throw new OptionError(
        {
          option: "url",
          value: options.url,
          expected: "an http: or https: URL",
          problem: "is not a URL",
        },
        { cause },
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new OptionError({
        option: "url",
        value: options.url,
        expected: "http: or https:",
        problem: `has protocol "${url.protocol}"`,
      });
    }
    checkPositive("connections", options.connections);
    const timeoutMs = options.timeoutMs ?? 10_000;
    checkPositive("timeoutMs", timeoutMs);
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    checkPositive("connectTimeoutMs", connectTimeoutMs);
    const maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    checkPositive("maxResponseBytes", maxResponseBytes);
    const maxQueue = options.maxQueue ?? 65_536;
    if (!Number.isInteger(maxQueue) || maxQueue < 0) {
      throw new OptionError({
        option: "maxQueue",
        value: String(maxQueue),
        expected: "an integer >= 0",
      });
    }
    const tls = url.protocol === "https:";
    this.#connector = new HttpConnector({
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port === "" ? (tls ? 443 : 80) : Number(url.port),
      tls,
      caCerts: options.caCerts,
      connectTimeoutMs,
    });
    this.#timeoutMs = timeoutMs;
    this.#maxQueue = maxQueue;
    const basePath = url.pathname.replace(/\/+$/, "");
    for (let i = 0; i < options.connections; i++) {
      const slot = new HttpSlot(
        new RequestEncoder(url.host, { headers: options.headers, basePath }),
        new ResponseParser({
          maxBodyBytes: maxResponseBytes,
          collectHeaders: options.responseHeaders ?? false,
        }),
      );
      this.#slots.push(slot);
      this.#idle.push(slot);
    }
  }

  /** The number of requests waiting for a connection. */
  get queued(): number {
    return this.#queue.size;
  }

  /** The number of requests in flight. */
  get inFlight(): number {
    return this.#slots.length - this.#idle.length;
  }

  /** The number of connections opened so far. */
  get opened(): number {
    return this.#connector.opened;
  }

  /**
   * The number of TCP handshakes that got no answer in time and were tried again (a server
   * whose accept queue is full drops them).
   */
  get reattempts(): number {
    return this.#connector.reattempts;
  }

  /**
   * The number of requests sent again on a new connection because the reused one was found
   * closed before any byte of the answer (a server's idle close racing the write).
   */
  get resent(): number {
    return this.#resent;
  }

  /**
   * Sends one request and resolves with its response or failure; it never rejects for network
   * or protocol problems.
   *
   * @param method The method, such as `GET` or `POST`.
   * @param path The path and query, starting with `/` (after the base URL's path).
   * @param options A body and headers for this request.
   * @returns The response, or a failure with its {@linkcode HttpErrorKind}; it rejects (with a
   * `TypeError`) only for a caller bug: an invalid method, path or header.
   */
  request(method: string, path: string, options?: HttpRequestOptions): Promise<HttpResult> {
    if (this.#closed) return Promise.resolve(POOL_CLOSED);
    const slot = this.#idle.pop();
    if (slot === undefined) {
      if (this.#queue.size >= this.#maxQueue) return Promise.resolve(QUEUE_FULL);
      return new Promise((resolve, reject) => {
        this.#queue.push({ method, path, options, resolve, reject });
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = slot.encoder.encode(method, path, options?.headers, options?.body);
    } catch (error) {
      this.#idle.push(slot);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#running++;
      this.#work(slot, { method, path, options, resolve, reject }, bytes);
    });
  }

  /**
   * Closes every connection. Requests in flight and queued resolve `reset`; later ones too.
   *
   * @returns When every request in flight has resolved.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper !== undefined) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
    while (this.#queue.size > 0) this.#queue.shift().resolve(POOL_CLOSED);
    this.#connector.close();
    for (const slot of this.#slots) slot.drop();
    if (this.#running > 0) await new Promise<void>((resolve) => this.#drained = resolve);
    await Promise.all(this.#slots.map((slot) => slot.lastIdleRead));
  }

  /**
   * Closes the pool, as {@linkcode HttpPool.close}.
   *
   * @returns When every request in flight has resolved.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs `job`, then queued jobs, on `slot` until the queue is empty. */
  async #work(slot: HttpSlot, first: Job, firstBytes: Uint8Array): Promise<void> {
    this.#startSweeper();
    let job = first;
    let bytes: Uint8Array | null = firstBytes;
    for (;;) {
      if (bytes === null) {
        try {
          bytes = slot.encoder.encode(
            job.method,
            job.path,
            job.options?.headers,
            job.options?.body,
          );
        } catch (error) {
          // A caller bug in a queued request.
          job.reject(error);
        }
      }
      if (bytes !== null) {
        try {
          job.resolve(await this.#exchange(slot, job, bytes));
        } catch (error) {
          // A bug here: hand it to the caller rather than lose the slot.
          slot.drop();
          job.reject(error);
        }
        slot.deadlineMs = 0;
      }
      if (this.#queue.size === 0 || this.#closed) break;
      job = this.#queue.shift();
      bytes = null;
    }
    if (!this.#closed) {
      slot.idle = true;
      this.#idle.push(slot);
    }
    if (--this.#running === 0 && this.#drained !== undefined) this.#drained();
  }

  /**
   * Sends `bytes` on the slot's connection (opened if needed) and reads one response; sends it
   * once more on a new connection when a reused one was found closed before any byte of the
   * answer (see {@linkcode HttpPool.resent}).
   */
  async #exchange(slot: HttpSlot, job: Job, bytes: Uint8Array): Promise<HttpResult> {
    const result = await this.#attempt(slot, job, bytes, true);
    if (result !== undefined) return result;
    this.#resent++;
    return (await this.#attempt(slot, job, bytes, false))!;
  }

  /**
   * One try of {@linkcode HttpPool.#exchange}.
   *
   * @returns The result, or undefined (only when `mayResend`) when the request should be sent
   * again: the connection was reused and the write failed, or it had been idle and the server
   * closed or reset it before any byte of the answer (its idle close raced our write).
   */
  async #attempt(
    slot: HttpSlot,
    job: Job,
    bytes: Uint8Array,
    mayResend: boolean,
  ): Promise<HttpResult | undefined> {
    slot.timedOut = false;
    let idleRead = slot.takeIdleRead();
    const reused = slot.conn !== null;
    // Taken from the idle list (not straight after an answer, from the queue): a close of the
    // server found now may be its idle close racing our write.
    const wasIdle = reused && slot.idle;
    slot.idle = false;
    if (slot.conn === null) {
      idleRead = null;
      const opened = await this.#connector.open();
      if ("ok" in opened) return this.#closed ? POOL_CLOSED : opened;
      if (this.#closed) {
        opened.close();
        return POOL_CLOSED;
      }
      slot.conn = opened;
    }
    const sentMs = performance.now();
    slot.deadlineMs = sentMs + this.#timeoutMs;
    job.options?.onSend?.(sentMs);
    const conn = slot.conn;
    const parser = slot.parser;
    parser.begin(job.method === "HEAD");
    let received = false;
    try {
      let written = 0;
      try {
        while (written < bytes.length) {
          written += await conn.write(written === 0 ? bytes : bytes.subarray(written));
        }
      } catch (error) {
        slot.drop();
        if (this.#closed) return POOL_CLOSED;
        if (slot.timedOut) return this.#timeoutFailure();
        if (reused && mayResend) return undefined;
        return failure("reset", `the connection failed: ${errorText(error)}`);
      }
      for (;;) {
        const space = parser.space();
        if (space.length === 0) {
          slot.drop();
          return failure("bad_response", "the response is too large");
        }
        let n: number | null;
        if (idleRead !== null) {
          // The read kept pending while the connection was idle gets the start of the answer.
          const got = await idleRead;
          idleRead = null;
          if (got instanceof Error) throw got;
          n = got;
          if (n !== null) space.set(slot.idleBuffer.subarray(0, n));
        } else {
          n = await conn.read(space);
        }
        if (n === null) {
          const state = parser.finish();
          if (state === "done") {
            slot.drop();
            return this.#response(parser);
          }
          slot.drop();
          if (this.#closed) return POOL_CLOSED;
          if (slot.timedOut) return this.#timeoutFailure();
          if (!received && wasIdle && mayResend) return undefined;
          return failure("reset", `the server ${parser.error}`);
        }
        received = true;
        parser.commit(n);
        const state = parser.parse();
        if (state === "done") break;
        if (state === "error") {
          slot.drop();
          return failure(
            "bad_response",
            parser.tooLarge ? "the response is too large" : parser.error,
          );
        }
      }
    } catch (error) {
      slot.drop();
      if (this.#closed) return POOL_CLOSED;
      if (slot.timedOut) return this.#timeoutFailure();
      if (!received && wasIdle && mayResend) return undefined;
      return failure("reset", `the connection failed: ${errorText(error)}`);
    }
    if (!parser.keepAlive || parser.extraBytes || slot.timedOut || this.#closed) slot.drop();
    return this.#response(parser);
  }

  #response(parser: ResponseParser): HttpResponse {
    const headers = parser.headers();
    if (headers === undefined) return { ok: true, status: parser.status, body: parser.body() };
    return { ok: true, status: parser.status, body: parser.body(), headers };
  }

  #timeoutFailure(): HttpFailure {
    return failure("timeout", `no complete response within ${this.#timeoutMs} ms`);
  }

  /** Starts the timer that closes the connections of requests past their deadline. */
  #startSweeper(): void {
    if (this.#sweeper !== undefined || this.#closed) return;
    const periodMs = Math.max(5, Math.min(100, Math.floor(this.#timeoutMs / 20)));
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (const slot of this.#slots) {
        if (slot.deadlineMs !== 0 && slot.deadlineMs <= now && !slot.timedOut) {
          slot.timedOut = true;
          slot.drop();
        } else if (slot.idle && slot.conn !== null && slot.idleRead === null) {
          // Idle since the last tick at least: watch for the server closing it. Not at once,
          // as a closed loop takes its slot back within microseconds and would pay for it.
          slot.watchIdle();
        }
      }
    }, periodMs);
    Deno.unrefTimer(sweeper);
    this.#sweeper = sweeper;
  }
}

function checkPositive(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new OptionError({ option, value: String(value), expected: "a positive integer" });
  }
}
