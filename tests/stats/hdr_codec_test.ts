// Our decoder of HdrHistogram's V2 compressed base64 histograms (lib/stats/hdr_codec.ts) against
// hdr-histogram-js as the oracle: histograms of many layouts, encoded by hdr-histogram-js,
// decode to the same counts at the same values; our own layout goes straight into an export;
// bad payloads give a TypeError, not a wrong histogram.
import assert from "node:assert/strict";
import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { deflateSync } from "node:zlib";
import {
  decodeCompressedBase64,
  decodeCounts,
  decodeHistogramExport,
  encodeCompressedBase64,
} from "../../lib/stats/hdr_codec.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";

const PROPERTY_SEED = 20261206;

/** What hdr-histogram-js's own decoding gives: each recorded value at its iterated value. */
function oracleDecode(payload: string): LatencyHistogram {
  const decoded = hdr.decodeFromCompressedBase64(payload, 64, false) as hdr.JsHistogram;
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

const layout = fc.record({
  digits: fc.integer({ min: 1, max: 5 }),
  lowest: fc.constantFrom(1, 2, 3, 1000, 1024, 4096),
  values: fc.array(
    fc.record({ value: fc.integer({ min: 0, max: 3_000_000_000_000 }), count: fc.nat(1000) }),
    { maxLength: 40 },
  ),
});

Deno.test("decodeCompressedBase64() gives what hdr-histogram-js decodes, for any layout", () => {
  fc.assert(
    fc.property(layout, ({ digits, lowest, values }) => {
      const source = hdr.build({
        bitBucketSize: 64,
        useWebAssembly: false,
        lowestDiscernibleValue: lowest,
        highestTrackableValue: 3_600_000_000_000,
        numberOfSignificantValueDigits: digits as 1 | 2 | 3 | 4 | 5,
      }) as hdr.JsHistogram;
      try {
        for (const { value, count } of values) source.recordValueWithCount(value, count);
        const payload = hdr.encodeIntoCompressedBase64(source);
        const ours = decodeCompressedBase64(payload);
        assert.deepEqual(ours.exportCounts(), oracleDecode(payload).exportCounts());
        assert.equal(decodeCounts(payload).totalCount, source.totalCount);
      } finally {
        source.destroy();
      }
    }),
    { numRuns: 60, seed: PROPERTY_SEED },
  );
});

Deno.test("decodeHistogramExport(): our layout straight back into the export that was encoded", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ value: fc.integer({ min: 1, max: 3_600_000_000_000 }), count: fc.nat(50) }),
      ),
      (values) => {
        const source = new LatencyHistogram();
        for (const { value, count } of values) source.recordValueWithCount(value, count);
        const payload = encodeCompressedBase64(source);
        // Straight from the counts: even the last bucket, which reaches past one hour, stays
        // where it was (decodeCompressedBase64 would record it at its highest value, clamped).
        assert.deepEqual(decodeHistogramExport(payload), source.exportCounts());
      },
    ),
    { numRuns: 100, seed: PROPERTY_SEED },
  );
});

Deno.test("decodeCounts(): a payload that is not a whole V2 histogram is a TypeError", () => {
  const source = new LatencyHistogram();
  source.recordValueWithCount(1_000_000, 7);
  const good = encodeCompressedBase64(source);
  const bytes = Uint8Array.from(atob(good), (c) => c.charCodeAt(0));
  const base64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
  const cases: [string, string, RegExp][] = [
    ["not base64", "HISTF%%%", /not base64/],
    ["another cookie", base64(Uint8Array.of(0, 0, 0, 1, ...bytes.subarray(4))), /not a V2/],
    ["the wrapper cut short", base64(bytes.subarray(0, bytes.length - 3)), /cut short/],
    [
      "contents that do not inflate",
      base64(Uint8Array.of(...bytes.subarray(0, 8), 1, 2, 3)),
      /cut short|Cannot decode/,
    ],
  ];
  // A V2 header that announces more counts than it holds.
  const plain = new Uint8Array(41);
  const view = new DataView(plain.buffer);
  view.setInt32(0, 0x1c849313);
  view.setInt32(4, 100);
  view.setInt32(12, 3);
  view.setBigInt64(16, 1n);
  view.setBigInt64(24, 3_600_000_000_000n);
  const packed = deflateSync(plain);
  const wrapper = new Uint8Array(8 + packed.length);
  new DataView(wrapper.buffer).setInt32(0, 0x1c849314);
  new DataView(wrapper.buffer).setInt32(4, packed.length);
  wrapper.set(packed, 8);
  cases.push(["counts cut short", base64(wrapper), /cut short/]);
  for (const [what, payload, message] of cases) {
    assert.throws(() => decodeCounts(payload), (error: Error) => {
      assert.ok(error instanceof TypeError, `${what}: ${error}`);
      assert.match(error.message, message, what);
      return true;
    });
  }
  assert.equal(decodeCounts(good).totalCount, 7);
});
