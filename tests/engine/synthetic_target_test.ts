import assert from "node:assert/strict";
import { SyntheticOpError, SyntheticTarget } from "../../lib/engine/synthetic_target.ts";
import type { SyntheticTargetSpec } from "../../lib/engine/target.ts";
import type { DistributionSpec } from "../../lib/units/distribution_spec.ts";

function fixedUs(value: number): DistributionSpec {
  return { kind: "fixed", value, inverted: false, source: `fixed(${value})` };
}

function spec(latencyUs: DistributionSpec | null, errorRate = 0): SyntheticTargetSpec {
  return { kind: "synthetic", latencyUs, errorRate };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Settles `op` into "ok" or the error it rejected with. */
async function outcome(op: Promise<void> | undefined): Promise<"ok" | unknown> {
  try {
    await op;
    return "ok";
  } catch (error) {
    return error;
  }
}

Deno.test("SyntheticTarget.op() resolves at once with zero latency", async () => {
  const target = new SyntheticTarget(spec(null), 1);
  try {
    const started = performance.now();
    for (let i = 0; i < 1000; i++) assert.equal(await target.op(0, i), undefined);
    // Also with an explicit fixed(0): no timer, no polling.
    const zero = new SyntheticTarget(spec(fixedUs(0)), 1);
    assert.equal(await zero.op(0, 1), undefined);
    await zero.close();
    assert.ok(performance.now() - started < 200);
  } finally {
    await target.close();
  }
});

Deno.test("SyntheticTarget.op() takes the latency drawn from latencyUs", async () => {
  const target = new SyntheticTarget(spec(fixedUs(2000)), 1);
  try {
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await target.op(0, i);
      const elapsedMs = performance.now() - started;
      assert.ok(elapsedMs >= 2, `fixed(2000) µs took ${elapsedMs} ms`);
      // Generous: a loaded 2-core CI host can be late; µs read as ms would take 2 s.
      assert.ok(elapsedMs < 2 + 200, `fixed(2000) µs took ${elapsedMs} ms`);
    }
  } finally {
    await target.close();
  }
});

Deno.test("SyntheticTarget.op() honours sub-millisecond latencies", async () => {
  const target = new SyntheticTarget(spec(fixedUs(300)), 1);
  try {
    const tookMs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const started = performance.now();
      await target.op(0, i);
      tookMs.push(performance.now() - started);
    }
    for (const ms of tookMs) assert.ok(ms >= 0.3, `a 300 µs op took ${ms} ms`);
    // An op rounded up to a 1 ms timer never takes less than 1 ms; on a loaded host some
    // polled ops are slow, but not every one of 40.
    const fastestMs = Math.min(...tookMs);
    assert.ok(fastestMs < 1, `the fastest 300 µs op took ${fastestMs} ms`);
  } finally {
    await target.close();
  }
});

Deno.test("SyntheticTarget.op() runs ops concurrently", async () => {
  const target = new SyntheticTarget(spec(fixedUs(5000)), 1);
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => target.op(0, i)));
    const elapsedMs = performance.now() - started;
    // One after another they would take 250 ms.
    assert.ok(elapsedMs >= 5 && elapsedMs < 5 + 150, `50 parallel 5 ms ops took ${elapsedMs} ms`);
  } finally {
    await target.close();
  }
});

Deno.test("SyntheticTarget.op() rejects with SyntheticOpError at errorRate 1", async () => {
  for (const latency of [null, fixedUs(500)]) {
    const target = new SyntheticTarget(spec(latency, 1), 7);
    try {
      for (let i = 0; i < 10; i++) {
        const error = await outcome(target.op(0, i));
        assert.ok(error instanceof SyntheticOpError, `op ${i} gave ${String(error)}`);
        assert.equal(error.name, "SyntheticOpError");
      }
    } finally {
      await target.close();
    }
  }
});

Deno.test("SyntheticTarget.op() fails about errorRate of ops, the same ones for a seed", async () => {
  async function failures(seed: number): Promise<boolean[]> {
    const target = new SyntheticTarget(spec(null, 0.25), seed);
    const failed: boolean[] = [];
    for (let i = 0; i < 4000; i++) failed.push(await outcome(target.op(0, i)) !== "ok");
    await target.close();
    return failed;
  }
  const a = await failures(11);
  const rate = a.filter(Boolean).length / a.length;
  // Binomial sd = sqrt(0.25 * 0.75 / 4000) ~ 0.0068; +-0.04 is ~6 sd.
  assert.ok(Math.abs(rate - 0.25) < 0.04, `failure rate ${rate}`);
  assert.deepEqual(await failures(11), a);
  assert.notDeepEqual(await failures(12), a);
});

Deno.test("SyntheticTarget.close() drops pending ops", async () => {
  const target = new SyntheticTarget(spec(fixedUs(5000)), 1);
  const failing = new SyntheticTarget(spec(fixedUs(1000), 1), 1);
  const settled: string[] = [];
  for (let i = 0; i < 3; i++) {
    target.op(0, i)!.then(() => settled.push("resolved"), () => settled.push("rejected"));
    failing.op(0, i)!.then(() => settled.push("resolved"), () => settled.push("rejected"));
  }
  assert.equal(await target.close(), undefined);
  await failing.close();
  await sleep(30);
  assert.deepEqual(settled, []);
  // The sanitizers fail this test if close() left a timer or a MessageChannel open.
});
