/**
 * An LZ4 block compressor of our own, written from the LZ4 block format description: greedy
 * matching on a 4-byte hash, as the reference "fast" mode does. A block is a run of sequences
 * (a token, the literals' length past 15, the literals, a little-endian 2-byte offset, the match
 * length's extension) ending with literals only; the last 5 bytes are always literals and the last
 * match starts at least 12 bytes before the end, so every LZ4 decoder accepts it. The hash
 * table (16 KiB) is allocated once per compressor and never cleared: its entries are numbered
 * so that those of earlier blocks are always more than 64 KiB away, which no match may reach.
 *
 * @module
 */

const HASH_BITS = 12;
const MIN_MATCH = 4;
/** The last bytes of a block that are always literals. */
const LAST_LITERALS = 5;
/** The last match starts at least this many bytes before the end of the block. */
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
/** The first numbering of a compressor; entries below it (zero) are never reached. */
const FIRST_BASE = MAX_OFFSET + 1;
/** Beyond this numbering, the table is cleared and numbering starts again. */
const MAX_BASE = 0x7fff0000;

/**
 * The largest block {@linkcode Lz4Compressor.compress} writes for `length` bytes (all literals:
 * a token, one length byte per 255, the bytes).
 *
 * @param length The bytes to compress.
 * @returns The room the output needs.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { lz4MaxCompressedBytes } from "./lz4_compressor.ts";
 * assert.equal(lz4MaxCompressedBytes(0), 16);
 * assert.equal(lz4MaxCompressedBytes(1000), 1019);
 * ```
 */
export function lz4MaxCompressedBytes(length: number): number {
  return length + Math.floor(length / 255) + 16;
}

/**
 * Compresses byte ranges into LZ4 blocks (the raw block format, with no size or frame around
 * it). Not safe to share between two compressions at once (there is only one thread anyway).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Lz4Compressor, lz4MaxCompressedBytes } from "./lz4_compressor.ts";
 * const input = new TextEncoder().encode("abcabcabcabcabcabcabcabc");
 * const out = new Uint8Array(lz4MaxCompressedBytes(input.length));
 * const n = new Lz4Compressor().compress(input, 0, input.length, out, 0);
 * // "abc", then a match of 16 at offset 3, then the last 5 bytes ("bcabc") as literals.
 * assert.deepEqual([...out.subarray(0, n)], [
 *   0x3c, 0x61, 0x62, 0x63, 0x03, 0x00, 0x50, 0x62, 0x63, 0x61, 0x62, 0x63,
 * ]);
 * ```
 */
export class Lz4Compressor {
  readonly #table = new Int32Array(1 << HASH_BITS);
  #base = FIRST_BASE;
  /** A view of the last input (4-byte reads are one load each), and that input. */
  #view: DataView = new DataView(new ArrayBuffer(0));
  #viewOf: Uint8Array | null = null;

  /**
   * Compresses `src[srcStart..srcEnd)` into `dst` from `dstStart`, which must have room for
   * {@linkcode lz4MaxCompressedBytes} of the input.
   *
   * @param src The input.
   * @param srcStart Where it starts.
   * @param srcEnd Where it ends.
   * @param dst The output.
   * @param dstStart Where the block goes.
   * @returns The block's length.
   * @throws {RangeError} When `dst` has less room than the bound.
   */
  compress(
    src: Uint8Array,
    srcStart: number,
    srcEnd: number,
    dst: Uint8Array,
    dstStart: number,
  ): number {
    const length = srcEnd - srcStart;
    if (dst.length - dstStart < lz4MaxCompressedBytes(length)) {
      throw new RangeError(
        `Cannot compress ${length} bytes: the output has room for ${dst.length - dstStart}`,
      );
    }
    if (this.#base > MAX_BASE - length) {
      this.#table.fill(0);
      this.#base = FIRST_BASE;
    }
    const n = this.#matchAll(src, srcStart, srcEnd, dst, dstStart);
    this.#base += length + FIRST_BASE;
    return n;
  }

  /** The sequences of one block; returns its length. */
  #matchAll(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
    const table = this.#table;
    if (this.#viewOf !== src) {
      this.#viewOf = src;
      this.#view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    }
    const view = this.#view;
    // Numbering: position p of this block is entry `shift + p`.
    const shift = this.#base - start;
    const lastMatchStart = end - MF_LIMIT;
    const matchEnd = end - LAST_LITERALS;
    let op = at;
    let anchor = start;
    let ip = start;
    let misses = 1 << 6;
    while (ip <= lastMatchStart) {
      const sequence = view.getInt32(ip, true);
      const hash = Math.imul(sequence, -1640531535) >>> (32 - HASH_BITS);
      let ref = table[hash] - shift;
      table[hash] = ip + shift;
      if (ip - ref > MAX_OFFSET || ref < start || view.getInt32(ref, true) !== sequence) {
        // After 64 misses in a row, skip ahead faster through incompressible bytes.
        ip += misses++ >> 6;
        continue;
      }
      misses = 1 << 6;
      while (ip > anchor && ref > start && src[ip - 1] === src[ref - 1]) {
        ip--;
        ref--;
      }
      let matchLength = MIN_MATCH;
      while (
        ip + matchLength + 4 <= matchEnd &&
        view.getInt32(ip + matchLength, true) === view.getInt32(ref + matchLength, true)
      ) {
        matchLength += 4;
      }
      while (ip + matchLength < matchEnd && src[ip + matchLength] === src[ref + matchLength]) {
        matchLength++;
      }
      op = writeSequence(dst, op, src, anchor, ip, ip - ref, matchLength);
      ip += matchLength;
      anchor = ip;
      if (ip <= lastMatchStart) {
        // The position just before the next search, so a repeat right after is found.
        const p = ip - 2;
        table[Math.imul(view.getInt32(p, true), -1640531535) >>> (32 - HASH_BITS)] = p + shift;
      }
    }
    return writeLastLiterals(dst, op, src, anchor, end) - at;
  }
}

/** Writes a length's extension bytes (255 each, then the rest). */
function writeLengthExtension(dst: Uint8Array, op: number, rest: number): number {
  while (rest >= 255) {
    dst[op++] = 255;
    rest -= 255;
  }
  dst[op++] = rest;
  return op;
}

/** Copies the literals `src[from..to)` to `dst` at `op`. */
function copyLiterals(dst: Uint8Array, op: number, src: Uint8Array, from: number, to: number) {
  if (to - from < 32) {
    for (let i = from; i < to; i++) dst[op++] = src[i];
    return op;
  }
  dst.set(src.subarray(from, to), op);
  return op + (to - from);
}

/** Writes one sequence: literals `src[anchor..ip)`, then a match. */
function writeSequence(
  dst: Uint8Array,
  op: number,
  src: Uint8Array,
  anchor: number,
  ip: number,
  offset: number,
  matchLength: number,
): number {
  const literals = ip - anchor;
  const extra = matchLength - MIN_MATCH;
  const token = op++;
  dst[token] = (literals < 15 ? literals << 4 : 0xf0) | (extra < 15 ? extra : 0x0f);
  if (literals >= 15) op = writeLengthExtension(dst, op, literals - 15);
  op = copyLiterals(dst, op, src, anchor, ip);
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  if (extra >= 15) op = writeLengthExtension(dst, op, extra - 15);
  return op;
}

/** Writes the last sequence: literals only. */
function writeLastLiterals(
  dst: Uint8Array,
  op: number,
  src: Uint8Array,
  anchor: number,
  end: number,
): number {
  const literals = end - anchor;
  dst[op++] = literals < 15 ? literals << 4 : 0xf0;
  if (literals >= 15) op = writeLengthExtension(dst, op, literals - 15);
  return copyLiterals(dst, op, src, anchor, end);
}
