/**
 * An HDR latency histogram in nanoseconds with a fixed layout (1 ns .. 1 h, 3 significant
 * digits, no auto-resize) and an allocation-free record path.
 *
 * The counts array has exactly the bucket layout of HdrHistogram (Java) and hdr-histogram-js
 * for `lowestDiscernibleValue = 1`, `highestTrackableValue = 3_600_000_000_000` and
 * `numberOfSignificantValueDigits = 3`. The HDR log encoding is in `hdr_codec.ts`, apart, so
 * that the Workers, which only record, never load `hdr-histogram-js` (and npm's Node layer).
 *
 * @module
 */

import * as layout from "./_histogram_layout.ts";

// Module-local copies of the layout. The hot paths (`recordValue`, the loops over the counts)
// read these on every step: V8 folds a module's own consts, but reads an imported binding from
// its module cell each time (recordValue x1000 measured 4.7 µs this way, 6.5 µs with imports).
const {
  COUNTS_LENGTH,
  HIGHEST_NS,
  SUB_BUCKET_HALF_COUNT,
  SUB_BUCKET_HALF_COUNT_MAGNITUDE,
  SUB_BUCKET_MASK,
  TWO_POW_32,
  highestValueOfIndex,
  indexOfValue,
  lowestValueOfIndex,
  medianValueOfIndex,
} = layout;

/**
 * The counts of a {@linkcode LatencyHistogram} as a plain, structured-cloneable object.
 *
 * Only the range of indices between the first and the last non-zero count is kept, so an
 * interval export is small. `counts.buffer` is owned by the export alone and can go in a
 * `postMessage` transfer list.
 */
export interface HistogramExport {
  /** The counts-array index of `counts[0]`. */
  startIndex: number;
  /** The counts of the indices `startIndex .. startIndex + counts.length - 1`. */
  counts: Float64Array<ArrayBuffer>;
  /** The sum of `counts`. */
  totalCount: number;
  /** How many of the values were above the trackable maximum and recorded as the maximum. */
  clampedCount: number;
}

/** Returns the unit in the last place of a positive double. */
function ulp(value: number): number {
  return 2 ** (Math.floor(Math.log2(value)) - 52);
}

/**
 * An HDR histogram of latencies in nanoseconds: 1 ns .. 1 hour, 3 significant digits,
 * no auto-resize. `recordValue` is the hot path (integer index math and one typed-array
 * increment, no allocation). Values below 1 ns (and `NaN`) are recorded as 1 ns; values above
 * one hour are recorded as one hour and counted in {@linkcode LatencyHistogram.clampedCount}
 * (`NaN` is counted there too). Fractional values are truncated to whole nanoseconds.
 *
 * The derived numbers follow HdrHistogram: the percentile and max are the highest value
 * equivalent to the bucket, the min the lowest, the mean and standard deviation use each
 * bucket's middle value.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "./latency_histogram.ts";
 *
 * const histogram = new LatencyHistogram();
 * for (let i = 1; i <= 100; i++) histogram.recordValue(i * 1_000_000); // 1 .. 100 ms
 * assert.equal(histogram.totalCount, 100);
 * assert.equal(histogram.valueAtPercentile(50), 50_003_967);
 * assert.equal(histogram.maxNs, 100_007_935);
 * ```
 */
export class LatencyHistogram {
  /** The highest trackable value, in nanoseconds (one hour). */
  static readonly HIGHEST_TRACKABLE_NS: number = HIGHEST_NS;

  #counts: Float64Array = new Float64Array(COUNTS_LENGTH);
  #totalCount = 0;
  #clampedCount = 0;
  /** The lowest and highest index with a count (lo > hi: none), so loops skip the rest. */
  #lo = COUNTS_LENGTH;
  #hi = -1;

  /**
   * Creates an empty histogram (allocates its whole counts array, about 264 KiB).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * assert.equal(new LatencyHistogram().totalCount, 0);
   * ```
   */
  constructor() {}

  /**
   * Records one latency. Hot path: no allocation.
   *
   * @param valueNs The latency in nanoseconds.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * const histogram = new LatencyHistogram();
   * histogram.recordValue(1500);
   * histogram.recordValue(0); // recorded as 1 ns
   * assert.equal(histogram.totalCount, 2);
   * assert.equal(histogram.minNs, 1);
   * ```
   */
  recordValue(valueNs: number): void {
    if (valueNs >= 1 && valueNs < TWO_POW_32) {
      const value = valueNs >>> 0;
      const bucketIndex = 21 - Math.clz32(value | SUB_BUCKET_MASK);
      // #countAt() inline: through it this path takes 7.7 ns a record instead of 5.3 ns
      // (bench/recorder_bench.ts).
      const index = ((bucketIndex + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) +
        (value >>> bucketIndex) - SUB_BUCKET_HALF_COUNT;
      this.#counts[index]++;
      this.#totalCount++;
      if (index < this.#lo) this.#lo = index;
      if (index > this.#hi) this.#hi = index;
    } else {
      this.#recordCold(valueNs, 1);
    }
  }

  /**
   * Records the same latency `count` times (not for the hot path).
   *
   * @param valueNs The latency in nanoseconds.
   * @param count How many times to record it, a non-negative integer.
   * @throws {RangeError} If `count` is negative or not an integer.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * const histogram = new LatencyHistogram();
   * histogram.recordValueWithCount(2_000_000, 10);
   * assert.equal(histogram.totalCount, 10);
   * ```
   */
  recordValueWithCount(valueNs: number, count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot record value: count "${count}" is invalid, expected a non-negative integer`,
      );
    }
    if (count === 0) return;
    if (valueNs >= 1 && valueNs <= HIGHEST_NS) {
      this.#countAt(indexOfValue(Math.floor(valueNs)), count);
    } else {
      this.#recordCold(valueNs, count);
    }
  }

  /** The cold path: values below 1, above the maximum, at or above 2^32, or NaN. */
  #recordCold(valueNs: number, count: number): void {
    let value: number;
    if (valueNs >= 1 && valueNs <= HIGHEST_NS) {
      value = Math.floor(valueNs);
    } else if (valueNs > HIGHEST_NS) {
      value = HIGHEST_NS;
      this.#clampedCount += count;
    } else {
      value = 1;
      if (Number.isNaN(valueNs)) this.#clampedCount += count;
    }
    this.#countAt(indexOfValue(value), count);
  }

  /** Adds `count` at a counts-array index. */
  #countAt(index: number, count: number): void {
    this.#counts[index] += count;
    this.#totalCount += count;
    if (index < this.#lo) this.#lo = index;
    if (index > this.#hi) this.#hi = index;
  }

  /**
   * The number of recorded values.
   *
   * @returns The total count.
   */
  get totalCount(): number {
    return this.#totalCount;
  }

  /**
   * The number of values that were above one hour (or `NaN`) and recorded as one hour (or 1 ns).
   *
   * @returns The clamped count.
   */
  get clampedCount(): number {
    return this.#clampedCount;
  }

  /**
   * Clears every count (`fill(0)`, no allocation).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * const histogram = new LatencyHistogram();
   * histogram.recordValue(5);
   * histogram.reset();
   * assert.equal(histogram.totalCount, 0);
   * ```
   */
  reset(): void {
    if (this.#lo <= this.#hi) this.#counts.fill(0, this.#lo, this.#hi + 1);
    this.#totalCount = 0;
    this.#clampedCount = 0;
    this.#lo = COUNTS_LENGTH;
    this.#hi = -1;
  }

  /**
   * Adds every count of another histogram to this one.
   *
   * @param other The histogram to add; it is not changed.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * const a = new LatencyHistogram();
   * const b = new LatencyHistogram();
   * a.recordValue(10);
   * b.recordValue(20);
   * a.add(b);
   * assert.equal(a.totalCount, 2);
   * assert.equal(a.maxNs, 20);
   * ```
   */
  add(other: LatencyHistogram): void {
    if (other.#totalCount === 0) return;
    const mine = this.#counts;
    const theirs = other.#counts;
    for (let i = other.#lo; i <= other.#hi; i++) {
      const count = theirs[i];
      if (count !== 0) mine[i] += count;
    }
    if (other.#lo < this.#lo) this.#lo = other.#lo;
    if (other.#hi > this.#hi) this.#hi = other.#hi;
    this.#totalCount += other.#totalCount;
    this.#clampedCount += other.#clampedCount;
  }

  /**
   * Copies the non-zero range of the counts into a new, transferable export.
   *
   * @returns The export; its `counts.buffer` belongs to it alone.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * const histogram = new LatencyHistogram();
   * histogram.recordValue(100);
   * histogram.recordValue(100);
   * const data = histogram.exportCounts();
   * assert.equal(data.totalCount, 2);
   * assert.equal(data.counts.length, 1);
   * ```
   */
  exportCounts(): HistogramExport {
    const counts = this.#counts;
    if (this.#totalCount === 0) {
      return { startIndex: 0, counts: new Float64Array(0), totalCount: 0, clampedCount: 0 };
    }
    return {
      startIndex: this.#lo,
      counts: counts.slice(this.#lo, this.#hi + 1),
      totalCount: this.#totalCount,
      clampedCount: this.#clampedCount,
    };
  }

  /**
   * Adds the counts of an export (from this or another thread) to this histogram.
   *
   * @param data An export made by {@linkcode LatencyHistogram.exportCounts}.
   * @throws {RangeError} If the export does not fit the counts array.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * const source = new LatencyHistogram();
   * source.recordValue(123_456);
   * const target = new LatencyHistogram();
   * target.addExport(source.exportCounts());
   * assert.equal(target.valueAtPercentile(100), source.valueAtPercentile(100));
   * ```
   */
  addExport(data: HistogramExport): void {
    const { startIndex, counts } = data;
    if (
      !Number.isInteger(startIndex) || startIndex < 0 ||
      startIndex + counts.length > COUNTS_LENGTH
    ) {
      throw new RangeError(
        `Cannot add histogram export: range "${startIndex}+${counts.length}" is invalid, expected within 0..${COUNTS_LENGTH}`,
      );
    }
    const mine = this.#counts;
    let lo = COUNTS_LENGTH;
    let hi = -1;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i];
      if (count === 0) continue;
      mine[startIndex + i] += count;
      if (lo === COUNTS_LENGTH) lo = startIndex + i;
      hi = startIndex + i;
    }
    if (lo < this.#lo) this.#lo = lo;
    if (hi > this.#hi) this.#hi = hi;
    this.#totalCount += data.totalCount;
    this.#clampedCount += data.clampedCount;
  }

  /**
   * The value at a percentile, as HdrHistogram's `getValueAtPercentile`: the highest value
   * equivalent to the bucket that holds the requested count (the lowest for percentile 0).
   *
   * @param percentile The percentile, 0 .. 100 (values above 100 are read as 100).
   * @returns The value in nanoseconds, or 0 for an empty histogram.
   * @throws {RangeError} If the percentile is negative or `NaN`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LatencyHistogram } from "./latency_histogram.ts";
   * const histogram = new LatencyHistogram();
   * for (let i = 1; i <= 1000; i++) histogram.recordValue(i);
   * assert.equal(histogram.valueAtPercentile(99), 990);
   * ```
   */
  valueAtPercentile(percentile: number): number {
    if (!(percentile >= 0)) {
      throw new RangeError(
        `Cannot compute percentile: "${percentile}" is out of range, expected 0..100`,
      );
    }
    if (this.#totalCount === 0) return 0;
    const requested = Math.min(percentile, 100);
    const fpCount = (requested / 100) * this.#totalCount;
    const countAtPercentile = Math.max(fpCount > 0 ? Math.ceil(fpCount - ulp(fpCount)) : 0, 1);
    const counts = this.#counts;
    let total = 0;
    for (let i = this.#lo; i <= this.#hi; i++) {
      total += counts[i];
      if (total >= countAtPercentile) {
        return percentile === 0 ? lowestValueOfIndex(i) : highestValueOfIndex(i);
      }
    }
    return 0;
  }

  /**
   * The mean, from each bucket's middle value.
   *
   * @returns The mean in nanoseconds, or 0 for an empty histogram.
   */
  get meanNs(): number {
    if (this.#totalCount === 0) return 0;
    const counts = this.#counts;
    let sum = 0;
    for (let i = this.#lo; i <= this.#hi; i++) {
      if (counts[i] !== 0) sum += medianValueOfIndex(i) * counts[i];
    }
    return sum / this.#totalCount;
  }

  /**
   * The lowest recorded value (the lowest value equivalent to its bucket).
   *
   * @returns The minimum in nanoseconds, or 0 for an empty histogram.
   */
  get minNs(): number {
    return this.#lo <= this.#hi ? lowestValueOfIndex(this.#lo) : 0;
  }

  /**
   * The highest recorded value (the highest value equivalent to its bucket).
   *
   * @returns The maximum in nanoseconds, or 0 for an empty histogram.
   */
  get maxNs(): number {
    return this.#lo <= this.#hi ? highestValueOfIndex(this.#hi) : 0;
  }

  /**
   * The population standard deviation, from each bucket's middle value.
   *
   * @returns The standard deviation in nanoseconds, or 0 for an empty histogram.
   */
  get stdDeviationNs(): number {
    if (this.#totalCount === 0) return 0;
    const mean = this.meanNs;
    const counts = this.#counts;
    let sum = 0;
    for (let i = this.#lo; i <= this.#hi; i++) {
      if (counts[i] !== 0) {
        const deviation = medianValueOfIndex(i) - mean;
        sum += deviation * deviation * counts[i];
      }
    }
    return Math.sqrt(sum / this.#totalCount);
  }
}
