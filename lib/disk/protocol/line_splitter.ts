/**
 * Splits the TCP byte stream of protocol v1 into lines.
 *
 * @module
 */

import { MAX_LINE_BYTES } from "./disk_message.ts";
import { type ProtocolProblem, protocolProblem } from "./protocol_problem.ts";

const DECODER = new TextDecoder("utf-8", { fatal: true });

/** The result of {@linkcode LineSplitter.push}. */
export interface SplitResult {
  /** The complete lines found, in order, without their newlines (empty lines are skipped). */
  readonly lines: string[];
  /** The problem that ended the input, or null. Lines after it are not returned. */
  readonly problem: ProtocolProblem | null;
}

const NEWLINE = 0x0a;

/**
 * Splits a TCP byte stream into UTF-8 lines of at most {@linkcode MAX_LINE_BYTES} bytes.
 *
 * A line over the limit (detected as soon as the buffered bytes exceed it, so memory stays
 * bounded) or one that is not valid UTF-8 yields one problem (`too_long` or `bad_message`);
 * the splitter is then closed and returns nothing more, and the server closes the connection.
 * A trailing `\r` is left in the line (JSON parsing ignores it).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineSplitter } from "./line_splitter.ts";
 * const splitter = new LineSplitter();
 * const bytes = new TextEncoder().encode('{"a":1}\n{"b"');
 * assert.deepEqual(splitter.push(bytes), { lines: ['{"a":1}'], problem: null });
 * assert.deepEqual(splitter.push(new TextEncoder().encode(":2}\n")), {
 *   lines: ['{"b":2}'],
 *   problem: null,
 * });
 * ```
 */
export class LineSplitter {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #closed = false;
  #maxLineBytes: number;

  /**
   * Creates a splitter.
   *
   * @param options The longest line accepted, in bytes (default {@linkcode MAX_LINE_BYTES}).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./line_splitter.ts";
   * const splitter = new LineSplitter({ maxLineBytes: 4 });
   * assert.equal(splitter.push(new TextEncoder().encode("12345")).problem?.code, "too_long");
   * assert.equal(splitter.closed, true);
   * ```
   */
  constructor(options: { maxLineBytes?: number } = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /**
   * True once a problem was returned; later input is ignored.
   *
   * @returns Whether the splitter is closed.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./line_splitter.ts";
   * const splitter = new LineSplitter();
   * splitter.push(new Uint8Array([0xff, 0x0a]));
   * assert.equal(splitter.closed, true);
   * ```
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The number of bytes of an incomplete line held.
   *
   * @returns The buffered byte count.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./line_splitter.ts";
   * const splitter = new LineSplitter();
   * splitter.push(new TextEncoder().encode("abc"));
   * assert.equal(splitter.bufferedBytes, 3);
   * ```
   */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Adds bytes received and returns the lines they complete.
   *
   * @param bytes The bytes received (not kept: they are copied when part of a line is held).
   * @returns The complete lines and the problem that closed the splitter, if any.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./line_splitter.ts";
   * const splitter = new LineSplitter();
   * const result = splitter.push(new TextEncoder().encode("a\n\nb\n"));
   * assert.deepEqual(result.lines, ["a", "b"]);
   * ```
   */
  push(bytes: Uint8Array): SplitResult {
    const lines: string[] = [];
    if (this.#closed) return { lines, problem: null };
    let start = 0;
    while (start <= bytes.length) {
      const end = bytes.indexOf(NEWLINE, start);
      if (end === -1) break;
      const lineBytes = this.#pendingBytes + (end - start);
      if (lineBytes > this.#maxLineBytes) return this.#fail(lines, this.#tooLong());
      const line = this.#decode(bytes.subarray(start, end));
      if (line === null) {
        return this.#fail(
          lines,
          protocolProblem("bad_message", "Cannot accept message: line is not valid UTF-8"),
        );
      }
      if (line.length > 0) lines.push(line);
      start = end + 1;
    }
    if (start < bytes.length) {
      this.#pendingBytes += bytes.length - start;
      if (this.#pendingBytes > this.#maxLineBytes) return this.#fail(lines, this.#tooLong());
      this.#pending.push(bytes.slice(start));
    }
    return { lines, problem: null };
  }

  /**
   * Ends the input (the peer closed the connection).
   *
   * @returns A `bad_message` problem when an incomplete line was held, else null.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./line_splitter.ts";
   * const splitter = new LineSplitter();
   * splitter.push(new TextEncoder().encode('{"v":1,'));
   * assert.equal(splitter.end()?.code, "bad_message");
   * ```
   */
  end(): ProtocolProblem | null {
    const held = this.#pendingBytes;
    const wasClosed = this.#closed;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#closed = true;
    if (wasClosed || held === 0) return null;
    return protocolProblem(
      "bad_message",
      `Cannot accept message: connection closed in the middle of a line (${held} bytes)`,
    );
  }

  #tooLong(): ProtocolProblem {
    return protocolProblem(
      "too_long",
      `Cannot accept message: line is longer than ${this.#maxLineBytes} bytes, expected at most that`,
    );
  }

  #fail(lines: string[], problem: ProtocolProblem): SplitResult {
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    return { lines, problem };
  }

  /** Decodes the held bytes plus `tail` as one line and clears the held bytes; null if invalid. */
  #decode(tail: Uint8Array): string | null {
    let bytes = tail;
    if (this.#pending.length > 0) {
      bytes = new Uint8Array(this.#pendingBytes + tail.length);
      let offset = 0;
      for (const part of this.#pending) {
        bytes.set(part, offset);
        offset += part.length;
      }
      bytes.set(tail, offset);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    try {
      return DECODER.decode(bytes);
    } catch {
      return null;
    }
  }
}
