import assert from "node:assert/strict";
import fc from "fast-check";
import { Prng } from "../../lib/core/prng.ts";
import { OptionError } from "../../lib/errors.ts";
import type { JsonIntervalPoint, JsonSummary } from "../../lib/report/json_summary.ts";
import { compareRuns, type MetricComparison } from "../../lib/stats/compare_runs.ts";

const FC_SEED = 90_210;

interface Series {
  opsPerSec: readonly number[];
  p50Ms?: readonly number[];
  p99Ms?: readonly number[];
  meanMs?: readonly number[];
  ops?: readonly number[];
  /** Interval lengths, seconds (default 1 each). */
  lengthsSec?: readonly number[];
}

/** A JSON summary (the real format) with the given per-interval series. */
function summary(series: Series, totals: Partial<Record<string, number>> = {}): JsonSummary {
  let timeSec = 0;
  const intervals: (JsonIntervalPoint & { meanMs?: number })[] = series.opsPerSec.map(
    (opsPerSec, i) => {
      timeSec += series.lengthsSec?.[i] ?? 1;
      const point: JsonIntervalPoint & { meanMs?: number } = {
        timeSec,
        ops: series.ops?.[i] ?? Math.round(opsPerSec),
        opsPerSec,
        errors: 0,
        p50Ms: series.p50Ms?.[i] ?? 1,
        p99Ms: series.p99Ms?.[i] ?? 5,
        maxMs: 10,
      };
      if (series.meanMs !== undefined) point.meanMs = series.meanMs[i];
      return point;
    },
  );
  const latencyMs = {
    mean: totals.mean ?? 1.2,
    min: 0.1,
    max: 10,
    stdev: 0.5,
    p50: totals.p50 ?? 1,
    p75: 1.5,
    p90: 2,
    p95: totals.p95 ?? 3,
    p99: totals.p99 ?? 5,
    p999: totals.p999 ?? 8,
    p9999: 9,
  };
  const stats = {
    ops: 1000,
    partitions: 1000,
    rows: 1000,
    errors: 0,
    opsPerSec: totals.opsPerSec ?? 1000,
    partitionsPerSec: 1000,
    rowsPerSec: 1000,
    clampedLatencies: 0,
    latencyMs,
  };
  return {
    formatVersion: 1,
    command: "write",
    shard: null,
    settings: {},
    startTime: "2024-01-01T00:00:00.000Z",
    startTimeMs: 0,
    endTime: "2024-01-01T00:00:10.000Z",
    endTimeMs: 10_000,
    elapsedSec: timeSec,
    latencyKind: "service",
    aborted: null,
    total: stats,
    ops: { WRITE: stats },
    intervals,
  };
}

function row(metrics: readonly MetricComparison[], name: string): MetricComparison {
  const found = metrics.find((m) => m.name === name);
  assert.ok(found !== undefined, `no row "${name}"`);
  return found;
}

function ar1(n: number, phi: number, prng: Prng): number[] {
  const values: number[] = [];
  let x = prng.nextGaussian() / Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    values.push(x);
    x = phi * x + prng.nextGaussian();
  }
  return values;
}

function shuffled(values: readonly number[], prng: Prng): number[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.nextDouble() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

Deno.test("compareRuns() gives autocorrelated intervals a larger p-value than the same values shuffled", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const prng = new Prng(seed);
      // Throughput around 1000 op/s, drifting slowly (phi = 0.9), B 2 op/s lower.
      const a = ar1(60, 0.9, prng).map((x) => 1000 + x);
      const b = ar1(60, 0.9, prng).map((x) => 998 + x);
      const ordered = row(
        compareRuns(summary({ opsPerSec: a }), summary({ opsPerSec: b })).metrics,
        "throughput",
      );
      const mixed = row(
        compareRuns(
          summary({ opsPerSec: shuffled(a, prng) }),
          summary({ opsPerSec: shuffled(b, prng) }),
        ).metrics,
        "throughput",
      );
      assert.ok(ordered.test !== null && mixed.test !== null);
      assert.ok(Math.abs(ordered.a - mixed.a) < 1e-9 && Math.abs(ordered.b - mixed.b) < 1e-9);
      assert.ok(ordered.test.effectiveNA < mixed.test.effectiveNA);
      assert.ok(ordered.pValue! > mixed.pValue!, `${ordered.pValue} <= ${mixed.pValue}`);
    }),
    { numRuns: 100, seed: FC_SEED },
  );
});

Deno.test("compareRuns() calls throughput down and latency up worse, the opposite better", () => {
  const a = summary({
    opsPerSec: [1000, 1010, 990, 1005, 995, 1002],
    p50Ms: [2.0, 2.1, 1.9, 2.0, 2.05, 1.95],
    p99Ms: [5.0, 5.2, 4.8, 5.1, 4.9, 5.0],
  });
  const b = summary({
    opsPerSec: [900, 910, 890, 905, 895, 902],
    p50Ms: [1.0, 1.1, 0.9, 1.0, 1.05, 0.95],
    p99Ms: [7.0, 7.2, 6.8, 7.1, 6.9, 7.0],
  });
  const { metrics, alpha } = compareRuns(a, b);
  assert.equal(alpha, 0.05);
  const throughput = row(metrics, "throughput");
  assert.deepEqual([throughput.verdict, throughput.higherIsBetter], ["worse", true]);
  assert.ok(Math.abs(throughput.change! - (900.3333333333334 / 1000.3333333333334 - 1)) < 1e-12);
  assert.equal(row(metrics, "p99").verdict, "worse");
  assert.equal(row(metrics, "p50").verdict, "better");
  assert.ok(row(metrics, "p99").pValue! < 1e-4);
  // And the mirror image.
  const back = compareRuns(b, a).metrics;
  assert.equal(row(back, "throughput").verdict, "better");
  assert.equal(row(back, "p99").verdict, "better");
  assert.equal(row(back, "p50").verdict, "worse");
});

Deno.test("compareRuns() calls identical runs the same", () => {
  const run = summary({ opsPerSec: [1000, 1010, 990, 1005], p99Ms: [5, 6, 5, 7] });
  for (const m of compareRuns(run, run).metrics) {
    if (m.pValue !== null) {
      assert.equal(m.pValue, 1, m.name);
      assert.equal(m.verdict, "same");
    }
    assert.equal(m.change, 0, m.name);
  }
});

Deno.test("compareRuns() is significant only below alpha", () => {
  // A noisy difference whose p-value lies between 0.01 and 0.05.
  const a = summary({ opsPerSec: [100, 104, 96, 102, 98, 101, 99, 103, 97, 100] });
  const b = summary({ opsPerSec: [97, 101, 93, 99, 95, 98, 96, 100, 94, 98] });
  const loose = row(compareRuns(a, b, { alpha: 0.05 }).metrics, "throughput");
  assert.ok(loose.pValue! > 0.01 && loose.pValue! < 0.05, String(loose.pValue));
  assert.equal(loose.verdict, "worse");
  const strict = row(compareRuns(a, b, { alpha: 0.01 }).metrics, "throughput");
  assert.deepEqual([strict.significant, strict.verdict], [false, "same"]);
});

Deno.test("compareRuns() does not test a metric with fewer than 3 intervals", () => {
  const a = summary({ opsPerSec: [1000, 1100] }, { opsPerSec: 1050, p99: 4 });
  const b = summary({ opsPerSec: [900, 950, 920, 910] }, { opsPerSec: 920, p99: 6 });
  const { metrics } = compareRuns(a, b, { names: ["a.json", "b.json"] });
  const throughput = row(metrics, "throughput");
  assert.equal(throughput.pValue, null);
  assert.equal(throughput.verdict, null);
  assert.equal(
    throughput.untested,
    '"a.json" has 2 usable intervals, expected at least 3 (run longer or set a shorter interval: -log interval=, or --interval)',
  );
  // The whole-run values stand in.
  assert.deepEqual([throughput.a, throughput.b], [1050, 920]);
  assert.deepEqual([row(metrics, "p99").a, row(metrics, "p99").b], [4, 6]);
});

Deno.test("compareRuns() leaves out intervals shorter than half the median", () => {
  // A last partial interval of 0.1 s with a wild rate would swing the mean.
  const a = summary({
    opsPerSec: [1000, 1001, 999, 1000, 5000],
    lengthsSec: [1, 1, 1, 1, 0.1],
  });
  const b = summary({ opsPerSec: [1000, 1001, 999, 1000] });
  const throughput = row(compareRuns(a, b).metrics, "throughput");
  assert.equal(throughput.test!.intervalsA, 4);
  assert.equal(throughput.a, 1000);
  assert.equal(throughput.verdict, "same");
});

Deno.test("compareRuns() leaves intervals without operations out of the latency metrics", () => {
  const a = summary({
    opsPerSec: [0, 1000, 1000, 1000, 1000],
    ops: [0, 1000, 1000, 1000, 1000],
    p99Ms: [0, 5, 5, 5, 5],
  });
  const { metrics } = compareRuns(a, a);
  assert.equal(row(metrics, "throughput").test!.intervalsA, 5);
  assert.equal(row(metrics, "p99").test!.intervalsA, 4);
  assert.equal(row(metrics, "p99").a, 5);
});

Deno.test("compareRuns() tests mean latency only when the intervals carry meanMs", () => {
  const plain = summary({ opsPerSec: [1, 2, 3] }, { mean: 1.5 });
  const untested = row(compareRuns(plain, plain).metrics, "mean");
  assert.equal(untested.untested, 'the intervals have no "meanMs" values');
  assert.deepEqual([untested.a, untested.pValue], [1.5, null]);
  const a = summary({ opsPerSec: [1, 2, 3, 4], meanMs: [1, 1.1, 0.9, 1] });
  const b = summary({ opsPerSec: [1, 2, 3, 4], meanMs: [2, 2.1, 1.9, 2] });
  const tested = row(compareRuns(a, b).metrics, "mean");
  assert.equal(tested.verdict, "worse");
  assert.equal(tested.b, 2);
});

Deno.test("compareRuns() shows the whole-run percentiles side by side without a test", () => {
  const a = summary({ opsPerSec: [1, 2, 3] }, { p50: 1, p95: 3, p99: 5, p999: 8 });
  const b = summary({ opsPerSec: [1, 2, 3] }, { p50: 2, p95: 3, p99: 4, p999: 0 });
  const { metrics } = compareRuns(a, b);
  assert.deepEqual(metrics.map((m) => m.name), [
    "throughput",
    "p50",
    "p99",
    "mean",
    "total p50",
    "total p95",
    "total p99",
    "total p99.9",
  ]);
  const totals = metrics.slice(4);
  assert.deepEqual(totals.map((m) => [m.a, m.b, m.change]), [
    [1, 2, 1],
    [3, 3, 0],
    [5, 4, -0.2],
    [8, 0, -1],
  ]);
  assert.ok(totals.every((m) => m.pValue === null && m.verdict === null && m.untested === null));
});

Deno.test("compareRuns() rejects an alpha outside (0, 1) and minIntervals below 2", () => {
  const run = summary({ opsPerSec: [1, 2, 3] });
  for (const alpha of [0, 1, -0.1, NaN]) {
    assert.throws(() => compareRuns(run, run, { alpha }), OptionError);
  }
  assert.throws(() => compareRuns(run, run, { minIntervals: 1 }), OptionError);
});

Deno.test("compareRuns() shows service, response and wait time side by side for scheduled runs, service time against a closed run", () => {
  const latency = (p50: number, p99: number) => ({ p50, p99 });
  const scheduled = (wait: number) => ({
    serviceMs: latency(1, 4),
    responseMs: latency(1 + wait, 4 + wait * 10),
    waitMs: latency(wait, wait * 10),
  });
  const withSchedule = (wait: number) => {
    const run = summary({ opsPerSec: [1000, 1000, 1000, 1000] });
    return { ...run, total: { ...run.total, scheduled: scheduled(wait) } };
  };
  const { metrics } = compareRuns(withSchedule(0.05), withSchedule(2));
  const rows = Object.fromEntries(metrics.map((m) => [m.name, [m.a, m.b]]));
  assert.deepEqual(rows["service p50"], [1, 1]);
  assert.deepEqual(rows["response p99"], [4.5, 24]);
  assert.deepEqual(rows["wait p50"], [0.05, 2]);
  assert.deepEqual(rows["wait p99"], [0.5, 20]);
  // A closed-model run has none of them.
  const closed = compareRuns(summary({ opsPerSec: [1, 1, 1] }), summary({ opsPerSec: [1, 1, 1] }));
  assert.ok(!closed.metrics.some((m) => m.name.startsWith("wait")));
  assert.ok(!closed.metrics.some((m) => m.name.startsWith("service")));
  // A closed-model run against a scheduled one: service time only, the closed run's latency
  // being its service time.
  const open = compareRuns(summary({ opsPerSec: [1000, 1000, 1000] }), withSchedule(2));
  const mixed = Object.fromEntries(open.metrics.map((m) => [m.name, [m.a, m.b]]));
  const closedRun = summary({ opsPerSec: [1000, 1000, 1000] });
  assert.deepEqual(mixed["service p50"], [closedRun.total.latencyMs.p50, 1]);
  assert.deepEqual(mixed["service p99"], [closedRun.total.latencyMs.p99, 4]);
  assert.ok(!open.metrics.some((m) => m.name.startsWith("wait") || m.name.startsWith("response")));
});
