// `-insert visits=N revisit=DIST` end to end against the embedded node: each insert writes about
// a N-th of a partition's rows (so rows per partition fall about N-fold against visits=1), the
// partitions begun are finished by later inserts, and queries read partitions in progress
// without error. One thread, so one Worker: partitions in progress are kept per Worker.
import assert from "node:assert/strict";
import { queryNode, runAgainst, startNode } from "./_cql_run.ts";

const PROFILE = new URL("../testdata/profiles/validate.yaml", import.meta.url).pathname;

/** The number after the first `:` of the Results line `label`. */
function total(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label)) ?? "";
  return Number(/:\s+([\d,]+)/.exec(line)?.[1].replaceAll(",", "") ?? NaN);
}

async function rowsPerPartition(insert: string[]): Promise<{ perOp: number; stored: number }> {
  const node = await startNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      ...["user", `profile=${PROFILE}`, "ops(insert=3,one=1)", "n=600", "no-warmup"],
      ...["-pop", "seq=1..50", "-rate", "threads=1", "-log", "interval=500ms", ...insert],
    ]);
    const text = [...out, ...err].join("\n");
    assert.equal(code, 0, text);
    assert.equal(total(out, "Total errors"), 0, text);
    const line = out.find((l) => l.startsWith("Row rate")) ?? "";
    const rows = Number(/insert: ([\d,]+)/.exec(line)?.[1].replaceAll(",", ""));
    const pkLine = out.find((l) => l.startsWith("Partition rate")) ?? "";
    const partitions = Number(/insert: ([\d,]+)/.exec(pkLine)?.[1].replaceAll(",", ""));
    const stored = (await queryNode(node, "SELECT id FROM valks.events")).length;
    return { perOp: rows / partitions, stored };
  } finally {
    await node.close();
  }
}

Deno.test("user: -insert visits=4 writes a partition over four inserts, and finishes it", async () => {
  const whole = await rowsPerPartition([]);
  // The default revisit=uniform(1..1M) almost never draws one of the few partitions in progress:
  // each insert begins or continues the partition of its own seed, and seq=1..50 comes round
  // every 50 inserts, so every partition gets its four visits within the run.
  const spread = await rowsPerPartition(["-insert", "visits=fixed(4)"]);
  // About a quarter of a partition per insert (shares round down; a share is a row at least).
  assert.ok(
    spread.perOp < whole.perOp / 2.5,
    `rows per insert: ${spread.perOp} with visits=4, ${whole.perOp} with 1`,
  );
  // 450 inserts over 50 partitions: every partition is finished, as with 1 visit.
  assert.equal(spread.stored, whole.stored);
});
