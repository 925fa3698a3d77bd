// The public cassandra-stress command lines of tests/testdata/cs_corpus_good.json, scaled down as
// the embedded-node corpus test scales them, run end to end against the real Cassandra node: exit
// code and END, the settings lines, the interval rows and Results, and the schema each line
// implies as the node's system_schema holds it. The lines run one after another in this file, each
// after dropping the keyspace it uses.
//
// The node is a one-node cluster: a line that asks for more replicas than that (replication factor
// 2 or 3 at QUORUM) fails every op there, as cassandra-stress's own run would. Those lines run here
// with the factor set to 1, unless they ignore errors (`-errors ignore`), which they are about.
import assert from "node:assert/strict";
import { intervalRows } from "../embedded/_cql_run.ts";
import {
  C5,
  type Case,
  cases,
  DEFAULT_RF1,
  oneNode,
  oneNodeReplication,
  scaleArgs,
} from "../embedded/_cs_corpus_cases.ts";
import { cassandraNodes, queryCassandra, runStress, withKeyspace1 } from "./_cassandra_node.ts";

const { plain } = cassandraNodes();

async function dropKeyspace(keyspace: string): Promise<void> {
  await queryCassandra(plain, `DROP KEYSPACE IF EXISTS "${keyspace}"`);
}

async function checkSchema(entry: Case, capped: boolean): Promise<void> {
  const keyspace = entry.expect.keyspace ?? "keyspace1";
  const table = entry.expect.table ?? "standard1";
  const [space] = await queryCassandra(
    plain,
    "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
    [keyspace],
  );
  assert.ok(space !== undefined, `no keyspace ${keyspace}`);
  assert.deepEqual(
    { ...space.get("replication") },
    oneNodeReplication(entry.expect.replication ?? DEFAULT_RF1, capped),
  );
  const columns = await queryCassandra(
    plain,
    "SELECT column_name, kind, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
    [keyspace, table],
  );
  const of = (kind: string) =>
    columns.filter((c) => c.get("kind") === kind).map((c) =>
      `${c.get("column_name")} ${c.get("type")}`
    ).sort();
  assert.deepEqual(of("partition_key"), ["key blob"]);
  assert.deepEqual(of("clustering"), []);
  assert.deepEqual(of("regular"), [...(entry.expect.columns ?? C5.map((c) => `${c} blob`))].sort());
}

async function runCase(entry: Case, dir: string): Promise<void> {
  await dropKeyspace(entry.expect.keyspace ?? "keyspace1");
  if (entry.prefill !== undefined) {
    const prefill = await runStress(plain, oneNode(entry.prefill.split(" ")).args);
    assert.equal(prefill.code, 0, prefill.err.join("\n"));
  }
  const { args, capped } = oneNode(scaleArgs(entry, dir));
  const run = await runStress(plain, args);
  const context = `${args.join(" ")}\n${run.out.join("\n")}\n${run.err.join("\n")}`;
  const dryRun = args.includes("--dry-run");
  assert.equal(run.code, 0, context);
  if (!dryRun) assert.equal(run.out.at(-1), "END", context);
  assert.ok(!run.err.some((l) => l.startsWith("error:")), context);
  for (const line of entry.expect.lines) {
    assert.ok(run.out.includes(line), `no "${line}" in\n${context}`);
  }
  if (entry.expect.noResults !== true) {
    assert.ok(run.out.includes("Results:"), context);
    assert.ok(intervalRows(run.out).some((l) => l.startsWith("total,")), context);
  }
  if (!dryRun) await checkSchema(entry, capped);
  await entry.expect.check?.(run, null, dir);
}

for (const entry of cases) {
  Deno.test(`real node: corpus line runs end to end: ${entry.line}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "cs_corpus_real_" });
    try {
      await withKeyspace1(() => runCase(entry, dir));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
