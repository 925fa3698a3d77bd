// The driver clients run without the idle heartbeat. With it, a node that closes a
// connection while the driver writes its STARTUP (`serve --drop`) left a heartbeat timer
// that re-armed itself after `shutdown()`: `write` printed `error: Cannot connect ...` and
// then never exited. The race cannot be forced from a test, so this checks the options that
// remove the timer, on the control session as it is really connected and on the Workers'.
import assert from "node:assert/strict";
import type cassandra from "cassandra-driver";
import { clientOptionsOf } from "../../lib/cql/driver/client_options.ts";
import { connectCluster } from "../../lib/cql/driver/cql_cluster.ts";
import { connectionSpec as specOf } from "../cql/user/_user_target_fixture.ts";
import { startNode } from "./_cql_run.ts";

function heartbeatOf(client: cassandra.Client): number | undefined {
  const options = (client as unknown as { options: cassandra.ClientOptions }).options;
  return options.pooling?.heartBeatInterval;
}

Deno.test("the Workers' driver clients have no idle heartbeat", () => {
  assert.equal(clientOptionsOf(specOf(9042)).pooling?.heartBeatInterval, 0);
});

Deno.test("the control session's driver client has no idle heartbeat", async () => {
  const node = await startNode();
  try {
    const cluster = await connectCluster(specOf(node.port));
    try {
      assert.equal(heartbeatOf(cluster.client), 0);
    } finally {
      await cluster.client.shutdown();
    }
  } finally {
    await node.close();
  }
});
