/**
 * Private helper of `pg_wire_client.ts`: the per-query write, Bind (+ Parse for the unnamed
 * statement) + Execute + Sync, encoded into one send buffer reused from query to query.
 *
 * @module
 */

import { EXECUTE_SYNC } from "./_pg_frontend.ts";

const encoder = new TextEncoder();

/** Encodes a query's Bind, Execute and Sync into a growable buffer it keeps. */
export class PgBindEncoder {
  #send = new Uint8Array(1024);
  #sendView = new DataView(this.#send.buffer);

  /**
   * Encodes Bind (+ Parse for the unnamed statement) + Execute + Sync into the send buffer.
   *
   * @param parse The Parse message of the unnamed statement, or null for a named one.
   * @param name The statement's name as bytes with its NUL.
   * @param params One text value per placeholder (`null` for SQL NULL).
   * @returns The bytes to write: a view of the send buffer, valid until the next call.
   */
  encode(
    parse: Uint8Array | null,
    name: Uint8Array,
    params: readonly (string | null)[],
  ): Uint8Array {
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
}
