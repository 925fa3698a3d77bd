// Every cassandra-stress run judges whether the load generator itself was its limit: a line on
// stderr after the Results block (stdout stays what cassandra-stress prints), the `loader`
// object of the JSON summary, and exit 4 under `-loader fail-if-limited`. A stalled server is
// not the loader's fault: the stall shows in the response time, not in how late the loader
// released the ops that waited for their slot.
import assert from "node:assert/strict";
import { result, runWithFaults } from "./_cql_faults.ts";
import { runAgainst, startNode } from "./_cql_run.ts";
import type { JsonSummary } from "../../lib/report/json_summary.ts";

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const loaderLines = (err: readonly string[]) => err.filter((l) => l.startsWith("Loader: "));

Deno.test("a loader that never yields to its event loop is limited, and exits 4 with fail-if-limited", async () => {
  await withDir(async (dir) => {
    // Ops that complete at once: the loops run on microtasks alone and starve the Worker's
    // timers, so the loader (not a server) sets the pace.
    const args = ["write", "n=400000", "no-warmup", "-rate", "threads=16"];
    const synthetic = ["-node", "synthetic"];
    const failing = await runAgainst(null, [
      ...args,
      "-loader",
      "fail-if-limited",
      "-log",
      "no-settings",
      `json=${dir}/run.json`,
    ], { nodeArgs: synthetic });
    assert.equal(failing.code, 4, failing.err.join("\n"));
    assert.equal(failing.out.at(-1), "END");
    const [line] = loaderLines(failing.err);
    assert.match(line, /^Loader: limited: its event loop was late by [\d.]+ ms at p99 \(/);
    const summary: JsonSummary = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    assert.equal(summary.loader!.verdict, "limited");
    assert.equal(summary.loader!.figures.scheduled, false);
    assert.ok(summary.loader!.figures.eventLoopDelayMs.p99 >= 10);
    // Without the option the verdict is the same, and the exit code is END's.
    const plain = await runAgainst(null, [...args, "-log", "no-settings"], { nodeArgs: synthetic });
    assert.equal(plain.code, 0);
    assert.match(loaderLines(plain.err)[0], /^Loader: limited: /);
  });
});

Deno.test("a closed-model run whose threads are all busy all the time says so", async () => {
  // Ops of 50 ms: a thread runs its own code between two ops for some 20 µs, so even a machine
  // busy enough to stretch that a hundredfold (a preempted thread) leaves it busy over 99% of
  // the time. (With ops of 2 ms, test:load's CPU hog pushed the share below 99%.)
  const run = await runAgainst(null, [
    "write",
    "n=320",
    "no-warmup",
    "-rate",
    "threads=8",
    "-log",
    "no-settings",
  ], { nodeArgs: ["-node", "synthetic:fixed(50000)"] });
  assert.equal(run.code, 0, run.err.join("\n"));
  const lines = loaderLines(run.err);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /; note: all 8 threads had an op in flight (99|100)% of the time: the rate was set by the number of threads and the server's latency$/,
  );
  // stdout is cassandra-stress's: the Results block, then END, nothing of ours.
  assert.equal(run.out.at(-1), "END");
  assert.ok(!run.out.some((l) => l.startsWith("Loader")));
});

Deno.test("a stalled server is not the loader's limit: the stall is in the response time, not the slot lateness", async () => {
  const node = await startNode();
  try {
    await withDir(async (dir) => {
      const run = await runWithFaults(
        node,
        [
          "write",
          "duration=3s",
          "no-warmup",
          "-rate",
          "threads=4",
          "fixed=400/s",
          "-log",
          "interval=500ms",
          `json=${dir}/run.json`,
        ],
        { stall: { everyMs: 600, forMs: 300 } },
        { threads: 4 },
      );
      assert.equal(run.code, 0, run.err.join("\n"));
      assert.ok(result(run.out, "Latency max") >= 250, run.out.join("\n"));
      const summary: JsonSummary = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
      const dispatch = summary.loader!.figures.dispatch!;
      assert.ok(dispatch.ops > 0);
      // The ops queued behind a 300 ms stall started late without waiting for their slot:
      // queueing, not the loader's lateness, which stays far below the stall.
      assert.ok(dispatch.p99Ms < 150, `slot lateness p99 ${dispatch.p99Ms} ms`);
      // Service, response and wait time side by side: the stall is in response and wait time.
      const { serviceMs, responseMs, waitMs } = summary.total.scheduled!;
      assert.ok(responseMs.max >= 250 && waitMs.max >= 200, JSON.stringify(summary.total));
      assert.ok(serviceMs.p50 < responseMs.p99);
    });
  } finally {
    await node.close();
  }
});
