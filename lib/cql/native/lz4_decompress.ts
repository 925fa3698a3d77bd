/**
 * The LZ4 block decoder of our own, written from the LZ4 block format description. It checks
 * every length and offset against its input and output, so a corrupt block fails with an error
 * saying what is wrong, never reads or writes out of bounds, and always ends.
 *
 * @module
 */

import { NativeProtocolError } from "./native_errors.ts";

function corrupt(detail: string): NativeProtocolError {
  return new NativeProtocolError(`Cannot decompress an LZ4 block: ${detail}`);
}

/**
 * Decodes the LZ4 block `src[srcStart..srcEnd)` into `dst[dstStart..dstEnd)`, which it must fill
 * exactly (the uncompressed length comes with the block: a v4 body's prefix, a v5 segment
 * header).
 *
 * @param src The input.
 * @param dst The output.
 * @param range Where the block lies in `src` and where its bytes go in `dst`.
 * @throws {NativeProtocolError} When the block is malformed: a length or an offset past its
 *   input or output, an offset of 0, or fewer or more bytes than `dstEnd - dstStart`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { decompressLz4Block } from "./lz4_decompress.ts";
 * // Literals "ab", then a match of 4 at offset 2: "ababab".
 * const block = new Uint8Array([0x20, 0x61, 0x62, 0x02, 0x00, 0x00]);
 * const out = new Uint8Array(6);
 * decompressLz4Block(block, out, { srcStart: 0, srcEnd: 6, dstStart: 0, dstEnd: 6 });
 * assert.equal(new TextDecoder().decode(out), "ababab");
 * ```
 */
export function decompressLz4Block(
  src: Uint8Array,
  dst: Uint8Array,
  range: {
    readonly srcStart: number;
    readonly srcEnd: number;
    readonly dstStart: number;
    readonly dstEnd: number;
  },
): void {
  const { srcEnd, dstEnd } = range;
  let ip = range.srcStart;
  let op = range.dstStart;
  if (srcEnd > src.length || dstEnd > dst.length || ip > srcEnd || op > dstEnd) {
    throw new RangeError("Cannot decompress an LZ4 block: its range lies outside the arrays");
  }
  if (ip === srcEnd) {
    if (op === dstEnd) return;
    throw corrupt(`the block is empty where ${dstEnd - op} bytes were expected`);
  }
  for (;;) {
    if (ip === srcEnd) throw corrupt("it ends with a match instead of literals");
    const token = src[ip++];
    let literals = token >>> 4;
    if (literals === 15) {
      let b = 255;
      while (b === 255) {
        if (ip >= srcEnd) throw corrupt("a literal length runs past the block");
        b = src[ip++];
        literals += b;
      }
    }
    if (literals > srcEnd - ip) throw corrupt("literals run past the block");
    if (literals > dstEnd - op) throw corrupt("literals run past the uncompressed length");
    if (literals < 32) {
      for (let i = 0; i < literals; i++) dst[op++] = src[ip++];
    } else {
      dst.set(src.subarray(ip, ip + literals), op);
      ip += literals;
      op += literals;
    }
    if (ip === srcEnd) break;
    if (srcEnd - ip < 2) throw corrupt("a match offset runs past the block");
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op - range.dstStart) {
      throw corrupt(`match offset ${offset} points before the start of the output`);
    }
    let length = token & 0x0f;
    if (length === 15) {
      let b = 255;
      while (b === 255) {
        if (ip >= srcEnd) throw corrupt("a match length runs past the block");
        b = src[ip++];
        length += b;
      }
    }
    length += 4;
    if (length > dstEnd - op) throw corrupt("a match runs past the uncompressed length");
    if (length < 32) {
      let from = op - offset;
      const end = op + length;
      while (op < end) dst[op++] = dst[from++];
    } else {
      // In chunks whose source is already written: a match longer than its offset repeats the
      // last `offset` bytes, so each chunk copies from the match's start and may double.
      const from = op - offset;
      for (let done = 0; done < length;) {
        const chunk = Math.min(done + offset, length - done);
        dst.copyWithin(op + done, from, from + chunk);
        done += chunk;
      }
      op += length;
    }
  }
  if (op !== dstEnd) {
    throw corrupt(
      `it holds ${op - range.dstStart} bytes where ${dstEnd - range.dstStart} were expected`,
    );
  }
}
