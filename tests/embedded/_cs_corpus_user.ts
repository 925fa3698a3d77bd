// Shared by the user lines of the corpus against the embedded node (cs_corpus_user_test.ts) and
// against the real node (tests/cassandra/cs_corpus_user_test.ts): the lines, their profiles, the
// line as run, and the checks of its output.
import assert from "node:assert/strict";
import { intervalRows } from "./_cql_run.ts";
import { type Case, corpus, scaleArgs } from "./_cs_corpus_cases.ts";

const PROFILES = new URL("../testdata/profiles/corpus/", import.meta.url);

/** The `user` lines of the corpus. */
export const USER_LINES: readonly string[] = corpus.map((entry) => entry.line)
  .filter((line) => /^\S+ user /.test(line));

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

/** The names of every profile the user lines name. */
export function userLineProfiles(): string[] {
  const names = new Set<string>();
  for (const line of USER_LINES) {
    const value = /profile=(\S+)/.exec(line)![1];
    for (const path of value.split(",")) names.add(path.split("/").at(-1)!);
  }
  return [...names].map((name) => new URL(name, PROFILES).pathname);
}

/**
 * A user line as run here: its profiles copied into `dir`, `-port native=` pointed at `port`,
 * durations scaled down with no warm-up, and, where it has none, four threads and 300 partitions
 * (without -rate, user runs the auto thread search; without n= or duration=, the uncertainty
 * rule: both take minutes). Returns the arguments and the `-node`/`-port` words to add.
 */
export async function userLineArgs(
  line: string,
  dir: string,
  node: { host: string; port: number },
): Promise<{ args: string[]; nodeArgs: string[] }> {
  const profile = /profile=\S+/.exec(line)![0];
  const replace: Record<string, string> = {
    [profile]: await profilesIn(profile, dir),
    "native=9043": `native=${node.port}`,
  };
  const extra = line.includes(" -rate") ? [] : ["-rate", "threads=4"];
  // A run by duration warms each op up with 50,000 ops first: left out here.
  const commandExtra = /\bn=/.test(line)
    ? []
    : /\bduration=/.test(line)
    ? ["no-warmup"]
    : ["n=300"];
  const args = scaleArgs({ line, replace, extra, commandExtra } as unknown as Case, dir);
  const nodeArgs = args.includes("-port")
    ? ["-node", node.host]
    : ["-node", node.host, "-port", `native=${node.port}`];
  return { args, nodeArgs };
}

/** Checks the output of a user line: END, the Profile(s) block, its ops, truncate, graph. */
export async function checkUserLineRun(
  args: readonly string[],
  run: { code: number; out: string[]; err: string[] },
): Promise<void> {
  const context = `${args.join(" ")}\n${run.out.join("\n")}\n${run.err.join("\n")}`;
  assert.equal(run.code, 0, context);
  assert.equal(run.out.at(-1), "END", context);
  assert.ok(run.out.includes("******************** Profile(s) ********************"), context);
  const ops = args.find((arg) => arg.startsWith("ops("))!;
  const names = ops.slice(4, -1).split(",").map((op) => op.split("=")[0]).sort();
  assert.ok(run.out.some((l) => l.startsWith(`Running [${names.join(", ")}] with `)), context);
  // Per-op rows come before total only when the run has more than one op.
  const rows = intervalRows(run.out);
  for (const name of names.length > 1 ? [...names, "total"] : ["total"]) {
    assert.ok(rows.some((l) => l.startsWith(`${name},`)), `no ${name} row in\n${context}`);
  }
  if (args.includes("truncate=once")) {
    assert.ok(run.out.some((l) => /^Truncated \S+\. Sleeping \d+s for propagation\.$/.test(l)));
  }
  const graph = args.find((arg) => arg.startsWith("file=") && arg.endsWith(".html"));
  if (graph !== undefined) {
    const html = await Deno.readTextFile(graph.slice("file=".length));
    assert.ok(html.includes("user profile="), "the graph names the command line");
  }
}
