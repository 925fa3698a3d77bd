// A `user` run on the native path over a ring of three embedded nodes (127.0.0.1, .2, .3): every
// insert of a profile with a compound partition key, in a keyspace of replication factor 1, lands
// on the one node that owns its key's token (composite form), whether it is one statement or a
// batch; a second profile's keyspace (factor 2) routes by its own replicas; and validate finds
// every row it reads back on the node that holds it.
import assert from "node:assert/strict";
import { CqlRing } from "../../lib/cql_node/driver/cql_ring.ts";
import { TokenMap } from "../../lib/cql/native/token_map.ts";
import { runAgainst } from "./_cql_run.ts";

const COMPOUND = `
specname: ra
keyspace: routa
keyspace_definition: |
  CREATE KEYSPACE routa WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
table: t
table_definition: |
  CREATE TABLE t (a bigint, b text, c int, v blob, PRIMARY KEY ((a, b), c))
columnspec:
  - name: b
    size: uniform(2..12)
  - name: c
    cluster: uniform(1..4)
insert:
  partitions: fixed(1)
  batchtype: UNLOGGED
queries:
  read:
    cql: SELECT * FROM t WHERE a = ? AND b = ?
    fields: samerow
`;

const PAIRS = `
specname: rb
keyspace: routb
keyspace_definition: |
  CREATE KEYSPACE routb WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2};
table: kv
table_definition: |
  CREATE TABLE kv (k blob PRIMARY KEY, v blob)
insert:
  partitions: fixed(1)
  batchtype: UNLOGGED
queries:
  read:
    cql: SELECT v FROM kv WHERE k = ?
    fields: samerow
`;

function total(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label)) ?? "";
  return Number(/:\s+([\d,]+)/.exec(line)?.[1].replaceAll(",", "") ?? NaN);
}

/** The write tokens each node kept for a table. */
function tokensOf(ring: CqlRing, keyspace: string, table: string): bigint[][] {
  return ring.nodes.map((node) =>
    node.requestCounts().find((t) => t.keyspace === keyspace && t.table === table)?.writeTokens ??
      []
  );
}

Deno.test("native path: user inserts land on their partition key's replicas, per keyspace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_user_routing_" });
  const ring = await CqlRing.start({ nodes: 3, port: 0, keepWriteTokens: true });
  try {
    await Deno.writeTextFile(`${dir}/a.yaml`, COMPOUND);
    await Deno.writeTextFile(`${dir}/b.yaml`, PAIRS);
    const hosts = ring.nodes.map((node) => node.peerInfo());
    const mapOf = (factor: number) =>
      new TokenMap(hosts, { class: "SimpleStrategy", replication_factor: `${factor}` });
    const nodeArgs = ["-node", "127.0.0.1", "-port", `native=${ring.port}`];
    const common = ["no-warmup", "-pop", "seq=1..600", "contents=sorted", "-rate", "threads=8"];
    const both = await runAgainst(null, [
      ...["user", `profile=${dir}/a.yaml,${dir}/b.yaml`, "ops(ra.insert=1,rb.insert=1)"],
      ...["n=1200", ...common],
    ], { nodeArgs });
    const bothText = [...both.out, ...both.err].join("\n");
    assert.equal(both.code, 0, bothText);
    assert.ok(both.out.some((l) => l.startsWith("  Data Path: native")), bothText);
    assert.equal(total(both.out, "Total errors"), 0, bothText);

    // Factor 1: each partition on its owner, each node some.
    const owners = mapOf(1);
    tokensOf(ring, "routa", "t").forEach((tokens, index) => {
      assert.ok(tokens.length > 20, `node ${index} got ${tokens.length} partitions of routa.t`);
      for (const token of tokens) {
        assert.equal(owners.replicas(token)[0].address, hosts[index].address, `${token}`);
      }
    });
    // Factor 2: each partition on one of its two replicas, not always the first.
    const pairs = mapOf(2);
    let secondary = 0;
    tokensOf(ring, "routb", "kv").forEach((tokens, index) => {
      for (const token of tokens) {
        const replicas = pairs.replicas(token).map((host) => host.address);
        assert.ok(replicas.includes(hosts[index].address), `${token} on node ${index}`);
        if (replicas[0] !== hosts[index].address) secondary++;
      }
    });
    assert.ok(secondary > 0, "every routb write went to its primary replica");

    // Reads go to the owner too: validate finds every row (only its owner holds it).
    const profile = `profile=${dir}/a.yaml`;
    const insert = await runAgainst(null, [
      ...["user", profile, "ops(insert=1)", "n=600", ...common],
    ], { nodeArgs });
    assert.equal(insert.code, 0, [...insert.out, ...insert.err].join("\n"));
    const validate = await runAgainst(null, [
      ...["user", profile, "ops(validate=1)", "n=600", ...common],
    ], { nodeArgs });
    const validateText = [...validate.out, ...validate.err].join("\n");
    assert.equal(validate.code, 0, validateText);
    assert.equal(total(validate.out, "Total errors"), 0, validateText);
    assert.ok(total(validate.out, "Total partitions") > 300, validateText);
  } finally {
    await ring.close();
    await Deno.remove(dir, { recursive: true });
  }
});
