// The node's host_id survives a restart on the same address and port, as a Cassandra node's
// does (gocql, seeing a new host_id at a known address, dropped the host and answered "no hosts
// available in the pool" for ever after), and differs between nodes.
import assert from "node:assert/strict";
import { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { CqlRing } from "../../lib/cql_node/driver/cql_ring.ts";
import { createClient, withTimeout } from "./_driver_fixture.ts";

/** host_id of system.local, read through cassandra-driver. */
async function hostIdOver(server: CqlServer): Promise<string> {
  const client = createClient(server, { pooling: { heartBeatInterval: 0 } });
  try {
    await withTimeout(client.connect(), { limitMs: 10000, what: "connect" });
    const result = await client.execute("SELECT host_id FROM system.local");
    return String(result.rows[0]["host_id"]);
  } finally {
    await client.shutdown();
  }
}

Deno.test("CqlServer keeps its host_id when restarted on the same address and port", async () => {
  const first = await CqlServer.start({ port: 0 });
  const port = first.port;
  let before: string;
  try {
    before = await hostIdOver(first);
  } finally {
    await first.close();
  }
  const again = await CqlServer.start({ port });
  const other = await CqlServer.start({ port: 0 });
  try {
    assert.equal(await hostIdOver(again), before);
    assert.match(before, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(await hostIdOver(other), before);
  } finally {
    await again.close();
    await other.close();
  }
});

Deno.test("CqlRing gives every node its own host_id", async () => {
  const ring = await CqlRing.start({ port: 0 });
  try {
    const ids = ring.nodes.map((node) => node.peerInfo().hostId);
    assert.equal(new Set(ids).size, 3);
  } finally {
    await ring.close();
  }
});
