/**
 * A bounds-checked big-endian reader for native-protocol bodies.
 *
 * @module
 */

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Thrown when a body is shorter than what it declares, or holds invalid UTF-8: the request is
 * malformed and gets a protocol error.
 */
export class FrameDecodeError extends Error {
  /** @param message What was wrong. */
  constructor(message: string) {
    super(message);
    this.name = "FrameDecodeError";
  }
}

/**
 * Reads the native protocol's notation from one frame body. Every read checks the remaining
 * length and throws {@linkcode FrameDecodeError} instead of reading past the end.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameReader } from "./frame_reader.ts";
 * const reader = new FrameReader(new Uint8Array([0, 2, 104, 105, 0, 7]));
 * assert.equal(reader.readString(), "hi");
 * assert.equal(reader.readShort(), 7);
 * assert.equal(reader.remaining, 0);
 * ```
 */
export class FrameReader {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  /** @param body The frame body. */
  constructor(body: Uint8Array) {
    this.#buf = body;
    this.#view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  #take(n: number, what: string): number {
    const at = this.#pos;
    if (n < 0 || at + n > this.#buf.length) {
      throw new FrameDecodeError(
        `Not enough bytes to read ${what}: need ${n}, have ${this.#buf.length - at}`,
      );
    }
    this.#pos = at + n;
    return at;
  }

  /** @returns An unsigned byte. */
  readByte(): number {
    return this.#buf[this.#take(1, "a byte")];
  }

  /** @returns An unsigned 16-bit value. */
  readShort(): number {
    return this.#view.getUint16(this.#take(2, "a short"));
  }

  /** @returns A signed 32-bit value. */
  readInt(): number {
    return this.#view.getInt32(this.#take(4, "an int"));
  }

  /** @returns A signed 64-bit value. */
  readLong(): bigint {
    return this.#view.getBigInt64(this.#take(8, "a long"));
  }

  /**
   * @param n How many bytes.
   * @returns A view of the next `n` bytes.
   */
  readRaw(n: number): Uint8Array {
    const at = this.#take(n, "bytes");
    return this.#buf.subarray(at, at + n);
  }

  #text(n: number): string {
    try {
      return decoder.decode(this.readRaw(n));
    } catch (error) {
      if (error instanceof FrameDecodeError) throw error;
      throw new FrameDecodeError("Invalid UTF-8 in a string");
    }
  }

  /** @returns A [string]. */
  readString(): string {
    return this.#text(this.readShort());
  }

  /** @returns A [long string]. */
  readLongString(): string {
    const n = this.readInt();
    if (n < 0) throw new FrameDecodeError(`Invalid long string length ${n}`);
    return this.#text(n);
  }

  /** @returns [bytes]; `null` for a negative length. */
  readBytes(): Uint8Array | null {
    const n = this.readInt();
    return n < 0 ? null : this.readRaw(n);
  }

  /**
   * Reads a bound [value]: length -1 is null, -2 is "not set" (v4+).
   *
   * @returns The bytes, `null`, or `undefined` for unset.
   */
  readValue(): Uint8Array | null | undefined {
    const n = this.readInt();
    if (n >= 0) return this.readRaw(n);
    if (n === -1) return null;
    if (n === -2) return undefined;
    throw new FrameDecodeError(`Invalid value length ${n}`);
  }

  /** @returns [short bytes]. */
  readShortBytes(): Uint8Array {
    return this.readRaw(this.readShort());
  }

  /** @returns A [string map]. */
  readStringMap(): Map<string, string> {
    const n = this.readShort();
    const map = new Map<string, string>();
    for (let i = 0; i < n; i++) map.set(this.readString(), this.readString());
    return map;
  }
}
