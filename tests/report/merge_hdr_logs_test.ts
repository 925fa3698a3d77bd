import assert from "node:assert/strict";
import fc from "fast-check";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { UsageError } from "../../lib/errors.ts";
import { Prng } from "../../lib/core/prng.ts";
import { maxNsOfExport } from "../../lib/report/_merge_checks.ts";
import { formatHdrLogHeader, formatHdrLogInterval } from "../../lib/report/hdr_log.ts";
import { declaredUnitOf, parseHdrLogMergeInput } from "../../lib/report/hdr_log_merge_input.ts";
import {
  type MergedInterval,
  mergeHdrLogs,
  type MergeInputLog,
  tagsOfLogs,
} from "../../lib/report/merge_hdr_logs.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";

const BASE_MS = 1_700_000_000_000;

/** A shard: one interval per second, random service and wait times; the values it recorded. */
interface Shard {
  log: MergeInputLog;
  /** [absolute midpoint ms, tag, value ns] of every value. */
  values: [number, string, number][];
}

function makeShard(name: string, seed: number, baseOffsetMs: number, seconds: number): Shard {
  const prng = new Prng(seed);
  const baseTimeMs = BASE_MS + baseOffsetMs;
  const intervals = [];
  const values: [number, string, number][] = [];
  for (let s = 0; s < seconds; s++) {
    const st = new LatencyHistogram();
    const rt = new LatencyHistogram();
    const midMs = baseTimeMs + s * 1000 + 500;
    const n = 1 + (prng.nextUint32() % 200);
    for (let k = 0; k < n; k++) {
      const serviceNs = 1000 + Math.floor(prng.nextDouble() * 50_000_000);
      const responseNs = serviceNs + Math.floor(prng.nextDouble() * 5_000_000);
      st.recordValue(serviceNs);
      rt.recordValue(responseNs);
      values.push([midMs, "WRITE-st", serviceNs], [midMs, "WRITE-rt", responseNs]);
    }
    intervals.push({ tag: "WRITE-st", startSec: s, lengthSec: 1, histogram: st });
    intervals.push({ tag: "WRITE-rt", startSec: s, lengthSec: 1, histogram: rt });
  }
  return { log: { name, baseTimeMs, intervals }, values };
}

function textOf(log: MergeInputLog): string {
  let text = formatHdrLogHeader({ startTimeMs: log.baseTimeMs });
  for (let i = 0; i < log.intervals.length; i += 2) {
    const { startSec, lengthSec } = log.intervals[i];
    text += formatHdrLogInterval({
      windows: [{
        name: "WRITE",
        service: log.intervals[i].histogram as LatencyHistogram,
        response: log.intervals[i + 1].histogram as LatencyHistogram,
        wait: null,
      }],
      startSec: startSec + (log.baseTimeMs % 1000) / 1000, // BaseTime is a whole second
      lengthSec,
    });
  }
  return text;
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.recordValue(value);
  return histogram;
}

Deno.test("mergeHdrLogs() of 3 shards with offset BaseTimes equals one histogram of all values, bucket by bucket", () => {
  const shards = [
    makeShard("a.hdr", 1, 0, 12),
    makeShard("b.hdr", 2, 333, 12),
    makeShard("c.hdr", 3, 1_777, 10),
  ];
  const merged = mergeHdrLogs(shards.map((s) => s.log));
  assert.equal(merged.baseTimeMs, BASE_MS);
  assert.equal(merged.intervalSec, 1);
  assert.deepEqual(merged.tags, ["WRITE-rt", "WRITE-st"]);
  const all = shards.flatMap((s) => s.values);
  for (const tag of merged.tags) {
    assert.deepEqual(
      merged.totals.get(tag)!.exportCounts(),
      histogramOf(all.filter((v) => v[1] === tag).map((v) => v[2])).exportCounts(),
    );
  }
  // Independently: each value belongs to the second that holds its interval's midpoint.
  const buckets = new Set(all.map(([midMs]) => Math.floor((midMs - BASE_MS) / 1000)));
  assert.deepEqual(merged.intervals.map((i) => i.index), [...buckets].sort((a, b) => a - b));
  for (const interval of merged.intervals) {
    for (const tag of merged.tags) {
      const expected = histogramOf(
        all.filter(([midMs, t]) =>
          t === tag && Math.floor((midMs - BASE_MS) / 1000) === interval.index
        ).map((v) => v[2]),
      );
      assert.deepEqual(interval.histograms.get(tag)!.exportCounts(), expected.exportCounts());
    }
  }
  assert.deepEqual(
    merged.loaders.map((l) => [l.name, l.intervals, l.counts["WRITE-st"]]),
    shards.map((s) => [s.log.name, s.log.intervals.length, s.values.length / 2]),
  );
  assert.equal(merged.firstStartSec, 0);
  // The latest end of any loader's interval: b's twelfth second ends at 12.333 s.
  assert.equal(merged.endSec, 12.333);
});

Deno.test("mergeHdrLogs() of one log whose intervals start off the second keeps their starts and lengths", () => {
  // As a run's log is: seconds a few milliseconds apart, started 0.789 s after BaseTime
  // (which then merged into one-second buckets whose first 0.789 s were empty, and
  // overstated every rate by a quarter), then a short last one.
  const spans = [[0.789, 1.0], [1.789, 1.002], [2.791, 0.999], [3.79, 1.0], [4.79, 0.35]];
  const intervals = spans.map(([startSec, lengthSec], i) => ({
    tag: "WRITE-st",
    startSec,
    lengthSec,
    histogram: histogramOf(Array.from({ length: 100 * (i + 1) }, () => 1000)),
  }));
  const merged = mergeHdrLogs([{ name: "one", baseTimeMs: BASE_MS + 120, intervals }]);
  const shifted = (sec: number) => Math.round((sec + 0.12) * 1000) / 1000;
  assert.deepEqual(
    merged.intervals.map((i) => [i.startSec, i.lengthSec]),
    spans.map(([startSec, lengthSec]) => [shifted(startSec), lengthSec]),
  );
  assert.equal(merged.firstStartSec, shifted(0.789));
  assert.equal(merged.endSec, shifted(5.14));
});

Deno.test("mergeHdrLogs() gives the same result from readHdrLog and parseHdrLogMergeInput logs", () => {
  const shards = [makeShard("a.hdr", 4, 250, 5), makeShard("b.hdr", 5, 750, 5)];
  const texts = shards.map((s) => textOf(s.log));
  const full = mergeHdrLogs(texts.map((t, i) => ({ name: `${i}`, ...readHdrLog(t, `${i}`) })));
  const compact = mergeHdrLogs(texts.map((t, i) => parseHdrLogMergeInput(t, `${i}`)));
  const direct = mergeHdrLogs(shards.map((s) => s.log));
  for (const other of [compact, direct]) {
    assert.deepEqual(
      other.intervals.map((
        i,
      ) => [i.index, i.lengthSec, i.histograms.get("WRITE-st")!.exportCounts()]),
      full.intervals.map((
        i,
      ) => [i.index, i.lengthSec, i.histograms.get("WRITE-st")!.exportCounts()]),
    );
  }
});

Deno.test("mergeHdrLogs() streams intervals through onInterval with the same counts", () => {
  const logs = [makeShard("a", 6, 100, 6).log, makeShard("b", 7, 900, 6).log];
  const kept = mergeHdrLogs(logs);
  const seen: [number, number, number][] = [];
  const streamed = mergeHdrLogs(logs, {
    onInterval: (i: MergedInterval) =>
      seen.push([i.index, i.histograms.get("WRITE-st")!.totalCount, i.histograms.size]),
  });
  assert.equal(streamed.intervals.length, 0);
  assert.deepEqual(
    seen,
    kept.intervals.map((i) => [i.index, i.histograms.get("WRITE-st")!.totalCount, 2]),
  );
});

Deno.test("mergeHdrLogs() detects the median interval length and honours intervalSec", () => {
  const h = histogramOf([1000]);
  const log = {
    name: "x",
    baseTimeMs: BASE_MS,
    intervals: [0, 2, 4, 6].map((startSec) => ({
      tag: "A-st",
      startSec,
      lengthSec: 2,
      histogram: h,
    }))
      .concat([{ tag: "A-st", startSec: 8, lengthSec: 0.5, histogram: h }]),
  };
  const merged = mergeHdrLogs([log]);
  assert.equal(merged.intervalSec, 2);
  assert.deepEqual(merged.intervals.map((i) => [i.startSec, i.lengthSec]), [
    [0, 2],
    [2, 2],
    [4, 2],
    [6, 2],
    [8, 0.5],
  ]);
  const wide = mergeHdrLogs([log], { intervalSec: 4 });
  assert.deepEqual(
    wide.intervals.map((i) => [i.startSec, i.histograms.get("A-st")!.totalCount]),
    [[0, 2], [4, 2], [8, 1]],
  );
});

Deno.test("mergeHdrLogs() takes the longest log's interval length, not partial intervals' nor a shorter log's", () => {
  const h = histogramOf([1000]);
  const at = (startSec: number, lengthSec: number) => ({
    tag: "A-st",
    startSec,
    lengthSec,
    histogram: h,
  });
  // Short runs: their first and last intervals, cut by the start and the end, outnumber the rest.
  const short = (name: string, startSec: number) => ({
    name,
    baseTimeMs: BASE_MS,
    intervals: [at(startSec, 1 - startSec), at(1, 1), at(2, 0.2)],
  });
  const shorts = mergeHdrLogs([short("a", 0.5), short("b", 0.7)]);
  assert.equal(shorts.intervalSec, 1);
  assert.deepEqual(shorts.intervals.map((i) => i.histograms.get("A-st")!.totalCount), [2, 2, 2]);
  // A log of 0.5 s intervals with one of 1 s intervals: every second holds two of the one's and
  // one of the other's, not one of the first's alone every other row.
  const halves = {
    name: "halves",
    baseTimeMs: BASE_MS,
    intervals: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((startSec) => at(startSec, 0.5)),
  };
  const seconds = {
    name: "seconds",
    baseTimeMs: BASE_MS,
    intervals: [0, 1, 2, 3].map((startSec) => at(startSec, 1)),
  };
  const mixed = mergeHdrLogs([halves, seconds]);
  assert.equal(mixed.intervalSec, 1);
  assert.deepEqual(
    mixed.intervals.map((i) => [i.startSec, i.lengthSec, i.histograms.get("A-st")!.totalCount]),
    [[0, 1, 3], [1, 1, 3], [2, 1, 3], [3, 1, 3]],
  );
  assertRefused([halves, seconds], /"0\.5" s is shorter than the logs' intervals \(1 s\)/, {
    intervalSec: 0.5,
  });
});

function assertRefused(logs: MergeInputLog[], pattern: RegExp, options = {}): void {
  assert.throws(
    () => mergeHdrLogs(logs, options),
    (e) => e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message),
  );
}

Deno.test("mergeHdrLogs() refuses logs whose tag sets differ, naming the log and the tags", () => {
  const a = makeShard("a.hdr", 8, 0, 2).log;
  const b = { ...a, name: "b.hdr", intervals: a.intervals.filter((i) => i.tag === "WRITE-st") };
  assertRefused(
    [a, b],
    /^Cannot merge HDR log "b\.hdr": its tags are "WRITE-st", expected "WRITE-rt,WRITE-st" as in "a\.hdr" \(a loader that never ran an op type has no tag for it: --allow-missing-tags merges anyway\)$/,
  );
});

Deno.test("mergeHdrLogs({sameTags: false}) merges logs whose tag sets differ; a missing tag adds nothing", () => {
  const a = makeShard("a.hdr", 8, 0, 3).log;
  const full = makeShard("b.hdr", 9, 0, 3).log;
  const b = { ...full, intervals: full.intervals.filter((i) => i.tag === "WRITE-st") };
  const merged = mergeHdrLogs([a, b], { sameTags: false });
  assert.deepEqual(merged.tags, ["WRITE-rt", "WRITE-st"]);
  assert.deepEqual(tagsOfLogs([b, a]), ["WRITE-rt", "WRITE-st"]);
  const count = (log: MergeInputLog, tag: string) =>
    log.intervals.filter((i) => i.tag === tag).reduce((n, i) => n + i.histogram.totalCount, 0);
  assert.equal(
    merged.totals.get("WRITE-st")!.totalCount,
    count(a, "WRITE-st") + count(b, "WRITE-st"),
  );
  assert.equal(merged.totals.get("WRITE-rt")!.totalCount, count(a, "WRITE-rt"));
  for (const interval of merged.intervals) {
    const second = interval.startSec;
    const of = (log: MergeInputLog, tag: string) =>
      log.intervals.find((i) => i.tag === tag && i.startSec === second)?.histogram.totalCount ?? 0;
    assert.equal(
      interval.histograms.get("WRITE-st")!.totalCount,
      of(a, "WRITE-st") + of(b, "WRITE-st"),
    );
    assert.equal(interval.histograms.get("WRITE-rt")!.totalCount, of(a, "WRITE-rt"));
  }
});

Deno.test("mergeHdrLogs() refuses logs whose units differ", () => {
  const a = makeShard("a.hdr", 9, 0, 2).log;
  assertRefused(
    [a, { ...a, name: "us.hdr", unit: "us" }],
    /^Cannot merge HDR log "us\.hdr": its values are in "us", expected "ns" \(nanoseconds\)$/,
  );
  const h = histogramOf([5_000]); // 5 µs recorded, but the max column says 5 ms: microseconds
  const micro = {
    name: "m.hdr",
    baseTimeMs: BASE_MS,
    intervals: [{ tag: "WRITE-st", startSec: 0, lengthSec: 1, histogram: h, maxMs: 5 }],
  };
  assertRefused([micro], /"m\.hdr": interval "WRITE-st" at 0 s has max 5 ms but .* 500\d ns/);
  // Within the printed rounding and the histogram's precision: accepted.
  const ok = { ...micro, intervals: [{ ...micro.intervals[0], maxMs: 0.005 }] };
  assert.equal(mergeHdrLogs([ok]).intervals.length, 1);
});

Deno.test("mergeHdrLogs() refuses no logs, empty logs, missing BaseTimes and bad lengths", () => {
  const a = makeShard("a.hdr", 10, 0, 2).log;
  assertRefused([], /^Cannot merge HDR logs: none given, expected at least one LOG$/);
  assertRefused([a, { ...a, name: "e.hdr", intervals: [] }], /"e\.hdr": it has no intervals/);
  assertRefused([a, { ...a, name: "z.hdr", baseTimeMs: 0 }], /"z\.hdr": it has no BaseTime/);
  assertRefused([a], /interval "0" s is invalid/, { intervalSec: 0 });
});

Deno.test("mergeHdrLogs() places a log of absolute starts and no BaseTime (HdrHistogram's default)", () => {
  const a = makeShard("a.hdr", 13, 0, 3).log;
  // The same intervals with starts in seconds since the epoch and no BaseTime line.
  const absolute = {
    ...a,
    name: "java.hdr",
    baseTimeMs: 0,
    intervals: a.intervals.map((i) => ({ ...i, startSec: BASE_MS / 1000 + i.startSec })),
  };
  const merged = mergeHdrLogs([a, absolute]);
  assert.equal(merged.baseTimeMs, BASE_MS);
  assert.deepEqual(merged.intervals.map((i) => i.index), [0, 1, 2]);
  const single = mergeHdrLogs([a]);
  for (const tag of merged.tags) {
    assert.equal(merged.totals.get(tag)!.totalCount, 2 * single.totals.get(tag)!.totalCount);
  }
  // Starts since an unknown start (no BaseTime, relative) are still refused next to either.
  const relative = { ...a, name: "rel.hdr", baseTimeMs: 0 };
  assertRefused([absolute, relative], /"rel\.hdr": it has no BaseTime/);
});

Deno.test("mergeHdrLogs() refuses an interval that lies past any date, naming the log", () => {
  const a = makeShard("a.hdr", 12, 0, 2).log;
  // A BaseTime of 10^14 s (a typo, or ms taken for s) or a start there: no Date holds it.
  assertRefused(
    [{ ...a, name: "far.hdr", baseTimeMs: 1e17 }],
    /^Cannot merge HDR log "far\.hdr": interval "WRITE-(st|rt)" at 0 s lies past the year 275760/,
  );
  const late = { ...a.intervals[0], startSec: 1e14 };
  assertRefused(
    [{ ...a, name: "late.hdr", intervals: [...a.intervals, late] }],
    /"late\.hdr": interval "WRITE-(st|rt)" at 100000000000000 s lies past the year 275760/,
  );
  // The last date there is still merged.
  const edge = { ...a, baseTimeMs: 8.64e15 - 10_000 };
  assert.equal(mergeHdrLogs([edge]).baseTimeMs, 8.64e15 - 10_000);
});

Deno.test("maxNsOfExport() equals LatencyHistogram.maxNs", () => {
  const prng = new Prng(11);
  for (let i = 0; i < 500; i++) {
    const value = Math.floor(2 ** (prng.nextDouble() * 41));
    const histogram = histogramOf([value, 1]);
    assert.equal(maxNsOfExport(histogram.exportCounts()), histogram.maxNs, `value ${value}`);
  }
});

Deno.test("declaredUnitOf() reads units from comments and the legend only", () => {
  assert.equal(declaredUnitOf("#Values in nanoseconds"), "ns");
  assert.equal(declaredUnitOf('"StartTimestamp","Interval_Length","Interval_Max(us)"'), "us");
  assert.equal(declaredUnitOf("#unit: ms"), "ms");
  assert.equal(declaredUnitOf("#[StartTime: 1.000 (seconds since epoch), Thu]"), undefined);
  assert.equal(declaredUnitOf("Tag=A-st,0,1,2,HISTF"), undefined);
});

Deno.test("mergeHdrLogs() property: merged totals and intervals are the histogram of all values", () => {
  const value = fc.integer({ min: 1, max: 3_600_000_000_000 });
  const shard = fc.record({
    offsetMs: fc.integer({ min: 0, max: 5000 }),
    intervals: fc.array(fc.array(value, { minLength: 1, maxLength: 8 }), {
      minLength: 1,
      maxLength: 5,
    }),
  });
  const seed = 8_2024;
  fc.assert(
    fc.property(fc.array(shard, { minLength: 1, maxLength: 4 }), (shards) => {
      const logs = shards.map((s, i) => ({
        name: `s${i}`,
        baseTimeMs: BASE_MS + s.offsetMs,
        intervals: s.intervals.map((values, k) => ({
          tag: "T-st",
          startSec: k,
          lengthSec: 1,
          histogram: histogramOf(values).exportCounts(),
        })),
      }));
      const merged = mergeHdrLogs(logs);
      const all = shards.flatMap((s) => s.intervals.flat());
      assert.deepEqual(merged.totals.get("T-st")!.exportCounts(), histogramOf(all).exportCounts());
      const sum = merged.intervals.reduce((n, i) => n + i.histograms.get("T-st")!.totalCount, 0);
      assert.equal(sum, all.length);
      const t0 = Math.floor((BASE_MS + Math.min(...shards.map((s) => s.offsetMs))) / 1000) * 1000;
      for (const interval of merged.intervals) {
        const expected = shards.flatMap((s) =>
          s.intervals.filter((_, k) =>
            Math.floor((BASE_MS + s.offsetMs + k * 1000 + 500 - t0) / 1000) === interval.index
          ).flat()
        );
        assert.deepEqual(
          interval.histograms.get("T-st")!.exportCounts(),
          histogramOf(expected).exportCounts(),
        );
      }
    }),
    { numRuns: 60, seed },
  );
});
