import assert from "node:assert/strict";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { mergeCommand } from "../../lib/tools/merge.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { Prng } from "../../lib/core/prng.ts";
import { UserError } from "../../lib/errors.ts";
import { formatHdrLogHeader, formatHdrLogInterval } from "../../lib/report/hdr_log.ts";
import { mergeHdrLogs } from "../../lib/report/merge_hdr_logs.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";

const BASE_MS = 1_700_000_000_000;

/** A loader's HDR log text (run start `BASE_MS + offsetMs`), and every service time it holds. */
function shardText(seed: number, offsetMs: number, seconds: number): [string, number[]] {
  const prng = new Prng(seed);
  const values: number[] = [];
  let text = formatHdrLogHeader({ startTimeMs: BASE_MS + offsetMs });
  for (let s = 0; s < seconds; s++) {
    const service = new LatencyHistogram();
    const response = new LatencyHistogram();
    const n = 50 + (prng.nextUint32() % 100);
    for (let k = 0; k < n; k++) {
      const valueNs = 100_000 + Math.floor(prng.nextDouble() * 20_000_000);
      service.recordValue(valueNs);
      response.recordValue(valueNs + 1_000_000);
      values.push(valueNs);
    }
    text += formatHdrLogInterval({
      windows: [{ name: "WRITE", service, response, wait: null }],
      startSec: s + (offsetMs % 1000) / 1000,
      lengthSec: 1,
    });
  }
  return [text, values];
}

async function writeShards(dir: string): Promise<{ paths: string[]; values: number[] }> {
  const paths: string[] = [];
  const values: number[] = [];
  for (const [i, offsetMs] of [0, 400, 1_250].entries()) {
    const [text, shardValues] = shardText(i + 1, offsetMs, 8);
    const path = `${dir}/loader-${i}.hdr`;
    await Deno.writeTextFile(path, text);
    paths.push(path);
    values.push(...shardValues);
  }
  return { paths, values };
}

Deno.test("mergeCommand() merges shard logs end to end: output log, rows, Results and --json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths, values } = await writeShards(dir);
    const io = new BufferedIo();
    const out = `${dir}/merged.hdr`;
    const json = `${dir}/merged.json`;
    assert.equal(await mergeCommand([...paths, "--output", out, "--json", json], io), 0);
    assert.deepEqual(io.stderr, []);

    // The output log read back equals the merge of the inputs.
    const inputs = await Promise.all(
      paths.map(async (p) => ({ name: p, ...readHdrLog(await Deno.readTextFile(p), p) })),
    );
    const merged = mergeHdrLogs(inputs);
    const back = readHdrLog(await Deno.readTextFile(out), out);
    assert.equal(back.baseTimeMs, merged.baseTimeMs);
    const expected = merged.intervals.flatMap((i) =>
      ["WRITE-st", "WRITE-rt"].map((tag) => [
        tag,
        i.startSec,
        i.lengthSec,
        i.histograms.get(tag)!.exportCounts(),
      ])
    );
    assert.deepEqual(
      back.intervals.map((i) => [i.tag, i.startSec, i.lengthSec, i.histogram.exportCounts()]),
      expected,
    );
    const all = new LatencyHistogram();
    for (const value of values) all.recordValue(value);
    assert.deepEqual(merged.totals.get("WRITE-st")!.exportCounts(), all.exportCounts());

    // Rows: header, one total row per output interval, then Results as one loader prints it.
    assert.equal(io.stdout[0].slice(0, 20), "type       total ops");
    const rows = io.stdout.filter((l) => l.startsWith("total,"));
    assert.equal(rows.length, merged.intervals.length);
    assert.equal(Number(rows.at(-1)!.split(",")[1]), values.length);
    const results = io.stdout.slice(io.stdout.indexOf("Results:"));
    assert.match(results[1], /^Op rate {19}: +[\d,]+ op\/s {2}\[WRITE: [\d,]+ op\/s\]$/);
    const p99Ms = (all.valueAtPercentile(99) + 1_000_000) / 1e6; // response time (-rt)
    assert.ok(
      results.some((l) => l.startsWith("Latency 99th percentile") && l.includes(p99Ms.toFixed(1))),
    );
    assert.equal(
      results.find((l) => l.startsWith("Total partitions")),
      `Total partitions          : ${values.length.toLocaleString("en-US").padStart(10)} [WRITE: ${
        values.length.toLocaleString("en-US")
      }]`,
    );

    // --json: per tag, per interval, per loader.
    const summary = JSON.parse(await Deno.readTextFile(json));
    assert.equal(summary.total.ops, values.length);
    assert.equal(summary.latencyKind, "response");
    assert.equal(summary.merge.tags["WRITE-st"].count, values.length);
    assert.equal(summary.merge.tags["WRITE-st"].p99, all.valueAtPercentile(99) / 1e6);
    assert.equal(summary.merge.tags["WRITE-st"].max, all.maxNs / 1e6);
    assert.deepEqual(
      Object.keys(summary.merge.tags["WRITE-rt"]).sort(),
      ["count", "max", "mean", "min", "p50", "p75", "p90", "p95", "p99", "p999", "p9999", "stdev"],
    );
    assert.equal(summary.merge.intervals.length, merged.intervals.length);
    assert.equal(
      summary.merge.intervals.reduce(
        (n: number, i: { tags: Record<string, { count: number }> }) => n + i.tags["WRITE-st"].count,
        0,
      ),
      values.length,
    );
    assert.deepEqual(
      summary.merge.loaders.map((l: { name: string; intervals: number }) => [l.name, l.intervals]),
      paths.map((p) => [p, 16]),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() --interval 2s merges pairs of seconds", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths } = await writeShards(dir);
    const io = new BufferedIo();
    await mergeCommand([...paths, "--interval", "2s", "--json", `${dir}/m.json`], io);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/m.json`));
    assert.equal(summary.merge.intervalSec, 2);
    // Each starts where the earliest interval it holds starts: the last holds only the
    // third loader's (1.25 s late) last second.
    assert.deepEqual(
      summary.merge.intervals.map((i: { startSec: number }) => i.startSec),
      [0, 2, 4, 6, 8.25],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function assertUsageError(args: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(
    () => mergeCommand(args, new BufferedIo()),
    (e) => e instanceof UserError && e.exitCode === 2 && pattern.test(e.message),
  );
}

Deno.test("mergeCommand() refuses missing files, tag and unit mismatches in one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths } = await writeShards(dir);
    await assertUsageError([], /^Cannot parse the arguments of "merge": no log given/);
    await assertUsageError([`${dir}/nope.hdr`], /^Cannot read HDR log ".*nope\.hdr": /);
    const text = await Deno.readTextFile(paths[0]);
    const stOnly = `${dir}/st-only.hdr`;
    await Deno.writeTextFile(
      stOnly,
      text.split("\n").filter((l) => !l.startsWith("Tag=WRITE-rt")).join("\n"),
    );
    await assertUsageError(
      [paths[0], stOnly],
      /^Cannot merge HDR log ".*st-only\.hdr": its tags are "WRITE-st", expected "WRITE-rt,WRITE-st"/,
    );
    const micro = `${dir}/micro.hdr`;
    await Deno.writeTextFile(
      micro,
      text.replace("#Logging", "#Latencies in microseconds, logging"),
    );
    await assertUsageError([paths[1], micro], /"[^"]*micro\.hdr": its values are in "us"/);
    // A max column 1000 times the histogram's max: values that are not nanoseconds.
    const scaled = `${dir}/scaled.hdr`;
    await Deno.writeTextFile(
      scaled,
      text.replace(/^(Tag=WRITE-st,[^,]+,[^,]+,)([^,]+)/m, (_, head, max) => head + max * 1000),
    );
    await assertUsageError([paths[1], scaled], /"[^"]*scaled\.hdr": interval "WRITE-st" at /);
    await assertUsageError([paths[0], "--interval", "0s"], /"--interval": "0s"/);
    const empty = `${dir}/empty.hdr`;
    await Deno.writeTextFile(empty, formatHdrLogHeader({ startTimeMs: BASE_MS }));
    await assertUsageError([empty], /"[^"]*empty\.hdr": it has no intervals/);
    // A BaseTime no date holds: one line, not a RangeError from the JSON summary's dates.
    const far = `${dir}/far.hdr`;
    await Deno.writeTextFile(far, text.replace(/BaseTime: \d+/, "BaseTime: 99999999999999"));
    await assertUsageError([far], /"[^"]*far\.hdr": interval "WRITE-(st|rt)" at .* past the year/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() --allow-missing-tags merges a loader that never ran one op type", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-tags-" });
  try {
    const logOf = (ops: Record<string, number>) => {
      let text = formatHdrLogHeader({ startTimeMs: BASE_MS });
      for (let s = 0; s < 3; s++) {
        const windows = Object.entries(ops).map(([name, count]) => {
          const service = new LatencyHistogram();
          for (let k = 0; k < count; k++) service.recordValue(1_000_000 + k * 1000);
          return { name, service, response: null, wait: null };
        });
        text += formatHdrLogInterval({ windows, startSec: s, lengthSec: 1 });
      }
      return text;
    };
    await Deno.writeTextFile(`${dir}/mixed.hdr`, logOf({ READ: 7, WRITE: 5 }));
    await Deno.writeTextFile(`${dir}/writes.hdr`, logOf({ WRITE: 11 }));
    const paths = [`${dir}/mixed.hdr`, `${dir}/writes.hdr`];
    await assertUsageError(paths, /its tags are "WRITE-st", .*--allow-missing-tags merges anyway/);
    const io = new BufferedIo();
    assert.equal(await mergeCommand([...paths, "--allow-missing-tags"], io), 0);
    const total = io.stdout.find((l) => l.startsWith("Total partitions"));
    assert.match(total ?? "", /:\s+69 \[READ: 21, WRITE: 48\]$/, io.stdout.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() --allow-missing-tags counts an unscheduled log's service times as response times", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-tags-" });
  try {
    const logOf = (scheduled: boolean, valueNs: number) => {
      let text = formatHdrLogHeader({ startTimeMs: BASE_MS });
      for (let s = 0; s < 3; s++) {
        const service = new LatencyHistogram();
        const response = new LatencyHistogram();
        for (let k = 0; k < 100; k++) service.recordValue(valueNs);
        for (let k = 0; k < 100; k++) response.recordValue(valueNs * 2);
        const windows = [{
          name: "WRITE",
          service,
          response: scheduled ? response : null,
          wait: scheduled ? service : null,
        }];
        text += formatHdrLogInterval({ windows, startSec: s, lengthSec: 1 });
      }
      return text;
    };
    // 300 unscheduled ops at 1 ms, 300 scheduled ones at 50 ms service and 100 ms response.
    await Deno.writeTextFile(`${dir}/closed.hdr`, logOf(false, 1_000_000));
    await Deno.writeTextFile(`${dir}/fixed.hdr`, logOf(true, 50_000_000));
    const io = new BufferedIo();
    const args = [`${dir}/closed.hdr`, `${dir}/fixed.hdr`, "--allow-missing-tags"];
    assert.equal(await mergeCommand([...args, "--json", `${dir}/m.json`], io), 0);
    const tags = JSON.parse(await Deno.readTextFile(`${dir}/m.json`)).merge.tags;
    assert.equal(tags["WRITE-rt"].count, 600);
    assert.equal(tags["WRITE-st"].count, 600);
    // The median response time is between the two: half the ops took 1 ms, half 100 ms.
    const median = io.stdout.find((l) => l.startsWith("Latency median"));
    assert.match(median ?? "", /:\s+(1\.0|100\.\d) ms/, io.stdout.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() refuses a log given twice and an output file that is one of the logs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths } = await writeShards(dir);
    const before = await Deno.readTextFile(paths[0]);
    const again = paths[0].replace(`${dir}/`, `${dir}/./`);
    await assertUsageError(
      [paths[0], paths[1], again],
      /"[^"]*loader-0\.hdr" again, expected each/,
    );
    await assertUsageError(
      [...paths, "--output", paths[1]],
      /--output ".*": it is the file of the logs, which this command reads/,
    );
    await assertUsageError(
      [...paths, "--json", paths[2]],
      /--json ".*": it is the file of the logs/,
    );
    const out = `${dir}/same`;
    await assertUsageError(
      [...paths, "--output", out, "--json", out],
      /--json ".*same": it is the file of --output,/,
    );
    // A hard link is the file it links to: as a log it is that log again, as an output the log.
    const link = `${dir}/link.hdr`;
    await Deno.link(paths[0], link);
    await assertUsageError([...paths, link], /"[^"]*link\.hdr": it is "[^"]*loader-0\.hdr" again/);
    await assertUsageError(
      [...paths, "--output", link],
      /--output ".*link\.hdr": it is the file of the logs/,
    );
    assert.equal(await Deno.readTextFile(paths[0]), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() leaves out a log with no intervals, with a warning", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths, values } = await writeShards(dir);
    const empty = `${dir}/empty.hdr`;
    const header = (await Deno.readTextFile(paths[0])).split("\n").filter((l) =>
      !l.startsWith("Tag=")
    );
    await Deno.writeTextFile(empty, header.join("\n"));
    const io = new BufferedIo();
    assert.equal(await mergeCommand([...paths, empty, "--json", `${dir}/m.json`], io), 0);
    assert.deepEqual(io.stderr, [
      `warning: HDR log "${empty}" has no intervals; merged without it`,
    ]);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/m.json`));
    assert.equal(summary.merge.loaders.length, 3);
    assert.equal(summary.total.ops, values.length);
    await assertUsageError([empty], /it has no intervals/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() merges a value above one hour as one hour, with a warning", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    // HdrHistogram (Java) 2.1.12, new Histogram(3) holding 2 h and 1 ms: its max column is
    // 2 h, the histograms here end at one hour.
    const line = "0.000,1.000,7202660.155," +
      "HISTFAAAACh42pNpmSzMwMDAwQABzFCakYGB/T8I2H+ACBxcx8h0+TUTEwC/WQq4";
    const log = `${dir}/java.hdr`;
    await Deno.writeTextFile(
      log,
      formatHdrLogHeader({ startTimeMs: BASE_MS }) + `Tag=WRITE-st,${line}\n`,
    );
    const io = new BufferedIo();
    assert.equal(await mergeCommand([log, "--json", `${dir}/m.json`], io), 0);
    assert.deepEqual(io.stderr, [
      'warning: 1 value of "WRITE-st" above one hour counted as one hour ' +
      "(the histograms' highest value; clampedLatencies in --json)",
    ]);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/m.json`));
    assert.equal(summary.total.ops, 2);
    assert.equal(summary.total.clampedLatencies, 1);
    assert.ok(summary.total.latencyMs.max >= 3_600_000, String(summary.total.latencyMs.max));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() leaves out a last line cut short (a loader killed while writing), with a warning", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths, values } = await writeShards(dir);
    const text = await Deno.readTextFile(paths[2]);
    // The last service-time line, and what follows it, is where the loader was killed.
    const lines = text.trimEnd().split("\n");
    lines.length = lines.findLastIndex((line) => line.startsWith("Tag=WRITE-st,")) + 1;
    const last = lines.pop()!;
    const kept = readHdrLog(lines.join("\n") + "\n", "kept").intervals;
    // Killed mid-line: half the last interval's line, no line break after it.
    await Deno.writeTextFile(paths[2], [...lines, last.slice(0, last.length >> 1)].join("\n"));
    const io = new BufferedIo();
    assert.equal(await mergeCommand([...paths, "--json", `${dir}/m.json`], io), 0);
    assert.deepEqual(io.stderr, [
      `warning: HDR log "${paths[2]}": its last line (line ${
        lines.length + 1
      }) is cut short (its loader stopped while writing it); merged without that line`,
    ]);
    const whole = (path: string) => Deno.readTextFile(path).then((t) => readHdrLog(t, path));
    const expected = (await whole(paths[0])).intervals.concat((await whole(paths[1])).intervals)
      .concat(kept).filter((interval) => interval.tag === "WRITE-st")
      .reduce((sum, interval) => sum + interval.histogram.totalCount, 0);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/m.json`));
    assert.equal(summary.total.ops, expected);
    assert.ok(expected < values.length);
    // Anywhere else, or followed by a line break, a bad line is refused.
    await Deno.writeTextFile(paths[2], [...lines, last.slice(0, last.length >> 1), ""].join("\n"));
    await assertUsageError([paths[2]], /line \d+ (is invalid|has an undecodable histogram)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() refuses an --interval shorter than the logs' intervals", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths } = await writeShards(dir);
    await assertUsageError(
      [...paths, "--interval", "300ms"],
      /"0\.3" s is shorter than the logs' intervals \(1 s\)/,
    );
    assert.equal(await mergeCommand([...paths, "--interval", "950ms"], new BufferedIo()), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeCommand() checks --output and --json before writing either: a failure leaves both as they were", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-merge-test-" });
  try {
    const { paths } = await writeShards(dir);
    const out = `${dir}/merged.hdr`;
    await Deno.writeTextFile(out, "an earlier merge");
    const io = new BufferedIo();
    await assert.rejects(
      () => mergeCommand([...paths, "--output", out, "--json", `${dir}/missing/m.json`], io),
      (e) =>
        e instanceof UserError && e.exitCode === 2 &&
        /^Cannot write the file of --json ".*missing\/m\.json": /.test(e.message),
    );
    assert.deepEqual(io.stdout, []);
    assert.equal(await Deno.readTextFile(out), "an earlier merge");
    await assertUsageError([...paths, "--json", dir], /--json ".*": it is a directory/);
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(names, ["loader-0.hdr", "loader-1.hdr", "loader-2.hdr", "merged.hdr"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
