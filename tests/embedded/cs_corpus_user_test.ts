// The `user` lines of the public cassandra-stress corpus (tests/testdata/cs_corpus_good.json), run
// end to end against an embedded node with profiles of their names (tests/testdata/profiles/
// corpus/), durations scaled down as cs_corpus_e2e_test.ts scales them.
import assert from "node:assert/strict";
import { intervalRows, runAgainst, startNode } from "./_cql_run.ts";
import { type Case, corpus, scaleArgs } from "./_cs_corpus_cases.ts";

const PROFILES = new URL("../testdata/profiles/corpus/", import.meta.url);

const USER_LINES = corpus.map((entry) => entry.line).filter((line) => /^\S+ user /.test(line));

/** The profile paths of a `profile=` value, copied into `dir`; returns the rewritten value. */
async function profilesIn(value: string, dir: string): Promise<string> {
  const paths: string[] = [];
  for (const path of value.slice("profile=".length).split(",")) {
    const name = path.split("/").at(-1)!;
    await Deno.copyFile(new URL(name, PROFILES), `${dir}/${name}`);
    paths.push(`${dir}/${name}`);
  }
  return `profile=${paths.join(",")}`;
}

/** The op names of an `ops(...)` word, sorted as the run prints them. */
function opNames(args: readonly string[]): string[] {
  const ops = args.find((arg) => arg.startsWith("ops("))!;
  return ops.slice(4, -1).split(",").map((op) => op.split("=")[0]).sort();
}

Deno.test("cassandra-stress corpus: it has user lines, and each has its profile here", async () => {
  assert.ok(USER_LINES.length >= 5, `${USER_LINES.length} user lines`);
  const names = new Set<string>();
  for (const line of USER_LINES) {
    const value = /profile=(\S+)/.exec(line)![1];
    for (const path of value.split(",")) names.add(path.split("/").at(-1)!);
  }
  for (const name of names) await Deno.stat(new URL(name, PROFILES));
});

for (const line of USER_LINES) {
  Deno.test(`cassandra-stress corpus user line runs end to end: ${line}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "cs_corpus_user_" });
    const node = await startNode();
    try {
      const profile = /profile=\S+/.exec(line)![0];
      const replace: Record<string, string> = {
        [profile]: await profilesIn(profile, dir),
        "native=9043": `native=${node.port}`,
      };
      // Without -rate, user runs the auto thread search; without n= or duration=, the
      // uncertainty rule: both take minutes. Four threads and 300 partitions here.
      const extra = line.includes(" -rate") ? [] : ["-rate", "threads=4"];
      // A run by duration warms each op up with 50,000 ops first: left out here.
      const commandExtra = /\bn=/.test(line)
        ? []
        : /\bduration=/.test(line)
        ? ["no-warmup"]
        : ["n=300"];
      const entry = { line, replace, extra, commandExtra } as unknown as Case;
      const args = scaleArgs(entry, dir);
      const hasPort = args.includes("-port");
      const run = await runAgainst(node, args, {
        nodeArgs: hasPort
          ? ["-node", "127.0.0.1"]
          : ["-node", "127.0.0.1", "-port", `native=${node.port}`],
      });
      const context = `${args.join(" ")}\n${run.out.join("\n")}\n${run.err.join("\n")}`;
      assert.equal(run.code, 0, context);
      assert.equal(run.out.at(-1), "END", context);
      assert.ok(run.out.includes("******************** Profile(s) ********************"), context);
      const names = opNames(args);
      assert.ok(run.out.some((l) => l.startsWith(`Running [${names.join(", ")}] with `)), context);
      // Per-op rows come before total only when the run has more than one op.
      const rows = intervalRows(run.out);
      for (const name of names.length > 1 ? [...names, "total"] : ["total"]) {
        assert.ok(rows.some((l) => l.startsWith(`${name},`)), `no ${name} row in\n${context}`);
      }
      if (args.includes("truncate=once")) {
        assert.ok(run.out.some((l) => /^Truncated \S+\. Sleeping 1s for propagation\.$/.test(l)));
      }
      const graph = args.find((arg) => arg.startsWith("file=") && arg.endsWith(".html"));
      if (graph !== undefined) {
        const html = await Deno.readTextFile(graph.slice("file=".length));
        assert.ok(html.includes("user profile="), "the graph names the command line");
      }
    } finally {
      await node.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
