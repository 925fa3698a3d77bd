import assert from "node:assert/strict";
import type { DistributionSpec } from "../../lib/units/distribution_spec.ts";
import { parseDistribution } from "../../lib/units/parse_distribution.ts";
import { adjustedRowRate, Uncertainty } from "../../lib/core/uncertainty.ts";
import {
  type IntervalReport,
  type RunPlan,
  type RunResult,
  runWorkload,
} from "../../lib/engine/run_workload.ts";

const FIXED_1: DistributionSpec = { kind: "fixed", value: 1, inverted: false, source: "fixed(1)" };

function plan(overrides: Partial<RunPlan> = {}): RunPlan {
  return {
    opNames: ["WRITE"],
    threads: 4,
    workers: 2,
    totalOps: -1,
    durationMs: -1,
    uncertainty: null,
    schedule: null,
    mix: null,
    population: { kind: "seq", lo: 1, hi: 1_000_000 },
    target: { kind: "synthetic", latencyUs: null, errorRate: 0 },
    errors: { tries: 1, ignore: false },
    seed: 1,
    intervalMs: 1000,
    stopGraceMs: 5000,
    startTimeoutMs: 10_000,
    ...overrides,
  };
}

/** A synthetic target with latencies drawn from `latency` (µs, cassandra-stress syntax). */
function synthetic(latency: string | null, errorRate = 0): RunPlan["target"] {
  return {
    kind: "synthetic",
    latencyUs: latency === null ? null : parseDistribution(latency),
    errorRate,
  };
}

/** What one `onInterval` call showed, copied (the report's windows must not be kept). */
interface Seen {
  ops: number[];
  errors: number[];
  serviceCounts: number[];
  totalOps: number;
  startSec: number;
  elapsedSec: number;
  lengthSec: number;
  stderr: number;
  final: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options of {@linkcode run}. */
interface RunTestOptions {
  signal?: AbortSignal;
  workerUrl?: string;
  /**
   * Start just after a wall-clock multiple of `intervalMs`, so the first (aligned) tick is a
   * whole interval away and comes after the Workers are up (the runs stay robust on a loaded host).
   */
  alignStart?: boolean;
  /** Abort the run after this long, so a run that does not stop fails instead of hanging. */
  guardMs?: number;
  /** Called with each interval as it is recorded. */
  onInterval?: (seen: Seen) => void;
}

/** Runs `plan`, recording every interval and log line. */
async function run(
  runPlan: RunPlan,
  options: RunTestOptions = {},
): Promise<{ result: RunResult; intervals: Seen[]; logs: string[]; wallSec: number }> {
  const intervals: Seen[] = [];
  const logs: string[] = [];
  if (options.alignStart) await sleep(runPlan.intervalMs - (Date.now() % runPlan.intervalMs));
  const guard = new AbortController();
  const guardTimer = options.guardMs === undefined
    ? undefined
    : setTimeout(() => guard.abort(), options.guardMs);
  const signal = options.signal ?? (options.guardMs === undefined ? undefined : guard.signal);
  const started = performance.now();
  const result = await runWorkload(runPlan, {
    signal,
    workerUrl: options.workerUrl,
    onInterval(report: IntervalReport) {
      intervals.push({
        ops: report.windows.map((w) => w.ops),
        errors: report.windows.map((w) => w.errors),
        serviceCounts: report.windows.map((w) => w.service.totalCount),
        totalOps: report.totals.reduce((sum, w) => sum + w.ops, 0),
        startSec: report.startSec,
        elapsedSec: report.elapsedSec,
        lengthSec: report.lengthSec,
        stderr: report.stderr,
        final: report.final,
      });
      options.onInterval?.(intervals.at(-1)!);
    },
    onLog: (line) => logs.push(line),
  }).finally(() => clearTimeout(guardTimer));
  return { result, intervals, logs, wallSec: (performance.now() - started) / 1000 };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The intervals add up to the totals, follow each other without gaps, and one is final. */
function checkIntervals(result: RunResult, intervals: readonly Seen[]): void {
  result.totals.forEach((total, i) => {
    assert.equal(sum(intervals.map((s) => s.ops[i])), total.ops, `ops of ${total.name}`);
    assert.equal(sum(intervals.map((s) => s.errors[i])), total.errors, `errors of ${total.name}`);
    assert.equal(
      sum(intervals.map((s) => s.serviceCounts[i])),
      total.service.totalCount,
      `histogram count of ${total.name}`,
    );
  });
  let previousEndSec = 0;
  intervals.forEach((seen, k) => {
    assert.equal(seen.startSec, previousEndSec, `interval ${k} starts where ${k - 1} ended`);
    assert.ok(Math.abs(seen.lengthSec - (seen.elapsedSec - seen.startSec)) < 1e-6);
    assert.equal(seen.final, k === intervals.length - 1 && seen.final, "only the last is final");
    previousEndSec = seen.elapsedSec;
  });
  assert.ok(previousEndSec <= result.elapsedSec + 1e-9);
}

Deno.test("runWorkload() runs exactly n ops across Workers and intervals", async () => {
  const totalOps = 10_007;
  const { result, intervals } = await run(
    plan({
      threads: 8,
      workers: 2,
      totalOps,
      intervalMs: 250,
      target: synthetic("uniform(200..600)"),
    }),
    { alignStart: true },
  );
  assert.equal(result.failure, null);
  assert.equal(result.aborted, null);
  const [total] = result.totals;
  assert.equal(total.name, "WRITE");
  assert.equal(total.ops, totalOps);
  assert.equal(total.partitions, totalOps);
  assert.equal(total.rows, totalOps);
  assert.equal(total.errors, 0);
  assert.equal(total.service.totalCount, totalOps);
  assert.equal(total.response, null, "no schedule, no response time");
  // Each op took at least its 200 µs latency.
  assert.ok(total.service.minNs >= 199_000, `min ${total.service.minNs} ns`);
  assert.ok(intervals.filter((s) => !s.final).length >= 2, "the run spans several intervals");
  checkIntervals(result, intervals);
  assert.equal(intervals.at(-1)!.totalOps, totalOps);
  assert.ok(result.endEpochMs >= result.startEpochMs);
});

Deno.test("runWorkload() runs exactly n ops with zero latency and an odd thread split", async () => {
  const { result, intervals } = await run(plan({ threads: 5, workers: 2, totalOps: 10_007 }));
  assert.equal(result.totals[0].ops, 10_007);
  assert.equal(result.totals[0].service.totalCount, 10_007);
  checkIntervals(result, intervals);
});

Deno.test("runWorkload() stops a duration run on time, with intervals of intervalMs", async () => {
  const { result, intervals } = await run(
    plan({
      threads: 4,
      durationMs: 1500,
      intervalMs: 500,
      target: synthetic("fixed(5000)"),
    }),
    { alignStart: true },
  );
  assert.equal(result.failure, null);
  assert.equal(result.aborted, null);
  assert.ok(
    result.elapsedSec >= 1.5 && result.elapsedSec < 1.5 + 1,
    `ran ${result.elapsedSec} s`,
  );
  assert.ok(Math.abs(result.endEpochMs - result.startEpochMs - result.elapsedSec * 1000) < 50);
  // 4 loops of >= 5 ms ops for 1.5 s: at most 1200 ops.
  const ops = result.totals[0].ops;
  assert.ok(ops > 300 && ops <= 1204, `${ops} ops`);
  checkIntervals(result, intervals);
  const full = intervals.filter((s) => !s.final);
  assert.ok(full.length >= 2 && full.length <= 4, `${full.length} full intervals`);
  // Boundaries are aligned to the wall clock. The run starts when the Workers are ready,
  // a little after a boundary, so the first interval may be shorter (never under a quarter of
  // the interval); the others are whole. A timer on a busy 2-core machine (the suite runs in
  // parallel) may fire up to ~50% late, hence the upper bounds.
  assert.ok(
    full[0].lengthSec > 0.125 && full[0].lengthSec < 0.75,
    `first of ${full[0].lengthSec} s`,
  );
  for (const seen of full.slice(1)) {
    assert.ok(seen.lengthSec > 0.3 && seen.lengthSec < 0.75, `interval of ${seen.lengthSec} s`);
  }
  const last = intervals.at(-1)!;
  assert.ok(Math.abs(last.elapsedSec - result.elapsedSec) < 0.05);
});

Deno.test("runWorkload() keeps a throttled run to its rate", async () => {
  const opsPerSec = 2000;
  const threads = 8;
  const { result, intervals } = await run(plan({
    threads,
    durationMs: 2000,
    intervalMs: 500,
    schedule: { opsPerSec, fixed: false },
  }));
  assert.equal(result.failure, null);
  const ops = result.totals[0].ops;
  // Op i is due at i / 2000 s and ops due at or after the 2 s deadline do not run, so at most
  // 4000 run. Workers that start late catch up at once (zero latency); only ops whose slot is in
  // the last few ms and that start after the deadline are lost. 5% (100 ms of slots) is slack.
  assert.ok(ops >= 0.95 * opsPerSec * 2, `${ops} ops`);
  assert.ok(ops <= opsPerSec * 2 + 1, `${ops} ops`);
  assert.ok(ops <= opsPerSec * result.elapsedSec + threads, `${ops} ops`);
  // Never ahead of the schedule at any interval end either (a sample is taken at most one
  // 20 ms poll after the boundary).
  for (const seen of intervals) {
    assert.ok(
      seen.totalOps <= opsPerSec * (seen.elapsedSec + 0.05) + threads,
      `${seen.totalOps} ops by ${seen.elapsedSec} s`,
    );
  }
  checkIntervals(result, intervals);
  assert.notEqual(result.totals[0].response, null);
  assert.equal(result.totals[0].response!.totalCount, ops);
});

Deno.test("runWorkload() with fixed= records response time above service time", async () => {
  const { result } = await run(plan({
    threads: 8,
    totalOps: 600,
    schedule: { opsPerSec: 1000, fixed: true },
    target: synthetic("uniform(1000..3000)"),
  }));
  const [total] = result.totals;
  assert.equal(total.ops, 600);
  assert.ok(total.response !== null && total.wait !== null);
  assert.equal(total.response.totalCount, 600);
  assert.equal(total.wait.totalCount, 600);
  const responseP50 = total.response.valueAtPercentile(50);
  const serviceP50 = total.service.valueAtPercentile(50);
  assert.ok(serviceP50 >= 999_000, `service p50 ${serviceP50} ns`);
  assert.ok(responseP50 >= serviceP50, `response p50 ${responseP50} < service p50 ${serviceP50}`);
  assert.equal(total.reported(true), total.response);
});

Deno.test("runWorkload() stops on the uncertainty rule after minIntervals", async () => {
  const { result, intervals, wallSec } = await run(
    plan({
      threads: 4,
      intervalMs: 200,
      uncertainty: { targetStderr: 1e9, minIntervals: 2, maxIntervals: 5 },
      target: synthetic("fixed(2000)"),
    }),
    { alignStart: true, guardMs: 5000 },
  );
  assert.equal(result.aborted, null);
  assert.equal(intervals.filter((s) => !s.final).length, 2);
  assert.ok(result.totals[0].ops > 0);
  assert.ok(Number.isFinite(intervals[1].stderr) && intervals[1].stderr < 1e9);
  assert.ok(wallSec < 1.5, `took ${wallSec} s`);
  checkIntervals(result, intervals);
});

Deno.test("runWorkload() feeds the uncertainty rule each interval's rows over its length less its longest latency", async () => {
  // cassandra-stress's adjustedRowRate; the plain row rate gave another stderr column.
  const expected = new Uncertainty();
  const checked: [number, number][] = [];
  await runWorkload(
    plan({
      threads: 4,
      workers: 1,
      durationMs: 1500,
      intervalMs: 250,
      target: synthetic("uniform(1000..60000)"),
    }),
    {
      onInterval(report: IntervalReport) {
        if (report.final) return;
        const window = report.windows[0];
        expected.add(adjustedRowRate(window.rows, report.lengthSec, window.service.maxNs / 1e9));
        checked.push([report.stderr, expected.stderr]);
      },
    },
  );
  assert.ok(checked.length >= 3, `${checked.length} intervals`);
  for (const [got, want] of checked) assert.ok(Math.abs(got - want) < 1e-12, `${got} != ${want}`);
});

Deno.test("runWorkload() stops on the uncertainty rule at maxIntervals", async () => {
  const { result, intervals } = await run(
    plan({
      threads: 4,
      intervalMs: 200,
      uncertainty: { targetStderr: 0, minIntervals: 2, maxIntervals: 5 },
      target: synthetic("fixed(2000)"),
    }),
    { alignStart: true, guardMs: 5000 },
  );
  assert.equal(result.aborted, null);
  assert.equal(intervals.filter((s) => !s.final).length, 5);
  checkIntervals(result, intervals);
});

Deno.test("runWorkload() returns what it measured when the signal aborts", async () => {
  // Aborted after its second interval (not after a fixed time, which a slow Worker start-up
  // on a loaded host would eat), with a guard in case the abort is ignored.
  const controller = new AbortController();
  const guard = setTimeout(() => controller.abort(), 20_000);
  try {
    const { result, intervals } = await run(
      plan({ threads: 4, intervalMs: 200, target: synthetic("fixed(2000)") }),
      {
        signal: controller.signal,
        onInterval: (seen) => {
          if (seen.elapsedSec >= 0.35) controller.abort();
        },
      },
    );
    assert.equal(result.aborted, "interrupted");
    assert.equal(result.failure, null);
    assert.ok(result.totals[0].ops > 50, `${result.totals[0].ops} ops`);
    // Stopped at once: the interval after the abort is the final, partial one.
    assert.ok(result.elapsedSec >= 0.35 && result.elapsedSec < 0.4 + 1, `${result.elapsedSec} s`);
    checkIntervals(result, intervals);
    assert.equal(intervals.at(-1)!.totalOps, result.totals[0].ops);
  } finally {
    clearTimeout(guard);
  }
});

Deno.test("runWorkload() with an already aborted signal runs nothing", async () => {
  const { result, wallSec } = await run(plan({ totalOps: 1_000_000 }), {
    signal: AbortSignal.abort(),
  });
  assert.equal(result.aborted, "interrupted");
  assert.equal(result.totals[0].ops, 0);
  assert.ok(wallSec < 2, `took ${wallSec} s`);
});

Deno.test("runWorkload() reports the first failure when errors are not ignored", async () => {
  const threads = 4;
  const { result, intervals, logs } = await run(plan({
    threads,
    totalOps: 1000,
    errors: { tries: 3, ignore: false },
    target: synthetic(null, 1),
  }));
  assert.notEqual(result.failure, null);
  assert.ok(result.failure!.startsWith("Operation x3 on key(s) ["), result.failure!);
  assert.match(
    result.failure!,
    /: Error executing: \(SyntheticOpError\): Synthetic operation failed/,
  );
  // The first op that fails all its tries stops every loop: loops already retrying add theirs,
  // cut short after fewer tries (counted and logged with their last error), but no loop goes on
  // to another op.
  const errors = result.totals[0].errors;
  assert.ok(errors >= 1 && errors <= threads, `${errors} errors`);
  assert.equal(result.totals[0].ops, errors, "failed ops are timed and counted, as in c-s");
  assert.equal(logs.length, errors);
  for (const line of logs) assert.match(line, /^Operation x[123] on key\(s\) \[/);
  assert.ok(logs.includes(result.failure!));
  checkIntervals(result, intervals);
});

Deno.test("runWorkload() counts failed ops and completes with errors.ignore", async () => {
  const { result, intervals, logs } = await run(plan({
    threads: 4,
    totalOps: 3000,
    errors: { tries: 1, ignore: true },
    target: synthetic(null, 0.3),
  }));
  assert.equal(result.failure, null);
  assert.equal(result.aborted, null);
  const [total] = result.totals;
  // Failed ops are timed and counted as ops too (cassandra-stress's Timer), and as errors.
  assert.equal(total.ops, 3000);
  // Binomial sd of the error count is sqrt(3000 * 0.3 * 0.7) ~ 25.
  assert.ok(Math.abs(total.errors - 900) < 150, `${total.errors} errors`);
  assert.equal(total.service.totalCount, total.ops);
  checkIntervals(result, intervals);
  // Error lines reach onLog, at most 100 per Worker (one Worker may run nearly all the ops),
  // then one line that says the rest are not printed.
  const ops = logs.filter((line) =>
    /^Operation x1 on key\(s\) \[\d+\]: Error executing/.test(line)
  );
  const notices = logs.filter((line) => /^Worker \d: further failed operations/.test(line));
  assert.ok(ops.length >= 100 && ops.length <= 200, `${ops.length} lines`);
  assert.equal(ops.length + notices.length, logs.length);
  assert.ok(notices.length >= 1 && notices.length <= 2, logs.join("\n"));
});

Deno.test("runWorkload() mixes op kinds by weight", async () => {
  const { result, intervals } = await run(plan({
    opNames: ["READ", "WRITE"],
    threads: 4,
    totalOps: 20_000,
    mix: { weights: [3, 1], clustering: FIXED_1 },
  }));
  const [read, write] = result.totals;
  assert.equal(read.name, "READ");
  assert.equal(write.name, "WRITE");
  assert.equal(read.ops + write.ops, 20_000);
  // Binomial sd of the READ count is sqrt(20000 * 0.75 * 0.25) ~ 61; 3:1 is 15000:5000.
  const ratio = read.ops / write.ops;
  assert.ok(ratio > 2.7 && ratio < 3.3, `${read.ops} reads, ${write.ops} writes`);
  assert.equal(read.service.totalCount, read.ops);
  assert.equal(write.service.totalCount, write.ops);
  checkIntervals(result, intervals);
});

/** A module URL for a fake Worker, from its source. */
function workerModule(source: string): string {
  return `data:application/javascript,${encodeURIComponent(source)}`;
}

Deno.test("runWorkload() ends with aborted when a Worker reports a fatal error", async () => {
  // What lib/cql/driver/stress_worker.ts posts when it cannot build its target.
  const source = `self.onmessage = (event) => {
    self.postMessage({ type: "fatal", workerIndex: event.data.workerIndex, message: "boom", stack: "" });
  };`;
  const { result, logs } = await run(plan({ threads: 2, workers: 1, totalOps: 100 }), {
    workerUrl: workerModule(source),
  });
  assert.ok(result.aborted?.startsWith("Worker 0 failed: "), String(result.aborted));
  assert.match(result.aborted!, /boom/);
  assert.notEqual(result.failure, null);
  assert.ok(logs.some((line) => line.startsWith("Worker 0 failed: ")));
  assert.equal(result.totals[0].ops, 0);
});

Deno.test("runWorkload() gives up on Workers that ignore the stop after stopGraceMs", async () => {
  // This Worker never answers; the duration stop must be followed by the grace timer.
  const { result, wallSec } = await run(
    plan({ threads: 1, workers: 1, durationMs: 100, stopGraceMs: 200 }),
    {
      // Ready at once, then deaf to start and stop alike.
      workerUrl: workerModule(`self.onmessage = (event) => {
        if (event.data.type === "init") {
          self.postMessage({ type: "ready", workerIndex: event.data.workerIndex });
        }
      };`),
    },
  );
  assert.equal(result.aborted, "Workers did not stop within 200 ms");
  assert.ok(wallSec >= 0.3 && wallSec < 0.3 + 1.5, `took ${wallSec} s`);
});

Deno.test("runWorkload() waits for the ops in flight however long stopGraceMs is", async () => {
  // A grace past what a timer can wait (2^31 - 1 ms: a latency distribution with a huge max)
  // fired at once, and the run ended "Workers did not stop" while its 500 ms ops were in flight.
  const { result } = await run(
    plan({
      threads: 2,
      workers: 1,
      durationMs: 100,
      stopGraceMs: 3_000_000_000,
      target: synthetic("fixed(500000)"),
    }),
    { guardMs: 10_000 },
  );
  assert.equal(result.aborted, null);
  assert.ok(result.totals[0].ops > 0);
});

// Regression (fixed in 6143c7d, lib/engine/run_workload.ts stop()): when a Worker had already set
// CONTROL_STOP itself (its deadline passed), stop() returned before arming the grace timer, so a
// Worker that then hung held the run for as long as it liked.
Deno.test({
  name: "runWorkload() applies stopGraceMs when a Worker set the stop flag itself",
  async fn() {
    // The Worker sets the stop flag at once, then answers only after 4 s.
    const source = `let init = null;
    self.onmessage = (event) => {
      if (event.data.type === "init") {
        init = event.data;
        self.postMessage({ type: "ready", workerIndex: init.workerIndex });
        return;
      }
      Atomics.store(new Int32Array(init.control, 0, 4), 0, 1);
      setTimeout(() => {
        self.postMessage({ type: "done", workerIndex: init.workerIndex, samples: [], failure: null });
      }, 4000);
    };`;
    const { result, wallSec } = await run(
      plan({ threads: 1, workers: 1, durationMs: 100, stopGraceMs: 200 }),
      { workerUrl: workerModule(source) },
    );
    assert.equal(result.aborted, "Workers did not stop within 200 ms");
    assert.ok(wallSec < 0.3 + 1.2, `took ${wallSec} s`);
  },
});

// Regression (fixed in 6143c7d, lib/engine/worker_runner.ts #loop; seen from the engine): a
// throttled run with more threads than opsPerSec * duration overshot its duration by up to
// threads / opsPerSec.
Deno.test({
  name: "runWorkload() ends a throttled run on time when threads exceed its slots",
  async fn() {
    const { result } = await run(plan({
      threads: 20,
      workers: 1,
      durationMs: 300,
      schedule: { opsPerSec: 10, fixed: false },
    }));
    assert.ok(result.elapsedSec < 0.3 + 1, `a 0.3 s run took ${result.elapsedSec} s`);
  },
});

// Regression (fixed in 6143c7d, lib/engine/worker_runner.ts constructor): a Worker that started
// after the first tick never answered it, so the interval never closed and a run that only the
// uncertainty rule can stop ran until the signal aborted it.
Deno.test({
  name: "runWorkload() reports intervals even when the first tick precedes Worker start-up",
  async fn() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3000);
    try {
      // The first tick comes 10..50 ms after the start, before the Workers are up.
      const { result, intervals } = await run(
        plan({
          threads: 2,
          intervalMs: 40,
          uncertainty: { targetStderr: 0, minIntervals: 2, maxIntervals: 4 },
          target: synthetic("fixed(2000)"),
        }),
        { signal: controller.signal },
      );
      assert.equal(result.aborted, null, "the uncertainty rule stopped the run");
      assert.equal(intervals.filter((s) => !s.final).length, 4);
    } finally {
      clearTimeout(timer);
    }
  },
});

Deno.test("runWorkload() gives up on Workers that never say ready after startTimeoutMs", async () => {
  const { result, wallSec, intervals } = await run(
    plan({ threads: 2, workers: 2, totalOps: 100, startTimeoutMs: 300 }),
    { workerUrl: workerModule(`self.onmessage = () => {};`) },
  );
  assert.equal(result.aborted, "Workers did not start within 300 ms");
  assert.equal(result.elapsedSec, 0);
  assert.equal(intervals.length, 0);
  assert.ok(wallSec >= 0.3 && wallSec < 0.3 + 1.5, `took ${wallSec} s`);
});

Deno.test("runWorkload() starts the clock when every Worker is ready, not when spawned", async () => {
  // Each Worker takes 400 ms to get ready; a fixed-rate run must not count that as queueing.
  const { result } = await run(
    plan({
      threads: 4,
      workers: 2,
      totalOps: 200,
      schedule: { opsPerSec: 1000, fixed: true },
      target: synthetic("fixed(100)"),
    }),
    {
      workerUrl: workerModule(`
        const real = new Worker(${
        JSON.stringify(new URL("../../lib/cql/driver/stress_worker.ts", import.meta.url).href)
      }, { type: "module" });
        real.onmessage = (event) => {
          if (event.data.type === "ready") setTimeout(() => self.postMessage(event.data), 1500);
          else self.postMessage(event.data);
        };
        // The init message carries the Worker's slot ticker port, which must be transferred.
        self.onmessage = (event) =>
          real.postMessage(event.data, event.data.ticker ? [event.data.ticker.port] : []);
      `),
    },
  );
  assert.equal(result.aborted, null);
  assert.equal(result.totals[0].ops, 200);
  // 200 ops at 1000/s take 0.2 s; with the 1.5 s start-up counted they would take 1.7 s.
  assert.ok(result.elapsedSec < 1, `elapsed ${result.elapsedSec} s`);
  const p99Ms = result.totals[0].response!.valueAtPercentile(99) / 1e6;
  assert.ok(p99Ms < 500, `response p99 ${p99Ms} ms includes the start-up`);
});

Deno.test("runWorkload() runs its Workers as web Workers when their entry is not a local file", async () => {
  // A blob: entry (as a jsr: one would be) starts as a web Worker (load_worker.ts):
  // serveTargetWorker answers through the Worker's own scope there, not through parentPort.
  const synthetic = new URL("../../lib/engine/synthetic_worker.ts", import.meta.url).href;
  const source = `import ${JSON.stringify(synthetic)};`;
  const workerUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    const { result } = await run(plan({ totalOps: 2_000 }), { workerUrl });
    assert.equal(result.failure, null);
    assert.equal(result.totals[0].ops, 2_000);
  } finally {
    URL.revokeObjectURL(workerUrl);
  }
});

Deno.test("runWorkload() rejects with what onInterval threw, after stopping the run", async () => {
  const started = performance.now();
  const failing = new Error("the report could not be written");
  await assert.rejects(
    run(
      plan({
        threads: 2,
        workers: 1,
        durationMs: 60_000,
        intervalMs: 100,
        target: synthetic("fixed(1000)"),
      }),
      {
        onInterval() {
          throw failing;
        },
      },
    ),
    (error) => error === failing,
  );
  // Stopped at the first interval, not at the end of its minute.
  assert.ok(performance.now() - started < 30_000);
});

// Regression: the result's elapsedSec (and endEpochMs) were read after the last interval was
// reported, so they counted the time its onInterval took (printing, log files): on a short run
// the Results block's op rate came out well below the rate of the run's one interval.
Deno.test("runWorkload() ends the run before reporting its last interval", async () => {
  let finalSeen = false;
  const { result, intervals } = await run(plan({ threads: 2, workers: 1, totalOps: 500 }), {
    alignStart: true,
    onInterval(seen) {
      if (!seen.final) return;
      finalSeen = true;
      const until = performance.now() + 300;
      while (performance.now() < until) {
        // a slow report of the last interval
      }
    },
  });
  assert.ok(finalSeen, "the run ended with a final interval");
  assert.equal(result.elapsedSec, intervals.at(-1)!.elapsedSec);
  // Date.now() and performance.now() may part by a few ms; the report took 300 ms.
  assert.ok(result.endEpochMs - result.startEpochMs < intervals.at(-1)!.elapsedSec * 1000 + 150);
  checkIntervals(result, intervals);
});

// Regression: a stop flag that a Worker set itself (an op failure not ignored) never armed the
// grace timer: an n= run whose other Worker had an op that never settled waited forever.
Deno.test("runWorkload() applies stopGraceMs after a Worker stopped the run at a failure", async () => {
  // Worker 0 fails at once and stops the run; Worker 1's op never settles.
  const source = `let init = null;
  self.onmessage = (event) => {
    if (event.data.type === "init") {
      init = event.data;
      self.postMessage({ type: "ready", workerIndex: init.workerIndex });
      return;
    }
    if (init.workerIndex !== 0) return;
    Atomics.store(new Int32Array(init.control, 0, 4), 0, 2);
    self.postMessage({ type: "done", workerIndex: 0, samples: [], failure: "boom" });
  };`;
  const { result } = await run(
    plan({ threads: 2, workers: 2, totalOps: 100, stopGraceMs: 200 }),
    { workerUrl: workerModule(source), guardMs: 10_000 },
  );
  assert.equal(result.failure, "boom");
  assert.equal(result.aborted, "Workers did not stop within 200 ms");
});

// Regression: each Worker was told plan.workers, not the number of Workers started (at most
// plan.threads), so a target taking its share of a shared job (a token range query's ranges,
// split by Worker) left the shares of the Workers that never started unread.
Deno.test("runWorkload() tells each Worker the number of Workers it started", async () => {
  const source = `let init = null;
  self.onmessage = (event) => {
    if (event.data.type === "init") {
      init = event.data;
      self.postMessage({ type: "log", line: \`\${init.workerIndex}/\${init.workers}\` });
      self.postMessage({ type: "ready", workerIndex: init.workerIndex });
      return;
    }
    self.postMessage({ type: "done", workerIndex: init.workerIndex, samples: [], failure: null });
  };`;
  const { logs } = await run(plan({ threads: 2, workers: 4, totalOps: 100 }), {
    workerUrl: workerModule(source),
  });
  assert.deepEqual(logs.filter((line) => line.includes("/")).sort(), ["0/2", "1/2"]);
});

/** The Worker entry whose 51st op never settles (tests/engine/_hanging_worker.ts). */
const HANGING_WORKER = new URL("./_hanging_worker.ts", import.meta.url).href;

// A Worker whose op never settles: the run gives it stopGraceMs after the stop, then abandons it.
// What it sent in earlier intervals was already in the totals; this proves it stays there.
Deno.test("runWorkload() keeps what an abandoned Worker sent in earlier intervals", async () => {
  const { result, intervals, logs } = await run(
    plan({ threads: 1, workers: 1, durationMs: 600, intervalMs: 100, stopGraceMs: 200 }),
    { workerUrl: HANGING_WORKER, guardMs: 10_000 },
  );
  assert.equal(result.aborted, "Workers did not stop within 200 ms");
  assert.ok(intervals.filter((s) => !s.final).length >= 2, JSON.stringify(intervals));
  assert.equal(result.totals[0].ops, 50);
  checkIntervals(result, intervals);
  assert.deepEqual(logs, [
    "Warning: abandoned Worker 0, still running 200 ms after the stop: the ops still in flight are not counted",
  ]);
});

// Regression: the ops an abandoned Worker had completed since its last interval were lost (the
// run ended without asking it for them), here all of them, since no interval closed in the run.
Deno.test("runWorkload() counts what an abandoned Worker measured since its last interval", async () => {
  const { result, intervals, logs } = await run(
    plan({ threads: 1, workers: 1, durationMs: 300, intervalMs: 3_600_000, stopGraceMs: 200 }),
    { workerUrl: HANGING_WORKER, guardMs: 10_000 },
  );
  assert.equal(result.aborted, "Workers did not stop within 200 ms");
  assert.equal(result.totals[0].ops, 50);
  assert.equal(result.totals[0].service.totalCount, 50);
  checkIntervals(result, intervals);
  assert.equal(logs.length, 1, logs.join("\n"));
  assert.match(logs[0], /^Warning: abandoned Worker 0, /);
});

// A Worker that answers nothing at all (its event loop blocked) loses what it measured since
// its last interval: the warning says so.
Deno.test("runWorkload() says what it lost of an abandoned Worker that did not answer", async () => {
  const { result, logs } = await run(
    plan({ threads: 1, workers: 1, durationMs: 100, stopGraceMs: 200 }),
    {
      workerUrl: workerModule(`self.onmessage = (event) => {
        if (event.data.type === "init") {
          self.postMessage({ type: "ready", workerIndex: event.data.workerIndex });
        }
      };`),
    },
  );
  assert.equal(result.aborted, "Workers did not stop within 200 ms");
  assert.deepEqual(logs, [
    "Warning: abandoned Worker 0, still running 200 ms after the stop: the ops still in flight " +
    "are not counted, nor what Worker 0 measured since the last interval (no answer)",
  ]);
});

// Regression: Ctrl-C waited the whole stopGraceMs (10 s and more for a CQL run) for an op that
// hangs; an interruption gives the ops in flight 2 s at most, also one that comes while the run
// is already stopping at its end.
Deno.test("runWorkload() gives the ops in flight 2 s at most after an interruption", async (t) => {
  const long = { threads: 1, workers: 1, intervalMs: 100, stopGraceMs: 60_000 };
  await t.step("interrupted while running", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const { result, logs, wallSec } = await run(plan({ ...long, durationMs: 60_000 }), {
      workerUrl: HANGING_WORKER,
      signal: stop.signal,
    });
    assert.equal(result.aborted, "interrupted");
    assert.equal(result.totals[0].ops, 50);
    assert.ok(wallSec < 30, `ended after ${wallSec} s`);
    assert.deepEqual(logs, [
      "Warning: abandoned Worker 0, still running 2000 ms after the stop: the ops still in flight are not counted",
    ]);
  });
  await t.step("interrupted while stopping at the end of its duration", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 1000);
    const { result, logs, wallSec } = await run(plan({ ...long, durationMs: 300 }), {
      workerUrl: HANGING_WORKER,
      signal: stop.signal,
    });
    assert.equal(result.aborted, "interrupted");
    assert.equal(result.totals[0].ops, 50);
    assert.ok(wallSec < 30, `ended after ${wallSec} s`);
    assert.equal(logs.length, 1, logs.join("\n"));
    const graceMs = Number(/still running (\d+) ms after the stop/.exec(logs[0])?.[1]);
    assert.ok(graceMs >= 2000 && graceMs < 30_000, logs[0]);
  });
});

// Regression: each op loop whose ops failed without I/O waited for a turn of its own after 40 ms
// of failing, so with 64 loops timers and I/O (a reconnect's handshake, the Worker's own poll) ran
// once in 64 x 40 ms: the 20 ms poll fired twice in 1.5 s, 1.4 s late. The loops now wait for one
// turn together.
Deno.test("runWorkload() lets timers run while 64 threads fail ops that do no I/O", async () => {
  const { result } = await run(
    plan({
      threads: 64,
      workers: 1,
      durationMs: 1500,
      target: synthetic(null, 1),
      errors: { tries: 1, ignore: true },
    }),
  );
  assert.equal(result.totals[0].errors, result.totals[0].ops);
  const delay = result.loader?.eventLoopDelayMs;
  // A turn every 40 ms or so: the poll fires about 35 times in 1.5 s.
  assert.ok((delay?.firings ?? 0) >= 10, JSON.stringify(delay));
});
