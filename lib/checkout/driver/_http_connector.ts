/**
 * How an `HttpPool` opens its connections: one TCP handshake at a time, a handshake that gets no
 * answer given up and tried again sooner than the kernel would, and a time limit on the whole.
 *
 * Why one at a time: when a server's listen backlog is small (Python's `http.server` listens
 * with 5), Linux answers the SYNs of a burst of connects while the accept queue has room, then
 * drops the handshakes' last ACKs once it is full. The client's connect has succeeded, so it
 * sends its request, which the server's kernel drops too; TCP resends it with a doubling delay
 * (0.2 s, 0.4 s, ... two minutes), so the request hangs for minutes and is finally reset, though
 * the server never saw a byte of it. With one handshake in flight, a full queue drops the SYN
 * instead: the connect has not completed, nothing was sent, and trying again is safe.
 *
 * Why sooner than the kernel: a dropped SYN is resent after 1 s, then 3 s, 7 s; while one
 * connect waits for it the others queue behind it. A handshake is given up after a few times the
 * usual connect time (measured as TCP measures round trips), then after twice that, and so on up
 * to 1 s.
 *
 * @module
 */

import type { HttpFailure } from "./http_result.ts";

/** Where and how to connect. */
export interface HttpConnectorOptions {
  /** The host name or address. */
  hostname: string;
  /** The port. */
  port: number;
  /** Whether to do a TLS handshake after the TCP one. */
  tls: boolean;
  /** Extra trusted PEM CA certificates for TLS. */
  caCerts: string[] | undefined;
  /** The time limit to get a connection, waiting for its turn included, in ms. */
  connectTimeoutMs: number;
}

/** The longest a handshake attempt waits before it is tried again: the kernel's own SYN timeout. */
const MAX_ATTEMPT_MS = 1000;
/** The shortest: below it timers and a busy event loop would give up handshakes that succeed. */
const MIN_ATTEMPT_MS = 5;

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Opens the connections of one origin, one TCP handshake at a time. */
export class HttpConnector {
  readonly #options: HttpConnectorOptions;
  /** Resolves when the handshake before the next one is over. */
  #turn: Promise<void> = Promise.resolve();
  /** One controller per connect in progress, aborted at its deadline or by close(). */
  readonly #pending = new Set<AbortController>();
  #closed = false;
  /** The smoothed connect time and its mean deviation (ms), as TCP's SRTT and RTTVAR; 0: none. */
  #srttMs = 0;
  #rttvarMs = 0;
  /** Connections opened. */
  opened = 0;
  /** Handshakes given up without an answer and tried again. */
  reattempts = 0;

  constructor(options: HttpConnectorOptions) {
    this.#options = options;
  }

  /** Stops every connect in progress (they resolve a failure) and every later one. */
  close(): void {
    this.#closed = true;
    for (const stop of this.#pending) stop.abort();
  }

  /**
   * Opens a connection within `connectTimeoutMs`.
   *
   * @returns The connection, or a `connect` failure (refused, unreachable, TLS refused) or a
   * `connect_timeout` one; either way nothing was sent.
   */
  async open(): Promise<Deno.Conn | HttpFailure> {
    const { hostname, port, connectTimeoutMs } = this.#options;
    // No AbortSignal.any: it keeps every signal made from a long-lived one alive.
    const stop = new AbortController();
    this.#pending.add(stop);
    if (this.#closed) stop.abort();
    const timer = setTimeout(() => stop.abort(), connectTimeoutMs);
    try {
      const passTurn = await this.#waitForTurn(stop.signal);
      if (passTurn === null) return this.#giveUp();
      let conn: Deno.TcpConn | null;
      try {
        conn = await this.#handshake(stop.signal);
      } finally {
        passTurn();
      }
      if (conn === null) return this.#giveUp();
      if (!this.#options.tls) {
        conn.setNoDelay(true);
        this.opened++;
        return conn;
      }
      return await this.#tlsHandshake(conn, stop.signal);
    } catch (error) {
      if (stop.signal.aborted) return this.#giveUp();
      return {
        ok: false,
        error: "connect",
        message: `cannot connect to ${hostname}:${port}: ${errorText(error)}`,
      };
    } finally {
      clearTimeout(timer);
      this.#pending.delete(stop);
    }
  }

  /**
   * Waits until the handshakes before this one are over; resolves the function that hands the
   * turn on, or null when `stop` aborts first (the turn is then handed on as soon as it comes).
   */
  #waitForTurn(stop: AbortSignal): Promise<(() => void) | null> {
    const before = this.#turn;
    let release!: () => void;
    this.#turn = new Promise((resolve) => release = resolve);
    if (stop.aborted) {
      before.then(release);
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const onStop = () => {
        before.then(release);
        resolve(null);
      };
      stop.addEventListener("abort", onStop, { once: true });
      before.then(() => {
        if (stop.aborted) return;
        stop.removeEventListener("abort", onStop);
        resolve(release);
      });
    });
  }

  /** TCP connect attempts until one succeeds or `stop` aborts (null); throws a refusal. */
  async #handshake(stop: AbortSignal): Promise<Deno.TcpConn | null> {
    const { hostname, port } = this.#options;
    let limitMs = this.#firstAttemptMs();
    for (;;) {
      if (stop.aborted) return null;
      const attempt = new AbortController();
      const abort = () => attempt.abort();
      const timer = setTimeout(abort, limitMs);
      stop.addEventListener("abort", abort);
      const startMs = performance.now();
      try {
        const conn = await Deno.connect({
          hostname,
          port,
          transport: "tcp",
          signal: attempt.signal,
        });
        this.#sample(performance.now() - startMs);
        return conn;
      } catch (error) {
        if (!attempt.signal.aborted) throw error;
      } finally {
        clearTimeout(timer);
        stop.removeEventListener("abort", abort);
      }
      if (stop.aborted) return null;
      this.reattempts++;
      limitMs = Math.min(MAX_ATTEMPT_MS, limitMs * 2);
    }
  }

  async #tlsHandshake(tcp: Deno.TcpConn, stop: AbortSignal): Promise<Deno.Conn | HttpFailure> {
    const { hostname, port, caCerts } = this.#options;
    let conn: Deno.TlsConn | null = null;
    const onStop = () => {
      try {
        (conn ?? tcp).close();
      } catch {
        // Already closed.
      }
    };
    stop.addEventListener("abort", onStop);
    try {
      conn = await Deno.startTls(tcp, { hostname, caCerts });
      await conn.handshake();
      this.opened++;
      return conn;
    } catch (error) {
      onStop();
      if (stop.aborted) return this.#giveUp();
      return {
        ok: false,
        error: "connect",
        message: `cannot connect to ${hostname}:${port}: ${errorText(error)}`,
      };
    } finally {
      stop.removeEventListener("abort", onStop);
    }
  }

  /** The failure of a connect stopped by close() or by its deadline. */
  #giveUp(): HttpFailure {
    const { hostname, port, connectTimeoutMs } = this.#options;
    if (this.#closed) {
      return { ok: false, error: "reset", message: "the pool was closed" };
    }
    return {
      ok: false,
      error: "connect_timeout",
      message: `no connection to ${hostname}:${port} within ${connectTimeoutMs} ms`,
    };
  }

  /** How long the first handshake attempt of a connect may take: TCP's RTO formula, bounded. */
  #firstAttemptMs(): number {
    if (this.#srttMs === 0) return MAX_ATTEMPT_MS;
    const rto = this.#srttMs + 4 * this.#rttvarMs;
    return Math.min(MAX_ATTEMPT_MS, Math.max(MIN_ATTEMPT_MS, Math.ceil(rto)));
  }

  /** Adds the time of a successful handshake to the smoothed estimate (RFC 6298). */
  #sample(ms: number): void {
    if (this.#srttMs === 0) {
      this.#srttMs = Math.max(ms, 0.001);
      this.#rttvarMs = ms / 2;
      return;
    }
    this.#rttvarMs = 0.75 * this.#rttvarMs + 0.25 * Math.abs(this.#srttMs - ms);
    this.#srttMs = 0.875 * this.#srttMs + 0.125 * ms;
  }
}
