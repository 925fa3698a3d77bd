// cassandra-stress names an op type of a mixed run in its interval rows and Results only once
// that op type ran (its StressMetrics fills a TreeMap as ops complete): a run too short for
// the second op type, as `clustering=fixed(10)` with 5 ops on one thread, reports one op type.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";

async function run(args: string[]) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("mixed: an op type that never ran has no interval row and no place in Results", async () => {
  const { code, out, err } = await run([
    "mixed",
    "ratio(read=1,write=1)",
    "clustering=fixed(10)",
    "n=5",
    "no-warmup",
    "-rate",
    "threads=1",
    "-node",
    "synthetic",
    "-log",
    "no-settings",
  ]);
  assert.equal(code, 0, err.join("\n"));
  assert.ok(out.includes("Running [READ, WRITE] with 1 threads for 5 iteration"), out.join("\n"));
  const header = out.findIndex((line) => line.startsWith("type       total ops,"));
  const results = out.indexOf("Results:");
  assert.ok(header >= 0 && results > header, out.join("\n"));
  const rows = out.slice(header + 1, results).filter((line) => /^[A-Za-z_]+,/.test(line));
  // One op type ran, so only `total` rows, as cassandra-stress prints for a single op type.
  assert.ok(rows.length > 0, out.join("\n"));
  assert.deepEqual(rows.filter((line) => !line.startsWith("total,")), [], out.join("\n"));
  const opRate = out.find((line) => line.startsWith("Op rate "));
  assert.match(opRate ?? "", /op\/s {2}\[(READ|WRITE): [\d,]+ op\/s\]$/, out.join("\n"));
  const partitions = out.find((line) => line.startsWith("Total partitions "));
  assert.match(partitions ?? "", /\s5 \[(READ|WRITE): 5\]$/, out.join("\n"));
});

Deno.test("mixed: every op type row names an op type that ran", async () => {
  // A slow synthetic target and short intervals: the second op type of the mix starts only
  // after 20 ops of the first; until then cassandra-stress prints `total` alone.
  const { code, out, err } = await run([
    "mixed",
    "ratio(read=1,write=1)",
    "clustering=fixed(20)",
    "n=80",
    "no-warmup",
    "-rate",
    "threads=1",
    "-node",
    "synthetic:fixed(5000)",
    "-log",
    "no-settings",
    "interval=100ms",
  ]);
  assert.equal(code, 0, err.join("\n"));
  for (const line of out.filter((l) => /^(READ|WRITE),/.test(l))) {
    assert.ok(Number(line.split(",")[1]) > 0, `a row of an op type that did not run: ${line}`);
  }
});
