import assert from "node:assert/strict";
import fc from "fast-check";
import { HeartbeatTracker } from "../../lib/disk/heartbeat_tracker.ts";

Deno.test("HeartbeatTracker() rejects a misses count that is not a positive integer", () => {
  for (const misses of [0, -1, 1.5, NaN]) {
    assert.throws(() => new HeartbeatTracker({ misses }), RangeError);
  }
});

Deno.test("HeartbeatTracker.register() rejects a bad heartbeat interval", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  for (const heartbeatMs of [0, -5, Infinity, NaN]) {
    assert.throws(() => tracker.register("c1", heartbeatMs, 0), RangeError);
  }
});

Deno.test("HeartbeatTracker.expired() reports a client without heartbeats after misses × interval", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  tracker.register("c1", 5000, 1000);
  assert.deepEqual(tracker.expired(1000), []);
  assert.deepEqual(tracker.expired(16_000), []); // exactly 3 × 5 s: not yet
  assert.deepEqual(tracker.expired(16_001), ["c1"]);
  assert.equal(tracker.state("c1")?.status, "gone");
});

Deno.test("HeartbeatTracker.beat() keeps a client alive and counts heartbeats", () => {
  const tracker = new HeartbeatTracker({ misses: 2 });
  tracker.register("c1", 1000, 0);
  for (let nowMs = 1000; nowMs <= 10_000; nowMs += 1000) {
    assert.equal(tracker.beat("c1", nowMs), true);
    assert.deepEqual(tracker.expired(nowMs + 999), []);
  }
  assert.deepEqual(tracker.state("c1"), {
    status: "alive",
    heartbeatMs: 1000,
    lastSeenMs: 10_000,
    beats: 10,
  });
  assert.deepEqual(tracker.expired(12_001), ["c1"]);
});

Deno.test("HeartbeatTracker.beat() ignores a late datagram that is older than the last one", () => {
  const tracker = new HeartbeatTracker({ misses: 1 });
  tracker.register("c1", 1000, 0);
  tracker.beat("c1", 5000);
  tracker.beat("c1", 4000);
  assert.equal(tracker.state("c1")?.lastSeenMs, 5000);
  assert.equal(tracker.state("c1")?.beats, 2);
});

Deno.test("HeartbeatTracker.beat() returns false for an unknown client", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  assert.equal(tracker.beat("nobody", 0), false);
  assert.equal(tracker.state("nobody"), null);
  assert.equal(tracker.finish("nobody"), false);
});

Deno.test("HeartbeatTracker.expired() reports each gone client once, and gone is final", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  tracker.register("c1", 1000, 0);
  tracker.register("c2", 1000, 0);
  tracker.register("c3", 2000, 0);
  tracker.beat("c2", 2500);
  assert.deepEqual(tracker.expired(3001), ["c1"]);
  assert.deepEqual(tracker.expired(3002), []);
  assert.deepEqual(tracker.expired(6001), ["c2", "c3"]);
  assert.equal(tracker.beat("c1", 7000), true); // a late heartbeat does not revive it
  assert.equal(tracker.state("c1")?.status, "gone");
  assert.deepEqual(tracker.expired(100_000), []);
  assert.equal(tracker.finish("c1"), true);
  assert.equal(tracker.state("c1")?.status, "gone");
});

Deno.test("HeartbeatTracker.finish() stops watching a client", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  tracker.register("c1", 1000, 0);
  tracker.register("c2", 1000, 0);
  tracker.finish("c1");
  assert.deepEqual(tracker.expired(10_000), ["c2"]);
  assert.equal(tracker.state("c1")?.status, "finished");
});

Deno.test("HeartbeatTracker.register() starts a known client over", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  tracker.register("c1", 1000, 0);
  assert.deepEqual(tracker.expired(5000), ["c1"]);
  tracker.register("c1", 1000, 6000);
  assert.equal(tracker.state("c1")?.status, "alive");
  assert.deepEqual(tracker.expired(9000), []);
  assert.deepEqual(tracker.expired(9001), ["c1"]);
});

Deno.test("HeartbeatTracker.nextDeadlineMs() gives the earliest expiry of a watched client", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  tracker.register("c1", 1000, 0);
  tracker.register("c2", 2000, 0);
  assert.equal(tracker.nextDeadlineMs(), 3000);
  tracker.beat("c1", 4000);
  assert.equal(tracker.nextDeadlineMs(), 6000);
  tracker.finish("c2");
  assert.equal(tracker.nextDeadlineMs(), 7000);
  assert.deepEqual(tracker.expired(7001), ["c1"]);
  assert.equal(tracker.nextDeadlineMs(), null);
});

Deno.test("HeartbeatTracker.expired() matches a direct model on random beat schedules", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(
        fc.record({
          client: fc.constantFrom("a", "b", "c"),
          stepMs: fc.integer({ min: 0, max: 4000 }),
        }),
        { maxLength: 50 },
      ),
      (misses, steps) => {
        const heartbeatMs = 1000;
        const tracker = new HeartbeatTracker({ misses });
        const last = new Map<string, number>([["a", 0], ["b", 0], ["c", 0]]);
        const reported = new Set<string>();
        for (const client of last.keys()) tracker.register(client, heartbeatMs, 0);
        let nowMs = 0;
        for (const step of steps) {
          nowMs += step.stepMs;
          const expected = [...last.keys()].filter((client) =>
            !reported.has(client) && nowMs - last.get(client)! > misses * heartbeatMs
          );
          assert.deepEqual(tracker.expired(nowMs), expected);
          for (const client of expected) reported.add(client);
          tracker.beat(step.client, nowMs);
          last.set(step.client, nowMs);
        }
      },
    ),
    { numRuns: 300, seed: 31 },
  );
});

Deno.test("HeartbeatTracker.excuse() moves the watched clients' deadlines on, not a done one's", () => {
  const tracker = new HeartbeatTracker({ misses: 3 });
  tracker.register("c1", 1000, 0);
  tracker.register("c2", 1000, 0);
  tracker.finish("c2");
  tracker.excuse(2000);
  tracker.excuse(-5);
  tracker.excuse(NaN);
  assert.equal(tracker.state("c2")?.lastSeenMs, 0);
  assert.deepEqual(tracker.expired(5000), []);
  assert.deepEqual(tracker.expired(5001), ["c1"]);
});
