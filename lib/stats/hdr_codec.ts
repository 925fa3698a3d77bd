/**
 * HdrHistogram's V2 compressed base64 encoding (the `HISTF...` payload of an HDR interval log)
 * of a {@linkcode LatencyHistogram}, both ways, through `hdr-histogram-js`.
 *
 * Kept apart from `latency_histogram.ts` so that only the code that writes or reads HDR logs
 * loads `hdr-histogram-js`: a Worker that only records never does, and saves the memory of the
 * package and of npm's Node compatibility layer in its isolate.
 *
 * @module
 */

import * as hdr from "hdr-histogram-js";
import { LatencyHistogram } from "./latency_histogram.ts";
import {
  HIGHEST_NS,
  LOWEST_NS,
  lowestValueOfIndex,
  SIGNIFICANT_DIGITS,
} from "./_histogram_layout.ts";

/**
 * Encodes a histogram in HdrHistogram's V2 compressed format, base64.
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
  const target = hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: LOWEST_NS,
    highestTrackableValue: HIGHEST_NS,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
  const { startIndex, counts } = histogram.exportCounts();
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] !== 0) target.recordValueWithCount(lowestValueOfIndex(startIndex + i), counts[i]);
  }
  return hdr.encodeIntoCompressedBase64(target);
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
