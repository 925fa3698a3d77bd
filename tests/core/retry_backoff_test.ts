import assert from "node:assert/strict";
import fc from "fast-check";
import { Prng } from "../../lib/core/prng.ts";
import {
  type DelayPolicy,
  JITTER_RATIO,
  RetryBackoff,
  type RetryBackoffSpec,
} from "../../lib/core/retry_backoff.ts";

const POLICIES: readonly DelayPolicy[] = ["constant", "linear", "exponential"];

/** Arbitrary valid specs with their tries (min <= max, whole milliseconds as parsed). */
const specs = fc
  .record({
    policy: fc.constantFrom(...POLICIES),
    a: fc.integer({ min: 0, max: 100_000 }),
    b: fc.integer({ min: 0, max: 100_000 }),
    tries: fc.integer({ min: 1, max: 2000 }),
  })
  .map(({ policy, a, b, tries }) => ({
    spec: { policy, minDelayMs: Math.min(a, b), maxDelayMs: Math.max(a, b) } as RetryBackoffSpec,
    tries,
  }));

Deno.test("RetryBackoff.baseDelayMs() follows each policy's formula", () => {
  const exponential = new RetryBackoff(
    { policy: "exponential", minDelayMs: 10, maxDelayMs: 20_000 },
    { tries: 10 },
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => exponential.baseDelayMs(k)),
    [10, 20, 40, 80, 160, 320, 640, 1280, 2560],
  );
  assert.equal(exponential.baseDelayMs(11), 20_000, "10 * 2^11 = 20480 is capped");
  assert.equal(exponential.baseDelayMs(5000), 20_000, "2^5000 overflows and is capped");
  const linear = new RetryBackoff(
    { policy: "linear", minDelayMs: 100, maxDelayMs: 1100 },
    { tries: 10 },
  );
  assert.deepEqual([0, 1, 5, 9].map((k) => linear.baseDelayMs(k)), [100, 200, 600, 1000]);
  assert.equal(linear.baseDelayMs(20), 1100);
  const constant = new RetryBackoff(
    { policy: "constant", minDelayMs: 7, maxDelayMs: 20_000 },
    { tries: 10 },
  );
  assert.deepEqual([0, 3, 100].map((k) => constant.baseDelayMs(k)), [7, 7, 7]);
});

Deno.test("RetryBackoff.waits is false only when every delay is zero", () => {
  const waits = (policy: DelayPolicy, minDelayMs: number, maxDelayMs: number) =>
    new RetryBackoff({ policy, minDelayMs, maxDelayMs }, { tries: 10 }).waits;
  assert.equal(waits("constant", 0, 20_000), false);
  assert.equal(waits("exponential", 0, 20_000), false);
  assert.equal(waits("linear", 0, 0), false);
  assert.equal(waits("constant", 1, 20_000), true);
  assert.equal(waits("linear", 0, 20_000), true);
  assert.equal(waits("exponential", 10, 20_000), true);
});

Deno.test("RetryBackoff() rejects bad bounds, policies and tries", () => {
  const bad: [RetryBackoffSpec, number, RegExp][] = [
    [{ policy: "constant", minDelayMs: -1, maxDelayMs: 10 }, 10, /minDelayMs is "-1"/],
    [{ policy: "constant", minDelayMs: 0, maxDelayMs: Infinity }, 10, /maxDelayMs is "Infinity"/],
    [{ policy: "linear", minDelayMs: 11, maxDelayMs: 10 }, 10, /"11" is above maxDelayMs "10"/],
    [
      { policy: "random" as DelayPolicy, minDelayMs: 0, maxDelayMs: 10 },
      10,
      /policy "random" is unknown/,
    ],
    [{ policy: "constant", minDelayMs: 0, maxDelayMs: 10 }, 0, /tries is "0"/],
    [{ policy: "constant", minDelayMs: 0, maxDelayMs: 10 }, 1.5, /tries is "1.5"/],
  ];
  for (const [spec, tries, message] of bad) {
    assert.throws(() => new RetryBackoff(spec, { tries }), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /^Cannot create retry back-off: /);
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("RetryBackoff.baseDelayMs() stays in [min, max] and never shrinks (property)", () => {
  const seed = 4242;
  fc.assert(
    fc.property(specs, fc.integer({ min: 0, max: 3000 }), ({ spec, tries }, k) => {
      const backoff = new RetryBackoff(spec, { tries });
      const here = backoff.baseDelayMs(k);
      const next = backoff.baseDelayMs(k + 1);
      assert.ok(here >= spec.minDelayMs, `${here} >= min ${spec.minDelayMs}`);
      assert.ok(next <= spec.maxDelayMs, `${next} <= max ${spec.maxDelayMs}`);
      assert.ok(next >= here, `retry ${k + 1} waits ${next}, retry ${k} waited ${here}`);
      // Once capped, it stays capped.
      if (here === spec.maxDelayMs) assert.equal(next, spec.maxDelayMs);
    }),
    { numRuns: 3000, seed },
  );
});

Deno.test("RetryBackoff.delayMs() jitters by at most 25% and stays in [min, max] (property)", () => {
  const seed = 9001;
  fc.assert(
    fc.property(
      specs,
      fc.integer({ min: 0, max: 40 }),
      fc.integer(),
      ({ spec, tries }, k, prngSeed) => {
        const backoff = new RetryBackoff(spec, { tries });
        const base = backoff.baseDelayMs(k);
        const prng = new Prng(prngSeed);
        for (let i = 0; i < 20; i++) {
          const delay = backoff.delayMs(k, prng);
          assert.ok(delay >= spec.minDelayMs && delay <= spec.maxDelayMs, `${delay} in bounds`);
          assert.ok(delay >= base * (1 - JITTER_RATIO), `${delay} >= 0.75 * ${base}`);
          assert.ok(delay <= base * (1 + JITTER_RATIO), `${delay} <= 1.25 * ${base}`);
        }
      },
    ),
    { numRuns: 2000, seed },
  );
});

Deno.test("RetryBackoff.delayMs() spreads delays over the whole jitter range, even at the cap", () => {
  const backoff = new RetryBackoff(
    { policy: "exponential", minDelayMs: 10, maxDelayMs: 1000 },
    { tries: 10 },
  );
  const prng = new Prng(12);
  const middle: number[] = [];
  const capped: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    middle.push(backoff.delayMs(3, prng) / 80);
    capped.push(backoff.delayMs(20, prng) / 1000);
  }
  // Uniform on [0.75, 1.25): the extremes come within 1% of the ends, the mean is near 1.
  assert.ok(Math.min(...middle) < 0.76 && Math.max(...middle) > 1.24);
  const mean = middle.reduce((sum, x) => sum + x, 0) / middle.length;
  assert.ok(Math.abs(mean - 1) < 0.01, `mean factor ${mean}`);
  // At the cap, jitter only shortens: [0.75 max, max], not all equal to max.
  assert.ok(Math.min(...capped) < 0.76 && Math.max(...capped) === 1);
  assert.ok(capped.filter((x) => x < 1).length > 4000, "about half the capped delays are shorter");
});

Deno.test("RetryBackoff.delayMs() is reproducible from the prng seed", () => {
  const backoff = new RetryBackoff(
    { policy: "linear", minDelayMs: 5, maxDelayMs: 500 },
    { tries: 10 },
  );
  const draw = (seed: number) => {
    const prng = new Prng(seed);
    return [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => backoff.delayMs(k, prng));
  };
  assert.deepEqual(draw(3), draw(3));
  assert.notDeepEqual(draw(3), draw(4));
});
