/**
 * Benchmarks of reading a full histogram: one percentile, the merge of an interval export,
 * and the HDR log encoding.
 *
 * Run: `deno bench bench/histogram_bench.ts`
 *
 * @module
 */

import { LatencyHistogram } from "../lib/stats/latency_histogram.ts";
import { encodeCompressedBase64 } from "../lib/stats/hdr_codec.ts";

// Inputs: 100,000 pseudo-random latencies from 50 µs to 200 ms, built once.
const SAMPLE_COUNT = 100_000;
const valuesNs = new Float64Array(SAMPLE_COUNT);
let state = 777;
for (let i = 0; i < SAMPLE_COUNT; i++) {
  state = (state * 1103515245 + 12345) % 2147483648;
  valuesNs[i] = Math.floor(50_000 * Math.exp((state / 2147483648) * 8.3));
}
const fullHistogram = new LatencyHistogram();
for (const valueNs of valuesNs) fullHistogram.recordValue(valueNs);
const intervalExport = fullHistogram.exportCounts();
/** Keeps results alive so the measured work is not optimized away. */
let sink: unknown = null;

// ---- percentile: p99 of 100,000 values ----

Deno.bench({
  name: "exact p99: copy + sort 100,000 values",
  group: "percentile",
  baseline: true,
  fn() {
    const sorted = valuesNs.slice().sort();
    sink = sorted[Math.ceil(0.99 * SAMPLE_COUNT) - 1];
  },
});

Deno.bench({
  name: "LatencyHistogram.valueAtPercentile(99)",
  group: "percentile",
  fn() {
    sink = fullHistogram.valueAtPercentile(99);
  },
});

// ---- merge: one interval into a cumulative histogram ----

const mergeTarget = new LatencyHistogram();
Deno.bench({
  name: "LatencyHistogram.add (full counts array)",
  group: "merge",
  baseline: true,
  fn() {
    mergeTarget.add(fullHistogram);
  },
});

Deno.bench({
  name: "LatencyHistogram.addExport (non-zero range)",
  group: "merge",
  fn() {
    mergeTarget.addExport(intervalExport);
  },
});

// ---- encode: the HDR log payload ----

Deno.bench({
  name: "LatencyHistogram.encodeCompressedBase64",
  group: "encode",
  baseline: true,
  fn() {
    sink = encodeCompressedBase64(fullHistogram);
  },
});

// Read once so `sink` counts as used.
if (sink === undefined) throw new Error("Cannot run benchmarks: the sink was never written");
