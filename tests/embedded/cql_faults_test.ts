// cassandra-stress runs against an embedded node that injects faults: error responses, dropped
// connections and stalls. What must hold: the run ends as cassandra-stress's would (END, or
// FAILURE with exit 1), errors are counted, retries hide transient errors, the driver reconnects,
// and response times (fixed=) show a stall that service times do not. Faults are armed once
// every Worker has prepared its statement (see _cql_faults.ts), except in the last test: injected
// errors spare a run's set-up (its schema, truncate=), so faults from the start cannot fail it.
import assert from "node:assert/strict";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { parseDistribution } from "../../lib/units/parse_distribution.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { executed, result, runWithFaults } from "./_cql_faults.ts";
import { intervalRows, runAgainst, type RunOutput, startNode } from "./_cql_run.ts";

/** The `total,` interval rows split into their columns. */
function totalRows(out: readonly string[]): string[][] {
  return intervalRows(out).filter((l) => l.startsWith("total,")).map((l) =>
    l.split(",").map((f) => f.trim())
  );
}

const ERRORS_COLUMN = 13;

/** Merges every interval of `tag` in the log. */
function merged(intervals: { tag: string; histogram: LatencyHistogram }[], tag: string) {
  const histogram = new LatencyHistogram();
  for (const interval of intervals) if (interval.tag === tag) histogram.add(interval.histogram);
  return histogram;
}

function context(run: RunOutput): string {
  return `${run.out.join("\n")}\n${run.err.slice(0, 20).join("\n")}`;
}

Deno.test("errorRate 0.2 with -errors ignore: errors are counted per op after its last try and the run ends with END", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir();
  try {
    const hdrFile = `${dir}/errors.hdr`;
    const n = 3000;
    const run = await runWithFaults(
      node,
      [
        "write",
        `n=${n}`,
        "no-warmup",
        "-rate",
        "threads=8",
        "-errors",
        "ignore",
        "retries=1",
        "-log",
        "interval=200ms",
        `hdrfile=${hdrFile}`,
      ],
      // 2 ms a request: the 3000 ops take at least 0.75 s, so over several 200 ms intervals
      // (without it they could all finish within one, leaving one row to check the sums on).
      { errorRate: 0.2, latencyUs: parseDistribution("fixed(2000)") },
      { threads: 8 },
    );
    assert.equal(run.code, 0, context(run));
    assert.equal(run.out.at(-1), "END");
    assert.ok(run.out.includes("  Ignore: true") && run.out.includes("  Tries: 2"));

    // Two tries: an op fails with probability 0.2^2 = 4 %, about 120 of 3000.
    const errors = result(run.out, "Total errors");
    assert.ok(errors >= 40 && errors <= 300, `${errors} errors`);
    const rows = totalRows(run.out);
    assert.ok(rows.length >= 2, context(run));
    assert.equal(rows.reduce((sum, r) => sum + Number(r[ERRORS_COLUMN]), 0), errors);
    assert.ok(run.err.length > 0);
    // Every line the op errors, and the loader verdict last.
    assert.match(run.err.at(-1)!, /^Loader: (ok|limited)/);
    for (const line of run.err.slice(0, -1)) {
      assert.match(
        line,
        /^Operation x2 on key\(s\) \[\d+\]: Error executing: \(ResponseError\): Server is in overloaded state/,
      );
    }
    // Every successful op reached the node once, and nothing else did.
    assert.equal(executed(node) - run.executedBefore, n - errors);

    const log = readHdrLog(await Deno.readTextFile(hdrFile), hdrFile);
    assert.deepEqual([...new Set(log.intervals.map((i) => i.tag))], ["WRITE-st"]);
    assert.equal(log.intervals.length, rows.length);
    const recorded = log.intervals.reduce((sum, i) => sum + i.histogram.totalCount, 0);
    assert.equal(recorded, Number(rows.at(-1)![1]), "the log holds the ops the rows count");
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

// cassandra-stress's Timer.stop records every op, failed or not, in its histograms and op count
// (was /work/corpus_bugs.md "[cql_faults] Ops that fail every try are not timed").
Deno.test("errorRate 0.2 with -errors ignore retries=0: failed ops are timed and counted in total ops like cassandra-stress's", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir();
  try {
    const hdrFile = `${dir}/failed_ops.hdr`;
    const n = 1000;
    const run = await runWithFaults(
      node,
      [
        "write",
        `n=${n}`,
        "no-warmup",
        "-rate",
        "threads=4",
        "-errors",
        "ignore",
        "retries=0",
        "-log",
        "interval=200ms",
        `hdrfile=${hdrFile}`,
      ],
      { errorRate: 0.2 },
      { threads: 4 },
    );
    assert.equal(run.code, 0, context(run));
    assert.ok(result(run.out, "Total errors") > 0);
    assert.equal(Number(totalRows(run.out).at(-1)![1]), n, "total ops counts failed ops");
    const log = readHdrLog(await Deno.readTextFile(hdrFile), hdrFile);
    assert.equal(log.intervals.reduce((sum, i) => sum + i.histogram.totalCount, 0), n);
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("errorRate 0.05: the default 10 tries hide every error; with retries=0 the run ends with FAILURE and still reports", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir();
  try {
    const n = 1500;
    const ok = await runWithFaults(
      node,
      [
        "write",
        `n=${n}`,
        "no-warmup",
        "-rate",
        "threads=4",
        "-log",
        "interval=200ms",
      ],
      { errorRate: 0.05 },
      { threads: 4 },
    );
    assert.equal(ok.code, 0, context(ok));
    assert.equal(ok.out.at(-1), "END");
    assert.ok(ok.out.includes("  Tries: 10"));
    assert.equal(result(ok.out, "Total errors"), 0);
    assert.equal(result(ok.out, "Total partitions"), n);
    // stderr: the loader verdict only (no op error got through).
    assert.deepEqual(ok.err.filter((l) => !l.startsWith("Loader: ")), []);
    assert.equal(executed(node) - ok.executedBefore, n);

    node.setFaults({ errorRate: 0 });
    const hdrFile = `${dir}/failure.hdr`;
    const failed = await runWithFaults(
      node,
      [
        "write",
        `n=${n}`,
        "no-warmup",
        "-rate",
        "threads=4",
        "-errors",
        "retries=0",
        "-log",
        "interval=200ms",
        `hdrfile=${hdrFile}`,
      ],
      { errorRate: 0.05 },
      { threads: 4 },
    );
    assert.equal(failed.code, 1, context(failed));
    assert.equal(failed.out.at(-1), "FAILURE");
    assert.ok(failed.out.includes("  Tries: 1"));
    assert.ok(failed.out.includes("Results:"), context(failed));
    assert.ok(result(failed.out, "Total errors") >= 1);
    assert.ok(result(failed.out, "Total partitions") < n, "the first error stops the run");
    assert.match(
      failed.err[0],
      /^Operation x1 on key\(s\) \[\d+\]: Error executing: \(ResponseError\): Server is in overloaded state/,
    );
    const log = readHdrLog(await Deno.readTextFile(hdrFile), hdrFile);
    assert.ok(log.intervals.length >= 1);
    assert.equal(log.intervals.length, totalRows(failed.out).length);
    assert.ok(log.intervals.every((i) => i.tag === "WRITE-st"));
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dropped connections with -errors ignore: the driver reconnects and the run keeps measuring to a valid summary", async () => {
  const node = await startNode();
  try {
    const run = await runWithFaults(
      node,
      [
        "write",
        "duration=3s",
        "no-warmup",
        "-rate",
        "threads=8",
        "-errors",
        "ignore",
        "-log",
        "interval=500ms",
      ],
      { dropRate: 0.005 },
      { threads: 8 },
    );
    assert.equal(run.code, 0, context(run));
    assert.equal(run.out.at(-1), "END");
    assert.ok(run.executedAtReconnect !== null, "the driver opened a new connection");
    const rows = totalRows(run.out);
    assert.ok(rows.length >= 2, context(run));
    const partitions = result(run.out, "Total partitions");
    const errors = result(run.out, "Total errors");
    // As cassandra-stress's, total ops and partitions count failed ops too.
    assert.equal(Number(rows.at(-1)![1]), partitions, context(run));
    assert.equal(rows.reduce((sum, r) => sum + Number(r[ERRORS_COLUMN]), 0), errors);
    assert.ok(partitions > errors, "some ops succeeded");
    assert.ok(Number.isFinite(result(run.out, "Latency max")));
    assert.ok(result(run.out, "Op rate") > 0);
    // Ops still completed after the driver reconnected.
    assert.ok(executed(node) > run.executedAtReconnect!, `${run.executedAtReconnect} executed`);
  } finally {
    await node.close();
  }
});

Deno.test("a stall with fixed=: response times show it, service times (the HDR log's -st) mostly do not", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir();
  try {
    const hdrFile = `${dir}/stall.hdr`;
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
        `hdrfile=${hdrFile}`,
      ],
      { stall: { everyMs: 600, forMs: 300 } },
      { threads: 4 },
    );
    assert.equal(run.code, 0, context(run));
    assert.equal(run.out.at(-1), "END");
    const p99Ms = result(run.out, "Latency 99th percentile");
    const maxMs = result(run.out, "Latency max");
    assert.ok(p99Ms >= 250 || maxMs >= 250, context(run));

    const log = readHdrLog(await Deno.readTextFile(hdrFile), hdrFile);
    const tags = [...new Set(log.intervals.map((i) => i.tag))].sort();
    assert.deepEqual(tags, ["WRITE-rt", "WRITE-st", "WRITE-wt"]);
    const rows = totalRows(run.out);
    for (const tag of tags) {
      assert.equal(log.intervals.filter((i) => i.tag === tag).length, rows.length, tag);
    }
    const st = merged(log.intervals, "WRITE-st");
    const rt = merged(log.intervals, "WRITE-rt");
    assert.equal(st.totalCount, rt.totalCount);
    assert.equal(st.totalCount, result(run.out, "Total partitions"));
    const stP50Ms = st.valueAtPercentile(50) / 1e6;
    const rtP99Ms = rt.valueAtPercentile(99) / 1e6;
    assert.ok(stP50Ms < 50 && stP50Ms * 5 < rtP99Ms, `st p50 ${stP50Ms} ms, rt p99 ${rtP99Ms} ms`);
    assert.ok(rt.meanNs > st.meanNs * 1.2, `rt mean ${rt.meanNs}, st mean ${st.meanNs}`);
    // Results come from the response times (fixed=), not the service times.
    const meanMs = result(run.out, "Latency mean");
    assert.ok(Math.abs(meanMs - rt.meanNs / 1e6) <= 0.1 + rt.meanNs / 1e6 * 0.02, `${meanMs}`);
    assert.ok(Math.abs(p99Ms - rtP99Ms) <= 0.1 + rtP99Ms * 0.02, `${p99Ms} vs ${rtP99Ms}`);
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a node that answers every workload request with an error still lets each run set itself up", async (t) => {
  // Faults from the start: the schema, a profile's tables and truncate= are the tool's set-up,
  // which injected errors spare, so none of these runs can fail before it starts.
  const node = await startNode({ faults: { errorRate: 1, errorKinds: ["overloaded"] } });
  const keyvalue = new URL("../testdata/profiles/keyvalue.yaml", import.meta.url).pathname;
  try {
    const setUps: string[][] = [
      ["write", "n=0"],
      ["counter_write", "n=0"],
      ["user", `profile=${keyvalue}`, "ops(insert=1)", "n=0"],
    ];
    for (const args of setUps) {
      await t.step(args.join(" "), async () => {
        const run = await runAgainst(node, args);
        assert.equal(run.code, 0, context(run));
        assert.equal(run.out.at(-1), "N=0: SCHEMA CREATED, NOTHING ELSE DONE.", context(run));
        assert.deepEqual(run.err, []);
      });
    }
    await t.step("write truncate=once: every op fails, the run itself does not", async () => {
      const n = 40;
      const run = await runAgainst(node, [
        "write",
        `n=${n}`,
        "no-warmup",
        "truncate=once",
        "-errors",
        "ignore",
        "retries=0",
        "-rate",
        "threads=2",
      ]);
      assert.equal(run.code, 0, context(run));
      assert.equal(run.out.at(-1), "END", context(run));
      assert.equal(result(run.out, "Total errors"), n);
      assert.ok(!run.err.some((line) => line.startsWith("error:")), context(run));
    });
  } finally {
    await node.close();
  }
});
