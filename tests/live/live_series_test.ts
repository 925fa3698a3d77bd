import assert from "node:assert/strict";
import fc from "fast-check";
import { type LiveRow, LiveSeries } from "../../lib/live/live_series.ts";

function row(i: number, extra: Partial<LiveRow> = {}): LiveRow {
  return {
    atMs: 1000 * i,
    requestsPerSec: i,
    failuresPerSec: i % 2,
    p50Ms: 1,
    p95Ms: 2,
    p99Ms: 3,
    users: 10,
    ...extra,
  };
}

Deno.test("LiveSeries starts idle and empty", () => {
  const snapshot = new LiveSeries().snapshot();
  assert.deepEqual(snapshot, {
    epoch: 0,
    state: "idle",
    fromIndex: 0,
    nextIndex: 0,
    points: [],
    totals: { requests: 0, failures: 0, requestsPerSec: 0, failuresPerSec: 0, users: 0 },
    endpoints: [],
    failuresByKind: [],
    params: null,
    message: null,
  });
});

Deno.test("LiveSeries rejects a capacity below 1 or not an integer", () => {
  assert.throws(() => new LiveSeries({ capacity: 0 }), RangeError);
  assert.throws(() => new LiveSeries({ capacity: 1.5 }), RangeError);
  assert.equal(new LiveSeries().capacity, 3600);
});

Deno.test("LiveSeries.push() keeps only the last capacity points", () => {
  const series = new LiveSeries({ capacity: 3 });
  for (let i = 0; i < 10; i++) series.push(row(i));
  const snapshot = series.snapshot();
  assert.equal(series.count, 10);
  assert.equal(snapshot.fromIndex, 7);
  assert.equal(snapshot.nextIndex, 10);
  assert.deepEqual(snapshot.points.map((p) => p.atMs), [7000, 8000, 9000]);
  assert.equal(snapshot.totals.requestsPerSec, 9);
});

Deno.test("LiveSeries.snapshot() returns only points since an index", () => {
  const series = new LiveSeries({ capacity: 5 });
  for (let i = 0; i < 4; i++) series.push(row(i));
  const first = series.snapshot();
  assert.equal(first.points.length, 4);
  assert.deepEqual(series.snapshot(first.nextIndex).points, []);
  series.push(row(4));
  series.push(row(5));
  const next = series.snapshot(first.nextIndex);
  assert.equal(next.fromIndex, 4);
  assert.deepEqual(next.points.map((p) => p.atMs), [4000, 5000]);
  // An index past the end gives nothing; an index already dropped gives what is kept.
  assert.deepEqual(series.snapshot(99).points, []);
  assert.equal(series.snapshot(99).fromIndex, 6);
  assert.deepEqual(series.snapshot(0).points.map((p) => p.atMs), [1000, 2000, 3000, 4000, 5000]);
  assert.equal(series.snapshot(Number.NaN).fromIndex, 1);
});

Deno.test("LiveSeries.snapshot() matches a plain array for any capacity, pushes and index", () => {
  const seed = 0x5eed;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 70 }),
      (capacity, pushes, since) => {
        const series = new LiveSeries({ capacity });
        const all: number[] = [];
        for (let i = 0; i < pushes; i++) {
          series.push(row(i));
          all.push(1000 * i);
        }
        const kept = all.slice(Math.max(0, pushes - capacity));
        const first = pushes - kept.length;
        const expected = all.slice(Math.max(since, first));
        const snapshot = series.snapshot(since);
        assert.deepEqual(snapshot.points.map((p) => p.atMs), expected);
        assert.equal(snapshot.nextIndex, pushes);
        assert.equal(snapshot.fromIndex, Math.min(Math.max(since, first), pushes));
      },
    ),
    { numRuns: 300, seed, verbose: true },
  );
});

Deno.test("LiveSeries.snapshot() strips the endpoints from points and shares nothing", () => {
  const series = new LiveSeries();
  series.push(row(1, {
    byEndpoint: [{ name: "GET /a", requests: 5, failures: 1, p50Ms: 1, p95Ms: 2, p99Ms: 3 }],
  }));
  series.setParams({ users: 3, spawnRate: 1 });
  const snapshot = series.snapshot();
  assert.equal("byEndpoint" in snapshot.points[0], false);
  snapshot.points[0].atMs = -1;
  snapshot.endpoints[0].requests = -1;
  snapshot.params!.users = -1;
  const again = series.snapshot();
  assert.equal(again.points[0].atMs, 1000);
  assert.equal(again.endpoints[0].requests, 5);
  assert.equal(again.params!.users, 3);
  assert.deepEqual(JSON.parse(JSON.stringify(again)), again);
});

Deno.test("LiveSeries.push() sums endpoint counts and keeps the latest percentiles", () => {
  const series = new LiveSeries();
  series.push(row(1, {
    byEndpoint: [
      { name: "POST /b", requests: 4, failures: 1, p50Ms: 1, p95Ms: 2, p99Ms: 3 },
      { name: "GET /a", requests: 2, failures: 0, p50Ms: 5, p95Ms: 6, p99Ms: 7 },
    ],
  }));
  series.push(row(2, {
    byEndpoint: [
      { name: "POST /b", requests: 6, failures: 2, p50Ms: 10, p95Ms: 20, p99Ms: 30 },
      { name: "GET /a", requests: 0, failures: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 },
    ],
  }));
  const snapshot = series.snapshot();
  assert.deepEqual(snapshot.endpoints, [
    { name: "GET /a", requests: 2, failures: 0, p50Ms: 5, p95Ms: 6, p99Ms: 7 },
    { name: "POST /b", requests: 10, failures: 3, p50Ms: 10, p95Ms: 20, p99Ms: 30 },
  ]);
  assert.equal(snapshot.totals.requests, 12);
  assert.equal(snapshot.totals.failures, 3);
});

Deno.test("LiveSeries.setTotals() replaces the derived totals and the failures by kind", () => {
  const series = new LiveSeries();
  series.push(row(1, {
    byEndpoint: [{ name: "GET /a", requests: 5, failures: 1, p50Ms: 1, p95Ms: 2, p99Ms: 3 }],
  }));
  series.addFailures("timeout");
  series.addFailures("http 500", 3);
  series.addFailures("timeout");
  assert.deepEqual(series.snapshot().failuresByKind, [
    { kind: "http 500", count: 3 },
    { kind: "timeout", count: 2 },
  ]);
  series.setTotals({ requests: 100, failures: 7, failuresByKind: { "connection reset": 7 } });
  const snapshot = series.snapshot();
  assert.equal(snapshot.totals.requests, 100);
  assert.equal(snapshot.totals.failures, 7);
  assert.deepEqual(snapshot.failuresByKind, [{ kind: "connection reset", count: 7 }]);
});

Deno.test("LiveSeries.setState() and reset() drive the state and the epoch", () => {
  const series = new LiveSeries({ capacity: 2 });
  series.setState("running");
  series.push(row(1));
  series.addFailures("timeout");
  series.setMessage("hello");
  series.setParams({ users: 2, spawnRate: 1, rate: 50 });
  assert.equal(series.state, "running");
  series.setState("stopping");
  series.setState("stopped");
  series.reset();
  const snapshot = series.snapshot();
  assert.equal(snapshot.state, "stopped");
  assert.equal(snapshot.epoch, 1);
  assert.equal(snapshot.nextIndex, 0);
  assert.deepEqual(snapshot.points, []);
  assert.deepEqual(snapshot.failuresByKind, []);
  assert.equal(snapshot.message, null);
  assert.deepEqual(snapshot.params, { users: 2, spawnRate: 1, rate: 50 });
  series.push(row(7));
  assert.deepEqual(series.snapshot().points.map((p) => p.atMs), [7000]);
});
