import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo, type CommandIo } from "../../lib/cli/command_io.ts";
import { runStress } from "../../lib/cql/stress_run.ts";
import { targetOf } from "../../lib/cql/stress_plan.ts";
import { ThreadSearch } from "../../lib/core/thread_search.ts";
import { InterruptedError } from "../../lib/errors.ts";
import { parseStressArgs } from "../../lib/cql/options/parse_stress_args.ts";
import { formatIntervalHeader } from "../../lib/report/interval_rows.ts";

async function run(args: string[]) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

/** Runs runStress in-process with spies for the truncate and sleep hooks. */
async function runWithHooks(
  args: string[],
  options: { io?: BufferedIo; signal?: AbortSignal; onSleep?: () => void } = {},
) {
  const settings = parseStressArgs(args);
  const io = options.io ?? new BufferedIo();
  const sleeps: number[] = [];
  const code = await runStress(settings, targetOf(settings), io, {
    signal: options.signal,
    truncate: (hookIo: CommandIo) => {
      hookIo.out("<truncated>");
      return Promise.resolve();
    },
    sleep: (ms) => {
      sleeps.push(ms);
      options.onSleep?.();
      return Promise.resolve();
    },
  });
  return { code, out: io.stdout, err: io.stderr, sleeps };
}

/** The thread counts of the `Running with N threadCount` lines, each after an empty line. */
function stepThreads(out: readonly string[]): number[] {
  const threads: number[] = [];
  out.forEach((line, i) => {
    const match = /^Running with (\d+) threadCount$/.exec(line);
    if (match === null) return;
    assert.equal(out[i - 1], "", `no empty line before "${line}"`);
    threads.push(Number(match[1]));
  });
  return threads;
}

/** The lines of the final table: from its `id` header up to `END`/`FAILURE`. */
function finalTable(out: readonly string[]): string[] {
  const start = out.findIndex((line) => /^ *id, type /.test(line));
  assert.ok(start > 0, "no id table");
  return out.slice(start, out.length - 1);
}

/** A quick uncertainty-mode step: 3 intervals of 100 ms at most. */
const QUICK = ["err<0.9", "n>2", "n<3", "no-warmup"];
const QUICK_LOG = ["-log", "interval=100ms", "no-settings", "no-summary"];

Deno.test("main() walks threads>=4 threads<=204 step by step, with a table of every step", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, out, err } = await run([
      "read",
      "duration=1s",
      "no-warmup",
      "-rate",
      "threads>=4",
      "threads<=204",
      "-node",
      "synthetic:fixed(200)",
      "-log",
      "interval=250ms",
      "no-settings",
      `hdrfile=${dir}/run.hdr`,
      `json=${dir}/run.json`,
    ]);
    assert.equal(code, 0, err.join("\n"));
    // stderr has the loader verdict only (stdout stays what cassandra-stress prints).
    assert.equal(err.length, 1, err.join("\n"));
    assert.match(err[0], /^Loader: (ok|limited)[ :]/);
    assert.equal(out[0], "Thread count was not specified");
    assert.deepEqual(stepThreads(out), [4, 104, 204]);
    // Each step: its Running line, the interval header, rows, Results, then the improvement.
    for (const threads of [4, 104, 204]) {
      const at = out.indexOf(`Running with ${threads} threadCount`);
      assert.equal(out[at + 1], `Running READ with ${threads} threads 1 seconds`);
      assert.equal(out[at + 2], formatIntervalHeader());
      assert.match(out[at + 3], /^total, /);
    }
    assert.equal(out.filter((line) => line === "Results:").length, 3);
    const improvements = out.filter((line) => line.startsWith("Improvement over"));
    assert.equal(improvements.length, 2);
    assert.match(improvements[0], /^Improvement over 4 threadCount: -?\d+%$/);
    assert.match(improvements[1], /^Improvement over 104 threadCount: -?\d+%$/);
    assert.ok(out.indexOf(improvements[0]) > out.indexOf("Running with 104 threadCount"));
    assert.ok(out.indexOf(improvements[0]) < out.indexOf("Running with 204 threadCount"));
    assert.ok(!out.includes("Sleeping for 15s"), "reads do not pause between steps");

    const table = finalTable(out);
    assert.equal(table[0], `             id, ${formatIntervalHeader()}`);
    assert.deepEqual(table.slice(1).map((line) => line.slice(0, 23)), [
      "  4 threadCount, READ, ",
      "  4 threadCount, total,",
      "104 threadCount, READ, ",
      "104 threadCount, total,",
      "204 threadCount, READ, ",
      "204 threadCount, total,",
    ]);
    assert.equal(out[out.length - 1], "END");
    // Each step's table row holds the step's whole-run op count, as its Results block does.
    const stepOps = table.filter((line) => line.includes(" total,")).map((line) =>
      Number(line.split(",")[2])
    );
    const partitions = out.filter((line) => line.startsWith("Total partitions"))
      .map((line) => Number(/: +([\d,]+)/.exec(line)![1].replaceAll(",", "")));
    assert.deepEqual(stepOps, partitions);

    // The HDR log and the JSON summary cover every step, on one time line.
    const hdr = await Deno.readTextFile(`${dir}/run.hdr`);
    const starts = hdr.split("\n").filter((line) => line.startsWith("Tag=READ-st,"))
      .map((line) => Number(line.split(",")[1]));
    assert.ok(starts.length >= 9, `${starts.length} HDR intervals`);
    assert.ok(starts.every((s, i) => i === 0 || s >= starts[i - 1]));
    assert.ok(starts[starts.length - 1] - starts[0] >= 2, "the log spans the three steps");
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    assert.equal(json.total.ops, stepOps.reduce((a, b) => a + b, 0));
    const times: number[] = json.intervals.map((p: { timeSec: number }) => p.timeSec);
    assert.equal(times.length, out.filter((line) => line.startsWith("total,")).length);
    assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]));
    assert.ok(times[times.length - 1] >= 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() with auto stops once throughput stops improving", async () => {
  // No latency: every step saturates the two Workers, so more threads cannot raise the op
  // rate. cassandra-stress's -rate auto grouping takes no throttle, so this CPU ceiling is the
  // plateau. A flat rate makes the 3-step rule (average improvement < 0) a coin flip per step;
  // err<0.5 adds the 5-step rule (average improvement < 50%), which a flat rate fails by the
  // 7th step or the 8th (the first two steps may still gain while the Workers warm up).
  const { code, out, err } = await run([
    "read",
    "err<0.5",
    "n>2",
    "n<3",
    "no-warmup",
    "-rate",
    "threads>=4",
    "threads<=10000",
    "auto",
    "-node",
    "synthetic",
    ...QUICK_LOG,
  ]);
  assert.equal(code, 0, err.join("\n"));
  assert.equal(out[0], "Thread count was not specified");
  assert.equal(
    out[1],
    "WARNING: uncertainty mode (err<) results in uneven workload between thread runs, so should be used for high level analysis only",
  );
  const threads = stepThreads(out);
  const all = ThreadSearch.steps(4, 10000);
  // Usually 4 to 8 steps; on a loaded machine the rate can still wobble upwards for longer.
  // What must hold: at least the 4 steps the rules need, an early stop long before
  // threads<=, and (below) exactly the stop the rule gives on the measured rates.
  assert.ok(threads.length >= 4 && threads.length < all.length, `stopped after ${threads}`);
  assert.deepEqual(threads, all.slice(0, threads.length));
  assert.ok(all.length > 20);
  assert.ok(out.includes("Running READ with 4 threads until stderr of mean < 0.5"));
  assert.equal(
    out.filter((line) => line.startsWith("Improvement over")).length,
    threads.length - 1,
  );
  const table = finalTable(out);
  assert.equal(table.length, 1 + 2 * threads.length);
  // Replaying the stop rule on the op rates of the table's total rows gives the same steps.
  const search = new ThreadSearch({
    minThreads: 4,
    maxThreads: 10000,
    auto: true,
    targetStderr: 0.5,
  });
  const replayed: number[] = [];
  for (const line of table.filter((row) => row.includes(" total,"))) {
    replayed.push(search.threads);
    search.record(Number(line.split(",")[3]));
  }
  assert.deepEqual(replayed, threads);
  assert.equal(search.done, true);
  assert.equal(out[out.length - 1], "END");
});

Deno.test("runStress() pauses 15 s between the steps of a write, and not after the last", async () => {
  const { code, out, sleeps } = await runWithHooks([
    "write",
    ...QUICK,
    "-rate",
    "threads>=4",
    "threads<=204",
    "-node",
    "synthetic:fixed(200)",
    ...QUICK_LOG,
  ]);
  assert.equal(code, 0);
  assert.deepEqual(stepThreads(out), [4, 104, 204]);
  assert.deepEqual(sleeps, [15_000, 15_000]);
  const pauses = out.flatMap((line, i) => (line === "Sleeping for 15s" ? [i] : []));
  assert.equal(pauses.length, 2);
  // The pause follows the step's improvement line (none after the first step).
  assert.equal(out[pauses[0] + 2], "Running with 104 threadCount");
  assert.match(out[pauses[1] - 1], /^Improvement over 4 threadCount: /);
  assert.equal(out[pauses[1] + 2], "Running with 204 threadCount");
  assert.deepEqual(out.filter((line) => line === "<truncated>"), []);
});

Deno.test("runStress() truncates as truncate=once|always asks", async (t) => {
  const rate = ["-rate", "threads>=4", "threads<=104"];
  const node = ["-node", "synthetic:fixed(200)"];
  await t.step("once: before the search, after the warm-up", async () => {
    const { out } = await runWithHooks([
      "read",
      "err<0.9",
      "n>2",
      "n<3",
      "truncate=once",
      ...rate,
      "-node",
      "synthetic",
      ...QUICK_LOG,
    ]);
    assert.deepEqual(out.filter((line) => line === "<truncated>").length, 1);
    const at = out.indexOf("<truncated>");
    assert.match(out[at - 1], /^Warming up READ with 50000 iterations\.\.\.$/);
    assert.equal(out[at + 1], "Thread count was not specified");
  });
  await t.step("always: before every step", async () => {
    const { out } = await runWithHooks([
      "read",
      ...QUICK,
      "truncate=always",
      ...rate,
      ...node,
      ...QUICK_LOG,
    ]);
    const marks = out.flatMap((line, i) => (line === "<truncated>" ? [out[i - 1]] : []));
    assert.deepEqual(marks, ["Running with 4 threadCount", "Running with 104 threadCount"]);
  });
  await t.step("always with a fixed thread count: once, before the run", async () => {
    const { out } = await runWithHooks([
      "read",
      ...QUICK,
      "truncate=always",
      "-rate",
      "threads=4",
      ...node,
      ...QUICK_LOG,
    ]);
    assert.deepEqual(out.slice(0, 2), [
      "<truncated>",
      "Running READ with 4 threads until stderr of mean < 0.9",
    ]);
  });
  await t.step("never: not at all", async () => {
    const { out } = await runWithHooks(["read", ...QUICK, ...rate, ...node, ...QUICK_LOG]);
    assert.ok(!out.includes("<truncated>"));
  });
});

Deno.test("runStress() ends a search interrupted during a pause with FAILURE and no table, the JSON naming the search", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const controller = new AbortController();
    const io = new BufferedIo();
    await assert.rejects(
      runWithHooks(
        [
          "write",
          ...QUICK,
          "-rate",
          "threads>=4",
          "threads<=204",
          "-node",
          "synthetic",
          ...QUICK_LOG,
          `json=${dir}/run.json`,
        ],
        { io, signal: controller.signal, onSleep: () => controller.abort() },
      ),
      InterruptedError,
    );
    assert.deepEqual(stepThreads(io.stdout), [4]);
    assert.deepEqual(io.stdout.slice(-2), ["Sleeping for 15s", "FAILURE"]);
    assert.ok(!io.stdout.some((line) => /^ *id, type /.test(line)));
    // Between the steps of a search, not in the summary after a completed run.
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    assert.equal(summary.aborted, "interrupted during the thread search");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() refuses search and uncertainty bounds that contradict each other (docs/cassandra-stress.md)", async () => {
  for (
    const [args, named] of [
      [
        ["read", "n=100", "-rate", "threads<=2"],
        /"-rate threads<": "threads<=2" is below threads>=4/,
      ],
      [["read", "n=100", "-rate", "threads>=2000"], /"threads<=1000" is below threads>=2000/],
      [["write", "err<0.05", "n<5"], /"write n<": "5" is below n>30/],
      [["write", "n>0"], /"write n>": "0" is out of range/],
    ] as const
  ) {
    const { code, out, err } = await run([...args, "-node", "synthetic", "--dry-run"]);
    assert.equal(code, 2, args.join(" "));
    assert.deepEqual(out, []);
    assert.match(err.join("\n"), named);
  }
});
