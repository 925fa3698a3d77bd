/**
 * Private helper of `pg_wire_client.ts`: reading backend messages from the socket into one
 * growable receive buffer, and decoding the ones the client uses (DataRow, RowDescription,
 * ParameterStatus, ErrorResponse, Authentication).
 *
 * @module
 */

import { closedError, codedError } from "./_pg_coded_error.ts";

const INITIAL_RECEIVE_BYTES = 64 * 1024;

/** The backend messages of one connection, taken one at a time from a receive buffer. */
export class PgBackendReader {
  readonly #conn: Deno.TcpConn;
  #recv = new Uint8Array(INITIAL_RECEIVE_BYTES);
  #recvView = new DataView(this.#recv.buffer);
  #start = 0;
  #end = 0;
  /** The body of the message last taken: `[#body, #bodyEnd)`. */
  #body = 0;
  #bodyEnd = 0;
  #decoder = new TextDecoder();

  /**
   * Reads from `conn`.
   *
   * @param conn The connection.
   */
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /**
   * Takes the next complete message from the receive buffer: returns its type and makes its
   * body the one the decoders read, or returns -1 when it is not all there yet.
   *
   * @returns The message's type byte, or -1.
   */
  take(): number {
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

  /**
   * Reads more bytes, first making room for the whole pending message.
   *
   * @throws {Error} With `code` `CONNECTION_CLOSED` when the server closed the connection.
   */
  async fill(): Promise<void> {
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

  /**
   * DataRow: each column's text value, or `null` for SQL NULL.
   *
   * @returns The row.
   */
  dataRow(): (string | null)[] {
    const view = this.#recvView;
    let p = this.#body;
    const count = view.getInt16(p);
    p += 2;
    const row: (string | null)[] = new Array(count);
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

  /**
   * RowDescription: the column names.
   *
   * @returns The names, in order.
   */
  rowDescription(): string[] {
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

  /**
   * ParameterStatus: a parameter's name and value.
   *
   * @returns `[name, value]`.
   */
  parameterStatus(): [string, string] {
    const [name, next] = this.#cString(this.#body);
    return [name, this.#cString(next)[0]];
  }

  /**
   * ErrorResponse: `Error(M)` with `code` (C), `severity` (V or S), `detail`, `hint`.
   *
   * @returns The error, to throw.
   */
  errorResponse(): Error {
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

  /**
   * Authentication*: the request's code and the bytes after it (a copy).
   *
   * @returns `{ code, data }`.
   */
  authentication(): { code: number; data: Uint8Array } {
    return {
      code: this.#recvView.getInt32(this.#body),
      data: this.#recv.slice(this.#body + 4, this.#bodyEnd),
    };
  }

  /**
   * BackendKeyData: the session's process id and its cancel key (4 bytes in protocol 3.0,
   * longer in 3.2), for a CancelRequest.
   *
   * @returns `{ processId, secretKey }` (the key a copy).
   */
  backendKey(): { processId: number; secretKey: Uint8Array } {
    return {
      processId: this.#recvView.getInt32(this.#body),
      secretKey: this.#recv.slice(this.#body + 4, this.#bodyEnd),
    };
  }

  /**
   * Decodes UTF-8 bytes with this reader's decoder.
   *
   * @param bytes The bytes.
   * @returns The text.
   */
  decode(bytes: Uint8Array): string {
    return this.#decoder.decode(bytes);
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
}
