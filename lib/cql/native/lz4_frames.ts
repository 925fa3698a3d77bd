/**
 * LZ4 frame compression of protocol v3 and v4 on the way out: each frame's body becomes its
 * uncompressed length (a big-endian [int]) followed by the LZ4 block of the body, and the header
 * gets the compression flag (0x01) and the new body length, as Cassandra's LZ4 compressor
 * expects. A frame with an empty body goes as it is (nothing to compress; frames need not be
 * compressed).
 *
 * @module
 */

import type { FrameBuffer } from "./frame_buffer.ts";
import { type Lz4Compressor, lz4MaxCompressedBytes } from "./lz4_compressor.ts";
import { HEADER_BYTES } from "../../protocol/protocol_codes.ts";

/** The compression flag of a frame header. */
const COMPRESSED = 0x01;

/**
 * Appends the first `count` frames of `src` (each ending at `ends[i]`, the first starting at 0)
 * to `out`, their bodies LZ4-compressed.
 *
 * @param out Where the compressed frames go.
 * @param src The frames, back to back.
 * @param frames Where each frame ends, how many there are, and the compressor.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { Lz4Compressor } from "./lz4_compressor.ts";
 * import { writeLz4Frames } from "./lz4_frames.ts";
 * const src = new FrameBuffer();
 * src.beginFrame(4, 0, 1, 0x07);
 * src.writeInt(7);
 * src.endFrame();
 * const out = new FrameBuffer();
 * writeLz4Frames(out, src.bytes, { ends: src.frameEnds, count: 1, compressor: new Lz4Compressor() });
 * // Flag 0x01; body: length 4, then the block (token 0x40 and the 4 literals).
 * assert.deepEqual([...out.bytes.subarray(0, out.length)], [
 *   4, 1, 0, 1, 7, 0, 0, 0, 9, 0, 0, 0, 4, 0x40, 0, 0, 0, 7,
 * ]);
 * ```
 */
export function writeLz4Frames(
  out: FrameBuffer,
  src: Uint8Array,
  frames: {
    readonly ends: Int32Array;
    readonly count: number;
    readonly compressor: Lz4Compressor;
  },
): void {
  const { ends, count, compressor } = frames;
  for (let i = 0; i < count; i++) {
    const start = i === 0 ? 0 : ends[i - 1];
    const bodyStart = start + HEADER_BYTES;
    const bodyLength = ends[i] - bodyStart;
    if (bodyLength === 0) {
      out.writeRaw(src.subarray(start, bodyStart));
      continue;
    }
    out.ensure(HEADER_BYTES + 4 + lz4MaxCompressedBytes(bodyLength));
    const b = out.bytes;
    const p = out.length;
    for (let k = 0; k < 5; k++) b[p + k] = src[start + k];
    b[p + 1] |= COMPRESSED;
    out.view.setInt32(p + HEADER_BYTES, bodyLength);
    const n = compressor.compress(src, bodyStart, ends[i], b, p + HEADER_BYTES + 4);
    out.view.setInt32(p + 5, 4 + n);
    out.length = p + HEADER_BYTES + 4 + n;
  }
}
