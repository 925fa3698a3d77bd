/**
 * Protocol v5 framing on the way out: wraps request envelopes (v4-style frames) into segments
 * of an uncompressed 6-byte header (17-bit payload length and the self-contained flag, then their
 * CRC24, little-endian), the payload, and its CRC32 (little-endian). Envelopes that fit share
 * self-contained segments; one larger than a segment is cut into a run of segments of its own.
 * With LZ4 compression, each segment's payload is compressed on its own and the header is the
 * 8-byte compressed one: the compressed and uncompressed lengths (17 bits each) and the flag,
 * then their CRC24; a payload that would not shrink goes as it is, with an uncompressed length
 * of 0. The CRC32 then covers the payload as sent.
 *
 * @module
 */

import { crc24, payloadCrc32 } from "./frame_checksums.ts";
import type { FrameBuffer } from "./frame_buffer.ts";
import { type Lz4Compressor, lz4MaxCompressedBytes } from "./lz4_compressor.ts";

/**
 * The largest payload of one segment: 2^17 - 1 bytes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { SEGMENT_MAX_PAYLOAD_BYTES } from "./segment_writer.ts";
 * assert.equal(SEGMENT_MAX_PAYLOAD_BYTES, 131071);
 * ```
 */
export const SEGMENT_MAX_PAYLOAD_BYTES = 131071;

/** Header (6) and trailer (4) bytes around each segment's payload. */
const OVERHEAD_BYTES = 10;
/** The same around a compressed segment's payload (an 8-byte header). */
const LZ4_OVERHEAD_BYTES = 12;

/** Where a segment's payload lies in its source, and whether it holds whole envelopes. */
export interface SegmentRange {
  /** Where the payload starts. */
  readonly offset: number;
  /** Its length (at most {@linkcode SEGMENT_MAX_PAYLOAD_BYTES}). */
  readonly length: number;
  /** Whether it holds whole envelopes. */
  readonly selfContained: boolean;
}

/**
 * Appends one segment holding `length` bytes of `src` at `offset`.
 *
 * @param out Where the segment goes.
 * @param src The payload's source.
 * @param range Where the payload lies and whether it holds whole envelopes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeSegment } from "./segment_writer.ts";
 * const out = new FrameBuffer();
 * writeSegment(out, new Uint8Array([7]), { offset: 0, length: 1, selfContained: true });
 * // length 1 with bit 17 set: 01 00 02, then the CRC24, the payload and the CRC32.
 * assert.deepEqual([...out.bytes.subarray(0, 3)], [1, 0, 2]);
 * assert.equal(out.length, 11);
 * ```
 */
export function writeSegment(out: FrameBuffer, src: Uint8Array, range: SegmentRange): void {
  const { offset, length } = range;
  if (length > SEGMENT_MAX_PAYLOAD_BYTES) {
    throw new RangeError(`Cannot write a segment of ${length} bytes: at most 131071`);
  }
  out.ensure(length + OVERHEAD_BYTES);
  const b = out.bytes;
  const p = out.length;
  const word = length | (range.selfContained ? 0x20000 : 0);
  b[p] = word & 0xff;
  b[p + 1] = (word >>> 8) & 0xff;
  b[p + 2] = (word >>> 16) & 0xff;
  const headerCrc = crc24(b, p, 3);
  b[p + 3] = headerCrc & 0xff;
  b[p + 4] = (headerCrc >>> 8) & 0xff;
  b[p + 5] = headerCrc >>> 16;
  b.set(src.subarray(offset, offset + length), p + 6);
  const crc = payloadCrc32(b, p + 6, length);
  out.view.setUint32(p + 6 + length, crc, true);
  out.length = p + OVERHEAD_BYTES + length;
}

/**
 * Appends one LZ4-compressed segment holding `length` bytes of `src` at `offset` (stored as they
 * are, with an uncompressed length of 0, when compressing would not make them shorter).
 *
 * @param out Where the segment goes.
 * @param src The payload's source.
 * @param range Where the payload lies, whether it holds whole envelopes, and the compressor.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { Lz4Compressor } from "./lz4_compressor.ts";
 * import { writeLz4Segment } from "./segment_writer.ts";
 * const out = new FrameBuffer();
 * const compressor = new Lz4Compressor();
 * writeLz4Segment(out, new Uint8Array([7]), { offset: 0, length: 1, selfContained: true, compressor });
 * // One byte does not compress: compressed length 1, uncompressed length 0, the flag (bit 34).
 * assert.deepEqual([...out.bytes.subarray(0, 5)], [1, 0, 0, 0, 4]);
 * assert.equal(out.length, 8 + 1 + 4);
 * ```
 */
export function writeLz4Segment(
  out: FrameBuffer,
  src: Uint8Array,
  range: SegmentRange & { readonly compressor: Lz4Compressor },
): void {
  const { offset, length } = range;
  if (length > SEGMENT_MAX_PAYLOAD_BYTES) {
    throw new RangeError(`Cannot write a segment of ${length} bytes: at most 131071`);
  }
  out.ensure(lz4MaxCompressedBytes(length) + LZ4_OVERHEAD_BYTES);
  const b = out.bytes;
  const p = out.length;
  const payload = p + 8;
  let compressed = range.compressor.compress(src, offset, offset + length, b, payload);
  let uncompressed = length;
  if (compressed >= length) {
    b.set(src.subarray(offset, offset + length), payload);
    compressed = length;
    uncompressed = 0;
  }
  b[p] = compressed & 0xff;
  b[p + 1] = (compressed >>> 8) & 0xff;
  b[p + 2] = ((compressed >>> 16) & 1) | ((uncompressed & 0x7f) << 1);
  b[p + 3] = (uncompressed >>> 7) & 0xff;
  b[p + 4] = ((uncompressed >>> 15) & 3) | (range.selfContained ? 4 : 0);
  const headerCrc = crc24(b, p, 5);
  b[p + 5] = headerCrc & 0xff;
  b[p + 6] = (headerCrc >>> 8) & 0xff;
  b[p + 7] = headerCrc >>> 16;
  const crc = payloadCrc32(b, payload, compressed);
  out.view.setUint32(payload + compressed, crc, true);
  out.length = payload + compressed + 4;
}

/**
 * Appends the segments of the first `count` envelopes of `src` (each ending at `ends[i]`, the
 * first starting at 0): envelopes packed into self-contained segments of up to
 * {@linkcode SEGMENT_MAX_PAYLOAD_BYTES}, and each larger envelope split over segments of its own;
 * compressed segments when a compressor is given.
 *
 * @param out Where the segments go.
 * @param src The envelopes, back to back.
 * @param envelopes Where each envelope ends, how many there are, and the compressor (if any).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeSegments } from "./segment_writer.ts";
 * const out = new FrameBuffer();
 * const src = new Uint8Array(20);
 * writeSegments(out, src, { ends: new Int32Array([9, 20]), count: 2 });
 * // Both envelopes in one self-contained segment.
 * assert.equal(out.length, 20 + 10);
 * ```
 */
export function writeSegments(
  out: FrameBuffer,
  src: Uint8Array,
  envelopes: {
    readonly ends: Int32Array;
    readonly count: number;
    readonly compressor?: Lz4Compressor | null;
  },
): void {
  const { ends, count } = envelopes;
  const compressor = envelopes.compressor ?? null;
  const write = compressor === null
    ? writeSegment
    : (out: FrameBuffer, src: Uint8Array, range: SegmentRange) =>
      writeLz4Segment(out, src, { ...range, compressor });
  const max = SEGMENT_MAX_PAYLOAD_BYTES;
  let segmentStart = 0;
  for (let i = 0; i < count; i++) {
    const start = i === 0 ? 0 : ends[i - 1];
    const end = ends[i];
    if (end - start > max) {
      if (start > segmentStart) {
        write(out, src, {
          offset: segmentStart,
          length: start - segmentStart,
          selfContained: true,
        });
      }
      for (let at = start; at < end; at += max) {
        write(out, src, {
          offset: at,
          length: Math.min(max, end - at),
          selfContained: false,
        });
      }
      segmentStart = end;
    } else if (end - segmentStart > max) {
      write(out, src, {
        offset: segmentStart,
        length: start - segmentStart,
        selfContained: true,
      });
      segmentStart = start;
    }
  }
  const last = count === 0 ? 0 : ends[count - 1];
  if (last > segmentStart) {
    write(out, src, {
      offset: segmentStart,
      length: last - segmentStart,
      selfContained: true,
    });
  }
}
