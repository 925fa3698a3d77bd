import assert from "node:assert/strict";
import { formatAnalyzeSummary } from "../../lib/tools/analyze_summary.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";

// Deterministic samples in the spirit of the seed's sample output (3 processes).
const THROUGHPUTS = [78433, 28372, 16316, 87622, 747, 40124, 33529, 23555, 38587];
const LATENCIES_MS = [10286, 19763, 6240, 17266, 304, 9331, 4512, 12000, 8020];
const PROCESSES = [
  {
    pid: 26849,
    startTimeMs: Date.UTC(2020, 9, 20, 17, 57, 52, 0),
    endTimeMs: Date.UTC(2020, 9, 20, 17, 57, 54, 90),
  },
  {
    pid: 26847,
    startTimeMs: Date.UTC(2020, 9, 20, 17, 57, 52, 0),
    endTimeMs: Date.UTC(2020, 9, 20, 17, 57, 55, 90),
  },
  {
    pid: 26848,
    startTimeMs: Date.UTC(2020, 9, 20, 17, 57, 52, 0),
    endTimeMs: Date.UTC(2020, 9, 20, 17, 57, 56, 90),
  },
];

function latencyHistogram(): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const ms of LATENCIES_MS) histogram.recordValue(ms * 1_000_000);
  return histogram;
}

Deno.test("formatAnalyzeSummary() prints the seed's summary", async (t) => {
  const text = formatAnalyzeSummary({
    throughputsOpsPerSec: THROUGHPUTS,
    latency: latencyHistogram(),
    processes: PROCESSES,
  });
  const lines = text.split("\n");
  assert.equal(lines[0], "Average Throughput = 38587.22 ops/s");
  assert.equal(lines[2], "Max throughput = 87622 ops/s");
  assert.equal(lines[4], "Min throughput = 747 ops/s");
  assert.equal(lines[8], "3 processes run in total");
  assert.equal(
    lines[9],
    "pid: 26849 started at Tue Oct 20 17:57:52 2020 and finished at Tue Oct 20 17:57:54 2020 taking  2.09 seconds to complete",
  );
  assert.equal(lines.length, 13);
  await t.assertSnapshot(text);
});

Deno.test("formatAnalyzeSummary() takes latency figures from the histogram, in ms", () => {
  const histogram = new LatencyHistogram();
  histogram.recordValue(1_500_000);
  const lines = formatAnalyzeSummary({
    throughputsOpsPerSec: [10, 20],
    latency: histogram,
    processes: [],
  })
    .split("\n");
  assert.deepEqual(lines, [
    "Average Throughput = 15.0 ops/s",
    "Average Latency = 1.5ms",
    "Max throughput = 20 ops/s",
    "Max latency = 1.5ms",
    "Min throughput = 10 ops/s",
    "Min latency = 1.5ms",
    "Throughput 95th percentile = 19.5 ops/s",
    "Latency 95th percentile = 1.5ms",
    "0 processes run in total",
    "",
  ]);
});

Deno.test("formatAnalyzeSummary() prints dates at the given UTC offset, day padded with a space", () => {
  const text = formatAnalyzeSummary({
    throughputsOpsPerSec: [],
    latency: new LatencyHistogram(),
    processes: [{
      pid: 7,
      startTimeMs: Date.UTC(2021, 0, 31, 23, 30, 0),
      endTimeMs: Date.UTC(2021, 0, 31, 23, 30, 12, 345),
    }],
    utcOffsetMinutes: 60,
  });
  assert.match(
    text,
    /^pid: 7 started at Mon Feb {2}1 00:30:00 2021 and finished at Mon Feb {2}1 00:30:12 2021 taking {2}12\.35 seconds to complete$/m,
  );
  assert.match(text, /^Throughput 95th percentile = 0\.0 ops\/s$/m);
});
