import assert from "node:assert/strict";
import { SyntheticTarget } from "../../lib/engine/synthetic_target.ts";
import type { Target } from "../../lib/engine/target.ts";
import type { DistributionSpec } from "../../lib/units/distribution_spec.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";
import {
  CONTROL_BYTES,
  CONTROL_CYCLE_OFFSET,
  CONTROL_EPOCH,
  CONTROL_INT32_SLOTS,
  CONTROL_STOP,
  STOP_FAILURE,
  type WorkerDone,
  type WorkerInit,
  type WorkerMessage,
  type WorkerSample,
} from "../../lib/engine/protocol.ts";
import { WorkerRunner } from "../../lib/engine/worker_runner.ts";
import { ReadValidationError } from "../../lib/cql/stress_statements.ts";

const FIXED_1: DistributionSpec = { kind: "fixed", value: 1, inverted: false, source: "fixed(1)" };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition()` holds, polling every 2 ms; fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function makeInit(control: SharedArrayBuffer, overrides: Partial<WorkerInit> = {}): WorkerInit {
  return {
    type: "init",
    workerIndex: 0,
    threads: 1,
    control,
    baseEpochMs: Date.now(),
    totalOps: -1,
    deadlineNs: -1,
    schedule: null,
    opNames: ["WRITE"],
    mix: null,
    population: { kind: "seq", lo: 1, hi: 1_000_000 },
    target: { kind: "synthetic", latencyUs: null, errorRate: 0 },
    errors: { tries: 1, ignore: false },
    seed: 1,
    ...overrides,
  };
}

/** A runner's posted messages, split by type. */
class Inbox {
  readonly all: WorkerMessage[] = [];
  readonly post = (message: WorkerMessage, transfer: Transferable[]): void => {
    assert.ok(Array.isArray(transfer));
    this.all.push(message);
  };
  get samples(): WorkerSample[] {
    return this.all.filter((m): m is WorkerSample => m.type === "sample");
  }
  get dones(): WorkerDone[] {
    return this.all.filter((m): m is WorkerDone => m.type === "done");
  }
  get logs(): string[] {
    return this.all.flatMap((m) => m.type === "log" ? [m.line] : []);
  }
  /** The one `done` message, which must be the last message. */
  get done(): WorkerDone {
    const dones = this.dones;
    assert.equal(dones.length, 1, "exactly one done message");
    assert.equal(this.all.at(-1), dones[0], "done is the last message");
    return dones[0];
  }
  /** Every sample and the done merged per op name, as the main thread would. */
  merged(opNames: readonly string[], scheduled: boolean): OpWindow[] {
    const windows = opNames.map((name) => new OpWindow(name, { scheduled }));
    for (const message of this.all) {
      if (message.type === "sample" || message.type === "done") {
        message.samples.forEach((sample, i) => windows[i].addSample(sample));
      }
    }
    return windows;
  }
}

/** A target that records every call; each op completes after `delayMs` (0: a microtask). */
class RecordingTarget implements Target {
  readonly seeds: number[] = [];
  readonly kinds: number[] = [];
  completed = 0;
  readonly #delayMs: number;
  constructor(delayMs = 0) {
    this.#delayMs = delayMs;
  }
  op(kind: number, seed: number): Promise<void> {
    this.seeds.push(seed);
    this.kinds.push(kind);
    const done = this.#delayMs > 0 ? sleep(this.#delayMs) : Promise.resolve();
    return done.then(() => {
      this.completed++;
    });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A target whose op on each seed fails `failuresPerSeed` times, then succeeds. */
class FlakyTarget implements Target {
  calls = 0;
  /** `performance.now()` at each call. */
  readonly callMs: number[] = [];
  readonly #failures = new Map<number, number>();
  readonly #failuresPerSeed: number;
  readonly #fail: () => unknown;
  constructor(failuresPerSeed: number, fail: () => unknown = () => new Error("flaky")) {
    this.#failuresPerSeed = failuresPerSeed;
    this.#fail = fail;
  }
  op(_kind: number, seed: number): Promise<void> {
    this.calls++;
    this.callMs.push(performance.now());
    const failed = this.#failures.get(seed) ?? 0;
    if (failed < this.#failuresPerSeed) {
      this.#failures.set(seed, failed + 1);
      return Promise.reject(this.#fail());
    }
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function flagsOf(control: SharedArrayBuffer): Int32Array {
  return new Int32Array(control, 0, CONTROL_INT32_SLOTS);
}

Deno.test("protocol control block puts an aligned cycle counter after the flags", () => {
  assert.notEqual(CONTROL_STOP, CONTROL_EPOCH);
  assert.ok(CONTROL_STOP < CONTROL_INT32_SLOTS && CONTROL_EPOCH < CONTROL_INT32_SLOTS);
  assert.equal(CONTROL_CYCLE_OFFSET, CONTROL_INT32_SLOTS * 4);
  assert.equal(CONTROL_CYCLE_OFFSET % 8, 0, "BigInt64Array needs 8-byte alignment");
  assert.equal(CONTROL_BYTES, CONTROL_CYCLE_OFFSET + 8);
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  new BigInt64Array(control, CONTROL_CYCLE_OFFSET, 1)[0] = -1n;
  assert.deepEqual([...flagsOf(control)], [0, 0, 0, 0], "the counter does not overlap the flags");
});

Deno.test("WorkerRunner.run() posts exactly one done whose samples count every op", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const spec = { kind: "synthetic", latencyUs: null, errorRate: 0 } as const;
  const target = new SyntheticTarget(spec, 1);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, { threads: 3, totalOps: 1001, target: spec }),
    target,
    inbox.post,
  ).run();
  await target.close();
  const done = inbox.done;
  assert.equal(inbox.samples.length, 0, "no sample without an epoch change");
  assert.equal(done.workerIndex, 0);
  assert.equal(done.failure, null);
  assert.equal(done.samples.length, 1);
  assert.equal(done.samples[0].ops, 1001);
  assert.equal(done.samples[0].errors, 0);
  assert.equal(done.samples[0].service.totalCount, 1001);
  assert.equal(done.samples[0].response, null);
  assert.equal(done.samples[0].wait, null);
  // The cycle counter went past the total, in whole batches.
  const claimed = new BigInt64Array(control, CONTROL_CYCLE_OFFSET, 1)[0];
  assert.ok(claimed >= 1001n, `claimed ${claimed}`);
});

Deno.test("WorkerRunner.run() counts the partitions and rows an op resolves with, one each otherwise", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  // Even seeds touch 3 partitions and 7 rows; odd seeds resolve with nothing, or (seed 7) a
  // value of the target's own that is no count; seed 5 fails.
  const target = {
    op(_kind: number, seed: number) {
      if (seed === 5) return Promise.reject(new Error("down"));
      if (seed === 7) return Promise.resolve({ kind: "void", rows: 2 });
      return Promise.resolve(seed % 2 === 0 ? { partitions: 3, rows: 7 } : undefined);
    },
    close: () => Promise.resolve(),
  };
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 10,
      population: { kind: "seq", lo: 1, hi: 10 },
      errors: { tries: 1, ignore: true },
    }),
    target,
    inbox.post,
  ).run();
  const sample = inbox.done.samples[0];
  assert.equal(sample.ops, 10);
  assert.equal(sample.errors, 1);
  // Seeds 2, 4, 6, 8, 10: 3 partitions and 7 rows each; 1, 3, 7, 9 and the failed 5: one each.
  assert.equal(sample.partitions, 5 * 3 + 5);
  assert.equal(sample.rows, 5 * 7 + 5);
});

Deno.test("WorkerRunner.run() hands an op further seeds from the run's cycles, the same on a retry", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const seen: number[][] = [];
  let tries = 0;
  // Each op takes 2 further seeds; the first try of every op fails once.
  const target: Target = {
    op(_kind, seed, more) {
      const seeds = [seed, more.seed(0), more.seed(1)].filter((s) => s >= 0);
      tries++;
      if (tries % 2 === 1) return Promise.reject(new Error("retry me"));
      seen.push(seeds);
      return Promise.resolve({ partitions: seeds.length, rows: seeds.length });
    },
    close: () => Promise.resolve(),
  };
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 10,
      population: { kind: "seq", lo: 1, hi: 10 },
      errors: { tries: 2, ignore: false },
    }),
    target,
    inbox.post,
  ).run();
  // 10 cycles: 3 per op, the last op gets what is left.
  assert.deepEqual(seen, [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
  const sample = inbox.done.samples[0];
  assert.equal(sample.ops, 4);
  assert.equal(sample.partitions, 10);
});

Deno.test("WorkerRunner.run() posts a sample with the new epoch when CONTROL_EPOCH changes", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const flags = flagsOf(control);
  const target = new RecordingTarget(1);
  const inbox = new Inbox();
  const running = new WorkerRunner(
    makeInit(control, { workerIndex: 2, threads: 2 }),
    target,
    inbox.post,
  ).run();
  await until(() => target.completed >= 10, 2000, "10 ops");
  Atomics.store(flags, CONTROL_EPOCH, 5);
  await until(() => inbox.samples.length === 1, 2000, "the epoch 5 sample");
  await until(() => target.completed >= 20, 2000, "10 more ops");
  Atomics.store(flags, CONTROL_EPOCH, 6);
  await until(() => inbox.samples.length === 2, 2000, "the epoch 6 sample");
  Atomics.store(flags, CONTROL_STOP, 1);
  await running;

  assert.deepEqual(inbox.samples.map((s) => [s.workerIndex, s.epoch]), [[2, 5], [2, 6]]);
  for (const sample of inbox.samples) assert.ok(sample.samples[0].ops > 0);
  assert.equal(inbox.done.workerIndex, 2);
  const [total] = inbox.merged(["WRITE"], false);
  assert.equal(total.ops, target.completed, "samples and done together hold every op once");
  assert.equal(total.service.totalCount, target.completed);
});

Deno.test("WorkerRunner.run() answers an epoch change while every loop waits on an op", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const flags = flagsOf(control);
  const target = new RecordingTarget(250);
  const inbox = new Inbox();
  const running = new WorkerRunner(makeInit(control, { threads: 1 }), target, inbox.post).run();
  await until(() => target.seeds.length === 1, 1000, "the first op");
  Atomics.store(flags, CONTROL_EPOCH, 1);
  // The op takes 250 ms; the idle poll must answer long before it completes.
  await until(() => inbox.samples.length === 1, 150, "the sample");
  assert.equal(target.completed, 0);
  assert.equal(inbox.samples[0].samples[0].ops, 0);
  Atomics.store(flags, CONTROL_STOP, 1);
  await running;
  assert.equal(inbox.done.samples[0].ops, 1, "the in-flight op completes and is recorded");
});

Deno.test("WorkerRunner.run() ends soon after CONTROL_STOP is set", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new RecordingTarget(1);
  const inbox = new Inbox();
  const running = new WorkerRunner(makeInit(control, { threads: 4 }), target, inbox.post).run();
  await until(() => target.completed >= 20, 2000, "20 ops");
  const stoppedAt = performance.now();
  Atomics.store(flagsOf(control), CONTROL_STOP, 1);
  await running;
  const tookMs = performance.now() - stoppedAt;
  // Not stopping would hang the test; a stall of the loaded CI host is well under 500 ms.
  assert.ok(tookMs < 500, `stopped after ${tookMs} ms`);
  assert.equal(inbox.done.samples[0].ops, target.completed);
  assert.equal(target.seeds.length, target.completed, "no op starts after the stop");
});

Deno.test("WorkerRunner.run() stops at deadlineNs and sets CONTROL_STOP", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new RecordingTarget(1);
  const inbox = new Inbox();
  const started = performance.now();
  await new WorkerRunner(
    makeInit(control, { threads: 2, baseEpochMs: Date.now(), deadlineNs: 60e6 }),
    target,
    inbox.post,
  ).run();
  const tookMs = performance.now() - started;
  assert.ok(tookMs >= 55 && tookMs < 60 + 400, `ran for ${tookMs} ms`);
  assert.equal(Atomics.load(flagsOf(control), CONTROL_STOP), 1);
  assert.ok(inbox.done.samples[0].ops > 0);
  assert.equal(inbox.done.samples[0].ops, target.completed);
});

Deno.test("WorkerRunner.run() stops at the deadline using the clock it is given", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  let nowNs = 0;
  const clock = () => (nowNs += 1_000_000); // every reading is 1 ms later
  const target = new RecordingTarget(0);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, { deadlineNs: 100e6 }),
    target,
    inbox.post,
    clock,
  ).run();
  // One reading per op (its end, which is the next op's start) after the first start.
  assert.ok(target.completed >= 90 && target.completed <= 100, `${target.completed} ops`);
  assert.equal(inbox.done.samples[0].ops, target.completed);
  // Each op lasted exactly 1 ms on that clock.
  const [window] = inbox.merged(["WRITE"], false);
  assert.ok(Math.abs(window.service.valueAtPercentile(50) - 1e6) < 1e6 * 1e-3);
});

Deno.test("WorkerRunner.run() records a success when a retry succeeds", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(2);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, { totalOps: 5, errors: { tries: 3, ignore: false } }),
    target,
    inbox.post,
  ).run();
  assert.equal(target.calls, 15);
  assert.deepEqual(inbox.logs, []);
  assert.equal(inbox.done.failure, null);
  assert.equal(inbox.done.samples[0].ops, 5);
  assert.equal(inbox.done.samples[0].errors, 0);
});

Deno.test("WorkerRunner.run() records an error when every try fails, and ends the loop", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(2);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 5,
      population: { kind: "seq", lo: 40, hi: 50 },
      errors: { tries: 2, ignore: false },
    }),
    target,
    inbox.post,
  ).run();
  const line = "Operation x2 on key(s) [40]: Error executing: (Error): flaky";
  assert.equal(target.calls, 2, "the loop ends after the first failed op");
  assert.deepEqual(inbox.logs, [line]);
  assert.equal(inbox.done.failure, line);
  // As in cassandra-stress, the failed op is timed and counted as an op, and as an error.
  assert.equal(inbox.done.samples[0].ops, 1);
  assert.equal(inbox.done.samples[0].errors, 1);
});

Deno.test("WorkerRunner.run() counts failed ops and goes on with errors.ignore", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(2);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, { threads: 2, totalOps: 7, errors: { tries: 2, ignore: true } }),
    target,
    inbox.post,
  ).run();
  assert.equal(target.calls, 14);
  assert.equal(inbox.done.failure, null);
  assert.equal(inbox.done.samples[0].ops, 7);
  assert.equal(inbox.done.samples[0].errors, 7);
  assert.deepEqual(
    inbox.logs.toSorted(),
    [1, 2, 3, 4, 5, 6, 7].map((seed) =>
      `Operation x2 on key(s) [${seed}]: Error executing: (Error): flaky`
    ),
  );
});

Deno.test("WorkerRunner.run() posts at most 100 error lines, then one that says so", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const spec = { kind: "synthetic", latencyUs: null, errorRate: 1 } as const;
  const target = new SyntheticTarget(spec, 3);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, { threads: 2, totalOps: 500, errors: { tries: 1, ignore: true } }),
    target,
    inbox.post,
  ).run();
  await target.close();
  assert.equal(inbox.done.samples[0].errors, 500);
  assert.equal(inbox.logs.length, 101);
  assert.match(
    inbox.logs[100],
    /^Worker 0: further failed operations are not printed \(at most 100/,
  );
  assert.match(inbox.logs[0], /^Operation x1 on key\(s\) \[\d+\]: Error executing: /);
  assert.match(inbox.logs[0], /\(SyntheticOpError\): Synthetic operation failed/);
});

Deno.test("WorkerRunner.run() treats a synchronous throw and a bare rejection as failures", async () => {
  const cases: [() => Target, string][] = [
    [() => ({
      op(): Promise<void> {
        throw new TypeError("sync");
      },
      close: () => Promise.resolve(),
    }), "(TypeError): sync"],
    [() => new FlakyTarget(9, () => undefined), "(Error): Operation failed"],
    [() => new FlakyTarget(9, () => "text"), "(Error): text"],
  ];
  for (const [makeTarget, detail] of cases) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const inbox = new Inbox();
    await new WorkerRunner(
      makeInit(control, { totalOps: 3, errors: { tries: 1, ignore: false } }),
      makeTarget(),
      inbox.post,
    ).run();
    assert.equal(inbox.done.samples[0].errors, 1);
    assert.ok(inbox.done.failure?.endsWith(detail), `${inbox.done.failure} ends with ${detail}`);
  }
});

Deno.test("WorkerRunner.run() gives seq seeds lo..hi in cycle order, wrapping", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new RecordingTarget();
  await new WorkerRunner(
    makeInit(control, { totalOps: 12, population: { kind: "seq", lo: 5, hi: 9 } }),
    target,
    new Inbox().post,
  ).run();
  assert.deepEqual(target.seeds, [5, 6, 7, 8, 9, 5, 6, 7, 8, 9, 5, 6]);
});

Deno.test("WorkerRunner.run() claims cycles without gaps or duplicates across runners", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const totalOps = 5003; // not a multiple of the claim batch
  const targets = [new RecordingTarget(), new RecordingTarget()];
  const inboxes = [new Inbox(), new Inbox()];
  await Promise.all(targets.map((target, i) =>
    new WorkerRunner(
      makeInit(control, {
        workerIndex: i,
        threads: 3,
        totalOps,
        population: { kind: "seq", lo: 1, hi: 100_000 },
      }),
      target,
      inboxes[i].post,
    ).run()
  ));
  const seeds = [...targets[0].seeds, ...targets[1].seeds].sort((a, b) => a - b);
  assert.equal(seeds.length, totalOps);
  seeds.forEach((seed, i) => assert.equal(seed, i + 1, "each seed exactly once"));
  for (const target of targets) assert.ok(target.seeds.length > 0, "both runners took part");
  assert.equal(inboxes[0].done.samples[0].ops, targets[0].seeds.length);
  assert.equal(inboxes[1].done.samples[0].ops, targets[1].seeds.length);
});

Deno.test("WorkerRunner.run() derives dist seeds from the cycle alone", async () => {
  const distribution: DistributionSpec = {
    kind: "uniform",
    min: 1,
    max: 1000,
    inverted: false,
    source: "uniform(1..1000)",
  };
  async function seedsOf(workerIndex: number): Promise<number[]> {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const target = new RecordingTarget();
    await new WorkerRunner(
      makeInit(control, { workerIndex, totalOps: 300, population: { kind: "dist", distribution } }),
      target,
      new Inbox().post,
    ).run();
    return target.seeds;
  }
  const a = await seedsOf(0);
  assert.deepEqual(await seedsOf(3), a);
  assert.ok(a.every((seed) => Number.isInteger(seed) && seed >= 1 && seed <= 1000));
  assert.ok(new Set(a).size > 200, "seeds vary with the cycle");
});

Deno.test("WorkerRunner.run() mixes op kinds by weight and records each under its kind", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new RecordingTarget();
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      threads: 2,
      totalOps: 8000,
      opNames: ["READ", "WRITE"],
      mix: { weights: [3, 1], clustering: FIXED_1 },
    }),
    target,
    inbox.post,
  ).run();
  const reads = target.kinds.filter((kind) => kind === 0).length;
  const writes = target.kinds.filter((kind) => kind === 1).length;
  assert.equal(reads + writes, 8000);
  // Binomial sd of the READ count is sqrt(8000 * 0.75 * 0.25) ~ 39; 3:1 is 6000:2000.
  assert.ok(Math.abs(reads - 6000) < 250, `${reads} reads, ${writes} writes`);
  const [read, write] = inbox.done.samples;
  assert.equal(read.ops, reads);
  assert.equal(write.ops, writes);
});

Deno.test("WorkerRunner.run() gives each thread its own runs of clustering=, as cassandra-stress does", async () => {
  // Runs of 1000 ops: with one picker for the Worker, all 8 threads ran the same op type for
  // the whole run; each thread draws its own runs, so both types run side by side.
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new RecordingTarget(1);
  const inbox = new Inbox();
  const runs: DistributionSpec = {
    kind: "fixed",
    value: 1000,
    inverted: false,
    source: "fixed(1000)",
  };
  await new WorkerRunner(
    makeInit(control, {
      threads: 8,
      totalOps: 160,
      opNames: ["READ", "WRITE"],
      mix: { weights: [1, 1], clustering: runs },
    }),
    target,
    inbox.post,
  ).run();
  const reads = target.kinds.filter((kind) => kind === 0).length;
  assert.ok(reads > 0 && reads < 160, `${reads} reads of 160 ops`);
});

Deno.test("WorkerRunner.run() follows the schedule and records response and wait time", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new RecordingTarget();
  const inbox = new Inbox();
  const started = performance.now();
  await new WorkerRunner(
    makeInit(control, {
      threads: 4,
      totalOps: 200,
      baseEpochMs: performance.timeOrigin + started,
      schedule: { opsPerSec: 2000, startNs: 0 },
    }),
    target,
    inbox.post,
  ).run();
  const tookMs = performance.now() - started;
  // Cycle 199 is due at 99.5 ms; ops must not run ahead of their slots.
  assert.ok(tookMs >= 99, `200 ops at 2000/s took ${tookMs} ms`);
  assert.ok(tookMs < 99.5 + 300, `200 ops at 2000/s took ${tookMs} ms`);
  const [sample] = inbox.done.samples;
  assert.equal(sample.ops, 200);
  assert.equal(sample.response?.totalCount, 200);
  assert.equal(sample.wait?.totalCount, 200);
});

// Regression (fixed in 6143c7d, lib/engine/worker_runner.ts #loop): a throttled loop slept until
// its claimed slot without looking at the deadline or the stop flag, so with threads >
// opsPerSec * duration the run overshot its deadline by up to threads / opsPerSec seconds.
Deno.test({
  name: "WorkerRunner.run() ends at deadlineNs even when loops wait for far slots",
  async fn() {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const started = performance.now();
    await new WorkerRunner(
      makeInit(control, {
        threads: 20,
        baseEpochMs: performance.timeOrigin + started,
        deadlineNs: 300e6,
        schedule: { opsPerSec: 10, startNs: 0 },
      }),
      new RecordingTarget(),
      new Inbox().post,
    ).run();
    const tookMs = performance.now() - started;
    // Waiting for the last thread's slot would take 1.9 s.
    assert.ok(tookMs < 300 + 700, `a 300 ms run took ${tookMs} ms`);
  },
});

// Regression (same fix): setting CONTROL_STOP did not wake loops sleeping until a far slot.
Deno.test({
  name: "WorkerRunner.run() ends soon after CONTROL_STOP while loops wait for far slots",
  async fn() {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const started = performance.now();
    const running = new WorkerRunner(
      makeInit(control, {
        threads: 20,
        baseEpochMs: performance.timeOrigin + started,
        schedule: { opsPerSec: 10, startNs: 0 },
      }),
      new RecordingTarget(),
      new Inbox().post,
    ).run();
    await sleep(100);
    const stoppedAt = performance.now();
    Atomics.store(flagsOf(control), CONTROL_STOP, 1);
    await running;
    const tookMs = performance.now() - stoppedAt;
    // Waiting for the last thread's slot would take 1.9 s.
    assert.ok(tookMs < 700, `stopped after ${tookMs} ms`);
  },
});

// Regression (fixed in 6143c7d, lib/engine/worker_runner.ts constructor): the runner took the
// epoch it found at construction as already answered. A Worker that started after the main
// thread's first tick (start-up ~100 ms, first tick after intervalMs / 4) never answered epoch 1,
// so no interval closed until the end and a run stopped only by the uncertainty rule hung.
Deno.test({
  name: "WorkerRunner.run() answers an epoch bumped before the runner was created",
  async fn() {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    Atomics.store(flagsOf(control), CONTROL_EPOCH, 1);
    const target = new RecordingTarget(1);
    const inbox = new Inbox();
    const running = new WorkerRunner(makeInit(control, { threads: 2 }), target, inbox.post).run();
    try {
      await until(() => inbox.samples.length === 1, 200, "the epoch 1 sample");
      assert.equal(inbox.samples[0].epoch, 1);
    } finally {
      Atomics.store(flagsOf(control), CONTROL_STOP, 1);
      await running;
    }
  },
});

// ---- -errors: back-off between tries and cassandra-stress's failure semantics ----

/** The gaps between consecutive calls, in ms. */
function gapsMs(callMs: readonly number[]): number[] {
  return callMs.slice(1).map((at, i) => at - callMs[i]);
}

/** A target that fails every op on `failSeed` and completes the others after `delayMs`. */
class OneBadSeedTarget implements Target {
  calls = 0;
  readonly #failSeed: number;
  readonly #delayMs: number;
  constructor(failSeed: number, delayMs: number) {
    this.#failSeed = failSeed;
    this.#delayMs = delayMs;
  }
  op(_kind: number, seed: number): Promise<void> {
    this.calls++;
    if (seed === this.#failSeed) return Promise.reject(new Error(`bad seed ${seed}`));
    return sleep(this.#delayMs);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("WorkerRunner.run() waits the back-off between tries and counts it in the latency", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(2);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 3,
      errors: {
        tries: 3,
        ignore: false,
        backoff: { policy: "constant", minDelayMs: 200, maxDelayMs: 1000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  assert.equal(target.calls, 9);
  assert.equal(inbox.done.failure, null);
  assert.deepEqual(inbox.logs, []);
  const [sample] = inbox.done.samples;
  assert.equal(sample.ops, 3, "each op succeeded at its third try");
  assert.equal(sample.errors, 0, "failed tries of an op that succeeds are not errors");
  // Per op: try, wait [200, 250) ms, try, wait [200, 250) ms, try.
  const gaps = gapsMs(target.callMs);
  for (const i of [0, 1, 3, 4, 6, 7]) {
    assert.ok(gaps[i] >= 200 && gaps[i] < 250 + 150, `gap ${i} is ${gaps[i]} ms`);
  }
  for (const i of [2, 5]) assert.ok(gaps[i] < 150, `no wait between ops: ${gaps[i]} ms`);
  const [window] = inbox.merged(["WRITE"], false);
  const minMs = window.service.minNs / 1e6;
  const maxMs = window.service.maxNs / 1e6;
  assert.ok(minMs >= 400 * 0.999, `the fastest op took ${minMs} ms, waits included`);
  assert.ok(maxMs < 500 + 250, `the slowest op took ${maxMs} ms`);
});

Deno.test("WorkerRunner.run() doubles an exponential back-off from min-delay-ms", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(3);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 1,
      errors: {
        tries: 4,
        ignore: false,
        backoff: { policy: "exponential", minDelayMs: 100, maxDelayMs: 1000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  assert.equal(target.calls, 4);
  assert.equal(inbox.done.samples[0].ops, 1);
  // Waits 100 * 2^k * [0.75, 1.25), never below 100: [100, 125), [150, 250), [300, 500).
  // The upper margins allow for a stalled host; without doubling, the third wait is < 125.
  const [a, b, c] = gapsMs(target.callMs);
  assert.ok(a >= 100 && a < 125 + 150, `first wait ${a} ms`);
  assert.ok(b >= 150 && b < 250 + 150, `second wait ${b} ms`);
  assert.ok(c >= 300 && c < 500 + 150, `third wait ${c} ms`);
});

Deno.test("WorkerRunner.run() never waits after the last try", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(99);
  const inbox = new Inbox();
  const started = performance.now();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 2,
      errors: {
        tries: 2,
        ignore: true,
        backoff: { policy: "constant", minDelayMs: 300, maxDelayMs: 1000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  const tookMs = performance.now() - started;
  assert.equal(target.calls, 4);
  assert.equal(inbox.done.samples[0].errors, 2);
  // One wait per op ([300, 375) ms each); a wait after the last try would add 600 ms or more.
  assert.ok(tookMs >= 600 && tookMs < 1200, `took ${tookMs} ms`);
  assert.deepEqual(
    inbox.logs,
    [1, 2].map((seed) => `Operation x2 on key(s) [${seed}]: Error executing: (Error): flaky`),
  );
});

Deno.test("WorkerRunner.run() fails an op at once without retries, back-off or not", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(1);
  const inbox = new Inbox();
  const started = performance.now();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 5,
      errors: {
        tries: 1,
        ignore: false,
        backoff: { policy: "constant", minDelayMs: 5000, maxDelayMs: 5000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  assert.ok(performance.now() - started < 1000, "no wait with a single try");
  assert.equal(target.calls, 1);
  assert.equal(
    inbox.done.failure,
    "Operation x1 on key(s) [1]: Error executing: (Error): flaky",
  );
  assert.equal(inbox.done.samples[0].errors, 1);
});

Deno.test("WorkerRunner.run() stops every loop of every Worker at a failure not ignored", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  // Seed 40 fails (cycle 39); the run has no count, and only a 3 s deadline as a safety net.
  const targets = [new OneBadSeedTarget(40, 1), new OneBadSeedTarget(40, 1)];
  const inboxes = [new Inbox(), new Inbox()];
  const started = performance.now();
  await Promise.all(targets.map((target, i) =>
    new WorkerRunner(
      makeInit(control, {
        workerIndex: i,
        threads: 3,
        baseEpochMs: performance.timeOrigin + started,
        deadlineNs: 3000e6,
        errors: { tries: 2, ignore: false },
      }),
      target,
      inboxes[i].post,
    ).run()
  ));
  const tookMs = performance.now() - started;
  assert.ok(tookMs < 2000, `the run ended ${tookMs} ms after the start, not at the deadline`);
  assert.equal(
    Atomics.load(flagsOf(control), CONTROL_STOP),
    STOP_FAILURE,
    "the failing Worker set the flag",
  );
  const line = "Operation x2 on key(s) [40]: Error executing: (Error): bad seed 40";
  const failures = inboxes.map((inbox) => inbox.done.failure);
  assert.deepEqual(failures.toSorted(), [line, null].toSorted(), "one Worker failed");
  const errors = inboxes.reduce((sum, inbox) => sum + inbox.done.samples[0].errors, 0);
  const ops = inboxes.reduce((sum, inbox) => sum + inbox.done.samples[0].ops, 0);
  assert.equal(errors, 1);
  const calls = targets.reduce((sum, target) => sum + target.calls, 0);
  // The failed op (two calls) is counted among the ops too.
  assert.equal(ops + 1, calls, "every started op completed and was counted");
  assert.ok(ops >= 39 && ops < 39 + 64 * 2, `${ops} ops ran`);
});

Deno.test("WorkerRunner.run() with errors.ignore goes on past failures in every Worker", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const targets = [new FlakyTarget(99), new FlakyTarget(0)];
  const inboxes = [new Inbox(), new Inbox()];
  await Promise.all(targets.map((target, i) =>
    new WorkerRunner(
      makeInit(control, {
        workerIndex: i,
        threads: 2,
        totalOps: 300,
        errors: {
          tries: 2,
          ignore: true,
          backoff: { policy: "constant", minDelayMs: 1, maxDelayMs: 1 },
        },
      }),
      target,
      inboxes[i].post,
    ).run()
  ));
  assert.equal(Atomics.load(flagsOf(control), CONTROL_STOP), 0);
  const [failing, healthy] = inboxes.map((inbox) => inbox.done);
  assert.equal(failing.failure, null);
  assert.equal(healthy.failure, null);
  assert.equal(failing.samples[0].ops, failing.samples[0].errors, "every op failed");
  assert.ok(failing.samples[0].errors > 0);
  assert.equal(targets[0].calls, failing.samples[0].errors * 2, "each failed op tried twice");
  assert.equal(healthy.samples[0].errors, 0);
  assert.equal(failing.samples[0].errors + healthy.samples[0].ops, 300);
});

/** Runs two loops that fail every try and wait 5 s between tries, until `stop()` resolves. */
async function cutShort(
  ignore: boolean,
  stop: (control: SharedArrayBuffer, target: FlakyTarget) => Promise<void>,
): Promise<{ control: SharedArrayBuffer; target: FlakyTarget; inbox: Inbox; tookMs: number }> {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(99);
  const inbox = new Inbox();
  const running = new WorkerRunner(
    makeInit(control, {
      threads: 2,
      errors: {
        tries: 5,
        ignore,
        backoff: { policy: "constant", minDelayMs: 5000, maxDelayMs: 5000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  await until(() => target.calls === 2, 1000, "both loops' first tries");
  const stoppedAt = performance.now();
  await stop(control, target);
  await running;
  return { control, target, inbox, tookMs: performance.now() - stoppedAt };
}

function setStop(value: number) {
  return (control: SharedArrayBuffer): Promise<void> => {
    Atomics.store(flagsOf(control), CONTROL_STOP, value);
    return Promise.resolve();
  };
}

Deno.test("WorkerRunner.run() cuts a back-off short at CONTROL_STOP and counts that op as an error and a failure", async () => {
  const { control, target, inbox, tookMs } = await cutShort(false, setStop(1));
  // Not stopping would hang the test; a stall of the loaded CI host is well under 500 ms.
  assert.ok(tookMs < 500, `stopped after ${tookMs} ms`);
  assert.equal(target.calls, 2, "no retry after the stop");
  const lines = [1, 2].map((seed) =>
    `Operation x1 on key(s) [${seed}]: Error executing: (Error): flaky`
  );
  assert.deepEqual(inbox.logs.toSorted(), lines, "each op's last error, with the tries it made");
  assert.ok(lines.includes(inbox.done.failure!), `failure ${inbox.done.failure}`);
  assert.equal(Atomics.load(flagsOf(control), CONTROL_STOP), STOP_FAILURE);
  assert.equal(inbox.done.samples[0].errors, 2, "an op still retrying is never a success");
  assert.equal(inbox.done.samples[0].ops, 2);
  assert.equal(inbox.done.samples[0].service.totalCount, 2, "both ops are timed");
});

Deno.test("WorkerRunner.run() with errors.ignore counts ops cut short by a stop as errors, not failures", async () => {
  const { control, inbox } = await cutShort(true, setStop(1));
  assert.equal(inbox.done.failure, null);
  assert.equal(Atomics.load(flagsOf(control), CONTROL_STOP), 1);
  assert.equal(inbox.done.samples[0].errors, 2);
  assert.equal(inbox.logs.length, 2);
});

Deno.test("WorkerRunner.run() counts ops cut short by another Worker's failure as errors but not as its own failure", async () => {
  const { inbox } = await cutShort(false, setStop(STOP_FAILURE));
  assert.equal(inbox.done.failure, null, "the Worker that failed first reports the failure");
  assert.equal(inbox.done.samples[0].errors, 2);
});

/** A target whose tries take 100 ms each; the outcome of try `n` (1-based) is `succeeds(n)`. */
class SlowTriesTarget implements Target {
  calls = 0;
  readonly #succeeds: (call: number) => boolean;
  constructor(succeeds: (call: number) => boolean) {
    this.#succeeds = succeeds;
  }
  async op(): Promise<void> {
    const call = ++this.calls;
    await sleep(100);
    if (!this.#succeeds(call)) throw new Error(`try ${call} failed`);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("WorkerRunner.run() ends an op whose try is in flight at a stop on that try's outcome", async (t) => {
  for (
    const [name, succeeds, errors] of [["a success", true, 0], ["an error", false, 1]] as const
  ) {
    await t.step(`a try that ends in ${name} after the stop`, async () => {
      const control = new SharedArrayBuffer(CONTROL_BYTES);
      // The first try fails, the second (in flight at the stop) succeeds or fails.
      const target = new SlowTriesTarget((call) => call === 2 && succeeds);
      const inbox = new Inbox();
      const running = new WorkerRunner(
        makeInit(control, { errors: { tries: 5, ignore: true } }),
        target,
        inbox.post,
      ).run();
      await until(() => target.calls === 2, 1000, "the second try");
      Atomics.store(flagsOf(control), CONTROL_STOP, 1);
      await running;
      assert.equal(target.calls, 2, "no try after the stop");
      assert.equal(inbox.done.samples[0].ops, 1);
      assert.equal(inbox.done.samples[0].errors, errors);
      if (errors === 1) {
        assert.deepEqual(inbox.logs, [
          "Operation x2 on key(s) [1]: Error executing: (Error): try 2 failed",
        ]);
      }
    });
  }
});

Deno.test("WorkerRunner.run() cuts a back-off short at deadlineNs, sets CONTROL_STOP and counts the op as an error", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(99);
  const inbox = new Inbox();
  const started = performance.now();
  await new WorkerRunner(
    makeInit(control, {
      baseEpochMs: performance.timeOrigin + started,
      deadlineNs: 80e6,
      errors: {
        tries: 3,
        ignore: false,
        backoff: { policy: "constant", minDelayMs: 5000, maxDelayMs: 5000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  const tookMs = performance.now() - started;
  // Waiting out the back-off would take 5 s.
  assert.ok(tookMs >= 75 && tookMs < 80 + 1000, `a run with an 80 ms deadline took ${tookMs} ms`);
  assert.equal(Atomics.load(flagsOf(control), CONTROL_STOP), STOP_FAILURE);
  assert.equal(target.calls, 1);
  const line = "Operation x1 on key(s) [1]: Error executing: (Error): flaky";
  assert.equal(inbox.done.failure, line);
  assert.deepEqual(inbox.logs, [line]);
  assert.equal(inbox.done.samples[0].errors, 1);
  assert.equal(inbox.done.samples[0].ops, 1);
});

Deno.test("WorkerRunner.run() stops immediate retries at deadlineNs", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  let nowNs = 0;
  const clock = () => (nowNs += 1_000_000); // every reading is 1 ms later
  const target = new FlakyTarget(1_000_000);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      deadlineNs: 100e6,
      errors: {
        tries: 1_000_000,
        ignore: true,
        backoff: { policy: "constant", minDelayMs: 0, maxDelayMs: 20_000 },
      },
    }),
    target,
    inbox.post,
    clock,
  ).run();
  // One clock reading per retry: the op stops retrying about 100 tries in, not after 10^6.
  assert.ok(target.calls >= 90 && target.calls <= 101, `${target.calls} tries`);
  assert.equal(Atomics.load(flagsOf(control), CONTROL_STOP), 1);
  assert.equal(inbox.done.samples[0].errors, 1);
  assert.match(
    inbox.logs[0],
    /^Operation x\d+ on key\(s\) \[1\]: Error executing: \(Error\): flaky$/,
  );
});

Deno.test("WorkerRunner.run() gives timers a turn while its ops fail without I/O", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  // A driver whose host is down fails every op at once, in a microtask: a loop that never
  // yields starves the driver's reconnection timer (and this one) until the run ends.
  const target: Target = {
    op: () => Promise.reject(new Error("host down")),
    close: () => Promise.resolve(),
  };
  let fired = 0;
  const timer = setInterval(() => fired++, 5);
  const started = performance.now();
  try {
    await new WorkerRunner(
      makeInit(control, {
        threads: 2,
        baseEpochMs: performance.timeOrigin + started,
        deadlineNs: 300e6,
        errors: { tries: 10, ignore: true, backoff: null },
      }),
      target,
      new Inbox().post,
    ).run();
    assert.ok(fired > 0, "the timer never ran during the run");
  } finally {
    clearInterval(timer);
  }
});

Deno.test("WorkerRunner.run() retries at once when the back-off never waits", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new FlakyTarget(9);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 20,
      errors: {
        tries: 10,
        ignore: false,
        backoff: { policy: "constant", minDelayMs: 0, maxDelayMs: 20_000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  assert.equal(target.calls, 200);
  assert.equal(inbox.done.samples[0].ops, 20);
  const gaps = gapsMs(target.callMs);
  // A wait drawn towards max-delay-ms would be seconds; a stalled host is far less.
  assert.ok(Math.max(...gaps) < 500, `the longest gap was ${Math.max(...gaps)} ms`);
});

Deno.test("WorkerRunner.run() does not retry an error marked retryable: false", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  class FinalError extends Error {
    readonly retryable = false;
    constructor() {
      super("no such table");
      this.name = "FinalError";
    }
  }
  const target = new FlakyTarget(99, () => new FinalError());
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      totalOps: 3,
      errors: {
        tries: 10,
        ignore: true,
        backoff: { policy: "constant", minDelayMs: 1000, maxDelayMs: 1000 },
      },
    }),
    target,
    inbox.post,
  ).run();
  assert.equal(target.calls, 3, "one try per op, no wait");
  assert.equal(inbox.done.samples[0].errors, 3);
  // Only a wrong answer (validated: false) has the short line: this one keeps its class.
  assert.equal(
    inbox.logs[0],
    "Operation x1 on key(s) [1]: Error executing: (FinalError): no such table",
  );
});

Deno.test("WorkerRunner.run() prints a read that does not validate as cassandra-stress does", async () => {
  // The real line (tests/testdata/cassandra-stress-real/09-read-missing-keys.txt):
  // "Operation x0 on key(s) [3830504d33334f373431]: Data returned was not validated": the op's
  // run returned false, nothing was thrown, so no "Error executing: (Class)" and no try counted.
  for (const ignore of [true, false]) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const target = new FlakyTarget(99, () => new ReadValidationError());
    const inbox = new Inbox();
    await new WorkerRunner(
      makeInit(control, { totalOps: 3, errors: { tries: 10, ignore } }),
      target,
      inbox.post,
    ).run();
    const line = "Operation x0 on key(s) [1]: Data returned was not validated";
    assert.equal(inbox.logs[0], line);
    if (ignore) {
      assert.equal(target.calls, 3, "one try per op");
      assert.equal(inbox.done.failure, null);
    } else {
      assert.equal(target.calls, 1, "the first failure stops the run");
      assert.equal(inbox.done.failure, line);
    }
  }
});

/** A target whose op kind 1 is ready `budget` times, then never: kind 0 always is. */
class BudgetTarget implements Target {
  calls = [0, 0];
  constructor(private budget: number) {}
  ready(kind: number): boolean {
    return kind === 0 || this.budget > 0;
  }
  op(kind: number): Promise<void> {
    this.calls[kind]++;
    if (kind === 1) this.budget--;
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("WorkerRunner.run() ends a loop that draws an op its target is not ready for", async () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const target = new BudgetTarget(3);
  const inbox = new Inbox();
  await new WorkerRunner(
    makeInit(control, {
      threads: 2,
      totalOps: 10_000,
      opNames: ["insert", "scan"],
      mix: { weights: [1, 1], clustering: FIXED_1 },
    }),
    target,
    inbox.post,
  ).run();
  // Each loop goes on until it draws a scan with none left: 3 scans run in all, and the run
  // ends long before its 10,000 ops, with nothing recorded for the ops that never ran.
  assert.equal(target.calls[1], 3);
  assert.ok(target.calls[0] < 200, `${target.calls[0]} inserts`);
  const [insert, scan] = inbox.merged(["insert", "scan"], false);
  assert.equal(scan.ops, 3);
  assert.equal(insert.ops, target.calls[0]);
});
