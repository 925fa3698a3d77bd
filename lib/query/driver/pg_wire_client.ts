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

import { createHash } from "node:crypto";
import { TargetError } from "../../errors.ts";
import { parsePgUrl, type PgUrl } from "./parse_pg_url.ts";
import { ScramSha256 } from "./scram_sha_256.ts";

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
}

const PROTOCOL_3_0 = 196_608;
const INITIAL_RECEIVE_BYTES = 64 * 1024;
/** Execute (unnamed portal, no row limit) followed by Sync. */
const EXECUTE_SYNC = new Uint8Array([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4]);
const TERMINATE = new Uint8Array([0x58, 0, 0, 0, 4]);
const encoder = new TextEncoder();

const AUTH_NAMES: Readonly<Record<number, string>> = {
  2: "Kerberos V5",
  6: "SCM credentials",
  7: "GSSAPI",
  8: "GSSAPI",
  9: "SSPI",
};

/** An `Error` with a `code`, as `queryErrorKind` reads it. */
function codedError(
  message: string,
  code: string,
  extra: Record<string, unknown> = {},
): Error & { code: string } {
  const error = new Error(message) as Error & { code: string };
  Object.assign(error, { code, ...extra });
  return error;
}

function closedError(cause?: unknown): Error & { code: string } {
  const code = typeof cause === "object" && cause !== null && "code" in cause &&
      /^E[A-Z]+$/.test(String((cause as { code: unknown }).code))
    ? String((cause as { code: unknown }).code)
    : "CONNECTION_CLOSED";
  return codedError(`Cannot run the query: the connection is closed (${code})`, code, { cause });
}

function md5Hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash("md5");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

/** A frontend message with a type byte: `type`, length, then `body`. */
function message(type: string, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(5 + body.length);
  bytes[0] = type.charCodeAt(0);
  new DataView(bytes.buffer).setInt32(1, 4 + body.length);
  bytes.set(body, 5);
  return bytes;
}

/** Concatenates parts; strings become NUL-terminated UTF-8. */
function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => typeof p === "string" ? encoder.encode(`${p}\0`) : p);
  const bytes = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function int32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value);
  return bytes;
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
  #recv = new Uint8Array(INITIAL_RECEIVE_BYTES);
  #recvView = new DataView(this.#recv.buffer);
  #start = 0;
  #end = 0;
  /** The body of the message last taken: `[#body, #bodyEnd)`. */
  #body = 0;
  #bodyEnd = 0;
  #send = new Uint8Array(1024);
  #sendView = new DataView(this.#send.buffer);
  #decoder = new TextDecoder();
  #closed = false;
  #busy = false;
  #parameters = new Map<string, string>();
  /** The statement's name as bytes with its NUL, and, for the unnamed one, its Parse message. */
  #statementName: Uint8Array = new Uint8Array(1);
  #parse: Uint8Array | null = null;
  #columns: string[] = [];

  /**
   * Wraps a fresh TCP connection; use {@linkcode PgWireClient.connect}, which also runs the
   * startup and authentication.
   *
   * @param conn The connection, not yet used.
   */
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
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
    return !parsePgUrl(url).needsFullDriver;
  }

  /**
   * Connects, authenticates and waits until the server is ready for queries.
   *
   * @param url A `postgres://user:password@host:port/database` URL (percent-encoded parts).
   * @param options The application name, statement timeout and connect timeout.
   * @returns The ready client.
   * @throws {TargetError} When the URL needs TLS (or more) or the server asks for an
   * authentication method this client does not have.
   * @throws {Error} With `code`: the socket's (`ECONNREFUSED`), `CONNECT_TIMEOUT`, or the
   * server's SQLSTATE (`28P01` for a wrong password).
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
    const target = parsePgUrl(url);
    if (target.needsFullDriver) {
      throw new TargetError(
        `Cannot connect with the wire client to "${target.hostname}": the URL asks for TLS, a ` +
          `socket or several hosts, expected plain TCP to one host`,
      );
    }
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const signal = AbortSignal.timeout(timeoutMs);
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: target.hostname, port: target.port, signal });
    } catch (error) {
      if (signal.aborted) {
        throw codedError(
          `Cannot connect to "${target.hostname}:${target.port}": no answer in ${timeoutMs} ms`,
          "CONNECT_TIMEOUT",
          { cause: error },
        );
      }
      throw error;
    }
    conn.setNoDelay(true);
    const client = new PgWireClient(conn);
    const timer = setTimeout(() => client.#shut(), timeoutMs);
    try {
      await client.#startup(target, options);
    } catch (error) {
      client.#shut();
      if (signal.aborted) {
        throw codedError(
          `Cannot connect to "${target.hostname}:${target.port}": no startup in ${timeoutMs} ms`,
          "CONNECT_TIMEOUT",
          { cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
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
    const parse = message("P", concat(name, sql, new Uint8Array(2)));
    const describe = message("D", concat(new Uint8Array([0x53]), name));
    const columns = this.#columns;
    this.#columns = [];
    try {
      await this.#exchange(concat(parse, describe, message("S", new Uint8Array(0))), null);
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
    return this.#exchange(this.#bind(params), rows).then(() => rows);
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
    await this.#exchange(message("Q", concat(sql)), rows);
    return rows;
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

  /** Encodes Bind (+ Parse for the unnamed statement) + Execute + Sync into the send buffer. */
  #bind(params: readonly (string | null)[]): Uint8Array {
    const name = this.#statementName;
    const parse = this.#parse;
    let bound = (parse === null ? 0 : parse.length) + name.length + 16 + EXECUTE_SYNC.length;
    for (const param of params) bound += 4 + (param === null ? 0 : param.length * 3);
    if (bound > this.#send.length) {
      this.#send = new Uint8Array(Math.max(bound, this.#send.length * 2));
      this.#sendView = new DataView(this.#send.buffer);
    }
    const buf = this.#send;
    const view = this.#sendView;
    let p = 0;
    if (parse !== null) {
      buf.set(parse, 0);
      p = parse.length;
    }
    const start = p;
    buf[p] = 0x42; // Bind
    p += 5;
    buf[p++] = 0; // the unnamed portal
    buf.set(name, p);
    p += name.length;
    view.setInt16(p, 0); // every parameter in text
    view.setInt16(p + 2, params.length);
    p += 4;
    for (const param of params) {
      if (param === null) {
        view.setInt32(p, -1);
        p += 4;
        continue;
      }
      const at = p + 4;
      let q = at;
      for (let i = 0; i < param.length; i++) {
        const c = param.charCodeAt(i);
        if (c >= 0x80) {
          q = at + encoder.encodeInto(param, buf.subarray(at)).written;
          break;
        }
        buf[q++] = c;
      }
      view.setInt32(p, q - at);
      p = q;
    }
    view.setInt16(p, 0); // every result column in text
    p += 2;
    view.setInt32(start + 1, p - start - 1);
    buf.set(EXECUTE_SYNC, p);
    return buf.subarray(0, p + EXECUTE_SYNC.length);
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
    let serverError: Error | null = null;
    try {
      await this.#writeAll(bytes);
      for (;;) {
        const type = this.#take();
        if (type < 0) {
          await this.#fill();
          continue;
        }
        switch (type) {
          case 0x44: // DataRow
            if (rows !== null) rows.push(this.#dataRow());
            break;
          case 0x5a: // ReadyForQuery
            if (serverError !== null) throw serverError;
            return;
          case 0x45: // ErrorResponse
            serverError = this.#errorResponse();
            break;
          case 0x54: // RowDescription
            if (rows === null) this.#columns = this.#rowDescription();
            break;
          case 0x53: // ParameterStatus
            this.#parameterStatus();
            break;
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

  /**
   * Takes the next complete message from the receive buffer: returns its type and sets
   * `#body`/`#bodyEnd`, or returns -1 when it is not all there yet.
   */
  #take(): number {
    const start = this.#start;
    if (this.#end - start < 5) return -1;
    const next = start + 1 + this.#recvView.getInt32(start + 1);
    if (next > this.#end) return -1;
    this.#body = start + 5;
    this.#bodyEnd = next;
    if (next === this.#end) {
      this.#start = 0;
      this.#end = 0;
    } else {
      this.#start = next;
    }
    return this.#recv[start];
  }

  /** Reads more bytes, first making room for the whole pending message. */
  async #fill(): Promise<void> {
    const available = this.#end - this.#start;
    const needed = available >= 5 ? 1 + this.#recvView.getInt32(this.#start + 1) : 5;
    if (this.#start + needed > this.#recv.length || this.#end === this.#recv.length) {
      if (needed > this.#recv.length) {
        const grown = new Uint8Array(Math.max(needed, this.#recv.length * 2));
        grown.set(this.#recv.subarray(this.#start, this.#end), 0);
        this.#recv = grown;
        this.#recvView = new DataView(grown.buffer);
      } else {
        this.#recv.copyWithin(0, this.#start, this.#end);
      }
      this.#start = 0;
      this.#end = available;
    }
    const n = await this.#conn.read(this.#recv.subarray(this.#end));
    if (n === null) throw closedError();
    this.#end += n;
  }

  /** Decodes text; short ASCII without the TextDecoder call. */
  #text(from: number, to: number): string {
    const buf = this.#recv;
    if (to - from <= 24) {
      let text = "";
      for (let i = from; i < to; i++) {
        const c = buf[i];
        if (c >= 0x80) return this.#decoder.decode(buf.subarray(from, to));
        text += String.fromCharCode(c);
      }
      return text;
    }
    return this.#decoder.decode(buf.subarray(from, to));
  }

  #cString(from: number): [string, number] {
    const nul = this.#recv.indexOf(0, from);
    const end = nul < 0 || nul > this.#bodyEnd ? this.#bodyEnd : nul;
    return [this.#text(from, end), end + 1];
  }

  #dataRow(): PgRow {
    const view = this.#recvView;
    let p = this.#body;
    const count = view.getInt16(p);
    p += 2;
    const row: PgRow = new Array(count);
    for (let i = 0; i < count; i++) {
      const length = view.getInt32(p);
      p += 4;
      if (length < 0) {
        row[i] = null;
      } else {
        row[i] = this.#text(p, p + length);
        p += length;
      }
    }
    return row;
  }

  #rowDescription(): string[] {
    const count = this.#recvView.getInt16(this.#body);
    const names: string[] = [];
    let p = this.#body + 2;
    for (let i = 0; i < count; i++) {
      const [name, next] = this.#cString(p);
      names.push(name);
      p = next + 18; // table oid, column, type oid, size, modifier, format
    }
    return names;
  }

  #parameterStatus(): void {
    const [name, next] = this.#cString(this.#body);
    this.#parameters.set(name, this.#cString(next)[0]);
  }

  /** ErrorResponse: `Error(M)` with `code` (C), `severity` (V or S), `detail`, `hint`. */
  #errorResponse(): Error {
    const fields = new Map<string, string>();
    let p = this.#body;
    while (p < this.#bodyEnd && this.#recv[p] !== 0) {
      const field = String.fromCharCode(this.#recv[p]);
      const [value, next] = this.#cString(p + 1);
      fields.set(field, value);
      p = next;
    }
    return codedError(fields.get("M") ?? "(no message)", fields.get("C") ?? "XX000", {
      severity: fields.get("V") ?? fields.get("S") ?? "ERROR",
      detail: fields.get("D"),
      hint: fields.get("H"),
    });
  }

  /** Startup, authentication, and the messages up to the first ReadyForQuery. */
  async #startup(target: PgUrl, options: PgWireClientOptions): Promise<void> {
    const params: string[] = [
      "user",
      target.user,
      "database",
      target.database,
      "application_name",
      options.applicationName ?? "stress",
      "TimeZone",
      "UTC",
      "client_encoding",
      "UTF8",
      // Text values the caller can parse: ISO dates, floats that round-trip (before PG 12 too).
      "DateStyle",
      "ISO, MDY",
      "extra_float_digits",
      "3",
    ];
    const timeoutMs = options.statementTimeoutMs ?? 0;
    if (timeoutMs > 0) params.push("statement_timeout", String(Math.round(timeoutMs)));
    const body = concat(int32(PROTOCOL_3_0), ...params, new Uint8Array(1));
    await this.#writeAll(concat(int32(4 + body.length), body));
    let scram: ScramSha256 | null = null;
    for (;;) {
      const type = this.#take();
      if (type < 0) {
        await this.#fill();
        continue;
      }
      switch (type) {
        case 0x52: { // Authentication*
          const code = this.#recvView.getInt32(this.#body);
          const data = this.#recv.slice(this.#body + 4, this.#bodyEnd);
          if (code === 0) break;
          const password = this.#password(target, code);
          if (code === 3) {
            await this.#writeAll(message("p", concat(password)));
          } else if (code === 5) {
            const inner = md5Hex(password, target.user);
            await this.#writeAll(message("p", concat(`md5${md5Hex(inner, data)}`)));
          } else if (code === 10) {
            const mechanisms = this.#decoder.decode(data).split("\0").filter((m) => m !== "");
            if (!mechanisms.includes("SCRAM-SHA-256")) {
              throw this.#unsupported(target, `SASL ${mechanisms.join(", ")}`);
            }
            scram = new ScramSha256(password);
            const first = encoder.encode(scram.clientFirst());
            await this.#writeAll(
              message("p", concat("SCRAM-SHA-256", int32(first.length), first)),
            );
          } else if (code === 11 && scram !== null) {
            const final = await scram.clientFinal(this.#decoder.decode(data));
            await this.#writeAll(message("p", encoder.encode(final)));
          } else if (code === 12 && scram !== null) {
            scram.verifyServerFinal(this.#decoder.decode(data));
          } else {
            throw this.#unsupported(target, AUTH_NAMES[code] ?? `method ${code}`);
          }
          break;
        }
        case 0x45: // ErrorResponse: the server closes the connection after it
          throw this.#errorResponse();
        case 0x53:
          this.#parameterStatus();
          break;
        case 0x5a: // ReadyForQuery
          return;
        default: // BackendKeyData, NoticeResponse, NegotiateProtocolVersion
          break;
      }
    }
  }

  #password(target: PgUrl, code: number): string {
    if (target.password === "" && [3, 5, 10].includes(code)) {
      throw new TargetError(
        `Cannot authenticate as "${target.user}": the server asks for a password, expected ` +
          `one in the URL (postgres://user:password@host/database)`,
      );
    }
    return target.password;
  }

  #unsupported(target: PgUrl, method: string): TargetError {
    return new TargetError(
      `Cannot authenticate as "${target.user}": the server asks for ${method}, expected ` +
        `trust, password, md5 or SCRAM-SHA-256`,
    );
  }
}
