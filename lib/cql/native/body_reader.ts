/**
 * A cursor over a response body that reads the protocol's primitive types, each checked against
 * the body's end: a body too short for what it declares is a {@linkcode NativeProtocolError},
 * never a read past the end. One reader is reused for every response.
 *
 * @module
 */

import { NativeProtocolError } from "./native_errors.ts";

const decoder = new TextDecoder("utf-8", { fatal: false });
/** The block that {@linkcode BodyReader.copyRest} copies small bodies into. */
const ARENA_BYTES = 65536;
/** Larger rests get a buffer of their own. */
const ARENA_MAX_COPY_BYTES = 8192;

/**
 * Reads [int], [short], [string], [bytes], ... from a window of bytes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * const bytes = new Uint8Array([0, 0, 0, 7, 0, 2, 104, 105]);
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * assert.equal(reader.readInt(), 7);
 * assert.equal(reader.readString(), "hi");
 * assert.throws(() => reader.readByte(), { name: "NativeProtocolError" });
 * ```
 */
export class BodyReader {
  /** The bytes read. */
  bytes: Uint8Array = new Uint8Array(0);
  /** A view of {@linkcode BodyReader.bytes}. */
  view: DataView = new DataView(this.bytes.buffer);
  /** The next byte to read. */
  pos = 0;
  /** The end of the body. */
  end = 0;
  #arena: Uint8Array = new Uint8Array(0);
  #arenaUsed = 0;

  /**
   * Points the reader at a body.
   *
   * @param bytes The bytes holding it.
   * @param view A view of `bytes` (same buffer and offset).
   * @param start Where the body starts.
   * @param end Where it ends.
   */
  reset(bytes: Uint8Array, view: DataView, start: number, end: number): void {
    this.bytes = bytes;
    this.view = view;
    this.pos = start;
    this.end = end;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /**
   * Checks that `n` more bytes exist.
   *
   * @param n The bytes about to be read.
   * @param what What they are, for the error.
   */
  need(n: number, what: string): void {
    if (n < 0 || this.end - this.pos < n) {
      throw new NativeProtocolError(
        `Cannot read a response: ${what} needs ${n} bytes but the body has ${
          this.end - this.pos
        } left`,
      );
    }
  }

  /**
   * Skips bytes.
   *
   * @param n How many.
   */
  skip(n: number): void {
    this.need(n, "a field");
    this.pos += n;
  }

  /** Reads a [byte]. */
  readByte(): number {
    this.need(1, "a [byte]");
    return this.bytes[this.pos++];
  }

  /** Reads a [short] (unsigned). */
  readShort(): number {
    this.need(2, "a [short]");
    const value = this.view.getUint16(this.pos);
    this.pos += 2;
    return value;
  }

  /** Reads an [int]. */
  readInt(): number {
    this.need(4, "an [int]");
    const value = this.view.getInt32(this.pos);
    this.pos += 4;
    return value;
  }

  /** Reads a [string]. */
  readString(): string {
    const n = this.readShort();
    this.need(n, "a [string]");
    const text = decoder.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return text;
  }

  /** Reads a [long string]. */
  readLongString(): string {
    const n = this.readInt();
    this.need(n, "a [long string]");
    const text = decoder.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return text;
  }

  /** Reads [bytes] as a copy, or null for a negative length. */
  readBytes(): Uint8Array | null {
    const n = this.readInt();
    if (n < 0) return null;
    this.need(n, "[bytes]");
    const bytes = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return bytes;
  }

  /** Skips [bytes]. */
  skipBytes(): void {
    const n = this.readInt();
    if (n > 0) this.skip(n);
  }

  /** Reads [short bytes] as a copy. */
  readShortBytes(): Uint8Array {
    const n = this.readShort();
    this.need(n, "[short bytes]");
    const bytes = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return bytes;
  }

  /** Reads a [string list]. */
  readStringList(): string[] {
    const n = this.readShort();
    const list: string[] = [];
    for (let i = 0; i < n; i++) list.push(this.readString());
    return list;
  }

  /** Reads a [string multimap]. */
  readStringMultimap(): Record<string, string[]> {
    const n = this.readShort();
    const map: Record<string, string[]> = {};
    for (let i = 0; i < n; i++) {
      const key = this.readString();
      map[key] = this.readStringList();
    }
    return map;
  }

  /** Skips a [bytes map]. */
  skipBytesMap(): void {
    const n = this.readShort();
    for (let i = 0; i < n; i++) {
      this.skip(this.readShort());
      this.skipBytes();
    }
  }

  /** Reads an [inetaddr] (no port) as text: dotted IPv4, or IPv6 groups in hex. */
  readInetAddr(): string {
    const n = this.readByte();
    if (n !== 4 && n !== 16) {
      throw new NativeProtocolError(`Cannot read a response: [inetaddr] of ${n} bytes`);
    }
    this.need(n, "an [inetaddr]");
    const b = this.bytes;
    const p = this.pos;
    this.pos += n;
    if (n === 4) return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[p + i] << 8) | b[p + i + 1]).toString(16));
    return groups.join(":");
  }

  /**
   * Copies the rest of the body out (the bytes it reads are reused for the next response) and
   * moves to its end. Small rests go into a shared block, one after the other, that is never
   * written twice: a copy costs a view, not an allocation of its own (a response a second
   * allocated thousands of buffers), and a block is freed once no copy in it is referenced.
   *
   * @returns The copy.
   */
  copyRest(): Uint8Array {
    const start = this.pos;
    const size = this.end - start;
    this.pos = this.end;
    if (size > ARENA_MAX_COPY_BYTES) return this.bytes.slice(start, start + size);
    if (this.#arenaUsed + size > this.#arena.length) {
      this.#arena = new Uint8Array(ARENA_BYTES);
      this.#arenaUsed = 0;
    }
    const at = this.#arenaUsed;
    this.#arena.set(this.bytes.subarray(start, start + size), at);
    this.#arenaUsed = at + size;
    return this.#arena.subarray(at, at + size);
  }
}
