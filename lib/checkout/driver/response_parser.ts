/**
 * An incremental HTTP/1.1 response parser over one growable receive buffer, for
 * {@linkcode HttpPool}: it scans the status line and headers as bytes (no text decoding unless
 * headers are asked for) and decodes `Content-Length`, chunked and read-until-close bodies.
 *
 * @module
 */

/** What {@linkcode ResponseParser.parse} found. */
export type ParseState = "more" | "done" | "error";

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
/** `HTTP/1.` */
const HTTP_PREFIX = [72, 84, 84, 80, 47, 49, 46];
const CONTENT_LENGTH = "content-length";
const TRANSFER_ENCODING = "transfer-encoding";
const CONNECTION = "connection";
const INITIAL_BYTES = 16 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;
/** Room for chunk-size lines and trailers in a chunked body, on top of the body limit. */
const CHUNK_SLACK_BYTES = 64 * 1024;

const BODY_NONE = 0;
const BODY_LENGTH = 1;
const BODY_CHUNKED = 2;
const BODY_UNTIL_CLOSE = 3;

const EMPTY = new Uint8Array(0);
const latin1 = new TextDecoder("latin1");

/** Options of {@linkcode ResponseParser}. */
export interface ResponseParserOptions {
  /**
   * The largest body accepted, in bytes; a larger one is an error ("too large").
   *
   * @default {8388608}
   */
  maxBodyBytes?: number;
  /**
   * Whether {@linkcode ResponseParser.headers} collects the response headers (decoded as
   * latin1, names lower-cased); off, they are only scanned.
   *
   * @default {false}
   */
  collectHeaders?: boolean;
}

/** Lower-case ASCII compare of `buffer[start, start + name.length)` with a lower-case `name`. */
function equalsLower(buffer: Uint8Array, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    let b = buffer[start + i];
    if (b >= 65 && b <= 90) b |= 0x20;
    if (b !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether `buffer[start, end)` holds the comma-separated token `token` (lower-case), any case. */
function hasToken(buffer: Uint8Array, start: number, end: number, token: string): boolean {
  let i = start;
  while (i < end) {
    while (i < end && (buffer[i] === SP || buffer[i] === HT || buffer[i] === 44)) i++;
    let j = i;
    while (j < end && buffer[j] !== 44) j++;
    let k = j;
    while (k > i && (buffer[k - 1] === SP || buffer[k - 1] === HT)) k--;
    if (equalsLower(buffer, i, k, token)) return true;
    i = j + 1;
  }
  return false;
}

/**
 * Parses one HTTP/1.x response at a time out of bytes read from a connection.
 *
 * Use: {@linkcode ResponseParser.begin} before each response, then repeatedly read into
 * {@linkcode ResponseParser.space}, {@linkcode ResponseParser.commit} the byte count and call
 * {@linkcode ResponseParser.parse} until it returns `"done"` or `"error"`; at end of stream call
 * {@linkcode ResponseParser.finish}. Interim `1xx` responses are skipped.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResponseParser } from "./response_parser.ts";
 * const parser = new ResponseParser();
 * parser.begin(false);
 * const bytes = new TextEncoder().encode(
 *   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
 * );
 * parser.space().set(bytes);
 * parser.commit(bytes.length);
 * assert.equal(parser.parse(), "done");
 * assert.equal(parser.status, 200);
 * assert.equal(new TextDecoder().decode(parser.body()), "ok");
 * assert.equal(parser.keepAlive, true);
 * ```
 */
export class ResponseParser {
  /** The status code of the last parsed head (0 before one is parsed). */
  status = 0;
  /** Whether the connection may be reused after this response. */
  keepAlive = true;
  /** Why the last {@linkcode ResponseParser.parse} or {@linkcode ResponseParser.finish} failed. */
  error = "";
  /** Whether the error was a size limit ("too large"). */
  tooLarge = false;

  /** Empty until the first read: a pool's connections that are never opened cost nothing. */
  #buffer: Uint8Array = EMPTY;
  #maxBodyBytes: number;
  #collectHeaders: boolean;
  #headers: Record<string, string> | undefined = undefined;
  /** End of the received bytes. */
  #end = 0;
  /** Start of the current head. */
  #headStart = 0;
  /** Where the search for the end of the head resumes. */
  #scan = 0;
  /** 0 until the head is parsed, then the offset of the body. */
  #bodyStart = 0;
  #bodyMode = BODY_NONE;
  #contentLength = 0;
  /** Chunked: the next raw byte to decode, and the end of the decoded body. */
  #chunkRead = 0;
  #chunkWrite = 0;
  /** Chunked: 0 in chunks, 1 in trailers after the last chunk. */
  #inTrailers = false;
  #messageEnd = 0;
  #isHead = false;

  /**
   * Creates a parser with its own receive buffer.
   *
   * @param options Limits and whether headers are collected.
   */
  constructor(options: ResponseParserOptions = {}) {
    this.#maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
    this.#collectHeaders = options.collectHeaders ?? false;
  }

  /**
   * Gets ready for the next response; bytes left over from the previous one are dropped.
   *
   * @param isHead Whether the request was `HEAD` (the response has no body).
   */
  begin(isHead: boolean): void {
    this.#end = 0;
    this.#headStart = 0;
    this.#scan = 0;
    this.#bodyStart = 0;
    this.#bodyMode = BODY_NONE;
    this.#contentLength = 0;
    this.#inTrailers = false;
    this.#messageEnd = 0;
    this.#isHead = isHead;
    this.status = 0;
    this.keepAlive = true;
    this.error = "";
    this.tooLarge = false;
    this.#headers = undefined;
  }

  /**
   * The free part of the receive buffer to read into, grown (or compacted) when full.
   *
   * @returns A view to read into, or an empty view when the response is over the limits.
   */
  space(): Uint8Array {
    if (this.#buffer.length === 0) this.#buffer = new Uint8Array(INITIAL_BYTES);
    const buffer = this.#buffer;
    if (this.#end === 0) return buffer;
    if (this.#end < buffer.length) return buffer.subarray(this.#end);
    if (this.#bodyMode === BODY_CHUNKED && this.#chunkWrite < this.#chunkRead) {
      // Drop the chunk framing already decoded.
      buffer.copyWithin(this.#chunkWrite, this.#chunkRead, this.#end);
      this.#end -= this.#chunkRead - this.#chunkWrite;
      this.#chunkRead = this.#chunkWrite;
      if (this.#end < buffer.length) return buffer.subarray(this.#end);
    }
    const limit = this.#bodyStart === 0
      ? MAX_HEAD_BYTES
      : this.#bodyStart + this.#maxBodyBytes + CHUNK_SLACK_BYTES;
    if (buffer.length >= limit) return EMPTY;
    this.#grow(Math.min(limit, buffer.length * 2));
    return this.#buffer.subarray(this.#end);
  }

  /**
   * Records that `bytes` bytes were read into the last {@linkcode ResponseParser.space}.
   *
   * @param bytes The count of bytes read.
   */
  commit(bytes: number): void {
    this.#end += bytes;
  }

  /**
   * Parses what was received so far.
   *
   * @returns `"done"` when the response is complete, `"more"` when more bytes are needed and
   * `"error"` (with {@linkcode ResponseParser.error}) when it is not valid HTTP or too large.
   */
  parse(): ParseState {
    if (this.#bodyStart === 0) {
      const head = this.#parseHead();
      if (head !== "done") return head;
    }
    switch (this.#bodyMode) {
      case BODY_NONE:
        this.#messageEnd = this.#bodyStart;
        return "done";
      case BODY_LENGTH:
        if (this.#end - this.#bodyStart < this.#contentLength) return "more";
        this.#messageEnd = this.#bodyStart + this.#contentLength;
        return "done";
      case BODY_CHUNKED:
        return this.#parseChunks();
      default:
        if (this.#end - this.#bodyStart > this.#maxBodyBytes) return this.#fail("too large", true);
        return "more";
    }
  }

  /**
   * Handles the end of the stream: completes a read-until-close body.
   *
   * @returns `"done"` for a complete read-until-close body; otherwise `"error"`, with
   * {@linkcode ResponseParser.error} saying whether the bytes were not HTTP or just cut short.
   */
  finish(): ParseState {
    this.keepAlive = false;
    if (this.#bodyStart !== 0 && this.#bodyMode === BODY_UNTIL_CLOSE) {
      this.#messageEnd = this.#end;
      return "done";
    }
    this.error = this.#end === 0 ? "closed before the status line" : "closed mid-response";
    return "error";
  }

  /** Whether bytes beyond the end of the response were received (the connection is unusable). */
  get extraBytes(): boolean {
    return this.#end > this.#messageEnd;
  }

  /** Whether any byte of this response was received. */
  get started(): boolean {
    return this.#end > 0;
  }

  /**
   * A copy of the body of the complete response.
   *
   * @returns The body bytes (empty for HEAD, 204, 304).
   */
  body(): Uint8Array {
    if (this.#bodyMode === BODY_CHUNKED) {
      return this.#buffer.slice(this.#bodyStart, this.#chunkWrite);
    }
    if (this.#messageEnd <= this.#bodyStart) return EMPTY;
    return this.#buffer.slice(this.#bodyStart, this.#messageEnd);
  }

  /**
   * The response headers, when collected.
   *
   * @returns Lower-case names to values (repeated headers joined with ", "), or `undefined`
   * when headers are not collected.
   */
  headers(): Record<string, string> | undefined {
    return this.#headers;
  }

  #grow(bytes: number): void {
    const next = new Uint8Array(bytes);
    next.set(this.#buffer.subarray(0, this.#end));
    this.#buffer = next;
  }

  #fail(message: string, tooLarge = false): ParseState {
    this.error = message;
    this.tooLarge = tooLarge;
    this.keepAlive = false;
    return "error";
  }

  #parseHead(): ParseState {
    const buffer = this.#buffer;
    const end = this.#end;
    for (;;) {
      const start = this.#headStart;
      // Reject non-HTTP bytes as soon as they arrive.
      const known = Math.min(end - start, HTTP_PREFIX.length);
      for (let i = 0; i < known; i++) {
        if (buffer[start + i] !== HTTP_PREFIX[i]) return this.#fail("not an HTTP response");
      }
      let i = Math.max(this.#scan, start + 3);
      let headEnd = 0;
      for (; i < end; i++) {
        if (
          buffer[i] === LF && buffer[i - 1] === CR && buffer[i - 2] === LF && buffer[i - 3] === CR
        ) {
          headEnd = i + 1;
          break;
        }
      }
      if (headEnd === 0) {
        this.#scan = end;
        if (end - start >= MAX_HEAD_BYTES) return this.#fail("head too large", true);
        return "more";
      }
      // Status line: HTTP/1.x SP DDD (SP reason)? CRLF
      const minor = buffer[start + 7];
      if (
        (minor !== 48 && minor !== 49) || buffer[start + 8] !== SP ||
        !isDigit(buffer[start + 9]) || !isDigit(buffer[start + 10]) ||
        !isDigit(buffer[start + 11]) ||
        (buffer[start + 12] !== SP && buffer[start + 12] !== CR)
      ) {
        return this.#fail("bad status line");
      }
      const status = (buffer[start + 9] - 48) * 100 + (buffer[start + 10] - 48) * 10 +
        buffer[start + 11] - 48;
      if (status < 100) return this.#fail("bad status line");
      let lineEnd = start + 12;
      while (buffer[lineEnd] !== CR) lineEnd++;
      const result = this.#parseHeaders(lineEnd + 2, headEnd - 2, minor === 48);
      if (result !== "done") return result;
      if (status < 200 && status !== 101) {
        // Interim response: skip it.
        this.#headStart = headEnd;
        this.#scan = headEnd;
        continue;
      }
      this.status = status;
      this.#bodyStart = headEnd;
      if (this.#isHead || status === 204 || status === 304 || status < 200) {
        this.#bodyMode = BODY_NONE;
      } else if (this.#bodyMode === BODY_CHUNKED) {
        this.#chunkRead = headEnd;
        this.#chunkWrite = headEnd;
      } else if (this.#bodyMode !== BODY_LENGTH) {
        this.#bodyMode = BODY_UNTIL_CLOSE;
        this.keepAlive = false;
      } else if (this.#contentLength > this.#maxBodyBytes) {
        return this.#fail("too large", true);
      } else if (headEnd + this.#contentLength > this.#buffer.length) {
        this.#grow(headEnd + this.#contentLength);
      }
      return "done";
    }
  }

  /** Scans header lines in `[start, end)` (each ending in CRLF). */
  #parseHeaders(start: number, end: number, http10: boolean): ParseState {
    const buffer = this.#buffer;
    let keepAlive = !http10;
    let mode = BODY_NONE;
    let contentLength = -1;
    const headers: Record<string, string> | undefined = this.#collectHeaders ? {} : undefined;
    let line = start;
    while (line < end) {
      let lineEnd = line;
      while (buffer[lineEnd] !== CR) lineEnd++;
      let colon = line;
      while (colon < lineEnd && buffer[colon] !== COLON) colon++;
      if (colon === lineEnd || colon === line) return this.#fail("bad header line");
      let valueStart = colon + 1;
      while (valueStart < lineEnd && (buffer[valueStart] === SP || buffer[valueStart] === HT)) {
        valueStart++;
      }
      let valueEnd = lineEnd;
      while (
        valueEnd > valueStart && (buffer[valueEnd - 1] === SP || buffer[valueEnd - 1] === HT)
      ) {
        valueEnd--;
      }
      const nameLength = colon - line;
      if (
        nameLength === CONTENT_LENGTH.length && equalsLower(buffer, line, colon, CONTENT_LENGTH)
      ) {
        if (valueStart === valueEnd) return this.#fail("bad content-length");
        let value = 0;
        for (let i = valueStart; i < valueEnd; i++) {
          if (!isDigit(buffer[i])) return this.#fail("bad content-length");
          value = value * 10 + buffer[i] - 48;
        }
        if (contentLength !== -1 && contentLength !== value) {
          return this.#fail("conflicting content-length");
        }
        contentLength = value;
        if (mode !== BODY_CHUNKED) mode = BODY_LENGTH;
      } else if (
        nameLength === TRANSFER_ENCODING.length &&
        equalsLower(buffer, line, colon, TRANSFER_ENCODING)
      ) {
        if (hasToken(buffer, valueStart, valueEnd, "chunked")) mode = BODY_CHUNKED;
      } else if (nameLength === CONNECTION.length && equalsLower(buffer, line, colon, CONNECTION)) {
        if (hasToken(buffer, valueStart, valueEnd, "close")) keepAlive = false;
        else if (hasToken(buffer, valueStart, valueEnd, "keep-alive")) keepAlive = true;
      }
      if (headers !== undefined) {
        const name = latin1.decode(buffer.subarray(line, colon)).toLowerCase();
        const value = latin1.decode(buffer.subarray(valueStart, valueEnd));
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      line = lineEnd + 2;
    }
    this.keepAlive = keepAlive;
    this.#bodyMode = mode;
    this.#contentLength = contentLength < 0 ? 0 : contentLength;
    this.#headers = headers;
    return "done";
  }

  /** Decodes complete chunks in place (data moved down over the framing). */
  #parseChunks(): ParseState {
    const buffer = this.#buffer;
    const end = this.#end;
    let read = this.#chunkRead;
    for (;;) {
      let lineEnd = read;
      while (lineEnd < end && buffer[lineEnd] !== LF) lineEnd++;
      if (lineEnd === end) {
        if (end - read > 4096) return this.#fail("bad chunked encoding");
        break;
      }
      if (lineEnd === read || buffer[lineEnd - 1] !== CR) return this.#fail("bad chunked encoding");
      if (this.#inTrailers) {
        read = lineEnd + 1;
        if (lineEnd - 1 === this.#chunkRead) {
          this.#chunkRead = read;
          this.#messageEnd = read;
          return "done";
        }
        this.#chunkRead = read;
        continue;
      }
      let size = 0;
      let digits = 0;
      let i = read;
      for (; i < lineEnd - 1; i++) {
        const b = buffer[i];
        const v = b >= 48 && b <= 57
          ? b - 48
          : b >= 97 && b <= 102
          ? b - 87
          : b >= 65 && b <= 70
          ? b - 55
          : -1;
        if (v < 0) break;
        size = size * 16 + v;
        digits++;
        if (digits > 12) return this.#fail("bad chunked encoding");
      }
      if (digits === 0 || (i < lineEnd - 1 && buffer[i] !== 59 && buffer[i] !== SP)) {
        return this.#fail("bad chunked encoding");
      }
      if (size === 0) {
        this.#inTrailers = true;
        read = lineEnd + 1;
        this.#chunkRead = read;
        continue;
      }
      const dataStart = lineEnd + 1;
      if (this.#chunkWrite - this.#bodyStart + size > this.#maxBodyBytes) {
        return this.#fail("too large", true);
      }
      if (end < dataStart + size + 2) break;
      if (buffer[dataStart + size] !== CR || buffer[dataStart + size + 1] !== LF) {
        return this.#fail("bad chunked encoding");
      }
      buffer.copyWithin(this.#chunkWrite, dataStart, dataStart + size);
      this.#chunkWrite += size;
      read = dataStart + size + 2;
      this.#chunkRead = read;
    }
    this.#chunkRead = read;
    return "more";
  }
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}
