import assert from "node:assert/strict";
import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { inflateSync } from "node:zlib";
import { decodeCompressedBase64, encodeCompressedBase64 } from "../../lib/stats/hdr_codec.ts";

const NUM_RUNS = 60;
const SEED = 20240611;
const HIGHEST_NS = 3_600_000_000_000;

/** Builds the library histogram with the same layout, as the reference. */
function buildReference(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_NS,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.recordValue(value);
  return histogram;
}

/** Latencies from 1 ns to one hour, skewed towards small values as real latencies are. */
const latencyNs = fc.oneof(
  fc.integer({ min: 1, max: 5_000 }),
  fc.integer({ min: 1, max: 2_000_000_000 }),
  fc.integer({ min: 1, max: HIGHEST_NS }),
);

Deno.test("LatencyHistogram.valueAtPercentile() is within 3 significant digits of the exact percentile", () => {
  fc.assert(
    fc.property(
      fc.array(latencyNs, { minLength: 1, maxLength: 400 }),
      fc.constantFrom(0, 1, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100),
      (values, percentile) => {
        const histogram = histogramOf(values);
        const sorted = [...values].sort((a, b) => a - b);
        const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
        const exact = sorted[rank - 1];
        const measured = histogram.valueAtPercentile(percentile);
        assert.ok(
          Math.abs(measured - exact) / exact <= 1e-3,
          `p${percentile}: measured ${measured}, exact ${exact}`,
        );
      },
    ),
    { numRuns: NUM_RUNS * 3, seed: SEED },
  );
});

Deno.test("LatencyHistogram matches hdr-histogram-js for percentiles, mean, deviation and encoding", () => {
  fc.assert(
    fc.property(fc.array(latencyNs, { minLength: 1, maxLength: 300 }), (values) => {
      const histogram = histogramOf(values);
      const reference = buildReference();
      for (const value of values) reference.recordValue(value);
      for (const percentile of [0, 10, 50, 90, 99, 99.9, 100]) {
        assert.equal(
          histogram.valueAtPercentile(percentile),
          reference.getValueAtPercentile(percentile),
        );
      }
      assert.equal(histogram.meanNs, reference.mean);
      assert.ok(
        Math.abs(histogram.stdDeviationNs - reference.stdDeviation) <= 1e-6 * reference.mean,
      );
      assert.equal(histogram.totalCount, reference.totalCount);
      assertSameEncoding(
        encodeCompressedBase64(histogram),
        hdr.encodeIntoCompressedBase64(reference),
      );
    }),
    { numRuns: NUM_RUNS, seed: SEED },
  );
});

/** The uncompressed V2 bytes of a `HISTF` payload. */
function inflatedV2(payload: string): Uint8Array {
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  const length = new DataView(bytes.buffer).getInt32(4);
  return new Uint8Array(inflateSync(bytes.subarray(8, 8 + length)));
}

/**
 * Ours and hdr-histogram-js's encodings hold the same counts, words for words; the header
 * differs where hdr-histogram-js departs from HdrHistogram (Java): it writes a normalizing
 * index offset of 1 and the conversion ratio as the integer 1, where Java (and we) write 0
 * and the double 1.0.
 */
function assertSameEncoding(ours: string, reference: string): void {
  const a = inflatedV2(ours);
  const b = inflatedV2(reference);
  const view = new DataView(a.buffer, a.byteOffset);
  assert.equal(view.getInt32(8), 0);
  assert.equal(view.getFloat64(32), 1.0);
  assert.deepEqual([...a.subarray(0, 8), ...a.subarray(12, 32)], [
    ...b.subarray(0, 8),
    ...b.subarray(12, 32),
  ]);
  assert.deepEqual(a.subarray(40), b.subarray(40));
}

Deno.test("encodeCompressedBase64() of an empty histogram is HdrHistogram's one zero word", () => {
  const empty = new LatencyHistogram();
  assertSameEncoding(
    encodeCompressedBase64(empty),
    hdr.encodeIntoCompressedBase64(buildReference()),
  );
  assert.deepEqual([...inflatedV2(encodeCompressedBase64(empty)).subarray(40)], [0]);
});

Deno.test("LatencyHistogram.add() of h(a) and h(b) equals h(a ++ b)", () => {
  fc.assert(
    fc.property(
      fc.array(latencyNs, { maxLength: 200 }),
      fc.array(latencyNs, { maxLength: 200 }),
      (a, b) => {
        const merged = histogramOf(a);
        merged.add(histogramOf(b));
        assert.deepEqual(merged.exportCounts(), histogramOf([...a, ...b]).exportCounts());
      },
    ),
    { numRuns: NUM_RUNS, seed: SEED },
  );
});

Deno.test("LatencyHistogram.addExport() round-trips exportCounts() through a transfer", () => {
  fc.assert(
    fc.property(fc.array(latencyNs, { maxLength: 200 }), (values) => {
      const source = histogramOf(values);
      const data = source.exportCounts();
      const moved = structuredClone(data, { transfer: [data.counts.buffer] });
      assert.equal(data.counts.byteLength, 0); // detached: it was transferred, not copied
      const target = new LatencyHistogram();
      target.addExport(moved);
      assert.deepEqual(target.exportCounts(), source.exportCounts());
      assert.equal(target.valueAtPercentile(99), source.valueAtPercentile(99));
    }),
    { numRuns: NUM_RUNS, seed: SEED },
  );
});

Deno.test("LatencyHistogram.recordValue() clamps values above one hour and counts them", () => {
  const histogram = new LatencyHistogram();
  histogram.recordValue(7_200_000_000_000);
  histogram.recordValue(HIGHEST_NS);
  histogram.recordValue(1_000);
  assert.equal(histogram.clampedCount, 1);
  assert.equal(histogram.totalCount, 3);
  assert.equal(histogram.valueAtPercentile(100), histogram.valueAtPercentile(67));
  assert.equal(histogram.maxNs, 3_601_330_077_695); // highest value of HIGHEST_NS's bucket
  const copy = new LatencyHistogram();
  copy.addExport(histogram.exportCounts());
  assert.equal(copy.clampedCount, 1);
});

Deno.test("LatencyHistogram.recordValue() records zero, negative and NaN as 1 ns", () => {
  const histogram = new LatencyHistogram();
  histogram.recordValue(0);
  histogram.recordValue(-5);
  histogram.recordValue(0.4);
  histogram.recordValue(NaN);
  assert.equal(histogram.totalCount, 4);
  assert.equal(histogram.maxNs, 1);
  assert.equal(histogram.minNs, 1);
  assert.equal(histogram.clampedCount, 1); // only NaN
});

Deno.test("LatencyHistogram.recordValue() truncates fractional nanoseconds", () => {
  const histogram = new LatencyHistogram();
  histogram.recordValue(1999.9);
  histogram.recordValue(5_000_000_000.7);
  assert.equal(histogram.minNs, 1999);
  assert.equal(histogram.valueAtPercentile(100), histogramOf([5_000_000_000]).maxNs);
});

Deno.test("LatencyHistogram derived numbers are 0 when empty", () => {
  const histogram = new LatencyHistogram();
  assert.equal(histogram.valueAtPercentile(50), 0);
  assert.equal(histogram.meanNs, 0);
  assert.equal(histogram.minNs, 0);
  assert.equal(histogram.maxNs, 0);
  assert.equal(histogram.stdDeviationNs, 0);
  assert.deepEqual(histogram.exportCounts().counts.length, 0);
});

Deno.test("LatencyHistogram.valueAtPercentile() rejects a negative percentile", () => {
  assert.throws(() => new LatencyHistogram().valueAtPercentile(-1), RangeError);
  assert.throws(() => new LatencyHistogram().valueAtPercentile(NaN), RangeError);
});

Deno.test("LatencyHistogram.addExport() rejects an export that does not fit", () => {
  const histogram = new LatencyHistogram();
  assert.throws(
    () =>
      histogram.addExport({
        startIndex: 33_790,
        counts: new Float64Array(5),
        totalCount: 0,
        clampedCount: 0,
      }),
    RangeError,
  );
});

Deno.test("LatencyHistogram.reset() clears counts and the clamped count", () => {
  const histogram = histogramOf([5, 50_000, 9e12]);
  histogram.reset();
  assert.equal(histogram.totalCount, 0);
  assert.equal(histogram.clampedCount, 0);
  assert.equal(histogram.maxNs, 0);
});

Deno.test("decodeCompressedBase64() decodes what encodeCompressedBase64() wrote", () => {
  fc.assert(
    fc.property(fc.array(latencyNs, { minLength: 1, maxLength: 200 }), (values) => {
      const source = histogramOf(values);
      const decoded = decodeCompressedBase64(encodeCompressedBase64(source));
      assert.deepEqual(
        { ...decoded.exportCounts(), clampedCount: 0 },
        { ...source.exportCounts(), clampedCount: 0 },
      );
    }),
    { numRuns: NUM_RUNS / 2, seed: SEED },
  );
});

Deno.test("LatencyHistogram.recordValueWithCount() rejects a negative count", () => {
  assert.throws(() => new LatencyHistogram().recordValueWithCount(10, -1), RangeError);
  const histogram = new LatencyHistogram();
  histogram.recordValueWithCount(10, 0);
  assert.equal(histogram.totalCount, 0);
});
