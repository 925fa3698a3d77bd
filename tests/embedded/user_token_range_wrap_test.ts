// `-tokenrange` with and without `wrap`, end to end against the embedded node: without wrap the
// scans read every row of the table once and the run ends there, whatever n= says, as
// cassandra-stress's threads stop once no range is left; with wrap the ranges start over and
// the run makes its n= pages.
import assert from "node:assert/strict";
import { queryNode, runAgainst, startNode } from "./_cql_run.ts";
import type { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";

const PROFILE = new URL("../testdata/profiles/token_ranges.yaml", import.meta.url).pathname;
const COMMON = ["-rate", "threads=4", "-log", "interval=200ms"];

/** The number after `label :` in the Results block. */
function total(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label)) ?? "";
  return Number(/:\s+([\d,]+)/.exec(line)?.[1].replaceAll(",", "") ?? NaN);
}

async function filledNode(): Promise<{ node: CqlServer; rows: number }> {
  const node = await startNode();
  await queryNode(
    node,
    "CREATE KEYSPACE scanks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  const insert = ["user", `profile=${PROFILE}`, "ops(insert=1)", "n=500", "no-warmup", ...COMMON];
  const { code, out, err } = await runAgainst(node, insert);
  assert.equal(code, 0, [...out, ...err].join("\n"));
  const rows = (await queryNode(node, "SELECT id FROM scanks.items")).length;
  assert.ok(rows > 400, `${rows} rows`);
  return { node, rows };
}

Deno.test("user: without -tokenrange wrap, the scans read the table once and the run ends", async () => {
  const { node, rows } = await filledNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      ...["user", `profile=${PROFILE}`, "ops(NamesOnly=1)", "n=100000", "no-warmup"],
      ...["-tokenrange", "split-factor=8", ...COMMON],
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    assert.equal(total(out, "Total errors"), 0);
    assert.equal(total(out, "Total partitions"), rows, out.join("\n"));
    // A page per range (each holds fewer than 500 rows): far from n=100000.
    const ops = intervalTotal(out);
    assert.ok(ops >= 8 && ops < 2000, `${ops} ops`);
  } finally {
    await node.close();
  }
});

Deno.test("user: with -tokenrange wrap, the ranges start over until n= pages were read", async () => {
  const { node, rows } = await filledNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      ...["user", `profile=${PROFILE}`, "ops(NamesOnly=1)", "n=100", "no-warmup"],
      ...["-tokenrange", "wrap", ...COMMON],
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    assert.equal(intervalTotal(out), 100);
    assert.ok(total(out, "Total partitions") > rows, out.join("\n"));
  } finally {
    await node.close();
  }
});

/** The op count of the last `total,` interval row. */
function intervalTotal(out: readonly string[]): number {
  const last = out.filter((l) => l.startsWith("total,")).at(-1) ?? "";
  return Number(last.split(",")[1]);
}

Deno.test("user: two token range queries of a profile share its ranges, so they read the table once between them", async () => {
  const { node, rows } = await filledNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      ...["user", `profile=${PROFILE}`, "ops(NamesOnly=1,all_columns=1)", "n=100000"],
      ...["no-warmup", "-tokenrange", "split-factor=8", ...COMMON],
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    assert.equal(total(out, "Total errors"), 0);
    // cassandra-stress keeps one queue of ranges per profile: each range is read by one query.
    assert.equal(total(out, "Total partitions"), rows, out.join("\n"));
  } finally {
    await node.close();
  }
});
