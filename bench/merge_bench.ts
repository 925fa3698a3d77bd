/**
 * Benchmarks of `stress merge`: merging 100 loaders x 3600 one-second intervals (one hour),
 * and reading an HDR log text into merge input.
 *
 * Run: `deno bench -A bench/merge_bench.ts`, or `deno run -A bench/merge_bench.ts` for the
 * intervals-per-second figures.
 *
 * @module
 */

import { readHdrLog } from "../lib/report/read_hdr_log.ts";
import { Prng } from "../lib/core/prng.ts";
import { formatHdrLogHeader, formatHdrLogInterval } from "../lib/report/hdr_log.ts";
import { parseHdrLogMergeInput } from "../lib/report/hdr_log_merge_input.ts";
import { mergeHdrLogs, type MergeInputLog } from "../lib/report/merge_hdr_logs.ts";
import { type HistogramExport, LatencyHistogram } from "../lib/stats/latency_histogram.ts";

const LOADERS = 100;
const SECONDS = 3600;
const BASE_MS = 1_700_000_000_000;

// Inputs, built once: 32 small interval histograms (100 values, 200 µs .. 5 ms, log-uniform),
// shared by the intervals of 100 loaders whose BaseTimes differ by fractions of a second.
const prng = new Prng(2024);
const templates: LatencyHistogram[] = [];
for (let t = 0; t < 32; t++) {
  const histogram = new LatencyHistogram();
  for (let k = 0; k < 100; k++) histogram.recordValue(200_000 * Math.exp(prng.nextDouble() * 3.2));
  templates.push(histogram);
}
const exports: HistogramExport[] = templates.map((h) => h.exportCounts());
const logs: MergeInputLog[] = Array.from({ length: LOADERS }, (_, loader) => ({
  name: `loader-${loader}.hdr`,
  baseTimeMs: BASE_MS + Math.floor(prng.nextDouble() * 1000),
  intervals: Array.from({ length: SECONDS }, (_, s) => ({
    tag: "WRITE-st",
    startSec: s,
    lengthSec: 1,
    histogram: exports[(loader + s) % exports.length],
  })),
}));

// One loader's log text of 360 intervals (six minutes), for the reading benches.
const TEXT_INTERVALS = 360;
let text = formatHdrLogHeader({ startTimeMs: BASE_MS });
for (let s = 0; s < TEXT_INTERVALS; s++) {
  text += formatHdrLogInterval({
    windows: [{ name: "WRITE", service: templates[s % 32], response: null, wait: null }],
    startSec: s,
    lengthSec: 1,
  });
}

/** Keeps results alive so the measured work is not optimized away. */
let sink: unknown = null;

// ---- merge: 100 loaders x 3600 one-second intervals ----

Deno.bench({
  name: "mergeHdrLogs() 100 x 3600 intervals, every output interval kept",
  group: "merge",
  baseline: true,
  n: 3,
  warmup: 1,
  fn() {
    sink = mergeHdrLogs(logs).intervals.length;
  },
});

Deno.bench({
  name: "mergeHdrLogs() 100 x 3600 intervals, streamed through onInterval",
  group: "merge",
  n: 3,
  warmup: 1,
  fn() {
    let count = 0;
    mergeHdrLogs(logs, { onInterval: (interval) => count += interval.histograms.size });
    sink = count;
  },
});

// ---- read: one log text of 360 intervals ----

Deno.bench({
  name: "readHdrLog() 360 lines (a full histogram per line)",
  group: "read",
  baseline: true,
  fn() {
    sink = readHdrLog(text, "x.hdr").intervals.length;
  },
});

Deno.bench({
  name: "parseHdrLogMergeInput() 360 lines (compact exports)",
  group: "read",
  fn() {
    sink = parseHdrLogMergeInput(text, "x.hdr").intervals.length;
  },
});

if (import.meta.main) {
  const total = LOADERS * SECONDS;
  let start = performance.now();
  mergeHdrLogs(logs, { onInterval: () => {} });
  let ms = performance.now() - start;
  // deno-lint-ignore no-console
  console.log(
    `merge: ${total} intervals (${LOADERS} loaders x ${SECONDS} s) in ${ms.toFixed(0)} ms = ` +
      `${Math.round(total / (ms / 1000))} intervals/s`,
  );
  start = performance.now();
  const parsed = parseHdrLogMergeInput(text, "x.hdr");
  ms = performance.now() - start;
  // deno-lint-ignore no-console
  console.log(
    `read: ${parsed.intervals.length} lines in ${ms.toFixed(0)} ms = ` +
      `${Math.round(parsed.intervals.length / (ms / 1000))} lines/s`,
  );
  void sink;
}
