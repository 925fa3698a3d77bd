/**
 * Encodes HTTP/1.1 request heads (and bodies) into one reusable buffer, for
 * {@linkcode HttpPool}: the fixed headers are encoded once, the request line with
 * `TextEncoder.encodeInto`, so a request costs no allocation beyond a grown buffer.
 *
 * @module
 */

import { VERSION } from "../../version.ts";

const encoder = new TextEncoder();
const CRLF = [13, 10];
const HTTP11_CRLF = encoder.encode(" HTTP/1.1\r\n");
const CONTENT_LENGTH = encoder.encode("Content-Length: ");
const INITIAL_BYTES = 4096;
/** A space (any Unicode space) or a control character, which a request line cannot carry. */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const UNSENDABLE = /[\s\x00-\x1f\x7f]/;

/** Options of {@linkcode RequestEncoder}. */
export interface RequestEncoderOptions {
  /**
   * Headers sent with every request, after `Host`, `User-Agent` and `Connection`.
   *
   * @default {{}}
   */
  headers?: Record<string, string>;
  /**
   * A path prefix put before every request path (the base URL's path, without a trailing `/`).
   *
   * @default {""}
   */
  basePath?: string;
}

function checkHeader(name: string, value: string): void {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new TypeError(`Cannot encode header "${name}": invalid name, expected a token`);
  }
  if (/[\r\n\0]/.test(value)) {
    throw new TypeError(
      `Cannot encode header "${name}": its value has CR, LF or NUL, expected none`,
    );
  }
}

/**
 * Writes request heads for one host into a buffer owned by the encoder.
 *
 * The bytes returned by {@linkcode RequestEncoder.encode} stay valid until its next call, so
 * use one encoder per connection.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RequestEncoder } from "./request_encoder.ts";
 * const encoder = new RequestEncoder("127.0.0.1:8000", { headers: { Accept: "*\/*" } });
 * const bytes = encoder.encode("POST", "/pay/1/5", undefined, "x");
 * const text = new TextDecoder().decode(bytes);
 * assert.match(text, /^POST \/pay\/1\/5 HTTP\/1\.1\r\nHost: 127\.0\.0\.1:8000\r\n/);
 * assert.match(text, /\r\nAccept: \*\/\*\r\nContent-Length: 1\r\n\r\nx$/);
 * ```
 */
export class RequestEncoder {
  /** Empty until the first request: a pool's connections never used cost nothing. */
  #buffer: Uint8Array = new Uint8Array(0);
  #fixed: Uint8Array;
  #basePath: Uint8Array;
  #methods: Map<string, Uint8Array> = new Map();

  /**
   * Creates an encoder for one host.
   *
   * @param host The `Host` header value (`hostname[:port]`).
   * @param options Headers for every request and a base path.
   * @throws {TypeError} When a header name is not a token or a value has CR, LF or NUL.
   */
  constructor(host: string, options: RequestEncoderOptions = {}) {
    checkHeader("Host", host);
    let fixed = `Host: ${host}\r\nUser-Agent: stress/${VERSION}\r\nConnection: keep-alive\r\n`;
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      checkHeader(name, value);
      fixed += `${name}: ${value}\r\n`;
    }
    this.#fixed = encoder.encode(fixed);
    this.#basePath = encoder.encode(options.basePath ?? "");
  }

  /**
   * Encodes one request: request line, fixed headers, `headers`, `Content-Length` when there is
   * a body (or the method is POST, PUT or PATCH), the blank line and the body.
   *
   * @param method The method, such as `GET`.
   * @param path The path and query, starting with `/`.
   * @param headers Extra headers for this request.
   * @param body The body, if any.
   * @returns The request bytes (a view of the encoder's buffer, valid until the next call).
   * @throws {TypeError} When the method or path has spaces or control characters, or a header
   * is invalid.
   */
  encode(
    method: string,
    path: string,
    headers?: Record<string, string>,
    body?: Uint8Array | string,
  ): Uint8Array {
    let methodBytes = this.#methods.get(method);
    if (methodBytes === undefined) {
      if (!/^[A-Z]+$/.test(method)) {
        throw new TypeError(`Cannot encode method "${method}": expected upper-case letters`);
      }
      methodBytes = encoder.encode(method + " ");
      if (this.#methods.size < 32) this.#methods.set(method, methodBytes);
    }
    if (path.length === 0 || UNSENDABLE.test(path)) {
      throw new TypeError(`Cannot encode path "${path}": expected no spaces or control characters`);
    }
    let extra = "";
    if (headers !== undefined) {
      for (const name in headers) {
        checkHeader(name, headers[name]);
        extra += `${name}: ${headers[name]}\r\n`;
      }
    }
    const bodyChars = body === undefined ? 0 : body.length * (typeof body === "string" ? 3 : 1);
    const need = methodBytes.length + this.#basePath.length + path.length * 3 +
      HTTP11_CRLF.length + this.#fixed.length + extra.length * 3 + CONTENT_LENGTH.length + 24 +
      bodyChars;
    if (need > this.#buffer.length) {
      this.#buffer = new Uint8Array(Math.max(need, INITIAL_BYTES, this.#buffer.length * 2));
    }
    const buffer = this.#buffer;
    buffer.set(methodBytes, 0);
    let at = methodBytes.length;
    buffer.set(this.#basePath, at);
    at += this.#basePath.length;
    at += encoder.encodeInto(path, buffer.subarray(at)).written;
    buffer.set(HTTP11_CRLF, at);
    at += HTTP11_CRLF.length;
    buffer.set(this.#fixed, at);
    at += this.#fixed.length;
    if (extra !== "") at += encoder.encodeInto(extra, buffer.subarray(at)).written;
    if (body !== undefined || method === "POST" || method === "PUT" || method === "PATCH") {
      let bodyBytes = 0;
      let bodyAt = 0;
      if (typeof body === "string") {
        // Encode at the end of the buffer first to learn the byte length.
        bodyAt = buffer.length - bodyChars;
        bodyBytes = encoder.encodeInto(body, buffer.subarray(bodyAt)).written;
      } else if (body !== undefined) {
        bodyBytes = body.length;
      }
      buffer.set(CONTENT_LENGTH, at);
      at += CONTENT_LENGTH.length;
      at = writeDecimal(buffer, at, bodyBytes);
      buffer[at++] = CRLF[0];
      buffer[at++] = CRLF[1];
      buffer[at++] = CRLF[0];
      buffer[at++] = CRLF[1];
      if (typeof body === "string") {
        buffer.copyWithin(at, bodyAt, bodyAt + bodyBytes);
      } else if (body !== undefined) {
        buffer.set(body, at);
      }
      at += bodyBytes;
    } else {
      buffer[at++] = CRLF[0];
      buffer[at++] = CRLF[1];
    }
    return buffer.subarray(0, at);
  }
}

function writeDecimal(buffer: Uint8Array, at: number, value: number): number {
  if (value === 0) {
    buffer[at] = 48;
    return at + 1;
  }
  let digits = 0;
  for (let v = value; v > 0; v = Math.floor(v / 10)) digits++;
  let i = at + digits;
  for (let v = value; v > 0; v = Math.floor(v / 10)) buffer[--i] = 48 + (v % 10);
  return at + digits;
}
