// A query's own `consistencyLevel:` (ScyllaDB's cassandra-stress fork) is the level it is sent
// at: on a one-node cluster, a query at TWO fails with the node's Unavailable error while the
// inserts at the run's cl= succeed; the same query without the key reads at cl= and succeeds.
import assert from "node:assert/strict";
import { runAgainst, startNode } from "./_cql_run.ts";

const KEYVALUE = await Deno.readTextFile(
  new URL("../testdata/profiles/keyvalue.yaml", import.meta.url),
);

const IGNORE_ERRORS = ["-errors", "ignore", "retries=0", "-log", "interval=200ms"];

/** Runs inserts and reads of the key-value profile, its line `replaced` replaced by `lines`. */
async function runProfile(replaced: string, lines: string) {
  const node = await startNode();
  const path = await Deno.makeTempFile({ suffix: ".yaml" });
  await Deno.writeTextFile(path, KEYVALUE.replace(replaced, lines));
  try {
    const args = ["user", `profile=${path}`, "ops(insert=1,read=1)", "n=200", "no-warmup"];
    // Errors ignored, so that both op types run whichever the threads draw first.
    return await runAgainst(node, [...args, "-rate", "threads=2", ...IGNORE_ERRORS]);
  } finally {
    await node.close();
    await Deno.remove(path);
  }
}

/** The query's lines replaced by `queryLines`. */
const runRead = (queryLines: string) => runProfile("    fields: samerow\n", queryLines);
/** The insert's lines replaced by `insertLines`. */
const runInsert = (insertLines: string) => runProfile("  batchtype: UNLOGGED\n", insertLines);

Deno.test("user: a query's consistencyLevel: TWO is sent at TWO, which one node cannot achieve", async () => {
  const { code, out, err } = await runRead(
    "    fields: samerow\n    consistencyLevel: two\n",
  );
  const text = [...out, ...err].join("\n");
  assert.equal(code, 0, text);
  // The node's Unavailable error, as cassandra-driver words it; the inserts at LOCAL_ONE pass.
  assert.match(text, /at consistency TWO \(2 required but only 1 alive\)/);
  assert.match(text, /Total errors +: +\d+ \[insert: 0, read: [1-9]/);
});

Deno.test("user: without consistencyLevel the query runs at cl= (LOCAL_ONE) and succeeds", async () => {
  const { code, out, err } = await runRead("    fields: samerow\n");
  assert.equal(code, 0, [...out, ...err].join("\n"));
  assert.ok(out.some((l) => l.startsWith("read,")), out.join("\n"));
});

Deno.test("user: insert's consistencyLevel: two (the fork 3.19 reads it) is the inserts' level, not cl=", async () => {
  const { code, out, err } = await runInsert("  batchtype: UNLOGGED\n  consistencyLevel: two\n");
  const text = [...out, ...err].join("\n");
  assert.equal(code, 0, text);
  assert.match(text, /at consistency TWO \(2 required but only 1 alive\)/);
  assert.match(text, /Total errors +: +\d+ \[insert: [1-9]\d*, read: 0\]/);
});

Deno.test("user: a blank insert consistencyLevel: runs the inserts at cl=", async () => {
  const { code, out, err } = await runInsert("  batchtype: UNLOGGED\n  consistencyLevel: ''\n");
  assert.equal(code, 0, [...out, ...err].join("\n"));
  assert.ok(out.some((l) => l.startsWith("insert,")), out.join("\n"));
});
