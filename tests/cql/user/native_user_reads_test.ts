// The token ranges a token range query reads: the native path computes them from the ring's
// tokens (ringTokenRanges) and must give the list cassandra-driver's metadata gives the driver
// path (driverRingRanges), unwrapped and sorted, the ring's minimum token included.
import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { CqlServer } from "../../../lib/cql_node/driver/cql_server.ts";
import { TokenMap } from "../../../lib/cql/native/token_map.ts";
import { ringTokenRanges } from "../../../lib/cql/driver/_native_user_reads.ts";
import { driverRingRanges } from "../../../lib/cql/driver/_driver_user_reads.ts";

async function rangesOfNode(tokens?: string[]) {
  const node = await CqlServer.start({ hostname: "127.0.0.1", port: 0, tokens });
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${node.port}`],
    localDataCenter: "datacenter1",
  });
  try {
    await client.connect();
    const map = new TokenMap([node.peerInfo()], { class: "LocalStrategy" });
    return { driver: driverRingRanges(client), native: ringTokenRanges(map) };
  } finally {
    await client.shutdown();
    await node.close();
  }
}

Deno.test("ringTokenRanges() gives the driver's ranges for a node's random tokens", async () => {
  const { driver, native } = await rangesOfNode();
  assert.ok(driver.length > 10, `${driver.length} ranges`);
  assert.deepEqual(native, driver);
});

Deno.test("ringTokenRanges() gives the driver's ranges with the minimum token in the ring", async () => {
  const { driver, native } = await rangesOfNode(["-9223372036854775808", "-5", "100"]);
  assert.deepEqual(native, driver);
});

Deno.test("ringTokenRanges() of one token is the whole ring, as the driver's", async () => {
  const { driver, native } = await rangesOfNode(["42"]);
  assert.deepEqual(native, [{ start: null, end: null }]);
  assert.deepEqual(native, driver);
});
