/**
 * Benchmarks of the recording hot path: one latency into a histogram, one op into an
 * OpRecorder.
 *
 * Run: `deno bench bench/recorder_bench.ts`
 *
 * @module
 */

import * as hdr from "hdr-histogram-js";
import { LatencyHistogram } from "../lib/stats/latency_histogram.ts";
import { OpRecorder } from "../lib/stats/op_recorder.ts";

// Inputs: a fixed pseudo-random spread of latencies from 50 µs to 200 ms, built once.
const VALUES_LENGTH = 4096;
const VALUES_MASK = VALUES_LENGTH - 1;
const valuesNs = new Float64Array(VALUES_LENGTH);
let state = 12345;
for (let i = 0; i < VALUES_LENGTH; i++) {
  state = (state * 1103515245 + 12345) % 2147483648;
  valuesNs[i] = Math.floor(50_000 * Math.exp((state / 2147483648) * 8.3));
}
const OPS_PER_ITERATION = 1000;

// ---- record: one latency into a histogram ----

const libraryHistogram = hdr.build({
  bitBucketSize: 64,
  autoResize: false,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000_000,
  numberOfSignificantValueDigits: 3,
  useWebAssembly: false,
});
let libraryCursor = 0;
Deno.bench({
  name: "hdr-histogram-js recordValue x1000",
  group: "record",
  baseline: true,
  fn() {
    for (let i = 0; i < OPS_PER_ITERATION; i++) {
      libraryHistogram.recordValue(valuesNs[libraryCursor++ & VALUES_MASK]);
    }
  },
});

const latencyHistogram = new LatencyHistogram();
let latencyCursor = 0;
Deno.bench({
  name: "LatencyHistogram.recordValue x1000",
  group: "record",
  fn() {
    for (let i = 0; i < OPS_PER_ITERATION; i++) {
      latencyHistogram.recordValue(valuesNs[latencyCursor++ & VALUES_MASK]);
    }
  },
});

// ---- recordOp: one op into an OpRecorder ----

const serviceOnly = new OpRecorder({ scheduled: false });
let serviceCursor = 0;
Deno.bench({
  name: "OpRecorder.recordOp unscheduled x1000",
  group: "recordOp",
  baseline: true,
  fn() {
    for (let i = 0; i < OPS_PER_ITERATION; i++) {
      const startNs = i * 1000;
      serviceOnly.recordOp(0, startNs, startNs + valuesNs[serviceCursor++ & VALUES_MASK], 1, 1);
    }
  },
});

const scheduled = new OpRecorder({ scheduled: true });
let scheduledCursor = 0;
Deno.bench({
  name: "OpRecorder.recordOp scheduled x1000",
  group: "recordOp",
  fn() {
    for (let i = 0; i < OPS_PER_ITERATION; i++) {
      const intendedNs = i * 1000;
      const startNs = intendedNs + (i & 7) * 10_000;
      scheduled.recordOp(
        intendedNs,
        startNs,
        startNs + valuesNs[scheduledCursor++ & VALUES_MASK],
        1,
        1,
      );
    }
  },
});

// ---- sample: one interval swap + export ----

const sampled = new OpRecorder({ scheduled: true });
Deno.bench({
  name: "OpRecorder.sample after 1000 ops",
  group: "sample",
  baseline: true,
  fn(b) {
    for (let i = 0; i < OPS_PER_ITERATION; i++) {
      sampled.recordOp(0, 10, 10 + valuesNs[i & VALUES_MASK], 1, 1);
    }
    b.start();
    sampled.sample();
    b.end();
  },
});
