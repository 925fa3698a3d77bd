/**
 * HdrHistogram's V2 compressed base64 encoding (the `HISTF...` payload of an HDR interval log)
 * of a {@linkcode LatencyHistogram}, both ways: encoded here, straight from the counts (a
 * few hundred microseconds per interval of a run's main thread less than building an
 * `hdr-histogram-js` histogram of 33,792 counts to encode it), decoded through
 * `hdr-histogram-js`.
 *
 * Kept apart from `latency_histogram.ts` so that only the code that writes or reads HDR logs
 * loads `hdr-histogram-js`: a Worker that only records never does, and saves the memory of the
 * package and of npm's Node compatibility layer in its isolate.
 *
 * @module
 */

import * as hdr from "hdr-histogram-js";
import { deflateSync } from "node:zlib";
import { LatencyHistogram } from "./latency_histogram.ts";
import { HIGHEST_NS, LOWEST_NS, SIGNIFICANT_DIGITS } from "./_histogram_layout.ts";

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
  return base64Of(out);
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

/** Standard base64 of bytes. */
function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x2000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return btoa(binary);
}

/**
 * Decodes a V2 compressed base64 histogram (as written in an HDR log) into a new histogram.
 * Values are re-recorded by bucket, so a histogram of another layout is converted to this
 * one's resolution.
 *
 * @param payload The base64 text (starting with `HISTF`).
 * @returns The decoded histogram.
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
  const decoded = hdr.decodeFromCompressedBase64(payload, 64, false);
  if (!(decoded instanceof hdr.JsHistogram)) {
    throw new TypeError("Cannot decode histogram: decoder returned an unexpected type");
  }
  const result = new LatencyHistogram();
  try {
    const iterator = decoded.recordedValuesIterator;
    iterator.reset();
    while (iterator.hasNext()) {
      const step = iterator.next();
      result.recordValueWithCount(step.valueIteratedTo, step.countAtValueIteratedTo);
    }
  } finally {
    decoded.destroy();
  }
  return result;
}
