/**
 * Protocol v5 framing on the way out: wraps request envelopes (v4-style frames) into segments
 * of an uncompressed 6-byte header (17-bit payload length and the self-contained flag, then their
 * CRC24, little-endian), the payload, and its CRC32 (little-endian). Envelopes that fit share
 * self-contained segments; one larger than a segment is cut into a run of segments of its own.
 *
 * @module
 */

import { crc24, payloadCrc32 } from "./frame_checksums.ts";
import type { FrameBuffer } from "./frame_buffer.ts";

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
export function writeSegment(
  out: FrameBuffer,
  src: Uint8Array,
  range: { readonly offset: number; readonly length: number; readonly selfContained: boolean },
): void {
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
 * Appends the segments of the first `count` envelopes of `src` (each ending at `ends[i]`, the
 * first starting at 0): envelopes packed into self-contained segments of up to
 * {@linkcode SEGMENT_MAX_PAYLOAD_BYTES}, and each larger envelope split over segments of its own.
 *
 * @param out Where the segments go.
 * @param src The envelopes, back to back.
 * @param envelopes Where each envelope ends, and how many there are.
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
  envelopes: { readonly ends: Int32Array; readonly count: number },
): void {
  const { ends, count } = envelopes;
  const max = SEGMENT_MAX_PAYLOAD_BYTES;
  let segmentStart = 0;
  for (let i = 0; i < count; i++) {
    const start = i === 0 ? 0 : ends[i - 1];
    const end = ends[i];
    if (end - start > max) {
      if (start > segmentStart) {
        writeSegment(out, src, {
          offset: segmentStart,
          length: start - segmentStart,
          selfContained: true,
        });
      }
      for (let at = start; at < end; at += max) {
        writeSegment(out, src, {
          offset: at,
          length: Math.min(max, end - at),
          selfContained: false,
        });
      }
      segmentStart = end;
    } else if (end - segmentStart > max) {
      writeSegment(out, src, {
        offset: segmentStart,
        length: start - segmentStart,
        selfContained: true,
      });
      segmentStart = start;
    }
  }
  const last = count === 0 ? 0 : ends[count - 1];
  if (last > segmentStart) {
    writeSegment(out, src, {
      offset: segmentStart,
      length: last - segmentStart,
      selfContained: true,
    });
  }
}
