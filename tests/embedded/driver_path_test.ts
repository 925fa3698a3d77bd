// The cassandra-driver data path (`-mode client=driver`) stays available beside the native one:
// a selected part of the CQL suite on it. Writes, reads validated against the writes (and a read
// of keys never written failing as cassandra-stress's does), counters, -mode maxPending= with
// more threads than slots, and every op refused by the node counted as an error.
import assert from "node:assert/strict";
import { runAgainst, startNode } from "./_cql_run.ts";

const DRIVER = ["-mode", "native", "cql3", "client=driver"];

function total(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label)) ?? "";
  return Number(/:\s+([\d,]+)/.exec(line)?.[1].replaceAll(",", "") ?? NaN);
}

Deno.test("driver path: write, read validated, counters; the dump says which path ran", async () => {
  const node = await startNode();
  try {
    const seq = ["-pop", "seq=1..2000", "-rate", "threads=16"];
    for (const command of ["write", "read", "counter_write", "counter_read"]) {
      const run = await runAgainst(node, [command, "n=2000", "no-warmup", ...seq, ...DRIVER]);
      const text = [...run.out, ...run.err].join("\n");
      assert.equal(run.code, 0, `${command}: ${text}`);
      assert.equal(total(run.out, "Total errors"), 0, `${command}: ${text}`);
      assert.equal(total(run.out, "Total partitions"), 2000, `${command}: ${text}`);
      assert.ok(run.out.includes("  Data Path: cassandra-driver"), text);
    }
    // Keys never written: every read fails validation, as cassandra-stress's do.
    const missing = await runAgainst(node, [
      ...["read", "n=200", "no-warmup", "-pop", "seq=5001..5200", "-errors", "ignore", ...DRIVER],
    ]);
    assert.equal(total(missing.out, "Total errors"), 200, missing.out.join("\n"));
  } finally {
    await node.close();
  }
});

Deno.test("driver path: maxPending=4 with 64 threads waits its turn; refused ops are errors", async () => {
  const node = await startNode();
  try {
    const queued = await runAgainst(node, [
      ...["write", "n=3000", "no-warmup", "-rate", "threads=64"],
      ...[...DRIVER, "connectionsPerHost=1", "maxPending=4"],
    ]);
    assert.equal(queued.code, 0, queued.err.join("\n"));
    assert.equal(total(queued.out, "Total errors"), 0);
    // Eight columns into a five-column table: every op is refused, and counted.
    const refused = await runAgainst(node, [
      ...["write", "duration=1s", "no-warmup", "-col", "n=FIXED(8)", "-rate", "threads=4"],
      ...["-errors", "ignore", "retries=0", ...DRIVER],
    ]);
    const text = [...refused.out, ...refused.err].join("\n");
    assert.ok(total(refused.out, "Total errors") > 0, text);
    assert.equal(total(refused.out, "Total errors"), total(refused.out, "Total partitions"), text);
  } finally {
    await node.close();
  }
});
