/**
 * Turns the bytes a connection receives, in chunks of any size, into response frames: v3/v4
 * frames (and the unframed handshake of v5), then, once the v5 handshake switches to them, v5
 * segments whose checksums it checks and whose envelopes it returns (from self-contained
 * segments, or reassembled from a run of segments). Frames are not copied: each is a window of
 * the splitter's buffer, valid until the next {@linkcode ResponseSplitter.reserve} or push.
 *
 * With LZ4 compression, v3/v4 frames flagged compressed have their body decompressed (a
 * big-endian uncompressed length, then an LZ4 block) and the flag cleared, and v5 segments have
 * the 8-byte compressed header; their payloads are decompressed unless stored as they are (an
 * uncompressed length of 0). A decompressed frame is a window of a second buffer, valid until the
 * next {@linkcode ResponseSplitter.next}.
 *
 * @module
 */

import { crc24, payloadCrc32 } from "./frame_checksums.ts";
import { decompressLz4Block } from "./lz4_decompress.ts";
import { NativeProtocolError } from "./native_errors.ts";
import { HEADER_BYTES, MAX_BODY_BYTES } from "../../protocol/protocol_codes.ts";

const MIN_BUFFER_BYTES = 65536;
const KEPT_BYTES = 4 * 1024 * 1024;
const SEGMENT_HEADER_BYTES = 6;
const LZ4_SEGMENT_HEADER_BYTES = 8;
const SEGMENT_TRAILER_BYTES = 4;
/** The largest payload of a v5 segment, compressed or not. */
const SEGMENT_MAX_BYTES = 131071;

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
  readonly #lz4: boolean;
  /** Decompressed bodies and payloads. */
  #plain: Uint8Array = new Uint8Array(0);
  #plainView = new DataView(this.#plain.buffer);
  /** The unread part of the current self-contained payload, in #payload (#buf or #plain). */
  #payload: Uint8Array;
  #payloadView: DataView;
  #payloadPos = 0;
  #payloadEnd = 0;
  /** The envelope being reassembled from a run of segments. */
  #large: Uint8Array | null = null;
  #largeLength = 0;

  /**
   * Creates an empty splitter.
   *
   * @param options.maxBodyBytes The largest response body accepted (256 MiB, the protocol's).
   * @param options.compression `lz4` when STARTUP asks for it: compressed frames, then
   *   compressed v5 segments.
   */
  constructor(options: { maxBodyBytes?: number; compression?: "none" | "lz4" } = {}) {
    this.#maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.#lz4 = options.compression === "lz4";
    this.#buf = new Uint8Array(MIN_BUFFER_BYTES);
    this.#bufView = new DataView(this.#buf.buffer);
    this.#payload = this.#buf;
    this.#payloadView = this.#bufView;
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

  /** From the next byte on, reads v5 segments, compressed ones with lz4 (the v5 handshake ended). */
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
    // A payload left in #plain does not pin #buf.
    const pinned = payloadLeft && this.#payload === this.#buf;
    if (this.#end === this.#start && !pinned) {
      this.#start = 0;
      this.#end = 0;
      // A buffer that grew for a huge response is not kept.
      if (this.#buf.length > KEPT_BYTES && minBytes <= MIN_BUFFER_BYTES) {
        this.#buf = new Uint8Array(MIN_BUFFER_BYTES);
        this.#bufView = new DataView(this.#buf.buffer);
      }
      if (!payloadLeft) this.#usePayloadOf(this.#buf, this.#bufView, 0, 0);
    }
    if (this.#buf.length - this.#end >= minBytes) return this.#buf.subarray(this.#end);
    // Keep the unread bytes: the rest of a self-contained payload (before #start) and after.
    const base = pinned ? this.#payloadPos : this.#start;
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
    if (pinned) {
      this.#usePayloadOf(
        this.#buf,
        this.#bufView,
        this.#payloadPos - base,
        this.#payloadEnd - base,
      );
    } else if (!payloadLeft) this.#usePayloadOf(this.#buf, this.#bufView, 0, 0);
    this.#start -= base;
    this.#end = have;
    return this.#buf.subarray(this.#end);
  }

  /** Points the self-contained payload at `bytes[pos..end)`. */
  #usePayloadOf(bytes: Uint8Array, view: DataView, pos: number, end: number): void {
    this.#payload = bytes;
    this.#payloadView = view;
    this.#payloadPos = pos;
    this.#payloadEnd = end;
  }

  /** #plain with room for `size` bytes (a buffer over 4 MiB is not kept for long). */
  #plainOf(size: number): Uint8Array {
    const have = this.#plain.length;
    if (have >= size && (have <= KEPT_BYTES || size > KEPT_BYTES)) return this.#plain;
    const grown = have < size ? Math.min(2 * have, KEPT_BYTES) : MIN_BUFFER_BYTES;
    this.#plain = new Uint8Array(Math.max(size, grown, 1024));
    this.#plainView = new DataView(this.#plain.buffer);
    return this.#plain;
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
    if (this.#lz4 && (this.flags & 0x01) !== 0) this.#inflateBody();
    return true;
  }

  /** Replaces the current (compressed) frame body by its decompressed bytes; clears the flag. */
  #inflateBody(): void {
    const start = this.bodyStart;
    if (this.bodyEnd - start < 4) {
      throw new NativeProtocolError(
        "Cannot read a response: a compressed body is shorter than its length prefix",
      );
    }
    const size = this.#bufView.getInt32(start);
    if (size < 0 || size > this.#maxBodyBytes) {
      throw new NativeProtocolError(
        `Cannot read a response: compressed body of ${size} bytes exceeds the limit of ${this.#maxBodyBytes}`,
      );
    }
    const plain = this.#plainOf(size);
    decompressLz4Block(this.#buf, plain, {
      srcStart: start + 4,
      srcEnd: this.bodyEnd,
      dstStart: 0,
      dstEnd: size,
    });
    this.bytes = plain;
    this.view = this.#plainView;
    this.bodyStart = 0;
    this.bodyEnd = size;
    this.flags &= ~0x01;
  }

  #nextEnvelope(): boolean {
    const p = this.#payloadPos;
    const room = this.#payloadEnd - p;
    const length = room < HEADER_BYTES ? -1 : this.#header(this.#payload, this.#payloadView, p);
    if (length < 0 || room - HEADER_BYTES < length) {
      throw new NativeProtocolError(
        "Cannot read a response: an envelope overruns its self-contained segment",
      );
    }
    this.bytes = this.#payload;
    this.view = this.#payloadView;
    this.bodyStart = p + HEADER_BYTES;
    this.bodyEnd = this.bodyStart + length;
    this.#payloadPos = this.bodyEnd;
    return true;
  }

  /** Reads one segment: 0 more bytes needed, 1 consumed (payload ready or partial), 2 frame. */
  #nextSegment(): number {
    if (this.#lz4) return this.#nextLz4Segment();
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
    return this.#takePayload(this.#buf, payload, length, selfContained);
  }

  /** Reads one compressed segment, as {@linkcode ResponseSplitter.#nextSegment} does. */
  #nextLz4Segment(): number {
    const b = this.#buf;
    const s = this.#start;
    if (this.#end - s < LZ4_SEGMENT_HEADER_BYTES) return 0;
    const crc = b[s + 5] | (b[s + 6] << 8) | (b[s + 7] << 16);
    if (crc24(b, s, 5) !== crc) {
      throw new NativeProtocolError("Cannot read a response: segment header CRC24 mismatch");
    }
    const length = b[s] | (b[s + 1] << 8) | ((b[s + 2] & 1) << 16);
    const uncompressed = (b[s + 2] >>> 1) | (b[s + 3] << 7) | ((b[s + 4] & 3) << 15);
    const selfContained = (b[s + 4] & 4) !== 0;
    const total = LZ4_SEGMENT_HEADER_BYTES + length + SEGMENT_TRAILER_BYTES;
    if (this.#end - s < total) return 0;
    const payload = s + LZ4_SEGMENT_HEADER_BYTES;
    if (payloadCrc32(b, payload, length) !== this.#bufView.getUint32(payload + length, true)) {
      throw new NativeProtocolError("Cannot read a response: segment payload CRC32 mismatch");
    }
    this.#start = s + total;
    if (uncompressed === 0) return this.#takePayload(b, payload, length, selfContained);
    const plain = this.#plainOf(SEGMENT_MAX_BYTES);
    decompressLz4Block(b, plain, {
      srcStart: payload,
      srcEnd: payload + length,
      dstStart: 0,
      dstEnd: uncompressed,
    });
    return this.#takePayload(plain, 0, uncompressed, selfContained);
  }

  /** Makes a segment's payload the current one, or adds it to the large envelope. */
  #takePayload(bytes: Uint8Array, payload: number, length: number, selfContained: boolean): number {
    if (selfContained) {
      if (this.#largeLength > 0) {
        throw new NativeProtocolError(
          "Cannot read a response: a self-contained segment interrupts a large envelope",
        );
      }
      const view = bytes === this.#buf ? this.#bufView : this.#plainView;
      this.#usePayloadOf(bytes, view, payload, payload + length);
      return 1;
    }
    return this.#appendLarge(bytes, payload, length) ? 2 : 1;
  }

  /** Adds a payload to the large envelope; true when it is complete (fields set). */
  #appendLarge(bytes: Uint8Array, payload: number, length: number): boolean {
    const have = this.#largeLength;
    let large = this.#large;
    if (large === null || large.length < have + length) {
      const next = new Uint8Array(Math.max(have + length, (large?.length ?? 0) * 2, 1024));
      if (large !== null) next.set(large.subarray(0, have));
      large = next;
      this.#large = next;
    }
    large.set(bytes.subarray(payload, payload + length), have);
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
