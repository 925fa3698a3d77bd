/**
 * The frame body decompression of protocol v3/v4 (`COMPRESSION` in STARTUP): lz4 (a 4-byte
 * big-endian uncompressed length, then an LZ4 block) and snappy (a raw Snappy block). The node
 * reads compressed requests and answers uncompressed, which the protocol allows ("frames do not
 * have to be compressed"). Private to lib/cql_node.
 *
 * @module
 */

/** The compression algorithms, in the order Cassandra lists them in SUPPORTED. */
export const COMPRESSIONS: readonly string[] = ["snappy", "lz4"];

/** A compressed body that does not decode. */
export class DecompressionError extends Error {
  /** @param message What is wrong. */
  constructor(message: string) {
    super(message);
    this.name = "DecompressionError";
  }
}

function fail(detail: string): DecompressionError {
  return new DecompressionError(detail);
}

/** Copies `length` bytes from `offset` back in `out` (overlapping copies repeat the pattern). */
function copyMatch(out: Uint8Array, at: number, offset: number, length: number): void {
  if (offset <= 0 || offset > at) throw fail(`invalid match offset ${offset} at ${at}`);
  if (at + length > out.length) throw fail("match runs past the declared length");
  for (let i = 0; i < length; i++) out[at + i] = out[at + i - offset];
}

/** Reads an LZ4 length extension (bytes of 255 and a final one below 255). */
function lz4Length(input: Uint8Array, at: number, base: number): [number, number] {
  let length = base;
  if (base !== 15) return [length, at];
  for (;;) {
    if (at >= input.length) throw fail("truncated length");
    const b = input[at++];
    length += b;
    if (b !== 255) return [length, at];
  }
}

/**
 * Decodes an LZ4 block into exactly `size` bytes.
 *
 * @param input The block.
 * @param size The uncompressed size.
 * @returns The bytes.
 * @throws {DecompressionError} When the block is malformed or does not decode to `size` bytes.
 */
export function lz4Block(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  let pos = 0;
  while (pos < input.length) {
    const token = input[pos++];
    let literals: number;
    [literals, pos] = lz4Length(input, pos, token >> 4);
    if (pos + literals > input.length || at + literals > size) throw fail("literals run past");
    out.set(input.subarray(pos, pos + literals), at);
    pos += literals;
    at += literals;
    if (pos === input.length) break;
    if (pos + 2 > input.length) throw fail("truncated match offset");
    const offset = input[pos] | (input[pos + 1] << 8);
    pos += 2;
    let length: number;
    [length, pos] = lz4Length(input, pos, token & 15);
    copyMatch(out, at, offset, length + 4);
    at += length + 4;
  }
  if (at !== size) throw fail(`decoded ${at} bytes, expected ${size}`);
  return out;
}

/** Reads a Snappy varint: [value, next position]. */
function varint(input: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (at >= input.length) throw fail("truncated length");
    const b = input[at++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
  }
  throw fail("length varint too long");
}

/** Reads `n` little-endian bytes. */
function littleEndian(input: Uint8Array, at: number, n: number): number {
  if (at + n > input.length) throw fail("truncated element");
  let value = 0;
  for (let i = n - 1; i >= 0; i--) value = value * 256 + input[at + i];
  return value;
}

/**
 * Decodes a raw Snappy block.
 *
 * @param input The block (the uncompressed length as a varint, then the elements).
 * @param maxBytes The largest uncompressed size accepted.
 * @returns The bytes.
 * @throws {DecompressionError} When the block is malformed or declares more than `maxBytes`.
 */
export function snappyBlock(input: Uint8Array, maxBytes: number): Uint8Array {
  const [size, start] = varint(input, 0);
  if (size > maxBytes) throw fail(`uncompressed length ${size} exceeds ${maxBytes}`);
  const out = new Uint8Array(size);
  let at = 0;
  let pos = start;
  while (pos < input.length) {
    const tag = input[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let length = (tag >> 2) + 1;
      if (length > 60) {
        const n = length - 60;
        length = littleEndian(input, pos, n) + 1;
        pos += n;
      }
      if (pos + length > input.length || at + length > size) throw fail("literal runs past");
      out.set(input.subarray(pos, pos + length), at);
      pos += length;
      at += length;
      continue;
    }
    let length: number;
    let offset: number;
    if (kind === 1) {
      length = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | littleEndian(input, pos, 1);
      pos += 1;
    } else {
      const n = kind === 2 ? 2 : 4;
      length = (tag >> 2) + 1;
      offset = littleEndian(input, pos, n);
      pos += n;
    }
    copyMatch(out, at, offset, length);
    at += length;
  }
  if (at !== size) throw fail(`decoded ${at} bytes, expected ${size}`);
  return out;
}

/**
 * Decompresses a frame body.
 *
 * @param algorithm `lz4` or `snappy`.
 * @param body The compressed body.
 * @param maxBytes The largest uncompressed body accepted.
 * @returns The uncompressed body.
 * @throws {DecompressionError} When the body does not decode or is larger than `maxBytes`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { decompressBody } from "./_frame_compression.ts";
 * // lz4: length 6, then one sequence: literals "ab" and a 4-byte match at offset 2.
 * const lz4 = new Uint8Array([0, 0, 0, 6, 0x20, 0x61, 0x62, 2, 0]);
 * assert.equal(new TextDecoder().decode(decompressBody("lz4", lz4, 100)), "ababab");
 * // snappy: length 6, literal "ab", then a 4-byte copy at offset 2.
 * const snappy = new Uint8Array([6, 0x04, 0x61, 0x62, 0x01, 2]);
 * assert.equal(new TextDecoder().decode(decompressBody("snappy", snappy, 100)), "ababab");
 * ```
 */
export function decompressBody(
  algorithm: string,
  body: Uint8Array,
  maxBytes: number,
): Uint8Array {
  if (algorithm === "snappy") return snappyBlock(body, maxBytes);
  if (body.length < 4) throw fail("lz4 body shorter than its length");
  const size = new DataView(body.buffer, body.byteOffset, 4).getInt32(0);
  if (size < 0 || size > maxBytes) throw fail(`uncompressed length ${size} exceeds ${maxBytes}`);
  return lz4Block(body.subarray(4), size);
}
