// The native data path on a ring of three embedded nodes (127.0.0.1, .2, .3): every write goes to
// the replica of its key (replication factor 1, so the one node that owns its token), every node
// gets its share, and reads find every row; with a node stopped mid-run the writes of the other
// nodes' keys go on, the lost ones are counted as errors, and the run ends with a valid summary.
import assert from "node:assert/strict";
import { CqlRing } from "../../lib/cql_node/driver/cql_ring.ts";
import { TokenMap } from "../../lib/cql/native/token_map.ts";
import { runAgainst } from "./_cql_run.ts";

const RF1 = ["-schema", "replication(strategy=SimpleStrategy,factor=1)"];

function total(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label)) ?? "";
  return Number(/:\s+([\d,]+)/.exec(line)?.[1].replaceAll(",", "") ?? NaN);
}

async function startRing(): Promise<{ ring: CqlRing; map: TokenMap; args: string[] }> {
  const ring = await CqlRing.start({ nodes: 3, port: 0, keepWriteTokens: true });
  const hosts = ring.nodes.map((node) => {
    const info = node.peerInfo();
    return {
      address: info.address,
      datacenter: info.datacenter,
      rack: info.rack,
      tokens: info.tokens,
    };
  });
  const map = new TokenMap(hosts, { class: "SimpleStrategy", replication_factor: "1" });
  return { ring, map, args: ["-node", "127.0.0.1", "-port", `native=${ring.port}`] };
}

Deno.test("native path: on a 3-node ring every write lands on the owner of its token", async () => {
  const { ring, map, args } = await startRing();
  try {
    const write = await runAgainst(null, [
      ...["write", "n=3000", "no-warmup", "-pop", "seq=1..3000", "-rate", "threads=16", ...RF1],
    ], { nodeArgs: args });
    assert.equal(write.code, 0, [...write.out, ...write.err].join("\n"));
    assert.ok(write.out.some((l) => l.startsWith("  Data Path: native")), write.out.join("\n"));
    // A second per -node entry, as cassandra-stress sleeps (settings.node.nodes), not per host
    // the driver found: one here, on a ring of three.
    assert.ok(
      write.out.includes("Created keyspaces. Sleeping 1s for propagation."),
      write.out.join("\n"),
    );
    let written = 0;
    ring.nodes.forEach((node, index) => {
      const table = node.requestCounts().find((t) => t.table === "standard1");
      const tokens = table?.writeTokens ?? [];
      assert.ok(tokens.length > 500, `node ${index} got ${tokens.length} keys`);
      for (const token of tokens) {
        const owner = map.replicas(token)[0].address;
        assert.equal(owner, map.hosts[index].address, `token ${token} written on node ${index}`);
      }
      written += tokens.length;
    });
    assert.equal(written, 3000);
    const read = await runAgainst(null, [
      ...["read", "n=3000", "no-warmup", "-pop", "seq=1..3000", "-rate", "threads=16"],
    ], { nodeArgs: args });
    assert.equal(read.code, 0, [...read.out, ...read.err].join("\n"));
    assert.equal(total(read.out, "Total errors"), 0);
  } finally {
    await ring.close();
  }
});

Deno.test("native path: a node stopped mid-run is routed around, its keys' ops counted as errors", async () => {
  const { ring, args } = await startRing();
  try {
    const controller = new AbortController();
    let stopped = false;
    // Stop node 2 once the run is measuring (its first interval row was printed).
    const run = runAgainst(null, [
      ...["write", "duration=4s", "no-warmup", "-rate", "threads=16", ...RF1],
      ...["-errors", "ignore", "retries=0", "-log", "interval=500ms"],
    ], { nodeArgs: args, signal: controller.signal });
    const watch = (async () => {
      for (let i = 0; i < 400 && !stopped; i++) {
        const table = ring.nodes[2].requestCounts().find((t) => t.table === "standard1");
        if ((table?.writes ?? 0) > 1000) {
          stopped = true;
          await ring.stopNode(2);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const { code, out, err } = await run;
    await watch;
    const text = [...out, ...err].join("\n");
    assert.ok(stopped, `node 2 never took 1000 writes:\n${text}`);
    assert.equal(code, 0, text);
    assert.ok(out.includes("END"), text);
    // The keys node 2 owned fail (no replica left at factor 1); the others go on.
    assert.ok(total(out, "Total errors") > 0, text);
    assert.ok(total(out, "Total partitions") > total(out, "Total errors"), text);
    for (const index of [0, 1]) {
      const table = ring.nodes[index].requestCounts().find((t) => t.table === "standard1");
      assert.ok((table?.writes ?? 0) > 1000, `node ${index}: ${table?.writes} writes`);
    }
  } finally {
    await ring.close();
  }
});
