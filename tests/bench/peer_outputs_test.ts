// The readers of the peers' outputs that bench/cql_peers.ts and scripts/cross_check.ts rely on,
// on real outputs: cassandra-stress 3.19.0 runs against Cassandra 5.0.6 (copies of
// reference/cassandra-stress-real/02, 08 and 09) and a latte 0.29.0 read run whose JSON report
// is checked against the text summary latte printed for the same run.
import assert from "node:assert/strict";
import { latteFigures, latteWorkload } from "../../bench/_latte_peer.ts";
import { resultsBlock } from "../../bench/_results_block.ts";

const data = (name: string) =>
  Deno.readTextFile(new URL(`../testdata/peers/${name}`, import.meta.url));

Deno.test("resultsBlock reads a clean cassandra-stress read", async () => {
  assert.deepEqual(resultsBlock(await data("cs-read.txt")), {
    opRate: 6922,
    p50Ms: 1.1,
    p99Ms: 7.9,
    partitions: 20000,
    errors: 0,
  });
});

Deno.test("resultsBlock counts the errors of a run with -errors ignore", async () => {
  const results = resultsBlock(await data("cs-write-errors-ignore.txt"));
  assert.equal(results?.errors, 2000);
  assert.equal(results?.partitions, 2000);
});

Deno.test("resultsBlock is null for a run that failed before its Results block", async () => {
  assert.equal(resultsBlock(await data("cs-read-missing-keys.txt")), null);
});

/** A figure of latte's text summary: the first number after `label` on the line starting so. */
function latteText(text: string, label: RegExp): number {
  const line = text.split("\n").find((l) => label.test(l));
  assert.ok(line !== undefined, `no line ${label} in latte's text output`);
  return Number(/\s(\d+(?:\.\d+)?)(?:\s|$)/.exec(line.replace(label, " "))![1]);
}

Deno.test("latteFigures agrees with latte's text summary of the same run", async () => {
  const text = await data("latte-read.txt");
  const latency = text.slice(text.indexOf("CYCLE LATENCY"));
  const figures = latteFigures(await data("latte-read.json"));
  assert.equal(Math.round(figures.opRate), latteText(text, /^\s*Throughput\s+\[op\/s\]/));
  assert.equal(figures.p50Ms.toFixed(3), latteText(latency, /^\s+50\s/).toFixed(3));
  assert.equal(figures.p99Ms.toFixed(3), latteText(latency, /^\s+99\s/).toFixed(3));
  assert.equal(figures.rows, latteText(text, /^\s*Rows\s+\[row\]/));
  assert.equal(figures.errors, latteText(text, /^\s*Errors\s+\[op\]/));
  assert.equal(figures.cycles, latteText(text, /^\s*Cycles\s+\[op\]/));
});

Deno.test("latteWorkload writes and reads standard1's row shape in the keyspace given", () => {
  const workload = latteWorkload("peers_x");
  assert.match(
    workload,
    /UPDATE peers_x\."standard1" SET "C0" = \?, "C1" = \?, "C2" = \?, "C3" = \?, "C4" = \? WHERE key = \?/,
  );
  assert.match(
    workload,
    /SELECT "C0", "C1", "C2", "C3", "C4" FROM peers_x\."standard1" WHERE key = \?/,
  );
  assert.equal(workload.match(/latte::blob\(v \+ \d, 34\)/g)?.length, 5);
  assert.equal(workload.match(/latte::blob\(i, 10\)/g)?.length, 2);
});
