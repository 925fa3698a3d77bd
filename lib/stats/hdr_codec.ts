/**
 * HdrHistogram's V2 compressed base64 encoding (the `HISTF...` payload of an HDR interval log)
 * of a {@linkcode LatencyHistogram}, both ways, written here straight from and into the counts:
 * encoding takes a few hundred microseconds per interval of a run's main thread less than
 * building an `hdr-histogram-js` histogram of 33,792 counts, and no command loads that package
 * (its WebAssembly, zip and inflate modules took 19 MB of every process that writes or reads an
 * HDR log).
 *
 * @module
 */

import { deflateSync, inflateSync } from "node:zlib";
import { type HistogramExport, LatencyHistogram } from "./latency_histogram.ts";
import {
  HIGHEST_NS,
  LOWEST_NS,
  lowestValueOfIndex,
  SIGNIFICANT_DIGITS,
  SUB_BUCKET_HALF_COUNT_MAGNITUDE,
} from "./_histogram_layout.ts";

/** V2 encoding cookie with the word-size bits HdrHistogram sets for its LEB128 counts. */
const V2_COOKIE = 0x1c849303 | 0x10;
/** The same, for the compressed wrapper. */
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
/** Bytes of the V2 header before the counts. */
const V2_HEADER_BYTES = 40;

/**
 * Encodes a histogram in HdrHistogram's V2 compressed format, base64, with the header
 * HdrHistogram (Java) writes: normalizing index offset 0 and a conversion ratio of 1.0.
 * The counts up to the highest recorded one are written as ZigZag LEB128 words, a run of
 * more than one zero as one negative word, then deflated (zlib).
 *
 * @param histogram The histogram.
 * @returns The base64 text, starting with `HISTF`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "./latency_histogram.ts";
 * import { decodeCompressedBase64, encodeCompressedBase64 } from "./hdr_codec.ts";
 * const histogram = new LatencyHistogram();
 * histogram.recordValue(1000);
 * const payload = encodeCompressedBase64(histogram);
 * assert.ok(payload.startsWith("HISTF"));
 * assert.equal(decodeCompressedBase64(payload).totalCount, 1);
 * ```
 */
export function encodeCompressedBase64(histogram: LatencyHistogram): string {
  const plain = encodeV2(histogram);
  const packed = deflateSync(plain);
  const out = new Uint8Array(8 + packed.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, V2_COMPRESSED_COOKIE);
  view.setInt32(4, packed.length);
  out.set(packed, 8);
  return out.toBase64();
}

/** The uncompressed V2 encoding: the header, then the counts as ZigZag LEB128 words. */
function encodeV2(histogram: LatencyHistogram): Uint8Array {
  const { startIndex, counts } = histogram.exportCounts();
  // At most 8 bytes a word for counts below 2^53, and one word for the leading zeros.
  const out = new Uint8Array(V2_HEADER_BYTES + 8 * (counts.length + 1));
  const view = new DataView(out.buffer);
  view.setInt32(0, V2_COOKIE);
  view.setInt32(8, 0);
  view.setInt32(12, SIGNIFICANT_DIGITS);
  view.setBigInt64(16, BigInt(LOWEST_NS));
  view.setBigInt64(24, BigInt(HIGHEST_NS));
  view.setFloat64(32, 1.0);
  let at = V2_HEADER_BYTES;
  // An empty histogram is one zero count, as HdrHistogram writes it.
  if (counts.length === 0) at = putZigZag(out, at, 0);
  else if (startIndex === 1) at = putZigZag(out, at, 0);
  else if (startIndex > 1) at = putZigZag(out, at, -startIndex);
  for (let i = 0; i < counts.length;) {
    const count = counts[i++];
    if (count !== 0) {
      at = putZigZag(out, at, count);
      continue;
    }
    let zeros = 1;
    while (i < counts.length && counts[i] === 0) {
      zeros++;
      i++;
    }
    at = putZigZag(out, at, zeros > 1 ? -zeros : 0);
  }
  view.setInt32(4, at - V2_HEADER_BYTES);
  return out.subarray(0, at);
}

/** Writes a ZigZag LEB128 word (|value| < 2^53) at `at`; returns the position after it. */
function putZigZag(out: Uint8Array, at: number, value: number): number {
  let rest = value >= 0 ? value * 2 : -value * 2 - 1;
  while (rest >= 0x80) {
    out[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[at++] = rest;
  return at;
}

/**
 * A decoded V2 histogram: its layout, as HdrHistogram derives it from the header, and its
 * counts by counts-array index.
 */
export interface DecodedCounts {
  /** log2 of the lowest discernible value. */
  readonly unitMagnitude: number;
  /** log2 of half the sub-bucket count. */
  readonly subBucketHalfCountMagnitude: number;
  /** The counts-array index of each count that is not zero, ascending. */
  readonly indexes: Float64Array;
  /** Those counts. */
  readonly counts: Float64Array;
  /** Their sum. */
  readonly totalCount: number;
}

/**
 * Decodes a V2 compressed base64 histogram (any layout) into its counts by index.
 *
 * @param payload The base64 text (starting with `HISTF`).
 * @returns The layout and the counts.
 * @throws {TypeError} When the payload is not a V2 histogram, or is cut short.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "./latency_histogram.ts";
 * import { decodeCounts, encodeCompressedBase64 } from "./hdr_codec.ts";
 * const source = new LatencyHistogram();
 * source.recordValueWithCount(5, 3);
 * const decoded = decodeCounts(encodeCompressedBase64(source));
 * assert.deepEqual([...decoded.indexes], [5]);
 * assert.deepEqual([...decoded.counts], [3]);
 * assert.equal(decoded.subBucketHalfCountMagnitude, 10);
 * ```
 */
export function decodeCounts(payload: string): DecodedCounts {
  const wrapped = bytesOfBase64(payload);
  const outer = new DataView(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
  if (wrapped.length < 8 || (outer.getInt32(0) & ~0xf0) !== (V2_COMPRESSED_COOKIE & ~0xf0)) {
    throw new TypeError("Cannot decode histogram: not a V2 compressed histogram");
  }
  const packedLength = outer.getInt32(4);
  if (packedLength < 0 || 8 + packedLength > wrapped.length) {
    throw new TypeError("Cannot decode histogram: the compressed contents are cut short");
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(inflateSync(wrapped.subarray(8, 8 + packedLength)));
  } catch (error) {
    throw new TypeError(`Cannot decode histogram: ${(error as Error).message}`);
  }
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  if (plain.length < V2_HEADER_BYTES || (view.getInt32(0) & ~0xf0) !== (V2_COOKIE & ~0xf0)) {
    throw new TypeError("Cannot decode histogram: not a V2 histogram");
  }
  const payloadLength = view.getInt32(4);
  // The normalizing index offset (bytes 8..11) is ignored, as hdr-histogram-js ignores it: it
  // writes 1 over counts that are not shifted, where HdrHistogram (Java) writes 0.
  const digits = view.getInt32(12);
  const lowest = Number(view.getBigInt64(16));
  if (!(digits >= 0 && digits <= 5 && lowest >= 1) || payloadLength < 0) {
    throw new TypeError("Cannot decode histogram: its header is invalid");
  }
  const end = V2_HEADER_BYTES + payloadLength;
  if (end > plain.length) throw new TypeError("Cannot decode histogram: its counts are cut short");
  const subBucketCountMagnitude = Math.ceil(Math.log2(2 * 10 ** digits));
  return {
    unitMagnitude: Math.floor(Math.log2(lowest)),
    subBucketHalfCountMagnitude: Math.max(subBucketCountMagnitude, 1) - 1,
    ...readCounts(plain, V2_HEADER_BYTES, end),
  };
}

/**
 * The counts that are not zero among the ZigZag LEB128 words between `from` and `to` (a
 * negative word skips that many zero counts), with their indexes.
 */
function readCounts(bytes: Uint8Array, from: number, to: number) {
  const indexes: number[] = [];
  const counts: number[] = [];
  let index = 0;
  let totalCount = 0;
  for (let at = from; at < to;) {
    let value = 0;
    let scale = 1;
    let shift = 0;
    for (;;) {
      if (at >= to) throw new TypeError("Cannot decode histogram: a count is cut short");
      const byte = bytes[at++];
      // The ninth byte of a word carries 8 bits.
      value += (shift === 56 ? byte : byte & 0x7f) * scale;
      if (shift === 56 || (byte & 0x80) === 0) break;
      scale *= 0x80;
      shift += 7;
    }
    const count = value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    if (count < 0) {
      index -= count;
    } else {
      if (count > 0) {
        indexes.push(index);
        counts.push(count);
        totalCount += count;
      }
      index++;
    }
  }
  return { indexes: Float64Array.from(indexes), counts: Float64Array.from(counts), totalCount };
}

/** The bytes of standard base64 text. */
function bytesOfBase64(text: string): Uint8Array {
  try {
    return Uint8Array.fromBase64(text.trim());
  } catch {
    throw new TypeError("Cannot decode histogram: not base64");
  }
}

/**
 * Decodes a V2 compressed base64 histogram (as written in an HDR log) into a new histogram.
 * Each count is recorded at the highest value of its bucket, as HdrHistogram's recorded-values
 * iteration reports it, so a histogram of another layout is converted to this one's resolution.
 *
 * @param payload The base64 text (starting with `HISTF`).
 * @returns The decoded histogram.
 * @throws {TypeError} When the payload is not a V2 histogram, or is cut short.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "./latency_histogram.ts";
 * import { decodeCompressedBase64, encodeCompressedBase64 } from "./hdr_codec.ts";
 * const source = new LatencyHistogram();
 * source.recordValue(42_000);
 * const copy = decodeCompressedBase64(encodeCompressedBase64(source));
 * assert.equal(copy.maxNs, source.maxNs);
 * ```
 */
export function decodeCompressedBase64(payload: string): LatencyHistogram {
  const { unitMagnitude, subBucketHalfCountMagnitude, indexes, counts } = decodeCounts(payload);
  const halfCount = 2 ** subBucketHalfCountMagnitude;
  const result = new LatencyHistogram();
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i];
    const count = counts[i];
    let bucket = Math.floor(index / halfCount) - 1;
    let subBucket = (index % halfCount) + halfCount;
    if (bucket < 0) {
      subBucket -= halfCount;
      bucket = 0;
    }
    const scale = 2 ** (bucket + unitMagnitude);
    result.recordValueWithCount(subBucket * scale + scale - 1, count);
  }
  return result;
}

/**
 * Decodes a V2 compressed base64 histogram into the export of a {@linkcode LatencyHistogram}:
 * straight from its counts when its layout is ours (unit 1 ns, 2048 sub-buckets, within one
 * hour), copying only the range between the first and the last count; otherwise through
 * {@linkcode decodeCompressedBase64}, which converts any layout.
 *
 * @param payload The base64 text (starting with `HISTF`).
 * @returns The export.
 * @throws {TypeError} When the payload is not a V2 histogram, or is cut short.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "./latency_histogram.ts";
 * import { decodeHistogramExport, encodeCompressedBase64 } from "./hdr_codec.ts";
 * const source = new LatencyHistogram();
 * source.recordValueWithCount(3_000, 2);
 * assert.deepEqual(decodeHistogramExport(encodeCompressedBase64(source)), source.exportCounts());
 * ```
 */
export function decodeHistogramExport(payload: string): HistogramExport {
  const decoded = decodeCounts(payload);
  const { indexes, counts } = decoded;
  const ours = decoded.unitMagnitude === 0 &&
    decoded.subBucketHalfCountMagnitude === SUB_BUCKET_HALF_COUNT_MAGNITUDE;
  if (ours && indexes.length > 0 && indexes[0] >= 1) {
    const first = indexes[0];
    const last = indexes[indexes.length - 1];
    // The last bucket may reach past one hour: its index is ours as long as it starts within.
    if (lowestValueOfIndex(last) <= HIGHEST_NS) {
      const dense = new Float64Array(last - first + 1);
      for (let i = 0; i < indexes.length; i++) dense[indexes[i] - first] = counts[i];
      return { startIndex: first, counts: dense, totalCount: decoded.totalCount, clampedCount: 0 };
    }
  }
  return decodeCompressedBase64(payload).exportCounts();
}
