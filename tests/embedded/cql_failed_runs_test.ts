// Runs in which every op fails, against the embedded node: never a success that did not happen.
// An op that fails every try, or is still retrying when the run ends, counts as an error; without
// -errors ignore the run ends with FAILURE and exit 1, as cassandra-stress's does; with ignore,
// every op is counted as an error and the run ends with END (the real tool's run 08).
import assert from "node:assert/strict";
import { result, runWithFaults } from "./_cql_faults.ts";
import { runAgainst, type RunOutput, startNode } from "./_cql_run.ts";

function context(run: RunOutput): string {
  return `${run.out.join("\n")}\n${run.err.slice(0, 20).join("\n")}`;
}

/** The tries of each `Operation xN on key(s) ...` line on stderr. */
function triesOf(err: readonly string[]): number[] {
  return err.flatMap((line) => {
    const match = /^Operation x(\d+) on key\(s\) /.exec(line);
    return match === null ? [] : [Number(match[1])];
  });
}

/** Checks that `run` failed as cassandra-stress's does, every measured op an error. */
function assertFailedRun(run: RunOutput, error: RegExp): void {
  assert.equal(run.code, 1, context(run));
  assert.equal(run.out.at(-1), "FAILURE", context(run));
  const errors = result(run.out, "Total errors");
  assert.ok(errors > 0, `Total errors is ${errors} although every op failed\n${context(run)}`);
  assert.ok(run.err.length > 0 && run.err.every((line) => error.test(line)), context(run));
}

Deno.test("write -col n=FIXED(8) on a five-column table: every op fails, the run ends with FAILURE and counts its errors", async () => {
  const node = await startNode();
  try {
    const setup = await runAgainst(node, ["write", "n=100", "no-warmup", "-rate", "threads=2"]);
    assert.equal(setup.code, 0, context(setup));
    const run = await runAgainst(node, [
      "write",
      "duration=3s",
      "-col",
      "n=FIXED(8)",
      "-rate",
      "threads=8",
    ]);
    assertFailedRun(run, /^Operation x\d+ on key\(s\) \[\d+\]: .*Undefined column name "?C5"?/);
    // No op wrote its row, so every op counted is an error.
    assert.equal(result(run.out, "Total partitions"), result(run.out, "Total errors"));
  } finally {
    await node.close();
  }
});

Deno.test("a duration run against a node that rejects every op ends with FAILURE and counts its errors", async () => {
  const node = await startNode();
  try {
    const run = await runWithFaults(
      node,
      ["write", "duration=2s", "no-warmup", "-rate", "threads=8"],
      { errorRate: 1 },
      { threads: 8 },
    );
    assertFailedRun(run, /^Operation x\d+ on key\(s\) \[\d+\]: .*Server is in overloaded state/);
  } finally {
    await node.close();
  }
});

Deno.test("a duration run whose ops are all in their back-off when it ends counts them as errors and fails", async () => {
  const node = await startNode();
  try {
    // 21 tries 100, 200, 400 ... ms apart take minutes: at 2 s every op is still retrying.
    const run = await runWithFaults(
      node,
      [
        "write",
        "duration=2s",
        "no-warmup",
        "-rate",
        "threads=8",
        "-errors",
        "retries=20",
        "delay-policy=exponential",
        "min-delay-ms=100",
      ],
      { errorRate: 1 },
      { threads: 8 },
    );
    assertFailedRun(run, /^Operation x\d+ on key\(s\) \[\d+\]: .*Server is in overloaded state/);
    const tries = triesOf(run.err);
    assert.ok(tries.length > 0 && tries.every((n) => n < 21), `tries ${tries}`);
  } finally {
    await node.close();
  }
});

Deno.test("a run like the real tool's run 08 (every op fails, -errors ignore) counts every op as an error and ends with END", async () => {
  const node = await startNode();
  try {
    const setup = await runAgainst(node, ["write", "n=100", "no-warmup", "-rate", "threads=2"]);
    assert.equal(setup.code, 0, context(setup));
    const n = 2000;
    const run = await runAgainst(node, [
      "write",
      `n=${n}`,
      "cl=ALL",
      "-col",
      "n=FIXED(8)",
      "-errors",
      "ignore",
      "-rate",
      "threads=8",
    ]);
    assert.equal(run.code, 0, context(run));
    assert.equal(run.out.at(-1), "END");
    assert.equal(result(run.out, "Total errors"), n);
    assert.equal(result(run.out, "Total partitions"), n);
    // Retries are immediate by default: 10 tries of every op, no back-off.
    const tries = triesOf(run.err);
    assert.ok(tries.length > 0 && tries.every((t) => t === 10), `tries ${tries.slice(0, 20)}`);
    // With the old default back-off (10 ms doubling) each op would wait about 10 s: 2,000
    // ops on 8 threads about 40 minutes. A loaded host stays far below a minute.
    const time = run.out.find((line) => line.startsWith("Total operation time"));
    assert.match(time ?? "", /: 00:00:\d\d$/, context(run));
  } finally {
    await node.close();
  }
});

Deno.test("a Worker that cannot start in the warm-up ends the run there: one error, no Results of nothing", async () => {
  const node = await startNode();
  try {
    const run = await runAgainst(node, ["read", "n=100", "-schema", "keyspace=nosuch"]);
    assert.equal(run.code, 1, context(run));
    // The measured run would only have failed the same way, after a Results block of NaN.
    assert.ok(!run.out.includes("Results:"), context(run));
    assert.ok(!run.out.some((line) => line.startsWith("Running READ")), context(run));
    // Once, as the run's error line (the Worker's own log line is not printed as well).
    assert.deepEqual(run.err, ["error: Worker 0 failed: Keyspace 'nosuch' does not exist"]);
  } finally {
    await node.close();
  }
});

Deno.test("a read or counter_read of a keyspace that is not there prints its failure once, keeping exit 1", async (t) => {
  const node = await startNode();
  try {
    const missing = "error: Worker 0 failed: Keyspace 'keyspace1' does not exist";
    for (const command of ["read", "counter_read"]) {
      await t.step(`${command}: in the warm-up, nothing after it`, async () => {
        const run = await runAgainst(node, [command, "n=100", "-rate", "threads=2"]);
        assert.equal(run.code, 1, context(run));
        assert.deepEqual(run.err, [missing], context(run));
      });
      await t.step(`${command} no-warmup: FAILURE, then the error line`, async () => {
        const run = await runAgainst(node, [command, "n=100", "no-warmup", "-rate", "threads=2"]);
        assert.equal(run.code, 1, context(run));
        assert.equal(run.out.at(-1), "FAILURE", context(run));
        assert.deepEqual(run.err, [missing], context(run));
      });
    }
    await t.step("-log level=minimal: the same one line", async () => {
      const run = await runAgainst(node, ["read", "n=100", "-log", "level=minimal"]);
      assert.equal(run.code, 1, context(run));
      assert.deepEqual(run.err, [missing], context(run));
    });
  } finally {
    await node.close();
  }
});
