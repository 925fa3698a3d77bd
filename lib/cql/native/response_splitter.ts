/**
 * Turns the bytes a connection receives, in chunks of any size, into response frames: v3/v4
 * frames (and the unframed handshake of v5), then, once the v5 handshake switches to them, v5
 * segments whose checksums it checks and whose envelopes it returns (from self-contained
 * segments, or reassembled from a run of segments). Frames are not copied: each is a window of
 * the splitter's buffer, valid until the next {@linkcode ResponseSplitter.reserve} or push.
 *
 * @module
 */

import { crc24, payloadCrc32 } from "./frame_checksums.ts";
import { NativeProtocolError } from "./native_errors.ts";
import { HEADER_BYTES, MAX_BODY_BYTES } from "./protocol_codes.ts";

const MIN_BUFFER_BYTES = 65536;
const KEPT_BYTES = 4 * 1024 * 1024;
const SEGMENT_HEADER_BYTES = 6;
const SEGMENT_TRAILER_BYTES = 4;

/**
 * A streaming splitter of response frames. After {@linkcode ResponseSplitter.next} returns true,
 * the frame's fields are set: `version`, `flags`, `stream`, `opcode`, and its body `bytes` from
 * `bodyStart` to `bodyEnd` (`view` is a DataView of `bytes`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResponseSplitter } from "./response_splitter.ts";
 * const splitter = new ResponseSplitter();
 * // A READY response on stream 1, in two chunks.
 * splitter.push(new Uint8Array([0x84, 0, 0, 1]));
 * assert.equal(splitter.next(), false);
 * splitter.push(new Uint8Array([0x02, 0, 0, 0, 0]));
 * assert.equal(splitter.next(), true);
 * assert.equal(splitter.stream, 1);
 * assert.equal(splitter.opcode, 2);
 * assert.equal(splitter.next(), false);
 * ```
 */
export class ResponseSplitter {
  /** The protocol version of the frame (low 7 bits of its first byte). */
  version = 0;
  /** The frame's header flags. */
  flags = 0;
  /** The frame's stream id (signed; -1 for events). */
  stream = 0;
  /** The frame's opcode. */
  opcode = 0;
  /** The bytes holding the body. */
  bytes: Uint8Array;
  /** A view of {@linkcode ResponseSplitter.bytes}. */
  view: DataView;
  /** Where the body starts in `bytes`. */
  bodyStart = 0;
  /** Where the body ends in `bytes`. */
  bodyEnd = 0;

  #buf: Uint8Array;
  #bufView: DataView;
  #start = 0;
  #end = 0;
  #segments = false;
  readonly #maxBodyBytes: number;
  /** The unread part of the current self-contained payload, in #buf. */
  #payloadPos = 0;
  #payloadEnd = 0;
  /** The envelope being reassembled from a run of segments. */
  #large: Uint8Array | null = null;
  #largeLength = 0;

  /**
   * Creates an empty splitter.
   *
   * @param options.maxBodyBytes The largest response body accepted (256 MiB, the protocol's).
   */
  constructor(options: { maxBodyBytes?: number } = {}) {
    this.#maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.#buf = new Uint8Array(MIN_BUFFER_BYTES);
    this.#bufView = new DataView(this.#buf.buffer);
    this.bytes = this.#buf;
    this.view = this.#bufView;
  }

  /** Whether it reads v5 segments (after {@linkcode ResponseSplitter.useSegments}). */
  get segments(): boolean {
    return this.#segments;
  }

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.#end - this.#start + (this.#payloadEnd - this.#payloadPos) + this.#largeLength;
  }

  /** From the next byte on, reads v5 segments (the v5 handshake ended). */
  useSegments(): void {
    this.#segments = true;
  }

  /**
   * Room for at least `minBytes` more received bytes, at the end of the buffer; fill some of it
   * and call {@linkcode ResponseSplitter.commit}. Frames returned earlier become invalid.
   *
   * @param minBytes The least room wanted.
   * @returns The free part of the buffer.
   */
  reserve(minBytes = MIN_BUFFER_BYTES): Uint8Array {
    const payloadLeft = this.#payloadPos < this.#payloadEnd;
    if (this.#end === this.#start && !payloadLeft) {
      this.#start = 0;
      this.#end = 0;
      this.#payloadPos = 0;
      this.#payloadEnd = 0;
      // A buffer that grew for a huge response is not kept.
      if (this.#buf.length > KEPT_BYTES && minBytes <= MIN_BUFFER_BYTES) {
        this.#buf = new Uint8Array(MIN_BUFFER_BYTES);
        this.#bufView = new DataView(this.#buf.buffer);
      }
    }
    if (this.#buf.length - this.#end >= minBytes) return this.#buf.subarray(this.#end);
    // Keep the unread bytes: the rest of a self-contained payload (before #start) and after.
    const base = payloadLeft ? this.#payloadPos : this.#start;
    const have = this.#end - base;
    if (have + minBytes <= this.#buf.length) {
      this.#buf.copyWithin(0, base, this.#end);
    } else {
      let size = this.#buf.length * 2;
      while (size < have + minBytes) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(base, this.#end));
      this.#buf = next;
      this.#bufView = new DataView(next.buffer);
    }
    this.#payloadPos = payloadLeft ? this.#payloadPos - base : 0;
    this.#payloadEnd = payloadLeft ? this.#payloadEnd - base : 0;
    this.#start -= base;
    this.#end = have;
    return this.#buf.subarray(this.#end);
  }

  /**
   * Marks `n` bytes of the room {@linkcode ResponseSplitter.reserve} gave as received.
   *
   * @param n The bytes received.
   */
  commit(n: number): void {
    this.#end += n;
  }

  /**
   * Appends received bytes (a copy). Frames returned earlier become invalid.
   *
   * @param chunk The bytes.
   */
  push(chunk: Uint8Array): void {
    this.reserve(chunk.length).set(chunk);
    this.commit(chunk.length);
  }

  /**
   * Sets the fields to the next complete frame.
   *
   * @returns True when a frame is ready, false when more bytes are needed.
   * @throws {NativeProtocolError} When the bytes break the protocol: a request or unknown
   *   version in a header, a body over the limit, a checksum mismatch, an envelope that
   *   overruns its segment.
   */
  next(): boolean {
    if (!this.#segments) return this.#nextFrame();
    for (;;) {
      if (this.#payloadPos < this.#payloadEnd) return this.#nextEnvelope();
      const segment = this.#nextSegment();
      if (segment === 0) return false;
      if (segment === 2) return true;
    }
  }

  #header(bytes: Uint8Array, view: DataView, at: number): number {
    const first = bytes[at];
    const version = first & 0x7f;
    if ((first & 0x80) === 0 || version < 3 || version > 5) {
      throw new NativeProtocolError(
        `Cannot read a response: header byte 0x${
          first.toString(16)
        } is not a v3, v4 or v5 response`,
      );
    }
    const length = view.getUint32(at + 5);
    if (length > this.#maxBodyBytes) {
      throw new NativeProtocolError(
        `Cannot read a response: body of ${length} bytes exceeds the limit of ${this.#maxBodyBytes}`,
      );
    }
    this.version = version;
    this.flags = bytes[at + 1];
    this.stream = view.getInt16(at + 2);
    this.opcode = bytes[at + 4];
    return length;
  }

  #nextFrame(): boolean {
    const s = this.#start;
    if (this.#end - s < HEADER_BYTES) return false;
    const length = this.#header(this.#buf, this.#bufView, s);
    if (this.#end - s - HEADER_BYTES < length) return false;
    this.bytes = this.#buf;
    this.view = this.#bufView;
    this.bodyStart = s + HEADER_BYTES;
    this.bodyEnd = this.bodyStart + length;
    this.#start = this.bodyEnd;
    return true;
  }

  #nextEnvelope(): boolean {
    const p = this.#payloadPos;
    const room = this.#payloadEnd - p;
    const length = room < HEADER_BYTES ? -1 : this.#header(this.#buf, this.#bufView, p);
    if (length < 0 || room - HEADER_BYTES < length) {
      throw new NativeProtocolError(
        "Cannot read a response: an envelope overruns its self-contained segment",
      );
    }
    this.bytes = this.#buf;
    this.view = this.#bufView;
    this.bodyStart = p + HEADER_BYTES;
    this.bodyEnd = this.bodyStart + length;
    this.#payloadPos = this.bodyEnd;
    return true;
  }

  /** Reads one segment: 0 more bytes needed, 1 consumed (payload ready or partial), 2 frame. */
  #nextSegment(): number {
    const b = this.#buf;
    const s = this.#start;
    if (this.#end - s < SEGMENT_HEADER_BYTES) return 0;
    const word = b[s] | (b[s + 1] << 8) | (b[s + 2] << 16);
    const crc = b[s + 3] | (b[s + 4] << 8) | (b[s + 5] << 16);
    if (crc24(b, s, 3) !== crc) {
      throw new NativeProtocolError("Cannot read a response: segment header CRC24 mismatch");
    }
    const length = word & 0x1ffff;
    const selfContained = (word & 0x20000) !== 0;
    const total = SEGMENT_HEADER_BYTES + length + SEGMENT_TRAILER_BYTES;
    if (this.#end - s < total) return 0;
    const payload = s + SEGMENT_HEADER_BYTES;
    if (payloadCrc32(b, payload, length) !== this.#bufView.getUint32(payload + length, true)) {
      throw new NativeProtocolError("Cannot read a response: segment payload CRC32 mismatch");
    }
    this.#start = s + total;
    if (selfContained) {
      if (this.#largeLength > 0) {
        throw new NativeProtocolError(
          "Cannot read a response: a self-contained segment interrupts a large envelope",
        );
      }
      this.#payloadPos = payload;
      this.#payloadEnd = payload + length;
      return 1;
    }
    return this.#appendLarge(payload, length) ? 2 : 1;
  }

  /** Adds a payload to the large envelope; true when it is complete (fields set). */
  #appendLarge(payload: number, length: number): boolean {
    const have = this.#largeLength;
    let large = this.#large;
    if (large === null || large.length < have + length) {
      const next = new Uint8Array(Math.max(have + length, (large?.length ?? 0) * 2, 1024));
      if (large !== null) next.set(large.subarray(0, have));
      large = next;
      this.#large = next;
    }
    large.set(this.#buf.subarray(payload, payload + length), have);
    this.#largeLength = have + length;
    if (this.#largeLength < HEADER_BYTES) return false;
    const view = new DataView(large.buffer, large.byteOffset, large.length);
    const bodyLength = this.#header(large, view, 0);
    const size = HEADER_BYTES + bodyLength;
    if (this.#largeLength < size) {
      if (large.length < size) {
        const full = new Uint8Array(size);
        full.set(large.subarray(0, this.#largeLength));
        this.#large = full;
      }
      return false;
    }
    if (this.#largeLength > size) {
      throw new NativeProtocolError(
        "Cannot read a response: a run of segments holds more than one envelope",
      );
    }
    this.bytes = large;
    this.view = view;
    this.bodyStart = HEADER_BYTES;
    this.bodyEnd = size;
    this.#large = null;
    this.#largeLength = 0;
    return true;
  }
}
