import assert from "node:assert/strict";
import fc from "fast-check";
import { ThreadSearch, type ThreadSearchOptions } from "../../lib/core/thread_search.ts";

const NUM_RUNS = 300;
const SEED = 0x7e5d;

/** Runs a search over the given op rates; returns the thread counts run and the records. */
function walk(options: ThreadSearchOptions, rates: readonly number[]) {
  const search = new ThreadSearch(options);
  const threads: number[] = [];
  const steps = [];
  for (const rate of rates) {
    threads.push(search.threads);
    const step = search.record(rate);
    steps.push(step);
    if (step.nextThreads === null) break;
  }
  return { search, threads, steps };
}

function assertProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void): void {
  const details = fc.check(fc.property(arbitrary, predicate), { numRuns: NUM_RUNS, seed: SEED });
  assert.equal(
    details.failed,
    false,
    `seed ${SEED}, counterexample ${
      JSON.stringify(details.counterexample)
    }: ${details.errorInstance}`,
  );
}

Deno.test("ThreadSearch.nextThreads() adds 100 below 500, then x1.2 below 1500, then x1.1", () => {
  assert.deepEqual(
    [1, 4, 399, 499, 500, 604, 1499, 1500, 2000].map(ThreadSearch.nextThreads),
    [101, 104, 499, 599, 600, 724, 1798, 1650, 2200],
  );
});

Deno.test("ThreadSearch.steps() walks the default range 4..1000", () => {
  assert.deepEqual(ThreadSearch.steps(4, 1000), [4, 104, 204, 304, 404, 504, 604, 724, 868]);
  assert.deepEqual(ThreadSearch.steps(4, 204), [4, 104, 204]);
  assert.deepEqual(ThreadSearch.steps(50, 50), [50]);
});

Deno.test("ThreadSearch.averageImprovement() averages relative changes of the last steps", () => {
  assert.equal(ThreadSearch.averageImprovement([100, 150], 1), 0.5);
  assert.equal(ThreadSearch.averageImprovement([999, 100, 200, 100, 100], 3), (1 - 0.5 + 0) / 3);
  assert.ok(Number.isNaN(ThreadSearch.averageImprovement([0, 0], 1)));
  assert.equal(ThreadSearch.averageImprovement([0, 5], 1), Infinity);
  assert.throws(() => ThreadSearch.averageImprovement([1, 2, 3], 3), RangeError);
  assert.throws(() => ThreadSearch.averageImprovement([1, 2], 0), RangeError);
});

Deno.test("ThreadSearch() rejects bounds the -rate parser never produces", () => {
  assert.throws(() => new ThreadSearch({ minThreads: 0, maxThreads: 4, auto: true }), RangeError);
  assert.throws(() => new ThreadSearch({ minThreads: 8, maxThreads: 4, auto: true }), RangeError);
  assert.throws(() => new ThreadSearch({ minThreads: 1.5, maxThreads: 4, auto: true }), RangeError);
});

Deno.test("ThreadSearch.record() without auto runs every step up to threads<=", () => {
  const { threads, steps, search } = walk({ minThreads: 4, maxThreads: 304, auto: false }, [
    100,
    50,
    25,
    10,
    99,
  ]);
  assert.deepEqual(threads, [4, 104, 204, 304]);
  assert.deepEqual(steps.map((s) => s.improvement), [null, -0.5, -0.5, -0.6]);
  assert.deepEqual(steps.map((s) => s.pausesAfter), [true, true, true, false]);
  assert.deepEqual(steps.map((s) => s.nextThreads), [104, 204, 304, null]);
  assert.equal(search.done, true);
  assert.deepEqual(search.opsPerSec, [100, 50, 25, 10]);
  assert.throws(() => search.record(1), RangeError);
});

Deno.test("ThreadSearch.record() with auto stops once the last 3 improvements average below 0", async (t) => {
  const options = { minThreads: 4, maxThreads: 1000, auto: true };
  await t.step("a falling rate stops after the 4th step, which still pauses", () => {
    const { threads, steps } = walk(options, [100, 90, 80, 70, 60]);
    assert.deepEqual(threads, [4, 104, 204, 304]);
    assert.equal(steps[3].pausesAfter, true);
    assert.equal(steps[3].nextThreads, null);
  });
  await t.step("an average of exactly 0 goes on (cassandra-stress tests >= 0)", () => {
    const { threads } = walk(options, [100, 100, 100, 100, 100, 100, 90]);
    // 4..504 average 0; at 604 the last three are 0, 0, -0.1.
    assert.deepEqual(threads, [4, 104, 204, 304, 404, 504, 604]);
  });
  await t.step("a flat rate never stops before threads<= without err<", () => {
    const { threads } = walk(options, Array(20).fill(100));
    assert.deepEqual(threads, ThreadSearch.steps(4, 1000));
  });
  await t.step("a zero rate (NaN improvement) stops as soon as the average is checked", () => {
    const { threads } = walk(options, [0, 0, 0, 0, 0]);
    assert.deepEqual(threads, [4, 104, 204, 304]);
  });
});

Deno.test("ThreadSearch.record() with auto and err< stops once the last 5 average below err<", () => {
  // Linear throughput: improvements 25, 0.96, 0.49, 0.33, 0.25, 0.20 ...
  const linear = ThreadSearch.steps(4, 1000).map((threads) => threads * 50);
  const options = { minThreads: 4, maxThreads: 1000, auto: true, targetStderr: 0.5 };
  const { threads } = walk(options, linear);
  // After 504: (25 + .96 + .49 + .33 + .25) / 5 > 0.5; after 604: (.96 + ... + .198) / 5 < 0.5.
  assert.deepEqual(threads, [4, 104, 204, 304, 404, 504, 604]);
  assert.deepEqual(walk({ ...options, targetStderr: 0.02 }, linear).threads, [
    ...ThreadSearch.steps(4, 1000),
  ]);
});

const bounds = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 6000 }))
  .map(([min, extra]) => ({ minThreads: min, maxThreads: min + extra }));

Deno.test("ThreadSearch.steps() starts at min, increases, and ends at the last count <= max", () => {
  assertProperty(bounds, ({ minThreads, maxThreads }) => {
    const steps = ThreadSearch.steps(minThreads, maxThreads);
    assert.equal(steps[0], minThreads);
    for (let i = 1; i < steps.length; i++) {
      assert.equal(steps[i], ThreadSearch.nextThreads(steps[i - 1]));
      assert.ok(steps[i] > steps[i - 1]);
    }
    assert.ok(steps[steps.length - 1] <= maxThreads);
    assert.ok(ThreadSearch.nextThreads(steps[steps.length - 1]) > maxThreads);
  });
});

Deno.test("ThreadSearch.record() visits a prefix of steps() and stops only as cassandra-stress does", () => {
  const input = fc.record({
    bounds,
    auto: fc.boolean(),
    targetStderr: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    rates: fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
  });
  assertProperty(input, ({ bounds, auto, targetStderr, rates }) => {
    const options = { ...bounds, auto, targetStderr };
    const all = ThreadSearch.steps(bounds.minThreads, bounds.maxThreads);
    const { threads, steps, search } = walk(options, rates);
    assert.deepEqual(threads, all.slice(0, threads.length));
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const seen = rates.slice(0, i + 1);
      assert.equal(step.threads, threads[i]);
      assert.equal(step.improvement, i === 0 ? null : (seen[i] - seen[i - 1]) / seen[i - 1]);
      assert.equal(step.pausesAfter, i + 1 < all.length);
      // The reference rule, written out: stop past threads<=, or with auto when an average fails.
      const avg = (count: number) =>
        seen.length < count + 1 || ThreadSearch.averageImprovement(seen, count) >= (
            count === 3 ? 0 : targetStderr ?? -1
          );
      const goOn = i + 1 < all.length && (!auto || (avg(3) && avg(5)));
      assert.equal(step.nextThreads, goOn ? all[i + 1] : null);
    }
    if (!auto) {
      assert.equal(threads.length, Math.min(all.length, rates.length));
      assert.equal(search.done, threads.length === all.length);
    }
  });
});

Deno.test("ThreadSearch.record() with auto never stops early while the rate does not fall", () => {
  const input = fc.record({
    bounds,
    increments: fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { maxLength: 40 }),
  });
  assertProperty(input, ({ bounds, increments }) => {
    const all = ThreadSearch.steps(bounds.minThreads, bounds.maxThreads);
    const rates = [1];
    for (const increment of increments) rates.push(rates[rates.length - 1] + increment);
    const { threads } = walk({ ...bounds, auto: true }, rates);
    assert.equal(threads.length, Math.min(all.length, rates.length));
  });
});
