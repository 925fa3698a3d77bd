/**
 * Private helper of `latency_histogram.ts`: the fixed bucket layout (1 ns .. 1 h, 3 significant
 * digits) and the index math between values and counts-array indices.
 *
 * The layout is exactly HdrHistogram's (Java) and hdr-histogram-js's for
 * `lowestDiscernibleValue = 1`, `highestTrackableValue = 3_600_000_000_000` and
 * `numberOfSignificantValueDigits = 3`.
 *
 * @module
 */

/** The lowest value the histogram tells apart, in nanoseconds. */
export const LOWEST_NS = 1;
/** The highest value the histogram tracks (one hour), in nanoseconds. */
export const HIGHEST_NS = 3_600_000_000_000;
/** Significant decimal digits kept for every value. */
export const SIGNIFICANT_DIGITS = 3;
/** log2 of half the sub-bucket count (2048 sub-buckets for 3 digits). */
export const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 10;
/** Half the sub-bucket count. */
export const SUB_BUCKET_HALF_COUNT = 1024;
/** Sub-bucket mask: every value below 2048 lands in bucket 0. */
export const SUB_BUCKET_MASK = 2047;
/** Buckets needed to cover HIGHEST_NS: 2048 * 2^31 > 3.6e12. */
const BUCKET_COUNT = 32;
/** Length of the counts array: (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT. */
export const COUNTS_LENGTH = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;
/** 2^32, the limit of the 32-bit fast path. */
export const TWO_POW_32 = 4294967296;

/**
 * Returns the counts-array index of an integer value in 1 .. HIGHEST_NS.
 *
 * @param value The value, an integer in 1 .. HIGHEST_NS.
 * @returns Its counts-array index.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { indexOfValue } from "./_histogram_layout.ts";
 * assert.equal(indexOfValue(1), 1);
 * assert.equal(indexOfValue(2048), 2048);
 * assert.equal(indexOfValue(2049), 2048);
 * ```
 */
export function indexOfValue(value: number): number {
  if (value < TWO_POW_32) {
    const bucketIndex = 21 - Math.clz32(value | SUB_BUCKET_MASK);
    return ((bucketIndex + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (value >>> bucketIndex) -
      SUB_BUCKET_HALF_COUNT;
  }
  const bucketIndex = 53 - Math.clz32(Math.floor(value / TWO_POW_32));
  const subBucketIndex = Math.floor(value / 2 ** bucketIndex);
  return (bucketIndex + 1) * SUB_BUCKET_HALF_COUNT + subBucketIndex - SUB_BUCKET_HALF_COUNT;
}

/** Returns the bucket index of a counts-array index. */
function bucketOfIndex(index: number): number {
  const bucketIndex = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  return bucketIndex < 0 ? 0 : bucketIndex;
}

/**
 * Returns the lowest value that lands in a counts-array index.
 *
 * @param index The counts-array index.
 * @returns The lowest value, in nanoseconds.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { lowestValueOfIndex } from "./_histogram_layout.ts";
 * assert.equal(lowestValueOfIndex(2048), 2048);
 * ```
 */
export function lowestValueOfIndex(index: number): number {
  let bucketIndex = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let subBucketIndex = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucketIndex < 0) {
    subBucketIndex -= SUB_BUCKET_HALF_COUNT;
    bucketIndex = 0;
  }
  return subBucketIndex * 2 ** bucketIndex;
}

/**
 * Returns the highest value that lands in a counts-array index.
 *
 * @param index The counts-array index.
 * @returns The highest value, in nanoseconds.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { highestValueOfIndex } from "./_histogram_layout.ts";
 * assert.equal(highestValueOfIndex(2048), 2049);
 * ```
 */
export function highestValueOfIndex(index: number): number {
  return lowestValueOfIndex(index) + 2 ** bucketOfIndex(index) - 1;
}

/**
 * Returns the middle value of a counts-array index, as HdrHistogram's medianEquivalentValue.
 *
 * @param index The counts-array index.
 * @returns The middle value, in nanoseconds.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { medianValueOfIndex } from "./_histogram_layout.ts";
 * assert.equal(medianValueOfIndex(2048), 2049);
 * ```
 */
export function medianValueOfIndex(index: number): number {
  return lowestValueOfIndex(index) + Math.floor(2 ** bucketOfIndex(index) / 2);
}
