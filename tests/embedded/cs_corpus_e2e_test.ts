// The public cassandra-stress command lines of tests/testdata/cs_corpus_good.json, run end to end
// against an embedded node (a fresh one per line) with their counts and durations scaled down.
// For each line: exit code and END, the schema it implies, the statements the node received, and
// the settings dump lines it implies. The embedded node is a one-node cluster as the real test
// node is: lines asking for more replicas run with the factor capped (oneNode()), as there.
import assert from "node:assert/strict";
import { intervalRows, runAgainst, startNode } from "./_cql_run.ts";
import {
  C5,
  type Case,
  cases,
  corpus,
  DEFAULT_RF1,
  NOT_RUN,
  oneNode,
  oneNodeReplication,
  printedOps,
  scaleArgs,
} from "./_cs_corpus_cases.ts";

const STRESS_TABLE = /^(UPDATE|SELECT .* FROM) "?(standard1|counter1)\b/;

async function runCase(entry: Case, dir: string): Promise<void> {
  const node = await startNode();
  try {
    if (entry.prefill !== undefined) {
      const prefill = await runAgainst(node, oneNode(entry.prefill.split(" ")).args);
      assert.equal(prefill.code, 0, prefill.err.join("\n"));
      node.resetStatementLog();
    }
    const { args, capped } = oneNode(scaleArgs(entry, dir));
    const run = await runAgainst(node, args);
    const context = `${args.join(" ")}\n${run.out.join("\n")}\n${run.err.join("\n")}`;
    const expect = entry.expect;
    const dryRun = args.includes("--dry-run");

    // Exit code and last line (no corpus line run here expects FAILURE).
    assert.equal(run.code, 0, context);
    if (!dryRun) assert.equal(run.out.at(-1), "END", context);
    assert.ok(!run.err.some((l) => l.startsWith("error:")), context);

    // Settings dump (and other printed lines).
    for (const line of expect.lines) {
      assert.ok(run.out.includes(line), `no "${line}" in\n${context}`);
    }
    if (expect.noResults !== true) {
      assert.ok(run.out.includes("Results:"), context);
      assert.ok(intervalRows(run.out).some((l) => l.startsWith("total,")), context);
    }

    // Schema.
    if (!dryRun) {
      const keyspace = expect.keyspace ?? "keyspace1";
      const table = expect.table ?? "standard1";
      const description = node.describeTable(keyspace, table);
      assert.ok(description !== undefined, `no table ${keyspace}.${table}`);
      assert.deepEqual(
        description.replication,
        oneNodeReplication(expect.replication ?? DEFAULT_RF1, capped),
      );
      assert.deepEqual(description.partitionKey, ["key"]);
      assert.deepEqual(description.clustering, []);
      const regular = description.columns.filter((c) => c.kind === "regular");
      assert.deepEqual(
        regular.map((c) => `${c.name} ${c.type}`),
        expect.columns ?? C5.map((c) => `${c} blob`),
      );
    }

    // Statements: each expected text executed as prepared, nothing unprepared on the stress
    // tables, and as many executions as the output says were run.
    const log = node.statementLog();
    const workload = log.filter((s) => STRESS_TABLE.test(s.text));
    assert.deepEqual(
      [...new Set(workload.filter((s) => s.kind === "execute").map((s) => s.text))].sort(),
      [...expect.executes].sort(),
      context,
    );
    assert.deepEqual(workload.filter((s) => s.kind === "query" || s.kind === "batch"), []);
    if (expect.noResults !== true) {
      const executed = workload.filter((s) => s.kind === "execute").reduce(
        (sum, s) => sum + s.count,
        0,
      );
      assert.equal(executed, printedOps(run.out) * (expect.triesPerOp ?? 1), context);
    }
    await expect.check?.(run, node, dir);
  } finally {
    await node.close();
  }
}

Deno.test("cassandra-stress corpus: every real line is either run here or skipped with a reason", () => {
  const run = new Set(cases.map((c) => c.line));
  const lines = corpus.map((e) => e.line);
  for (const entry of cases) {
    assert.ok(lines.includes(entry.line), `not in the corpus: ${entry.line}`);
  }
  for (const line of lines) {
    const reason = NOT_RUN[line] ??
      (/^\S+ user /.test(line) ? "run by cs_corpus_user_test.ts with its profile" : undefined);
    assert.ok(run.has(line) !== (reason !== undefined), `run or skip, not both/neither: ${line}`);
  }
  assert.ok(cases.length >= 25, `${cases.length} lines run`);
});

for (const entry of cases) {
  Deno.test(`cassandra-stress corpus line runs end to end: ${entry.line}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "cs_corpus_" });
    try {
      await runCase(entry, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
