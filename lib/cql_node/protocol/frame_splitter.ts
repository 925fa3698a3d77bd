/**
 * Splits a byte stream into native-protocol frames.
 *
 * @module
 */

/** One frame's header and body. */
export interface Frame {
  /** Protocol version (the low 7 bits of the first byte). */
  version: number;
  /** Header flags. */
  flags: number;
  /** Stream id (signed). */
  stream: number;
  /** Opcode. */
  opcode: number;
  /** The body (a view into the splitter's buffer; valid until the next push). */
  body: Uint8Array;
}

/** What {@linkcode FrameSplitter.next} found. */
export type SplitResult =
  | { kind: "frame"; frame: Frame }
  | { kind: "incomplete" }
  | { kind: "tooLarge"; version: number; stream: number; length: number }
  | { kind: "badVersion"; version: number; stream: number; isResponse: boolean };

/**
 * Accumulates bytes from a connection and cuts them into frames. Versions 3 to 5 use a 9-byte
 * header with a 16-bit stream id; versions 1 and 2 an 8-byte header with an 8-bit stream id,
 * which the splitter still reads far enough to answer with a protocol error. A declared body
 * length over the limit is reported without buffering the body.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameSplitter } from "./frame_splitter.ts";
 * const splitter = new FrameSplitter({ maxBodyBytes: 1024 });
 * splitter.push(new Uint8Array([4, 0, 0, 1, 5, 0, 0, 0, 0]));
 * const result = splitter.next();
 * assert.equal(result.kind, "frame");
 * if (result.kind === "frame") assert.equal(result.frame.opcode, 5);
 * assert.equal(splitter.next().kind, "incomplete");
 * ```
 */
export class FrameSplitter {
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #maxBodyBytes: number;

  /**
   * @param options.maxBodyBytes The largest body accepted.
   */
  constructor(options: { maxBodyBytes: number }) {
    this.#maxBodyBytes = options.maxBodyBytes;
  }

  /** Bytes buffered and not yet returned as frames. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /**
   * Appends received bytes. Bodies returned earlier become invalid.
   *
   * @param chunk The bytes.
   */
  push(chunk: Uint8Array): void {
    const have = this.#end - this.#start;
    if (have === 0) {
      this.#start = 0;
      this.#end = 0;
    }
    if (this.#end + chunk.length > this.#buf.length) {
      const need = have + chunk.length;
      let size = Math.max(this.#buf.length, 65536);
      while (size < need) size *= 2;
      const next = size === this.#buf.length ? this.#buf : new Uint8Array(size);
      next.set(this.#buf.subarray(this.#start, this.#end), 0);
      this.#buf = next;
      this.#start = 0;
      this.#end = have;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /**
   * Returns the next complete frame, or why there is none.
   *
   * @returns The frame, `incomplete`, or an error the caller answers and then closes on.
   */
  next(): SplitResult {
    const have = this.#end - this.#start;
    if (have < 1) return { kind: "incomplete" };
    const b = this.#buf;
    const s = this.#start;
    const version = b[s] & 0x7f;
    const isResponse = (b[s] & 0x80) !== 0;
    if (version < 3 || version > 4 || isResponse) {
      if (version <= 2 && have < 3) return { kind: "incomplete" };
      if (version > 2 && have < 4) return { kind: "incomplete" };
      const stream = version <= 2
        ? (b[s + 2] << 24) >> 24
        : (b[s + 2] << 24 | b[s + 3] << 16) >> 16;
      return { kind: "badVersion", version, stream, isResponse };
    }
    if (have < 9) return { kind: "incomplete" };
    const stream = ((b[s + 2] << 24) | (b[s + 3] << 16)) >> 16;
    const length = ((b[s + 5] << 24) | (b[s + 6] << 16) | (b[s + 7] << 8) | b[s + 8]) >>> 0;
    if (length > this.#maxBodyBytes) return { kind: "tooLarge", version, stream, length };
    if (have < 9 + length) return { kind: "incomplete" };
    const frame: Frame = {
      version,
      flags: b[s + 1],
      stream,
      opcode: b[s + 4],
      body: b.subarray(s + 9, s + 9 + length),
    };
    this.#start = s + 9 + length;
    return { kind: "frame", frame };
  }
}
