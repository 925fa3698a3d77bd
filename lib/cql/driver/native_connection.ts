/**
 * One connection of our own to a CQL node, over the native protocol (v5 with its framing, v4, or
 * v3 when asked): STARTUP, SASL PLAIN authentication, TLS, `USE`, then pipelined PREPARE,
 * EXECUTE, QUERY and BATCH requests. Requests written in the same turn go out in one write, from
 * buffers allocated once; answers are matched by stream id and decoded only as far as needed (a
 * write's Void result costs one comparison). A request that times out fails alone (but over 64
 * timed out and unanswered close the connection); a connection that fails fails everything in
 * flight with an error saying so. LZ4 frame compression if asked.
 *
 * @module
 */

import { BodyReader } from "../native/body_reader.ts";
import { decodeError } from "../native/decode_error.ts";
import { type NativeResult, skipResponsePrefix, VOID_RESULT } from "../native/decode_result.ts";
import { type BoundValues, settleValues } from "../native/frame_buffer.ts";
import {
  NativeConnectionError,
  NativeProtocolError,
  NativeResponseError,
  NativeTimeoutError,
} from "../native/native_errors.ts";
import type { PreparedStatement } from "../native/prepared_statement.ts";
import { type BatchType, CONSISTENCY, ERROR_CODE, OPCODE } from "../../protocol/protocol_codes.ts";
import { type QueuedRequest, RequestTable, SLOT } from "../native/request_table.ts";
import { ResponseSplitter } from "../native/response_splitter.ts";
import { decodeAnswer, startupAnswerOf } from "./_native_answers.ts";
import { negotiate, openOptionsError, runHandshake } from "./_native_handshake.ts";
import { Repreparer } from "./_native_reprepare.ts";
import { encodeRequest, REQUEST_KIND, unpreparedOf } from "./_native_requests.ts";
import { openSocket } from "./_native_transport.ts";
import { FrameWriter } from "./_native_writer.ts";
import { TimeoutTicker } from "./_timeout_ticker.ts";

import type {
  BatchEntry,
  NativeConnectionOptions,
  RequestOptions,
} from "../native/native_connection_options.ts";

export type { NativeResult } from "../native/decode_result.ts";
export type {
  BatchEntry,
  NativeConnectionOptions,
  RequestOptions,
} from "../native/native_connection_options.ts";
export type { BoundValue, BoundValues } from "../native/frame_buffer.ts";
export type { PreparedStatement } from "../native/prepared_statement.ts";

const READ_BYTES = 65536;
const DEFUNCT_TIMEOUTS = 64; // cassandra-driver's defunctReadTimeoutThreshold: a node gone quiet
const ONE: RequestOptions = { consistency: CONSISTENCY.ONE };

/**
 * A pipelined native protocol connection.
 *
 * @example Usage
 * ```ts ignore
 * import { NativeConnection } from "./native_connection.ts";
 * import { CONSISTENCY } from "../../protocol/protocol_codes.ts";
 * const connection = await NativeConnection.open({ host: "127.0.0.1", port: 9042 });
 * const insert = await connection.prepare("INSERT INTO ks.t (k, v) VALUES (?, ?)");
 * const key = new Uint8Array([0, 0, 0, 1]);
 * await connection.execute(insert, [key, null], { consistency: CONSISTENCY.LOCAL_ONE });
 * await connection.close();
 * ```
 */
export class NativeConnection {
  /** `host:port` of the node. */
  readonly host: string;
  /** The protocol version in use. */
  readonly protocolVersion: number;
  /** Resolves when the connection is closed (by either side, or by a failure). */
  readonly closed: Promise<void>;
  readonly #conn: Deno.Conn;
  readonly #table: RequestTable;
  readonly #splitter: ResponseSplitter;
  readonly #reader = new BodyReader();
  readonly #requestTimeoutMs: number;
  readonly #repreparer = new Repreparer((cql) => this.prepare(cql));
  readonly #writer: FrameWriter;
  #error: Error | null = null;
  readonly #ticker = new TimeoutTicker(() => this.#tick());
  #reading: Promise<void>;
  #markClosed!: () => void;

  private constructor(conn: Deno.Conn, options: NativeConnectionOptions, version: number) {
    this.#conn = conn;
    const compression = options.compression ?? "none";
    this.#writer = new FrameWriter(conn, this.#onIoError, compression);
    this.host = `${options.host}:${options.port}`;
    this.protocolVersion = version;
    this.#table = new RequestTable(options.maxInFlight ?? 2048);
    this.#splitter = new ResponseSplitter({ maxBodyBytes: options.maxResponseBytes, compression });
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 12000;
    this.closed = new Promise((resolve) => this.#markClosed = resolve);
    this.#reading = this.#readLoop();
  }

  /**
   * Opens a connection: socket (TLS if asked), STARTUP at the highest version the node takes,
   * authentication, `USE keyspace`.
   *
   * @param options Where and how.
   * @returns The open connection.
   * @throws {NativeConnectionError} When the node cannot be reached in time, refuses every
   *   version tried, asks for credentials that were not given, or does not support the lz4
   *   compression asked for.
   * @throws {NativeResponseError} When the node refuses the credentials or the keyspace.
   */
  static open(options: NativeConnectionOptions): Promise<NativeConnection> {
    const invalid = openOptionsError(options);
    if (invalid !== null) return Promise.reject(invalid);
    return negotiate(options, async (version, deadlineMs) => {
      const remainingMs = Math.max(1, deadlineMs - Date.now());
      const socket = await openSocket({
        host: options.host,
        port: options.port,
        tls: options.tls ?? null,
        connectTimeoutMs: remainingMs,
      });
      const connection = new NativeConnection(socket, options, version);
      return connection.#handshake({
        credentials: options.credentials ?? null,
        keyspace: options.keyspace ?? null,
        deadlineMs,
        compression: options.compression ?? "none",
      });
    });
  }

  /** Whether it is closed. */
  get isClosed(): boolean {
    return this.#error !== null;
  }

  /** Why it closed, or null while open. */
  get closeReason(): Error | null {
    return this.#error;
  }

  /** Stream ids in use (requests in flight, timed-out requests not yet answered). */
  get inFlight(): number {
    return this.#table.inFlight;
  }

  /**
   * Prepares a statement on this connection.
   *
   * @param cql The statement.
   * @param options The timeout.
   * @returns Its handle.
   */
  prepare(cql: string, options: { readonly timeoutMs?: number } = {}): Promise<PreparedStatement> {
    return this.#submit(REQUEST_KIND.prepare, cql, null, options) as Promise<PreparedStatement>;
  }

  /**
   * Executes a prepared statement. When the node answers Unprepared, the statement is prepared
   * again on this connection and the request sent once more, transparently. The values are
   * copied when the request is written (at once, or when a stream id frees up): keep them
   * unchanged until the promise settles.
   *
   * @param prepared The statement, prepared on this connection.
   * @param values Its bound values, serialized (one by one, or already encoded).
   * @param options Consistency, timestamp, paging, timeout.
   * @returns The result.
   */
  execute(
    prepared: PreparedStatement,
    values: BoundValues,
    options: RequestOptions,
  ): Promise<NativeResult> {
    return this.#submit(REQUEST_KIND.execute, prepared, values, options) as Promise<NativeResult>;
  }

  /**
   * Runs a statement text (QUERY).
   *
   * @param cql The statement.
   * @param values Its bound values, serialized (one by one, or already encoded).
   * @param options Consistency, timestamp, paging, timeout.
   * @returns The result.
   */
  query(
    cql: string,
    values: BoundValues,
    options: RequestOptions,
  ): Promise<NativeResult> {
    return this.#submit(REQUEST_KIND.query, cql, values, options) as Promise<NativeResult>;
  }

  /**
   * Runs a BATCH (its prepared statements re-prepared on Unprepared, as for execute).
   *
   * @param type Logged (0), unlogged (1) or counter (2).
   * @param entries The statements and their values.
   * @param options Consistency, serial consistency, timestamp, timeout (no paging).
   * @returns The result.
   */
  batch(
    type: BatchType,
    entries: readonly BatchEntry[],
    options: RequestOptions,
  ): Promise<NativeResult> {
    return this.#submit(REQUEST_KIND.batch, type, entries, options) as Promise<NativeResult>;
  }

  /**
   * Asks which STARTUP options the node supports (OPTIONS).
   *
   * @returns The SUPPORTED multimap (e.g. `PROTOCOL_VERSIONS`, `COMPRESSION`).
   */
  supported(): Promise<Record<string, string[]>> {
    return this.#submit(REQUEST_KIND.options, null, null, {}) as Promise<Record<string, string[]>>;
  }

  /** Closes the connection; requests in flight fail. */
  async close(): Promise<void> {
    this.#fail(new NativeConnectionError(`Connection to ${this.host} was closed by the client`));
    await this.#reading;
    await this.#writer.idle;
  }

  /** Runs STARTUP and what follows; returns the open connection or closes it and throws. */
  async #handshake(options: Parameters<typeof runHandshake>[1]): Promise<NativeConnection> {
    const channel = {
      host: this.host,
      version: this.protocolVersion,
      request: (kind: number, subject: unknown, timeoutMs: number) =>
        this.#submit(kind, subject, null, { timeoutMs }),
      query: (cql: string, timeoutMs: number) => this.query(cql, [], { ...ONE, timeoutMs }),
    };
    try {
      await runHandshake(channel, options);
    } catch (error) {
      this.#fail(error as Error);
      await this.#reading;
      await this.#writer.idle;
      throw error;
    }
    return this;
  }

  #submit(kind: number, subject: unknown, values: unknown, options: unknown): Promise<unknown> {
    if (this.#error !== null) {
      settleValues(values);
      return Promise.reject(this.#error);
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = (options as RequestOptions).timeoutMs ?? this.#requestTimeoutMs;
      if (timeoutMs > 0) this.#ticker.want(timeoutMs);
      const deadlineMs = timeoutMs > 0 ? this.#ticker.nowMs + timeoutMs : Infinity;
      const t = this.#table;
      const stream = t.take();
      if (stream < 0) {
        t.queue.push({ kind, subject, values, options, resolve, reject, deadlineMs, timeoutMs });
        return;
      }
      t.state[stream] = SLOT.waiting;
      t.kind[stream] = kind;
      t.retried[stream] = 0;
      t.deadlineMs[stream] = deadlineMs;
      t.timeoutMs[stream] = timeoutMs;
      t.subject[stream] = subject;
      t.values[stream] = values;
      t.options[stream] = options;
      t.resolve[stream] = resolve;
      t.reject[stream] = reject;
      this.#send(stream);
    });
  }

  /** Encodes the request of a slot and schedules the write. */
  #send(stream: number): void {
    try {
      encodeRequest(this.#writer.out, this.protocolVersion, stream, this.#table);
    } catch (error) {
      this.#settle(stream, error as Error, null);
      return;
    }
    this.#writer.schedule();
  }

  /** Frees a slot, starts a queued request on it, then settles its promise. */
  #settle(stream: number, error: Error | null, value: unknown): void {
    const t = this.#table;
    const resolve = t.resolve[stream];
    const reject = t.reject[stream];
    const values = t.values[stream];
    t.release(stream);
    settleValues(values);
    this.#startQueued();
    if (error !== null) reject?.(error);
    else resolve?.(value);
  }

  #startQueued(): void {
    const t = this.#table;
    while (t.queue.length > 0 && this.#error === null) {
      const stream = t.take();
      if (stream < 0) return;
      t.begin(stream, t.queue.shift()!);
      this.#send(stream);
    }
  }

  #onIoError = (error: unknown): void => {
    this.#fail(
      new NativeConnectionError(`Connection to ${this.host} failed: ${(error as Error).message}`, {
        cause: error,
      }),
    );
  };

  async #readLoop(): Promise<void> {
    const splitter = this.#splitter;
    try {
      for (;;) {
        const n = await this.#conn.read(splitter.reserve(READ_BYTES));
        if (n === null) {
          const pending = this.#table.inFlight;
          this.#fail(
            new NativeConnectionError(
              `Connection to ${this.host} was closed by the server with ${pending} request(s) in flight`,
            ),
          );
          return;
        }
        splitter.commit(n);
        this.#dispatch();
      }
    } catch (error) {
      if (this.#error !== null) return;
      if (error instanceof NativeProtocolError) {
        this.#fail(
          new NativeConnectionError(`Connection to ${this.host} closed: ${error.message}`, {
            cause: error,
          }),
        );
      } else this.#onIoError(error);
    }
  }

  /** Handles every complete response received. */
  #dispatch(): void {
    const s = this.#splitter;
    const t = this.#table;
    while (this.#error === null && s.next()) {
      const stream = s.stream;
      if (stream < 0) continue; // EVENT
      if (stream >= t.size || t.state[stream] === SLOT.free) {
        throw new NativeProtocolError(
          `Cannot read a response: stream ${stream} has no request in flight`,
        );
      }
      const state = t.state[stream];
      if (state === SLOT.timedOut) {
        t.releaseLate(stream);
        this.#startQueued();
        continue;
      }
      if (state !== SLOT.waiting) {
        throw new NativeProtocolError(
          `Cannot read a response: stream ${stream} is not waiting for one`,
        );
      }
      // STARTUP and OPTIONS may be answered (refused) in another version.
      const kind = t.kind[stream];
      const anyVersion = kind === REQUEST_KIND.startup || kind === REQUEST_KIND.options;
      if (s.version !== this.protocolVersion && !anyVersion) {
        throw new NativeProtocolError(
          `Cannot read a response: protocol v${s.version} on a v${this.protocolVersion} connection`,
        );
      }
      if (
        s.opcode === OPCODE.result && s.flags === 0 && t.kind[stream] <= REQUEST_KIND.batch &&
        s.bodyEnd - s.bodyStart >= 4 && s.view.getInt32(s.bodyStart) === 1
      ) {
        this.#settle(stream, null, VOID_RESULT);
        continue;
      }
      this.#answer(stream);
    }
  }

  /** Decodes a response other than a plain Void and settles its request. */
  #answer(stream: number): void {
    const s = this.#splitter;
    const t = this.#table;
    const reader = this.#reader;
    reader.reset(s.bytes, s.view, s.bodyStart, s.bodyEnd);
    let value: unknown = null;
    let error: Error | null = null;
    try {
      if (t.kind[stream] === REQUEST_KIND.startup) {
        value = this.#startupAnswer(reader);
      } else {
        skipResponsePrefix(reader, s.flags);
        if (s.opcode === OPCODE.error) error = decodeError(reader, s.version);
        else value = decodeAnswer(s, reader, t, stream);
      }
    } catch (failure) {
      if (!(failure instanceof Error)) throw failure;
      error = failure;
    }
    if (
      error instanceof NativeResponseError && error.code === ERROR_CODE.unprepared &&
      t.retried[stream] === 0 &&
      (t.kind[stream] === REQUEST_KIND.execute || t.kind[stream] === REQUEST_KIND.batch)
    ) {
      this.#reprepareAndRetry(stream, error);
      return;
    }
    this.#settle(stream, error, value);
  }

  /** The answer to STARTUP; then v5 segments both ways (v5), and compression when asked. */
  #startupAnswer(reader: BodyReader): unknown {
    const s = this.#splitter;
    const answer = startupAnswerOf(s, reader);
    const opens = s.opcode === OPCODE.ready || s.opcode === OPCODE.authenticate;
    if (s.version === this.protocolVersion && opens) {
      this.#writer.startFraming(s, this.protocolVersion);
    }
    return answer;
  }

  /**
   * Prepares the statement(s) the node forgot, then sends the request again. Its stream id goes
   * back at once, since the PREPARE may need it (every id may be held by such a request).
   */
  #reprepareAndRetry(stream: number, error: NativeResponseError): void {
    const t = this.#table;
    const targets = t.kind[stream] === REQUEST_KIND.execute
      ? [t.subject[stream] as PreparedStatement]
      : unpreparedOf(t.values[stream] as readonly BatchEntry[], error.queryId);
    this.#repreparer.hold(t.detach(stream), targets, this.#resume);
    this.#startQueued();
  }

  /** Sends a re-prepared request again, first of the queue when no stream id is free. */
  #resume = (request: QueuedRequest, failure: Error | null): void => {
    const error = this.#error ?? failure;
    if (error !== null) {
      settleValues(request.values);
      request.reject(error);
      return;
    }
    const t = this.#table;
    const stream = t.take();
    if (stream < 0) {
      t.queue.unshift(request);
      return;
    }
    t.begin(stream, request);
    this.#send(stream);
  };

  #tick(): void {
    const t = this.#table;
    t.expire(this.#ticker.nowMs, this.#onTimeout, this.#onQueuedTimeout);
    if (t.timedOut > DEFUNCT_TIMEOUTS) {
      const reason = `${t.timedOut} requests timed out and got no answer`;
      this.#fail(new NativeConnectionError(`Connection to ${this.host} closed: ${reason}`));
      return;
    }
    this.#repreparer.expire(this.#ticker.nowMs, this.#onQueuedTimeout);
    if (t.inFlight === 0 && t.queue.length === 0 && this.#repreparer.held === 0) {
      this.#ticker.stop();
    }
  }

  #onQueuedTimeout = (request: QueuedRequest): void => {
    settleValues(request.values);
    request.reject(new NativeTimeoutError(this.host, request.timeoutMs));
  };

  #onTimeout = (stream: number): void => {
    const t = this.#table;
    // A timed-out request is never sent again (a late Unprepared only frees its stream).
    settleValues(t.values[stream]);
    t.reject[stream]?.(new NativeTimeoutError(this.host, t.timeoutMs[stream]));
  };

  /** Closes the socket and fails every request in flight or queued with `error`. */
  #fail(error: Error): void {
    if (this.#error !== null) return;
    this.#error = error;
    this.#writer.stop();
    this.#ticker.stop();
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    this.#table.failAll(error);
    this.#markClosed();
  }
}
