// `stress analyze N -- CMD` as N shard processes on one host: against an embedded CQL node
// started by the test (every key of the population written exactly once) and the synthetic
// target (merged totals, each process's shard), and the flags analyze refuses.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import type { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { queryNode, runAgainst, startNode } from "../embedded/_cql_run.ts";

async function stress(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

/** The value of a `Results:` line, e.g. `Total partitions          :      3,000 [...]`. */
function resultValue(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label));
  assert.ok(line, `no "${label}" line in\n${out.join("\n")}`);
  return Number(/:\s+([0-9,]+)/.exec(line)![1].replaceAll(",", ""));
}

/** How many prepared writes to keyspace1.standard1 the node executed. */
function writesExecuted(node: CqlServer): number {
  return node.statementLog()
    .filter((s) => s.kind === "execute" && /^(UPDATE|INSERT)\b/i.test(s.text))
    .filter((s) => s.text.includes("standard1"))
    .reduce((sum, s) => sum + s.count, 0);
}

async function storedKeys(node: CqlServer): Promise<string[]> {
  const rows = await queryNode(node, "SELECT key FROM keyspace1.standard1");
  return rows.map((row) => [...(row.get("key") as Uint8Array)].map((b) => b.toString(16)).join(","))
    .sort();
}

Deno.test("analyze 3 -- write against the embedded node writes every key of the population exactly once", async () => {
  const node = await startNode();
  const single = await startNode();
  try {
    const { code, out, err } = await stress([
      "analyze",
      "3",
      "--",
      "write",
      "n=3000",
      "no-warmup",
      "-pop",
      "seq=1..3000",
      "-rate",
      "threads=4",
      "-node",
      "127.0.0.1",
      "-port",
      `native=${node.port}`,
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    assert.deepEqual(out.filter((l) => l.startsWith("process ")), [
      "process 1: Shard 0/3: n=1000, seeds 1..1000",
      "process 2: Shard 1/3: n=1000, seeds 1001..2000",
      "process 3: Shard 2/3: n=1000, seeds 2001..3000",
    ]);
    assert.ok(out.includes("3 processes run in total"));
    // The merged Results: block counts every process's ops once.
    assert.equal(resultValue(out, "Total partitions"), 3000);
    // The node executed 3000 writes and holds 3000 distinct keys: none written twice.
    assert.equal(writesExecuted(node), 3000);
    const keys = await storedKeys(node);
    assert.equal(new Set(keys).size, 3000);
    // The keys are the population's: those one loader writes with the same command.
    const one = await runAgainst(single, ["write", "n=3000", "no-warmup", "-rate", "threads=4"]);
    assert.equal(one.code, 0, one.err.join("\n"));
    assert.deepEqual(keys, await storedKeys(single));
  } finally {
    await node.close();
    await single.close();
  }
});

Deno.test("analyze 2 -- write against the synthetic target merges both shards' logs into one run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const json = `${dir}/merged.json`;
    const { code, out, err } = await stress([
      "analyze",
      "2",
      "--keep",
      dir,
      "--json",
      json,
      "--",
      "write",
      "n=2000",
      "no-warmup",
      "-rate",
      "threads=4",
      "-node",
      "synthetic:fixed(200)",
      "-log",
      "interval=200ms",
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    assert.deepEqual(out.filter((l) => l.startsWith("process ")), [
      "process 1: Shard 0/2: n=1000, seeds 1..1000",
      "process 2: Shard 1/2: n=1000, seeds 1001..2000",
    ]);
    // One interval table and one Results: block for the whole run, after the summary.
    const header = out.findIndex((l) => l.startsWith("type "));
    const results = out.indexOf("Results:");
    assert.ok(out.indexOf("2 processes run in total") < header && header < results, out.join("\n"));
    const rows = out.slice(header + 1, results).filter((l) => l.startsWith("total,"));
    assert.equal(Number(rows.at(-1)!.split(",")[1]), 2000);
    assert.equal(resultValue(out, "Total partitions"), 2000);
    assert.match(out.find((l) => l.startsWith("Op rate"))!, /\[WRITE: [0-9,]+ op\/s\]$/);
    const files = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(files, ["merged.hdr", "merged.json", "process-1.hdr", "process-2.hdr"]);
    const merged = await Deno.readTextFile(`${dir}/merged.hdr`);
    assert.match(merged, /^#\[BaseTime: /m);
    assert.match(merged, /^Tag=WRITE-st,/m);
    const summary = JSON.parse(await Deno.readTextFile(json));
    assert.equal(summary.merge.tags["WRITE-st"].count, 2000);
    assert.deepEqual(
      summary.merge.loaders.map((l: { name: string; counts: Record<string, number> }) => [
        l.name,
        l.counts["WRITE-st"],
      ]),
      [["process-1.hdr", 1000], ["process-2.hdr", 1000]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("analyze refuses a --shard, --shards, HDR log or other output file of the command's own in one line", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["write", "n=10", "--shard", "0/2"],
      /^error: Cannot use "--shard" in the command of "analyze"/,
    ],
    [["write", "n=10", "--shards=2"], /^error: Cannot use "--shards" in the command of "analyze"/],
    [["write", "n=10", "-log", "hdrfile=x.hdr"], /^error: Cannot use "hdrfile" in the command/],
    [["query", "run", "--hdr-log", "x.hdr"], /^error: Cannot use "--hdr-log" in the command/],
    [
      ["write", "n=10", "-log", "prometheus=9464"],
      /^error: Cannot use "prometheus=9464" in the command of "analyze": its metrics would be served on one port by every process/,
    ],
    [
      ["query", "run", "--web", "127.0.0.1:8089"],
      /^error: Cannot use "web=127\.0\.0\.1:8089" in the command of "analyze": its live page/,
    ],
    // Files the command writes itself: every process would write (and garble) the one file (in
    // a folder that is not there, so that nothing is written if one is not refused).
    [
      ["write", "n=10", "-log", "interval=1s", "JSON=missing/x.json"],
      /^error: Cannot use "-log json=" in the command of "analyze": every process would write/,
    ],
    [
      ["write", "n=10", "-log", "file=missing/x.log"],
      /^error: Cannot use "-log file=" in the command/,
    ],
    [
      ["write", "n=10", "-graph", "file=missing/x.html"],
      /^error: Cannot use "-graph file=" in the/,
    ],
    [["checkout", "load", "--json=missing/x.json"], /^error: Cannot use "--json" in the command/],
    [
      ["query", "run", "--results", "missing/x.jsonl"],
      /^error: Cannot use "--results" in the command/,
    ],
  ];
  for (const [command, pattern] of cases) {
    const { code, out, err } = await stress(["analyze", "2", "--", ...command]);
    assert.equal(code, 2, command.join(" "));
    assert.deepEqual(out, []);
    assert.equal(err.length, 1, err.join("\n"));
    assert.match(err[0], pattern);
  }
  // --shard before the "--" is main's own, and analyze does not split.
  const own = await stress(["analyze", "2", "--shard", "0/2", "--", "write", "n=10"]);
  assert.equal(own.code, 2);
  assert.match(own.err[0], /^error: Cannot use --shard with "analyze"/);
});

Deno.test("analyze reports a failed process's exit code and first error line and still merges the others", async () => {
  const node = await startNode();
  try {
    // Only the first half of the population exists: shard 1 of 2 reads keys never written.
    const write = await runAgainst(node, ["write", "n=200", "no-warmup", "-rate", "threads=2"]);
    assert.equal(write.code, 0, write.err.join("\n"));
    const { code, out, err } = await stress([
      "analyze",
      "2",
      "--",
      "read",
      "n=400",
      "no-warmup",
      "-pop",
      "seq=1..400",
      "-errors",
      "retries=0",
      "-rate",
      "threads=2",
      "-node",
      "127.0.0.1",
      "-port",
      `native=${node.port}`,
    ]);
    assert.equal(code, 1, [...out, ...err].join("\n"));
    const failures = err.filter((l) => l.startsWith("error: process "));
    assert.equal(failures.length, 1, err.join("\n"));
    assert.match(
      failures[0],
      /^error: process 2 \(pid \d+\) exited with code 1: .*Data returned was not validated/,
    );
    // The merged run still has shard 0's 200 reads.
    assert.ok(resultValue(out, "Total partitions") >= 200, out.join("\n"));
  } finally {
    await node.close();
  }
});

Deno.test("analyze 2 -- write fixed=: service, response and wait time side by side after Results", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const json = `${dir}/merged.json`;
    const { code, out, err } = await stress([
      "analyze",
      "2",
      "--json",
      json,
      "--",
      "write",
      "n=400",
      "no-warmup",
      "-rate",
      "threads=4",
      "fixed=400/s",
      "-node",
      "synthetic:fixed(200)",
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    const line = out.find((l) => l.startsWith("Latency p50 / p99 (ms): "));
    assert.match(
      line ?? "",
      /^Latency p50 \/ p99 \(ms\): service [\d.]+ \/ [\d.]+, response [\d.]+ \/ [\d.]+, wait [\d.]+ \/ [\d.]+$/,
    );
    assert.ok(out.indexOf(line!) > out.indexOf("Results:"));
    const summary = JSON.parse(await Deno.readTextFile(json));
    const { serviceMs, responseMs, waitMs } = summary.total.scheduled;
    // Each op takes 200 us; response time is service time plus wait time.
    assert.ok(
      serviceMs.p50 >= 0.2 && responseMs.p50 >= serviceMs.p50,
      JSON.stringify(summary.total),
    );
    assert.ok(waitMs.p50 < responseMs.p50);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
