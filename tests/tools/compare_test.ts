import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { compareCommand } from "../../lib/tools/compare.ts";
import { UsageError } from "../../lib/errors.ts";
import type { JsonIntervalPoint, JsonSummary } from "../../lib/report/json_summary.ts";

interface Series {
  opsPerSec: readonly number[];
  p50Ms?: readonly number[];
  p99Ms?: readonly number[];
}

/** A JSON summary (the real format) with the given per-interval series, 1 s intervals. */
function summary(command: string, series: Series): JsonSummary {
  const intervals: JsonIntervalPoint[] = series.opsPerSec.map((opsPerSec, i) => ({
    timeSec: i + 1,
    ops: Math.round(opsPerSec),
    opsPerSec,
    errors: 0,
    p50Ms: series.p50Ms?.[i] ?? 1,
    p99Ms: series.p99Ms?.[i] ?? 5,
    maxMs: 12,
  }));
  const mean = (values: readonly number[]): number =>
    values.reduce((sum, v) => sum + v, 0) / values.length;
  const stats = {
    ops: 10_000,
    partitions: 10_000,
    rows: 10_000,
    errors: 0,
    opsPerSec: mean(series.opsPerSec),
    partitionsPerSec: mean(series.opsPerSec),
    rowsPerSec: mean(series.opsPerSec),
    clampedLatencies: 0,
    latencyMs: {
      mean: 1.4,
      min: 0.2,
      max: 12,
      stdev: 0.8,
      p50: mean(series.p50Ms ?? [1]),
      p75: 1.6,
      p90: 2.5,
      p95: 3.25,
      p99: mean(series.p99Ms ?? [5]),
      p999: 9.5,
      p9999: 11.75,
    },
  };
  return {
    formatVersion: 1,
    command,
    shard: null,
    settings: {},
    startTime: "2024-01-01T00:00:00.000Z",
    startTimeMs: 1_704_067_200_000,
    endTime: "2024-01-01T00:00:10.000Z",
    endTimeMs: 1_704_067_210_000,
    elapsedSec: series.opsPerSec.length,
    latencyKind: "service",
    aborted: null,
    total: stats,
    ops: { WRITE: stats },
    intervals,
  };
}

const BASE: Series = {
  opsPerSec: [1000, 1012, 991, 1004, 996, 1009, 993, 1001],
  p50Ms: [1.0, 1.02, 0.98, 1.01, 0.99, 1.0, 1.01, 0.99],
  p99Ms: [5.0, 5.3, 4.8, 5.1, 4.9, 5.2, 4.9, 5.0],
};
/** 3% less throughput, 40% more p99: both far beyond the noise. */
const SLOWER: Series = {
  opsPerSec: BASE.opsPerSec.map((x) => x * 0.97),
  p50Ms: BASE.p50Ms,
  p99Ms: BASE.p99Ms!.map((x) => x * 1.4),
};

async function withFiles(
  files: Record<string, unknown>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "compare_test_" });
  try {
    for (const [name, content] of Object.entries(files)) {
      await Deno.writeTextFile(
        `${dir}/${name}`,
        typeof content === "string" ? content : JSON.stringify(content),
      );
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function compare(args: string[]): Promise<{ code: number; out: string[] }> {
  const io = new BufferedIo();
  const code = await compareCommand(args, io);
  assert.deepEqual(io.stderr, []);
  return { code, out: io.stdout };
}

Deno.test("compareCommand() prints the side-by-side table", async (t) => {
  await withFiles({
    "a.json": summary("write duration=8s", BASE),
    "b.json": summary("write duration=8s -rate threads=4", SLOWER),
  }, async (dir) => {
    const { code, out } = await compare([`${dir}/a.json`, `${dir}/b.json`]);
    assert.equal(code, 0, "a 3% throughput drop is within the default 5% threshold");
    await t.assertSnapshot(out.map((line) => line.replaceAll(dir, "<dir>")));
  });
});

Deno.test("compareCommand() exits 1 when the chosen metric regressed beyond the threshold", async () => {
  await withFiles({ "a.json": summary("a", BASE), "b.json": summary("b", SLOWER) }, async (dir) => {
    const a = `${dir}/a.json`;
    const b = `${dir}/b.json`;
    const p99 = await compare([a, b, "--metric", "p99"]);
    assert.equal(p99.code, 1);
    assert.match(
      p99.out.at(-1)!,
      /^Result: p99 regressed by 40\.0% \(p < 0\.0001 < alpha 0\.05\), beyond the threshold of 5\.0%$/,
    );
    assert.equal((await compare([a, b, "--threshold", "2%"])).code, 1);
    const within = await compare([a, b, "--metric", "p99", "--threshold", "50%"]);
    assert.equal(within.code, 0);
    assert.match(within.out.at(-1)!, /^Result: p99 is worse by 40\.0% .*within the threshold/);
    // B against A is an improvement, never a failure.
    const better = await compare([b, a, "--metric", "p99", "--threshold", "0%"]);
    assert.equal(better.code, 0);
    assert.match(better.out.at(-1)!, /^Result: p99 improved by 28\.6% /);
    // The same p50 series: no significant change.
    const same = await compare([a, b, "--metric", "p50", "--threshold", "0"]);
    assert.equal(same.code, 0);
    assert.equal(
      same.out.at(-1),
      "Result: no significant change in p50 (p = 1.0000 >= alpha 0.05)",
    );
  });
});

Deno.test("compareCommand() does not fail a large change that is not significant", async () => {
  // B's mean is 10% lower, but its intervals swing by half: p is far above alpha.
  const noisy: Series = { opsPerSec: [500, 1400, 450, 1350, 520, 1300, 480, 1200] };
  await withFiles({ "a.json": summary("a", BASE), "b.json": summary("b", noisy) }, async (dir) => {
    const { code, out } = await compare([`${dir}/a.json`, `${dir}/b.json`, "--threshold", "1%"]);
    assert.equal(code, 0);
    assert.match(out.at(-1)!, /^Result: no significant change in throughput \(p = 0\.\d+/);
  });
});

Deno.test("compareCommand() writes --json", async () => {
  await withFiles({ "a.json": summary("a", BASE), "b.json": summary("b", SLOWER) }, async (dir) => {
    const { code } = await compare([
      `${dir}/a.json`,
      `${dir}/b.json`,
      "--metric",
      "p99",
      "--json",
      `${dir}/out.json`,
    ]);
    assert.equal(code, 1);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/out.json`));
    assert.equal(json.metric, "p99");
    assert.equal(json.regressed, true);
    assert.equal(json.thresholdRatio, 0.05);
    const p99 = json.metrics.find((m: { name: string }) => m.name === "p99");
    assert.equal(p99.verdict, "worse");
    assert.equal(p99.test.intervalsA, 8);
  });
});

Deno.test("compareCommand() rejects bad input with one usage error", async (t) => {
  const short = summary("short", { opsPerSec: [1000, 1000] });
  const files = {
    "a.json": summary("a", BASE),
    "short.json": short,
    "text.json": "not json {",
    "other.json": { total: { opsPerSec: 1, latencyMs: { mean: 1 } }, intervals: [] },
    "list.json": [1, 2],
    "run.hdr": "#[Histogram log format version 1.3]\n#[BaseTime: 0.000 (seconds since epoch)]\n",
  };
  await withFiles(files, async (dir) => {
    const cases: [string, string[], string][] = [
      [
        "a missing file",
        [`${dir}/a.json`, `${dir}/nope.json`],
        `Cannot read "${dir}/nope.json": it does not exist, expected the file of -log json=, query run --json or checkout load --json`,
      ],
      [
        "a file that is not JSON",
        [`${dir}/text.json`, `${dir}/a.json`],
        `Cannot read "${dir}/text.json": it is not valid JSON, expected the file of -log json=, query run --json or checkout load --json`,
      ],
      [
        "an HDR log",
        [`${dir}/run.hdr`, `${dir}/a.json`],
        `Cannot read "${dir}/run.hdr": it is an HDR log, not a JSON summary, expected the file of -log json=, query run --json or checkout load --json (stress merge "${dir}/run.hdr" --json FILE makes one from the log)`,
      ],
      [
        "JSON that is not a summary",
        [`${dir}/a.json`, `${dir}/other.json`],
        `Cannot read "${dir}/other.json": it is not a JSON summary ("total.latencyMs.p50" is not a number), expected the file of -log json=, query run --json or checkout load --json`,
      ],
      [
        "a JSON list",
        [`${dir}/list.json`, `${dir}/a.json`],
        `Cannot read "${dir}/list.json": it is not a JSON summary (it is not an object), expected the file of -log json=, query run --json or checkout load --json`,
      ],
      [
        "fewer than 3 intervals",
        [`${dir}/a.json`, `${dir}/short.json`],
        `Cannot compare "throughput": "${dir}/short.json" has 2 usable intervals, expected at least 3 (run longer or set a shorter interval: -log interval=, or --interval)`,
      ],
      [
        "mean without a per-interval series",
        [`${dir}/a.json`, `${dir}/a.json`, "--metric", "mean"],
        `Cannot compare "mean": the intervals have no "meanMs" values`,
      ],
      [
        "an unknown metric",
        [`${dir}/a.json`, `${dir}/a.json`, "--metric", "p95"],
        'Cannot parse --metric: "p95" is invalid, expected one of throughput, p50, p99, mean',
      ],
      [
        "a bad threshold",
        [`${dir}/a.json`, `${dir}/a.json`, "--threshold=-5%"],
        'Cannot parse --threshold: "-5%" is invalid, expected a percentage such as 5% or 0.5%',
      ],
      [
        "a bad alpha",
        [`${dir}/a.json`, `${dir}/a.json`, "--alpha", "1"],
        'Cannot parse --alpha: "1" is invalid, expected a number between 0 and 1 such as 0.05',
      ],
      [
        "one file",
        [`${dir}/a.json`],
        'Cannot parse the arguments of "compare": 1 file given, expected two, A.json B.json',
      ],
      [
        "an unwritable --json",
        [`${dir}/a.json`, `${dir}/a.json`, "--json", `${dir}/no/such/dir/out.json`],
        `Cannot write the file of --json "${dir}/no/such/dir/out.json"`,
      ],
    ];
    for (const [name, args, message] of cases) {
      await t.step(name, async () => {
        const io = new BufferedIo();
        const error = await compareCommand(args, io).then(
          () => assert.fail("no error"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof UsageError, String(error));
        assert.equal(error.exitCode, 2);
        assert.ok(error.message.startsWith(message), error.message);
        assert.deepEqual(io.stdout, [], "nothing printed");
      });
    }
  });
});

/** The message of the UsageError that `compare ARGS` throws, and what it printed first. */
async function usageError(args: string[]): Promise<{ message: string; out: string[] }> {
  const io = new BufferedIo();
  const error = await compareCommand(args, io).then(() => assert.fail("no error"), (e) => e);
  assert.ok(error instanceof UsageError, String(error));
  return { message: error.message, out: io.stdout };
}

Deno.test("compareCommand() refuses a --json that names A or B, which stays whole", async () => {
  await withFiles({ "a.json": summary("a", BASE), "b.json": summary("b", SLOWER) }, async (dir) => {
    const before = await Deno.readTextFile(`${dir}/a.json`);
    for (const [path, run] of [[`${dir}/./a.json`, "A"], [`${dir}/b.json`, "B"]]) {
      const { message, out } = await usageError([
        `${dir}/a.json`,
        `${dir}/b.json`,
        "--json",
        path,
      ]);
      assert.equal(
        message,
        `Cannot write the file of --json "${path}": it is the file of run ${run}, which this command reads, expected a file of its own`,
      );
      assert.deepEqual(out, [], "nothing printed");
    }
    assert.equal(await Deno.readTextFile(`${dir}/a.json`), before);
  });
});

Deno.test("compareCommand() says which run stopped early", async () => {
  const stopped = { ...summary("b", SLOWER), aborted: "interrupted during the measured run" };
  const short = { ...summary("c", { opsPerSec: [900, 950] }), aborted: "Cannot connect" };
  await withFiles(
    { "a.json": summary("a", BASE), "b.json": stopped, "c.json": short },
    async (dir) => {
      const { out } = await compare([`${dir}/a.json`, `${dir}/b.json`]);
      assert.equal(out[0], `A: ${dir}/a.json (8 intervals): a`);
      assert.equal(
        out[1],
        `B: ${dir}/b.json (8 intervals, stopped early: interrupted during the measured run): b`,
      );
      const { message } = await usageError([`${dir}/a.json`, `${dir}/c.json`]);
      assert.equal(
        message,
        `Cannot compare "throughput": "${dir}/c.json" has 2 usable intervals, expected at least 3 (run longer or set a shorter interval: -log interval=, or --interval); "${dir}/c.json" stopped early: Cannot connect`,
      );
    },
  );
});

Deno.test("compareCommand() never prints a p-value on the wrong side of alpha", async () => {
  await withFiles({ "a.json": summary("a", BASE), "b.json": summary("b", SLOWER) }, async (dir) => {
    const files = [`${dir}/a.json`, `${dir}/b.json`, "--metric", "p99"];
    const tiny = await compare([...files, "--alpha", "0.00001"]);
    assert.match(
      tiny.out.at(-1)!,
      /^Result: p99 regressed by 40\.0% \(p = \d\.\de-\d+ < alpha 0\.00001\)/,
    );
    const usual = await compare([...files, "--alpha", "0.01"]);
    assert.match(usual.out.at(-1)!, /\(p < 0\.0001 < alpha 0\.01\)/);
  });
});

Deno.test("compareCommand() compares a merged query run (merge, analyze) with a single one", async () => {
  const single = {
    command: "query run",
    queriesPerSec: 1000,
    latencyMs: { mean: 1.4, p50: 1, p95: 3, p99: 5, p999: 9 },
    intervals: BASE.opsPerSec.map((opsPerSec, i) => ({
      timeSec: i + 1,
      ops: opsPerSec,
      opsPerSec,
      p50Ms: 1,
      p99Ms: 5,
    })),
  };
  const merged = (command: string, op: string) => {
    const base = summary(command, SLOWER);
    return { ...base, ops: { [op]: base.total }, merge: { loaders: [] } };
  };
  await withFiles({
    "single.json": single,
    "analyzed.json": merged(
      "analyze 2 -- query run --url postgres://127.0.0.1/h --file q.csv",
      "X",
    ),
    "merged.json": merged("merge a.hdr b.hdr", "QUERY"),
    "write.json": merged("merge a.hdr b.hdr", "WRITE"),
  }, async (dir) => {
    for (const other of ["analyzed.json", "merged.json"]) {
      const { code, out } = await compare([`${dir}/single.json`, `${dir}/${other}`]);
      assert.equal(code, 0, out.join("\n"));
      assert.match(out.at(-1)!, /^Result: throughput is worse by 3\.0%/);
    }
    await assert.rejects(
      () => compareCommand([`${dir}/single.json`, `${dir}/write.json`], new BufferedIo()),
      /one is a query run summary, the other a stress summary/,
    );
  });
});

Deno.test("compareCommand() prints its help", async () => {
  const { code, out } = await compare(["--help"]);
  assert.equal(code, 0);
  assert.ok(out[0].startsWith("Usage: stress compare A.json B.json"));
});

// ---- the test: two real runs of the synthetic target ----

/**
 * Runs `write` on the synthetic target with the latency distribution `latencyUs` (µs) for 3 s
 * with 100 ms intervals (about 30 of them), and writes its JSON summary to `path`.
 */
async function runSynthetic(latencyUs: string, path: string): Promise<void> {
  const io = new BufferedIo();
  const code = await main([
    "write",
    "duration=3s",
    "no-warmup",
    "-rate",
    "threads=16",
    "-node",
    `synthetic:${latencyUs}`,
    "-log",
    `json=${path}`,
    "interval=100ms",
  ], { io, signal: new AbortController().signal });
  assert.equal(code, 0, io.stderr.join("\n"));
}

/**
 * The same gate for both cases: p99, a 50% threshold, alpha 0.01.
 *
 * Why the "same" case cannot flake: a false alarm needs B's mean interval p99 to be more than
 * 50% above A's AND that difference to be significant at 1%, with the errors already widened
 * for autocorrelation. The real risk is a systematic difference between the runs, such as one
 * run sharing the two cores with other tests and the other not; so the two runs of a pair run
 * at the same time, in the same process, and see the same load. Latencies of 10 to 20 ms keep
 * scheduling noise small next to the values: +50% needs a sustained extra 10 ms in one run
 * only.
 *
 * Why the "different" case cannot flake: the p-value is two-sided and each run's effective
 * interval count falls to its floor of 2 when the machine's load changes in steps during the
 * run (a step makes neighbouring intervals alike: lag-1 autocorrelation near 0.9). Welch's t
 * then has about 2 degrees of freedom and needs t > 9.9 for p < 0.01. A load step that moves
 * both runs' interval p99 by D ms gives each mean a standard error of about D / (2 sqrt 2), so
 * the difference must exceed about 5 D. CI once saw A's interval p99s stretched from 20 to
 * over 30 ms by the parallel suite (B at 80 to 100 ms: +73 ms, p = 0.03). B now takes 400 to
 * 500 ms: a difference of about 450 ms, which stays significant for steps up to about 90 ms,
 * four times A's whole latency.
 */
const GATE = ["--metric", "p99", "--threshold", "50%", "--alpha", "0.01"];

async function runPair(
  latencyA: string,
  latencyB: string,
): Promise<{ code: number; out: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "compare_e2e_" });
  try {
    await Promise.all([
      runSynthetic(latencyA, `${dir}/a.json`),
      runSynthetic(latencyB, `${dir}/b.json`),
    ]);
    return await compare([`${dir}/a.json`, `${dir}/b.json`, ...GATE]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("compare flags two synthetic runs with different latency distributions", async () => {
  const { code, out } = await runPair("uniform(10000..20000)", "uniform(400000..500000)");
  assert.equal(code, 1, out.join("\n"));
  assert.match(out.at(-1)!, /^Result: p99 regressed by \d+\.\d% \(p /);
  const p99 = out.find((line) => line.startsWith("p99 (ms)"))!;
  assert.match(p99, /worse$/);
});

Deno.test("compare does not flag two synthetic runs of the same latency distribution", async () => {
  const { code, out } = await runPair("uniform(10000..20000)", "uniform(10000..20000)");
  assert.equal(code, 0, out.join("\n"));
  assert.doesNotMatch(out.at(-1)!, /regressed/);
});
