// The loader verdict: the figures each Worker measures of itself, merged, and judged `ok` or
// `limited` with the reasons (lib/stats/loader_verdict.ts).
import assert from "node:assert/strict";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import {
  formatLoaderVerdict,
  judgeLoader,
  type LoaderFigures,
  mergeLoaderSamples,
  type WorkerLoaderSample,
} from "../../lib/stats/loader_verdict.ts";

const healthy: LoaderFigures = {
  scheduled: true,
  dispatch: { ops: 20_000, p50Ms: 0.02, p99Ms: 0.3, lateShare: 0.001 },
  workerCpu: [0.12, 0.11],
  eventLoopDelayMs: { p99: 1.4, max: 3 },
  threadsBusy: null,
  threads: 32,
};

Deno.test("judgeLoader(): a run within every bound is ok", () => {
  const verdict = judgeLoader(healthy);
  assert.equal(verdict.verdict, "ok");
  assert.deepEqual(verdict.reasons, []);
  assert.deepEqual(verdict.notes, []);
});

Deno.test("judgeLoader(): each limit names its reason", () => {
  const cases: [Partial<LoaderFigures>, RegExp][] = [
    [
      { dispatch: { ops: 20_000, p50Ms: 0.1, p99Ms: 4.5, lateShare: 0.03 } },
      /^3\.0% of the ops started more than 1 ms after their slot \(p99 4\.50 ms late\)$/,
    ],
    [{ workerCpu: [0.2, 0.96] }, /^Worker 1 used 96% of a core$/],
    [{ eventLoopDelayMs: { p99: 12.5, max: 40 } }, /^its event loop was late by 12\.5 ms at p99$/],
  ];
  for (const [change, reason] of cases) {
    const verdict = judgeLoader({ ...healthy, ...change });
    assert.equal(verdict.verdict, "limited", JSON.stringify(change));
    assert.equal(verdict.reasons.length, 1);
    assert.match(verdict.reasons[0], reason);
  }
  // Just under each bound: ok.
  const under = judgeLoader({
    ...healthy,
    dispatch: { ops: 1000, p50Ms: 0.1, p99Ms: 0.9, lateShare: 0.01 },
    workerCpu: [0.89],
    eventLoopDelayMs: { p99: 9.9, max: 30 },
  });
  assert.equal(under.verdict, "ok");
});

Deno.test("judgeLoader(): the late share of fewer than 100 slot waits is a note, not limited", () => {
  // One late op of four is 25%: too few ops to tell 1% apart.
  const few = judgeLoader({
    ...healthy,
    dispatch: { ops: 4, p50Ms: 0.1, p99Ms: 1.5, lateShare: 0.25 },
  });
  assert.equal(few.verdict, "ok");
  assert.deepEqual(few.notes, [
    "1 of the 4 ops that waited for their slot started more than 1 ms after it, too few to judge",
  ]);
  const enough = judgeLoader({
    ...healthy,
    dispatch: { ops: 100, p50Ms: 0.1, p99Ms: 1.5, lateShare: 0.02 },
  });
  assert.equal(enough.verdict, "limited");
});

Deno.test("judgeLoader(): a closed loop whose threads were always busy gets a note, not limited", () => {
  const closed = { ...healthy, scheduled: false, dispatch: null, threadsBusy: 0.997 };
  const verdict = judgeLoader(closed);
  assert.equal(verdict.verdict, "ok");
  assert.deepEqual(verdict.notes, [
    "all 32 threads had an op in flight 100% of the time: the rate was set by the number of " +
    "threads and the server's latency",
  ]);
  assert.deepEqual(judgeLoader({ ...closed, threadsBusy: 0.98 }).notes, []);
  assert.deepEqual(judgeLoader({ ...closed, threads: 1, loops: "users" }).notes, [
    "the one user had a request in flight 100% of the time: the rate was set by the number of " +
    "users and the server's latency",
  ]);
  assert.match(
    formatLoaderVerdict(verdict),
    /^Loader: ok \(Worker CPU 12%, 11%; .*\); note: all 32/,
  );
});

Deno.test("formatLoaderVerdict(): limited puts the reasons first, then the figures", () => {
  const line = formatLoaderVerdict(judgeLoader({ ...healthy, workerCpu: [0.95, null] }));
  assert.equal(
    line,
    "Loader: limited: Worker 0 used 95% of a core (slot lateness p50 0.02 ms, p99 0.30 ms, " +
      "0.1% over 1 ms; Worker CPU 95%, unknown; event loop delay p99 1.4 ms)",
  );
});

Deno.test("formatLoaderVerdict(): one unknown when no Worker's CPU share is known", () => {
  const line = formatLoaderVerdict(judgeLoader({ ...healthy, workerCpu: [null, null] }));
  assert.match(line, /; Worker CPU unknown; event loop delay/);
});

function sample(options: {
  dispatchMs?: number[];
  loopMs?: number[];
  cpuSec: number;
  busyNs?: number;
}): WorkerLoaderSample {
  const dispatch = new LatencyHistogram();
  for (const ms of options.dispatchMs ?? []) dispatch.recordValue(ms * 1e6);
  const loop = new LatencyHistogram();
  for (const ms of options.loopMs ?? []) loop.recordValue(ms * 1e6);
  return {
    dispatch: dispatch.exportCounts(),
    dispatchLate: (options.dispatchMs ?? []).filter((ms) => ms > 1).length,
    cpuSec: options.cpuSec,
    wallSec: 10,
    loopDelay: loop.exportCounts(),
    busyNs: options.busyNs ?? 0,
    threads: 8,
  };
}

Deno.test("mergeLoaderSamples(): the Workers' figures together", () => {
  const a = sample({ dispatchMs: [0.01, 0.02, 0.03, 2], loopMs: [1, 2], cpuSec: 1 });
  const b = sample({ dispatchMs: [0.01, 0.02, 0.04, 0.05], loopMs: [1, 30], cpuSec: NaN });
  const figures = mergeLoaderSamples([a, b], true);
  assert.equal(figures.dispatch!.ops, 8);
  assert.equal(figures.dispatch!.lateShare, 1 / 8);
  assert.ok(Math.abs(figures.dispatch!.p99Ms - 2) < 0.01, `${figures.dispatch!.p99Ms}`);
  assert.deepEqual(figures.workerCpu, [0.1, null]);
  assert.ok(Math.abs(figures.eventLoopDelayMs.max - 30) < 0.1);
  assert.equal(figures.threads, 16);
  assert.equal(figures.threadsBusy, null);
  // Closed model: the busy share of all threads' time.
  const closed = mergeLoaderSamples([sample({ cpuSec: 1, busyNs: 8 * 10e9 * 0.5 })], false);
  assert.equal(closed.dispatch, null);
  assert.equal(closed.threadsBusy, 0.5);
});

Deno.test("mergeLoaderSamples(): a run too short for the CPU clock's ticks has no CPU share", () => {
  // /proc counts a thread's CPU in 10 ms ticks: one tick over a 4 ms run is not 250% of a core.
  const short = mergeLoaderSamples([{ ...sample({ cpuSec: 0.01 }), wallSec: 0.004 }], false);
  assert.deepEqual(short.workerCpu, [null]);
  assert.equal(judgeLoader(short).verdict, "ok");
  // A tick too many over a longer run reads at most one whole core.
  const long = mergeLoaderSamples([{ ...sample({ cpuSec: 1.01 }), wallSec: 1 }], false);
  assert.deepEqual(long.workerCpu, [1]);
  assert.equal(judgeLoader(long).verdict, "limited");
});

Deno.test("judgeLoader(): query Workers and disk writers are named as such", () => {
  const closed = { ...healthy, scheduled: false, dispatch: null, threadsBusy: 0.995, threads: 4 };
  const query = judgeLoader({ ...closed, loops: "workers" });
  assert.deepEqual(query.notes, [
    "all 4 workers had a query in flight 100% of the time: the rate was set by the number of workers and the server's latency",
  ]);
  const writer: LoaderFigures = { ...closed, loops: "writers", threads: 1, workerCpu: [0.95] };
  const limited = judgeLoader(writer);
  assert.deepEqual(limited.reasons, ["writer 0 used 95% of a core"]);
  assert.match(limited.notes[0], /the number of writers and the disk's latency$/);
  assert.match(
    formatLoaderVerdict(limited),
    /\(writer CPU 95%; client event loop delay p99 1\.4 ms\)/,
  );
});

Deno.test("judgeLoader(): a disk client's own event loop is shown, not judged: it delays no write", () => {
  const late = { p99: 35, max: 60 };
  const writer: LoaderFigures = {
    ...healthy,
    scheduled: false,
    dispatch: null,
    loops: "writers",
    threads: 1,
    workerCpu: [0.2],
    eventLoopDelayMs: late,
  };
  const verdict = judgeLoader(writer);
  assert.equal(verdict.verdict, "ok");
  assert.match(formatLoaderVerdict(verdict), /client event loop delay p99 35\.0 ms/);
  // The same lateness in a query run's Worker is a limit.
  assert.equal(judgeLoader({ ...writer, loops: "workers" }).verdict, "limited");
});

Deno.test("judgeLoader(): a p99 over fewer than 100 probe firings is judged by their late share", () => {
  // A 1 s run: 50 firings, one start-up pause of 15 ms, 1.5% of the run.
  const pause = { p99: 15, max: 15, firings: 50, lateShare: 0.015 };
  const short = judgeLoader({ ...healthy, eventLoopDelayMs: pause });
  assert.equal(short.verdict, "ok");
  assert.deepEqual(short.notes, [
    "its event loop was late by 15.0 ms at p99 over only 50 probe firings (1.5% of the run), " +
    "too few to judge",
  ]);
  // A loop that never yields: one firing, late by the whole run.
  const stuck = { p99: 2000, max: 2000, firings: 1, lateShare: 0.98 };
  assert.equal(judgeLoader({ ...healthy, eventLoopDelayMs: stuck }).verdict, "limited");
  // Enough firings: the p99 alone.
  const long = { p99: 15, max: 15, firings: 500, lateShare: 0.015 };
  assert.equal(judgeLoader({ ...healthy, eventLoopDelayMs: long }).verdict, "limited");
});

Deno.test("mergeLoaderSamples() counts the probe's firings and their late share of the wall time", () => {
  const loopDelay = new LatencyHistogram();
  for (let i = 0; i < 4; i++) loopDelay.recordValue(5e6); // four firings 5 ms late
  const sample: WorkerLoaderSample = {
    dispatch: new LatencyHistogram().exportCounts(),
    dispatchLate: 0,
    cpuSec: 0.1,
    wallSec: 1,
    loopDelay: loopDelay.exportCounts(),
    busyNs: 0,
    threads: 1,
  };
  const { eventLoopDelayMs } = mergeLoaderSamples([sample, sample], true);
  assert.equal(eventLoopDelayMs.firings, 8);
  // 8 × 5 ms over 2 s of Worker wall time.
  assert.ok(
    Math.abs(eventLoopDelayMs.lateShare! - 0.02) < 0.0005,
    String(eventLoopDelayMs.lateShare),
  );
});
