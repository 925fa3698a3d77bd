import assert from "node:assert/strict";
import * as hdr from "hdr-histogram-js";
import { formatHdrLogHeader, formatHdrLogInterval } from "../../lib/report/hdr_log.ts";
import type { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";
import { INTERVALS, intervalWindows, RUN_START_SEC, START_TIME_MS } from "./_fixture.ts";

function writeLog(scheduled: boolean): { text: string; windows: OpWindow[][] } {
  let text = formatHdrLogHeader({ startTimeMs: START_TIME_MS });
  const windows: OpWindow[][] = [];
  for (let i = 0; i < INTERVALS.length; i++) {
    const interval = intervalWindows(i, { scheduled });
    windows.push(interval);
    text += formatHdrLogInterval({
      windows: interval,
      startSec: INTERVALS[i].startSec,
      lengthSec: INTERVALS[i].lengthSec,
    });
  }
  return { text, windows };
}

Deno.test("formatHdrLogHeader() writes the version 1.3 header", async (t) => {
  const header = formatHdrLogHeader({ startTimeMs: START_TIME_MS });
  assert.equal(
    header,
    "#Logging op latencies for Cassandra Stress\n" +
      "#[Histogram log format version 1.3]\n" +
      "#[BaseTime: 1730903661.000 (seconds since epoch)]\n" +
      "#[StartTime: 1730903661.000 (seconds since epoch), Wed Nov 06 14:34:21 UTC 2024]\n" +
      '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n',
  );
  await t.assertSnapshot(
    formatHdrLogHeader({
      startTimeMs: START_TIME_MS,
      comment: "stress write n=1000",
      utcOffsetMinutes: -330,
    }),
  );
});

Deno.test("formatHdrLogInterval() writes st, rt, wt per op in sorted order", async (t) => {
  const { text } = writeLog(true);
  const tags = text.split("\n").filter((line) => line.startsWith("Tag=")).map((line) =>
    line.split(",").slice(0, 4).join(",")
  );
  assert.deepEqual(tags.slice(0, 6), [
    "Tag=READ-st,2.000,1.000,14.328",
    "Tag=READ-rt,2.000,1.000,15.966",
    "Tag=READ-wt,2.000,1.000,1.638",
    "Tag=WRITE-st,2.000,1.000,8.032",
    "Tag=WRITE-rt,2.000,1.000,10.011",
    "Tag=WRITE-wt,2.000,1.000,1.975",
  ]);
  // The third interval has no READ ops: no READ lines, and never a total.
  assert.ok(!text.includes("Tag=READ-st,4.000"));
  assert.ok(!text.includes("Tag=total"));
  await t.assertSnapshot(text);
});

Deno.test("formatHdrLogInterval() writes only st without a schedule", () => {
  const { text } = writeLog(false);
  assert.deepEqual(hdr.listTags(text), ["READ-st", "WRITE-st"]);
});

Deno.test("formatHdrLogInterval() output reads back with HistogramLogReader", () => {
  const { text, windows } = writeLog(true);
  const expected: { tag: string; histogram: LatencyHistogram; startSec: number }[] = [];
  windows.forEach((interval, i) => {
    for (const window of [...interval].sort((a, b) => a.name.localeCompare(b.name))) {
      for (
        const [kind, histogram] of [["st", window.service], ["rt", window.response], [
          "wt",
          window.wait,
        ]] as const
      ) {
        if (histogram !== null && histogram.totalCount > 0) {
          expected.push({
            tag: `${window.name}-${kind}`,
            histogram,
            startSec: INTERVALS[i].startSec,
          });
        }
      }
    }
  });
  const reader = new hdr.HistogramLogReader(text, 64);
  const baseSec = Math.floor(START_TIME_MS / 1000);
  for (const want of expected) {
    const got = reader.nextIntervalHistogram();
    assert.ok(got !== null, `missing ${want.tag}`);
    assert.equal(got.tag, want.tag);
    assert.equal(got.totalCount, want.histogram.totalCount);
    assert.equal(got.startTimeStampMsec, (baseSec + want.startSec) * 1000);
    for (const percentile of [0, 50, 90, 99, 99.9, 100]) {
      assert.equal(
        got.getValueAtPercentile(percentile),
        want.histogram.valueAtPercentile(percentile),
        `${want.tag} p${percentile}`,
      );
    }
  }
  assert.equal(reader.nextIntervalHistogram(), null);
  assert.equal(reader.baseTimeSec, baseSec);
  assert.equal(reader.startTimeSec, baseSec);
  assert.ok(expected.length >= 15 && expected.length <= 18);
  assert.ok(RUN_START_SEC > 0);
});

Deno.test("formatHdrLogInterval() writes nothing for empty windows", () => {
  assert.equal(
    formatHdrLogInterval({
      windows: [new OpWindow("READ", { scheduled: true })],
      startSec: 1,
      lengthSec: 1,
    }),
    "",
  );
});

// Regression: start and length were each rounded to 3 decimals, so an interval's end (start +
// length, as HistogramLogReader computes it) missed the next interval's start by a millisecond
// whenever the run's boundaries fell between two (a live run's always do).
Deno.test("formatHdrLogInterval() ends each interval where the next one starts", () => {
  const boundariesSec = [0.2954, 1.0035, 2.0026, 2.9994, 4.0005, 4.3216];
  const window = new OpWindow("WRITE", { scheduled: false });
  window.service.recordValue(1_000_000);
  const lines: string[] = [];
  for (let i = 0; i + 1 < boundariesSec.length; i++) {
    lines.push(formatHdrLogInterval({
      windows: [window],
      startSec: boundariesSec[i],
      lengthSec: boundariesSec[i + 1] - boundariesSec[i],
    }));
  }
  const spansMs = lines.map((line) => {
    const [, start, length] = line.split(",");
    return {
      startMs: Math.round(Number(start) * 1000),
      lengthMs: Math.round(Number(length) * 1000),
    };
  });
  for (let i = 0; i + 1 < spansMs.length; i++) {
    assert.equal(spansMs[i].startMs + spansMs[i].lengthMs, spansMs[i + 1].startMs, `interval ${i}`);
  }
  assert.equal(spansMs[0].startMs, 295);
  assert.equal(spansMs.at(-1)!.startMs + spansMs.at(-1)!.lengthMs, 4322);
});
