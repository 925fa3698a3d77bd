/**
 * One connection of an `HttpPool`, with its request encoder, its response parser and the
 * deadline of the request in flight.
 *
 * @module
 */

import type { RequestEncoder } from "./request_encoder.ts";
import type { ResponseParser } from "./response_parser.ts";

/** One connection and what a request on it needs; `HttpPool`'s worker loop runs requests on it. */
export class HttpSlot {
  conn: Deno.Conn | null = null;
  /** When the current request times out (performance.now() ms), 0 when idle. */
  deadlineMs = 0;
  timedOut = false;
  /** Whether it waits in the pool's idle list (set there, cleared by the request that takes it). */
  idle = false;
  /**
   * The read kept pending while the connection is idle (it resolves to a byte count, `null` at
   * end of stream, or the error), so that a server's idle close is seen before the connection is
   * reused; null while a request owns the connection or there is none.
   */
  idleRead: Promise<number | null | Error> | null = null;
  /** The last idle read started, which close() waits for (it never rejects). */
  lastIdleRead: Promise<unknown> = Promise.resolve();
  #idleBuffer: Uint8Array | null = null;
  /**
   * Where the idle read puts what it receives (the start of the next response): made on first
   * use, so a pool's connections that are never opened cost nothing.
   */
  get idleBuffer(): Uint8Array {
    return this.#idleBuffer ??= new Uint8Array(16 * 1024);
  }
  /** Bumped when the idle read is taken or the connection dropped: an older read is stale. */
  #generation = 0;
  readonly encoder: RequestEncoder;
  readonly parser: ResponseParser;

  constructor(encoder: RequestEncoder, parser: ResponseParser) {
    this.encoder = encoder;
    this.parser = parser;
  }

  /**
   * Keeps a read pending on the idle connection; when it ends while the connection is still idle
   * (the server closed it, reset it or sent something unasked), the connection is dropped.
   */
  watchIdle(): void {
    const conn = this.conn;
    if (conn === null || this.idleRead !== null) return;
    const generation = ++this.#generation;
    // One promise: it maps a failure to its error and drops the connection if still idle.
    const ended = (result: number | null | Error): number | null | Error => {
      if (this.#generation === generation) {
        this.idleRead = null;
        this.conn = null;
        this.#closeConn(conn);
      }
      return result;
    };
    const read = conn.read(this.idleBuffer).then(
      ended,
      (error) => ended(error instanceof Error ? error : new Error(String(error))),
    );
    this.idleRead = read;
    this.lastIdleRead = read;
  }

  /**
   * Takes the pending idle read for the request that now owns the connection.
   *
   * @returns The idle read, or null when the connection was not idle.
   */
  takeIdleRead(): Promise<number | null | Error> | null {
    const read = this.idleRead;
    this.idleRead = null;
    this.#generation++;
    return read;
  }

  drop(): void {
    const conn = this.conn;
    this.conn = null;
    this.idleRead = null;
    this.#generation++;
    if (conn !== null) this.#closeConn(conn);
  }

  #closeConn(conn: Deno.Conn): void {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}
