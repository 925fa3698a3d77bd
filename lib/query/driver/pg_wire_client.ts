/**
 * A lean PostgreSQL client (wire protocol 3.0 over `Deno.connect`, `TCP_NODELAY`) for the hot
 * path of `stress query run`: one statement, text parameters in, text values out, one write
 * and one read loop per query, one growable receive buffer.
 *
 * What it does: trust, cleartext password, MD5 and SCRAM-SHA-256 authentication (the server's
 * signature is verified); startup parameters (`application_name`, `TimeZone=UTC`, optional
 * `statement_timeout`); a named prepared statement (Bind + Execute + Sync per query) or the
 * unnamed one (Parse + Bind + Execute + Sync per query); the simple query protocol for set-up.
 * A server error is thrown as an `Error` whose `code` is the SQLSTATE and whose message is the
 * server's, and the connection stays usable; a lost connection is thrown with `code`
 * `CONNECTION_CLOSED` (or the server's FATAL error, such as `57P01`), a refused one with
 * `ECONNREFUSED`.
 *
 * What it does not do: **TLS** (a URL with `sslmode=require|verify-ca|verify-full` or
 * `ssl=true`), Unix sockets, several hosts, GSSAPI/SSPI and SCRAM-SHA-256-PLUS, COPY, binary
 * formats, pipelining several queries. {@linkcode PgWireClient.supportsUrl} says whether a URL
 * is for this client; the query Worker falls back to postgres.js (`npm:postgres`) otherwise.
 *
 * @module
 */

import { TargetError } from "../../errors.ts";
import { PgBackendReader } from "./_pg_backend_reader.ts";
import { PgBindEncoder } from "./_pg_bind_encoder.ts";
import { closedError, codedError } from "./_pg_coded_error.ts";
import { CANCEL_REQUEST_CODE, concat, frontendMessage, int32, TERMINATE } from "./_pg_frontend.ts";
import { pgStartup } from "./_pg_startup.ts";
import { splitPgUrl } from "../../units/split_pg_url.ts";

/** One result row: each column's text value, or `null` for SQL NULL. */
export type PgRow = (string | null)[];

/** Options of {@linkcode PgWireClient.connect}. */
export interface PgWireClientOptions {
  /**
   * The `application_name` startup parameter.
   *
   * @default {"stress"}
   */
  applicationName?: string;
  /**
   * The server's `statement_timeout` for this connection in ms; 0 keeps the server's setting.
   *
   * @default {0}
   */
  statementTimeoutMs?: number;
  /**
   * How long connecting (TCP and startup) may take, in ms.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number;
  /** Gives up connecting when aborted (a stop): the connect rejects, as a timeout does. */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

/** The error of a connect that timed out (`CONNECT_TIMEOUT`) or was stopped (`CONNECT_ABORTED`). */
function connectGivenUp(
  target: { hostname: string; port: number },
  timedOut: string,
  options: PgWireClientOptions,
  cause: unknown,
): Error {
  const stopped = options.signal?.aborted === true;
  return codedError(
    `Cannot connect to "${target.hostname}:${target.port}": ${stopped ? "stopped" : timedOut}`,
    stopped ? "CONNECT_ABORTED" : "CONNECT_TIMEOUT",
    { cause },
  );
}

/**
 * One connection to PostgreSQL, running one query at a time.
 *
 * Typical use, against a server:
 * `const client = await PgWireClient.connect(url); await client.prepare("s1", "SELECT $1::int + 1");`
 * then `await client.query(["41"])` (`[["42"]]`) per row, and `await client.close()`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PgWireClient } from "./pg_wire_client.ts";
 *
 * // TLS URLs are for postgres.js; plain TCP ones for this client.
 * assert.equal(PgWireClient.supportsUrl("postgres://u:p@127.0.0.1:5432/db"), true);
 * assert.equal(PgWireClient.supportsUrl("postgres://u@h/db?ssl=true"), false);
 * ```
 */
export class PgWireClient {
  #conn: Deno.TcpConn;
  #reader: PgBackendReader;
  #bindEncoder = new PgBindEncoder();
  #closed = false;
  #busy = false;
  #parameters = new Map<string, string>();
  /** The statement's name as bytes with its NUL, and, for the unnamed one, its Parse message. */
  #statementName: Uint8Array = new Uint8Array(1);
  #parse: Uint8Array | null = null;
  #columns: string[] = [];
  /** Where a CancelRequest goes: the server's address, and the session's BackendKeyData. */
  #cancelTarget: { hostname: string; port: number } | null = null;
  #backendKey: { processId: number; secretKey: Uint8Array } | null = null;

  /**
   * Wraps a fresh TCP connection; use {@linkcode PgWireClient.connect}, which also runs the
   * startup and authentication.
   *
   * @param conn The connection, not yet used.
   */
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    this.#reader = new PgBackendReader(conn);
  }

  /**
   * Whether this client can connect with `url`: plain TCP to one host, no TLS.
   *
   * @param url A `postgres://` URL.
   * @returns False when it asks for TLS, a Unix socket or several hosts.
   * @throws {OptionError} When it is not a `postgres://` URL.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { PgWireClient } from "./pg_wire_client.ts";
   *
   * assert.equal(PgWireClient.supportsUrl("postgres://u@127.0.0.1/db"), true);
   * assert.equal(PgWireClient.supportsUrl("postgres://u@h/db?sslmode=verify-full"), false);
   * ```
   */
  static supportsUrl(url: string): boolean {
    return !splitPgUrl(url).needsFullDriver;
  }

  /**
   * Connects, authenticates and waits until the server is ready for queries.
   *
   * @param url A `postgres://user:password@host:port/database` URL (percent-encoded parts).
   * @param options The application name, statement timeout and connect timeout.
   * @returns The ready client.
   * @throws {TargetError} When the URL needs TLS (or more) or the server asks for an
   * authentication method this client does not have.
   * @throws {Error} With `code`: the socket's (`ECONNREFUSED`), `CONNECT_TIMEOUT`,
   * `CONNECT_ABORTED` (`options.signal`), or the server's SQLSTATE (`28P01` for a wrong password).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { PgWireClient } from "./pg_wire_client.ts";
   *
   * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const port = listener.addr.port;
   * listener.close();
   * await assert.rejects(
   *   PgWireClient.connect(`postgres://u@127.0.0.1:${port}/db`),
   *   { code: "ECONNREFUSED" },
   * );
   * ```
   */
  static async connect(url: string, options: PgWireClientOptions = {}): Promise<PgWireClient> {
    const target = splitPgUrl(url);
    if (target.needsFullDriver) {
      throw new TargetError(
        `Cannot connect with the wire client to "${target.hostname}": the URL asks for TLS, a ` +
          `socket or several hosts, expected plain TCP to one host`,
      );
    }
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined
      ? timeout
      : AbortSignal.any([timeout, options.signal]);
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: target.hostname, port: target.port, signal });
    } catch (error) {
      if (signal.aborted) {
        throw connectGivenUp(target, `no answer in ${timeoutMs} ms`, options, error);
      }
      throw error;
    }
    conn.setNoDelay(true);
    const client = new PgWireClient(conn);
    const shut = () => client.#shut();
    signal.addEventListener("abort", shut, { once: true });
    try {
      await pgStartup(client.#reader, {
        target,
        applicationName: options.applicationName,
        statementTimeoutMs: options.statementTimeoutMs,
        write: (bytes) => client.#writeAll(bytes),
        onParameter: (name, value) => client.#parameters.set(name, value),
        onBackendKey: (key) => client.#backendKey = key,
      });
      client.#cancelTarget = { hostname: target.hostname, port: target.port };
    } catch (error) {
      client.#shut();
      if (signal.aborted) {
        throw connectGivenUp(target, `no startup in ${timeoutMs} ms`, options, error);
      }
      throw error;
    } finally {
      signal.removeEventListener("abort", shut);
    }
    return client;
  }

  /** Whether the connection is closed (by {@linkcode PgWireClient.close} or lost). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The columns of the prepared statement's result (from its RowDescription).
   *
   * @returns The column names, in order.
   */
  get columns(): readonly string[] {
    return this.#columns;
  }

  /**
   * A parameter the server reported (ParameterStatus), such as `TimeZone` or `server_version`.
   *
   * @param name The parameter's name.
   * @returns Its last reported value, or undefined.
   */
  parameter(name: string): string | undefined {
    return this.#parameters.get(name);
  }

  /**
   * Prepares the statement that {@linkcode PgWireClient.query} runs (Parse + Describe + Sync,
   * one round trip). With a name, the server keeps the parsed statement and each query sends
   * Bind + Execute + Sync; with `""`, each query parses it again in the same write (the unnamed
   * statement, like postgres.js's `prepare: false`). When it fails, the statement prepared
   * before stays the one that `query` runs.
   *
   * @param name The statement's name, or `""` for the unnamed statement.
   * @param sql One statement with `$1..$n` placeholders.
   * @throws {Error} With `code`: the server's SQLSTATE (`42601` for a syntax error), or
   * `CONNECTION_CLOSED`.
   */
  async prepare(name: string, sql: string): Promise<void> {
    const parse = frontendMessage("P", concat(name, sql, new Uint8Array(2)));
    const describe = frontendMessage("D", concat(new Uint8Array([0x53]), name));
    const columns = this.#columns;
    this.#columns = [];
    try {
      await this.#exchange(concat(parse, describe, frontendMessage("S", new Uint8Array(0))), null);
    } catch (error) {
      this.#columns = columns;
      throw error;
    }
    // Only once it is prepared: a failed prepare keeps the previous statement.
    this.#statementName = encoder.encode(`${name}\0`);
    this.#parse = name === "" ? parse : null;
  }

  /**
   * Runs the prepared statement with text parameters and returns its rows as text, in one
   * write and one read until ReadyForQuery.
   *
   * @param params One value per placeholder (`null` for SQL NULL), in text form.
   * @returns The rows, each an array of text values (`null` for NULL).
   * @throws {Error} With `code`: the server's SQLSTATE (`57014` when `statement_timeout`
   * cancels it; the connection stays usable), or `CONNECTION_CLOSED` (or the server's FATAL
   * SQLSTATE, such as `57P01`) when the connection is lost.
   */
  query(params: readonly (string | null)[]): Promise<PgRow[]> {
    const rows: PgRow[] = [];
    const bytes = this.#bindEncoder.encode(this.#parse, this.#statementName, params);
    return this.#exchange(bytes, rows).then(() => rows);
  }

  /**
   * Runs SQL with the simple query protocol (no parameters, several statements allowed).
   *
   * @param sql The SQL.
   * @returns The rows of every statement, in order, as text.
   * @throws {Error} With `code`: the server's SQLSTATE, or `CONNECTION_CLOSED`.
   */
  async simpleQuery(sql: string): Promise<PgRow[]> {
    const rows: PgRow[] = [];
    await this.#exchange(frontendMessage("Q", concat(sql)), rows);
    return rows;
  }

  /**
   * Asks the server to cancel this session's running query, as psql's Ctrl-C does: a
   * CancelRequest on a new connection. Closing the connection alone leaves the query running
   * on the server (holding its locks) until it next writes to the socket. Best effort: the
   * server may not answer, and a query that already ended is not affected. It may be sent
   * after {@linkcode PgWireClient.close}: the session ends once its query does.
   *
   * @param timeoutMs How long connecting and sending may take.
   * @returns Whether the request was sent.
   */
  async cancel(timeoutMs = 1000): Promise<boolean> {
    const key = this.#backendKey;
    const target = this.#cancelTarget;
    if (key === null || target === null) return false;
    const message = concat(
      int32(12 + key.secretKey.length),
      int32(CANCEL_REQUEST_CODE),
      int32(key.processId),
      key.secretKey,
    );
    let conn: Deno.TcpConn | null = null;
    try {
      conn = await Deno.connect({ ...target, signal: AbortSignal.timeout(timeoutMs) });
      let offset = 0;
      while (offset < message.length) offset += await conn.write(message.subarray(offset));
      return true;
    } catch {
      return false;
    } finally {
      conn?.close();
    }
  }

  /** Sends Terminate and closes the socket; does nothing when already closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#writeAll(TERMINATE);
    } catch {
      // Closing anyway.
    }
    this.#shut();
  }

  #shut(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.#conn.write(bytes.subarray(offset));
  }

  /** Sends `bytes` and reads until ReadyForQuery, collecting DataRows into `rows`. */
  async #exchange(bytes: Uint8Array, rows: PgRow[] | null): Promise<void> {
    if (this.#closed) throw closedError();
    if (this.#busy) {
      throw new Error("Cannot run the query: another one is running, expected one at a time");
    }
    this.#busy = true;
    const reader = this.#reader;
    let serverError: Error | null = null;
    try {
      await this.#writeAll(bytes);
      for (;;) {
        const type = reader.take();
        if (type < 0) {
          await reader.fill();
          continue;
        }
        switch (type) {
          case 0x44: // DataRow
            if (rows !== null) rows.push(reader.dataRow());
            break;
          case 0x5a: // ReadyForQuery
            if (serverError !== null) throw serverError;
            return;
          case 0x45: // ErrorResponse
            serverError = reader.errorResponse();
            break;
          case 0x54: // RowDescription
            if (rows === null) this.#columns = reader.rowDescription();
            break;
          case 0x53: { // ParameterStatus
            const [name, value] = reader.parameterStatus();
            this.#parameters.set(name, value);
            break;
          }
          default: // ParseComplete, BindComplete, CommandComplete, NoData, notices, ...
            break;
        }
      }
    } catch (error) {
      if (error === serverError) throw error;
      this.#shut();
      // A FATAL error before the end (pg_terminate_backend) says more than the closed socket.
      throw serverError ?? closedError(error);
    } finally {
      this.#busy = false;
    }
  }
}
