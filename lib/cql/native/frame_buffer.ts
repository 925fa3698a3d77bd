/**
 * A growable output buffer that request frames are written into, back to back, with the
 * protocol's primitive types ([short], [int], [long], [bytes], [value], [string], ...). It is
 * allocated once per connection and reused: writing a frame allocates nothing.
 *
 * @module
 */

import { HEADER_BYTES } from "../../protocol/protocol_codes.ts";

/**
 * The marker of an unset bound value (`[value]` length -2, v4 and later): the column keeps what it
 * had.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { UNSET } from "./frame_buffer.ts";
 * assert.equal(typeof UNSET, "symbol");
 * ```
 */
export const UNSET: unique symbol = Symbol("cql.unset");

/** A bound value: serialized CQL bytes, `null` (CQL null) or {@linkcode UNSET}. */
export type BoundValue = Uint8Array | null | typeof UNSET;

const encoder = new TextEncoder();
const TWO_32 = 4294967296;

/**
 * Bound values already in their wire form: `count` [value]s ([int] length, then the bytes) back
 * to back in `bytes[0..length)`. A generator that writes a row straight into this form saves
 * the request encoder a copy per value; the encoder then copies them in one piece.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { EncodedValues } from "./frame_buffer.ts";
 * const values = new EncodedValues(16);
 * values.bytes.set([0, 0, 0, 2, 7, 8, 0xff, 0xff, 0xff, 0xff]); // [7, 8] and null
 * values.count = 2;
 * values.length = 10;
 * assert.deepEqual([...values.encoded()], [0, 0, 0, 2, 7, 8, 0xff, 0xff, 0xff, 0xff]);
 * ```
 */
export class EncodedValues {
  /** The [value]s, from offset 0. */
  readonly bytes: Uint8Array;
  /** A view of {@linkcode EncodedValues.bytes}, for the [int] lengths. */
  readonly view: DataView;
  /** How many [value]s. */
  count = 0;
  /** How many bytes they take. */
  length = 0;
  /**
   * Called by the connection once it no longer reads these values: when their request is
   * answered, times out, fails or is refused, never while it may still send them (a request
   * queued for a stream id, or sent again after a re-prepare). Lets a caller reuse the buffer
   * without waiting on the request's promise.
   */
  onSettled: ((values: EncodedValues) => void) | null = null;
  #view: Uint8Array;

  /**
   * @param capacity The most bytes the values will take.
   */
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
    this.#view = this.bytes.subarray(0, 0);
  }

  /** The `length` bytes of the values (a view, kept while the length stays). */
  encoded(): Uint8Array {
    if (this.#view.length !== this.length) this.#view = this.bytes.subarray(0, this.length);
    return this.#view;
  }
}

/**
 * Hands encoded values back to their owner ({@linkcode EncodedValues.onSettled}): what a
 * connection calls once it no longer reads a request's values. Anything else is left alone.
 *
 * @param values A request's bound values (or nothing).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { EncodedValues, settleValues } from "./frame_buffer.ts";
 * const values = new EncodedValues(8);
 * let back = 0;
 * values.onSettled = () => back++;
 * settleValues(values);
 * settleValues([new Uint8Array(1)]);
 * assert.equal(back, 1);
 * ```
 */
export function settleValues(values: unknown): void {
  if (values instanceof EncodedValues && values.onSettled !== null) values.onSettled(values);
}

/** The bound values of a statement: one by one, or already encoded. */
export type BoundValues = readonly BoundValue[] | EncodedValues;

/**
 * Frames written back to back into one reusable byte array.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * const out = new FrameBuffer(16);
 * out.beginFrame(4, 0, 1, 0x05);
 * out.endFrame();
 * assert.deepEqual([...out.bytes.subarray(0, out.length)], [4, 0, 0, 1, 5, 0, 0, 0, 0]);
 * assert.equal(out.frameCount, 1);
 * ```
 */
export class FrameBuffer {
  /** The bytes; valid from 0 to {@linkcode FrameBuffer.length}. Replaced when it grows. */
  bytes: Uint8Array;
  /** A view of {@linkcode FrameBuffer.bytes}. */
  view: DataView;
  /** Bytes written. */
  length = 0;
  /** The end offset of each finished frame, for v5 segmentation. */
  frameEnds: Int32Array = new Int32Array(64);
  /** Finished frames. */
  frameCount = 0;
  #frameStart = -1;

  /**
   * Creates an empty buffer.
   *
   * @param initialBytes The first capacity; it doubles as needed.
   */
  constructor(initialBytes = 65536) {
    this.bytes = new Uint8Array(Math.max(16, initialBytes));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Forgets every frame (the capacity stays). */
  reset(): void {
    this.length = 0;
    this.frameCount = 0;
    this.#frameStart = -1;
  }

  /**
   * Makes room for `n` more bytes.
   *
   * @param n The bytes about to be written.
   */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  /**
   * Starts a request frame: its 9-byte header, the body length filled in by
   * {@linkcode FrameBuffer.endFrame}.
   *
   * @param version The protocol version (3, 4 or 5).
   * @param flags The header flags.
   * @param stream The stream id (0..32767).
   * @param opcode The opcode.
   */
  beginFrame(version: number, flags: number, stream: number, opcode: number): void {
    this.ensure(HEADER_BYTES);
    const b = this.bytes;
    const p = this.length;
    this.#frameStart = p;
    b[p] = version;
    b[p + 1] = flags;
    b[p + 2] = stream >>> 8;
    b[p + 3] = stream & 0xff;
    b[p + 4] = opcode;
    this.length = p + HEADER_BYTES;
  }

  /** Finishes the frame begun last: writes its body length. */
  endFrame(): void {
    const start = this.#frameStart;
    this.view.setInt32(start + 5, this.length - start - HEADER_BYTES);
    if (this.frameCount === this.frameEnds.length) {
      const ends = new Int32Array(this.frameEnds.length * 2);
      ends.set(this.frameEnds);
      this.frameEnds = ends;
    }
    this.frameEnds[this.frameCount++] = this.length;
    this.#frameStart = -1;
  }

  /** Drops the frame begun last and not finished (an encoder failed half way). */
  discardFrame(): void {
    if (this.#frameStart >= 0) this.length = this.#frameStart;
    this.#frameStart = -1;
  }

  /**
   * Writes a [byte].
   *
   * @param value 0..255.
   */
  writeByte(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  /**
   * Writes a [short].
   *
   * @param value 0..65535.
   */
  writeShort(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
  }

  /**
   * Writes an [int].
   *
   * @param value A 32-bit integer.
   */
  writeInt(value: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
  }

  /**
   * Writes a [long].
   *
   * @param value A safe integer or a bigint.
   */
  writeLong(value: number | bigint): void {
    this.ensure(8);
    if (typeof value === "bigint") {
      this.view.setBigInt64(this.length, value);
    } else {
      const high = Math.floor(value / TWO_32);
      this.view.setInt32(this.length, high);
      this.view.setUint32(this.length + 4, value - high * TWO_32);
    }
    this.length += 8;
  }

  /**
   * Writes raw bytes.
   *
   * @param bytes The bytes.
   */
  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /**
   * Writes [bytes]: an [int] length then the bytes, length -1 for null.
   *
   * @param bytes The bytes or null.
   */
  writeBytes(bytes: Uint8Array | null): void {
    if (bytes === null) {
      this.writeInt(-1);
      return;
    }
    const n = bytes.length;
    this.ensure(4 + n);
    this.view.setInt32(this.length, n);
    this.length += 4;
    const b = this.bytes;
    let p = this.length;
    if (n <= 64) {
      for (let i = 0; i < n; i++) b[p++] = bytes[i];
    } else {
      b.set(bytes, p);
      p += n;
    }
    this.length = p;
  }

  /**
   * Writes a [value]: [bytes], or length -2 for {@linkcode UNSET}.
   *
   * @param value The value.
   */
  writeValue(value: BoundValue): void {
    if (value === UNSET) this.writeInt(-2);
    else this.writeBytes(value);
  }

  /**
   * Writes [short bytes].
   *
   * @param bytes At most 65535 bytes.
   */
  writeShortBytes(bytes: Uint8Array): void {
    this.writeShort(bytes.length);
    this.writeRaw(bytes);
  }

  /**
   * Writes a [string] (UTF-8, [short] length).
   *
   * @param text The text.
   */
  writeString(text: string): void {
    this.ensure(2 + text.length * 3);
    const start = this.length;
    const { written } = encoder.encodeInto(text, this.bytes.subarray(start + 2));
    this.view.setUint16(start, written);
    this.length = start + 2 + written;
  }

  /**
   * Writes a [long string] (UTF-8, [int] length).
   *
   * @param text The text.
   */
  writeLongString(text: string): void {
    this.ensure(4 + text.length * 3);
    const start = this.length;
    const { written } = encoder.encodeInto(text, this.bytes.subarray(start + 4));
    this.view.setInt32(start, written);
    this.length = start + 4 + written;
  }

  /**
   * Writes a [string map].
   *
   * @param map The entries.
   */
  writeStringMap(map: Readonly<Record<string, string>>): void {
    const keys = Object.keys(map);
    this.writeShort(keys.length);
    for (const key of keys) {
      this.writeString(key);
      this.writeString(map[key]);
    }
  }
}
