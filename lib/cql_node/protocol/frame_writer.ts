/**
 * A growable big-endian byte writer for native-protocol bodies.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Writes the native protocol's notation ([int], [short], [string], [bytes], maps, ...) into a
 * growable buffer. One writer is reused for many frames: {@linkcode FrameWriter.reset} keeps the
 * buffer.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameWriter } from "./frame_writer.ts";
 * const writer = new FrameWriter();
 * writer.writeShort(1);
 * writer.writeString("ab");
 * assert.deepEqual([...writer.bytes()], [0, 1, 0, 2, 97, 98]);
 * ```
 */
export class FrameWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  /**
   * Makes an empty writer.
   *
   * @param initialSize The first buffer size in bytes.
   */
  constructor(initialSize = 4096) {
    this.#buf = new Uint8Array(initialSize);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** The number of bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Forgets what was written, keeping the buffer. */
  reset(): void {
    this.#pos = 0;
  }

  /**
   * A view of the bytes written so far (valid until the next write or reset).
   *
   * @returns The bytes.
   */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /**
   * A copy of the bytes written so far.
   *
   * @returns The copy.
   */
  copy(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }

  #reserve(n: number): number {
    const at = this.#pos;
    const need = at + n;
    if (need > this.#buf.length) {
      let size = Math.max(64, this.#buf.length * 2);
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    this.#pos = need;
    return at;
  }

  /** @param value An unsigned byte. */
  writeByte(value: number): void {
    const at = this.#reserve(1);
    this.#buf[at] = value;
  }

  /** @param value An unsigned 16-bit value. */
  writeShort(value: number): void {
    const at = this.#reserve(2);
    this.#view.setUint16(at, value);
  }

  /** @param value A signed 32-bit value. */
  writeInt(value: number): void {
    const at = this.#reserve(4);
    this.#view.setInt32(at, value);
  }

  /** @param value A signed 64-bit value. */
  writeLong(value: bigint): void {
    const at = this.#reserve(8);
    this.#view.setBigInt64(at, value);
  }

  /**
   * Overwrites a 32-bit value written earlier (for lengths known only later).
   *
   * @param at The byte offset.
   * @param value The value.
   */
  patchInt(at: number, value: number): void {
    this.#view.setInt32(at, value);
  }

  /** @param bytes Raw bytes, no length prefix. */
  writeRaw(bytes: Uint8Array): void {
    const at = this.#reserve(bytes.length);
    this.#buf.set(bytes, at);
  }

  /** @param value A [string]: a short length then UTF-8. */
  writeString(value: string): void {
    this.#writeText(value, 2);
  }

  /** @param value A [long string]: an int length then UTF-8. */
  writeLongString(value: string): void {
    this.#writeText(value, 4);
  }

  #writeText(value: string, prefix: 2 | 4): void {
    const max = value.length * 3;
    const at = this.#reserve(prefix + max);
    const { written } = encoder.encodeInto(
      value,
      this.#buf.subarray(at + prefix, at + prefix + max),
    );
    if (prefix === 2) this.#view.setUint16(at, written);
    else this.#view.setInt32(at, written);
    this.#pos = at + prefix + written;
  }

  /** @param value [bytes]: an int length then the bytes; `null` writes length -1. */
  writeBytes(value: Uint8Array | null): void {
    if (value === null) {
      this.writeInt(-1);
      return;
    }
    const at = this.#reserve(4 + value.length);
    this.#view.setInt32(at, value.length);
    this.#buf.set(value, at + 4);
  }

  /** @param value [short bytes]: a short length then the bytes. */
  writeShortBytes(value: Uint8Array): void {
    const at = this.#reserve(2 + value.length);
    this.#view.setUint16(at, value.length);
    this.#buf.set(value, at + 2);
  }

  /** @param list A [string list]. */
  writeStringList(list: readonly string[]): void {
    this.writeShort(list.length);
    for (const item of list) this.writeString(item);
  }

  /** @param map A [string multimap]. */
  writeStringMultimap(map: Record<string, readonly string[]>): void {
    const keys = Object.keys(map);
    this.writeShort(keys.length);
    for (const key of keys) {
      this.writeString(key);
      this.writeStringList(map[key]);
    }
  }

  /** @param address An [inetaddr]: a length byte then 4 or 16 address bytes. */
  writeInetAddr(address: Uint8Array): void {
    this.writeByte(address.length);
    this.writeRaw(address);
  }
}
