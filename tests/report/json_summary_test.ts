import assert from "node:assert/strict";
import { createJsonIntervalPoint, createJsonSummary } from "../../lib/report/json_summary.ts";
import { cumulativeWindows, INTERVALS, intervalWindows, START_TIME_MS } from "./_fixture.ts";

const LAST = INTERVALS.length - 1;

function summaryOf(aborted: string | null) {
  let elapsedSec = 0;
  const intervals = INTERVALS.map((interval, i) => {
    elapsedSec += interval.lengthSec;
    return createJsonIntervalPoint(intervalWindows(i, { scheduled: true }), {
      elapsedSec,
      intervalSec: interval.lengthSec,
      useResponseTime: true,
    });
  });
  return createJsonSummary({
    command: ["mixed", "ratio(write=1,read=3)", "duration=3s", "-rate", "threads=4", "fixed=150/s"],
    settings: { rate: { threads: 4, fixedOpsPerSec: 150 }, node: ["127.0.0.1"] },
    startTimeMs: START_TIME_MS + 2000,
    endTimeMs: START_TIME_MS + 5000,
    elapsedSec,
    windows: cumulativeWindows(LAST, { scheduled: true }),
    useResponseTime: true,
    intervals,
    aborted,
  });
}

Deno.test("createJsonSummary() builds the whole summary from fixture data", async (t) => {
  const summary = summaryOf(null);
  assert.deepEqual(Object.keys(summary.ops), ["READ", "WRITE"]);
  assert.equal(summary.total.ops, summary.ops.READ.ops + summary.ops.WRITE.ops);
  assert.equal(summary.latencyKind, "response");
  assert.equal(summary.intervals.length, 3);
  assert.equal(summary.shard, null, "a whole run");
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
  await t.assertSnapshot(JSON.stringify(summary, null, 2));
});

Deno.test("createJsonSummary() keeps the aborted reason", () => {
  assert.equal(summaryOf("Interrupted by SIGINT").aborted, "Interrupted by SIGINT");
});

Deno.test("createJsonSummary() reports service time without a schedule", () => {
  const summary = createJsonSummary({
    command: "write n=301",
    shard: { index: 1, count: 4 },
    settings: null,
    startTimeMs: 0,
    endTimeMs: 3000,
    elapsedSec: 3,
    windows: cumulativeWindows(LAST, { names: ["WRITE"], scheduled: false }),
    useResponseTime: true,
  });
  assert.equal(summary.latencyKind, "service");
  assert.equal(summary.startTime, "1970-01-01T00:00:00.000Z");
  assert.equal(summary.total.opsPerSec, 301 / 3);
  assert.deepEqual(summary.intervals, []);
  assert.ok(summary.total.latencyMs.p50 <= summary.total.latencyMs.p99);
  assert.deepEqual(summary.shard, { index: 1, count: 4 });
});
