// A node stopped in the middle of a run and started again on its port (its rows and statements
// lost, its schema created again), as a rolling restart does: with `-errors ignore` the run goes
// on, counts the ops of the outage as errors, prepares its statements on the new connections and
// writes again; and the command ends when its run does. Two faults hid this: the ops of 64 threads
// that found no host failed back to back, which starved the Workers' reconnects of I/O (the
// restarted node was never written again); and the driver replaced its host when the node came
// back, leaving the old host's pool reconnecting, so that `stress` printed END and never exited.
// The control session's driver client is checked on its own as well.
import assert from "node:assert/strict";
import { connectCluster } from "../../lib/cql/driver/cql_cluster.ts";
import { stressSchemaStatements } from "../../lib/cql/stress_schema_statements.ts";
import type { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { spawnMain } from "../_main_child.ts";
import { connectionSpec } from "../cql/user/_user_target_fixture.ts";
import { executed, prepared, result } from "./_cql_faults.ts";
import { startNode } from "./_cql_run.ts";

const SCHEMA = stressSchemaStatements({
  keyspace: "keyspace1",
  replicationStrategy: "org.apache.cassandra.locator.SimpleStrategy",
  replicationOptions: {},
  compression: null,
  compactionStrategy: null,
  compactionOptions: {},
}, ["C0", "C1", "C2", "C3", "C4"]);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The node started again on `port`, with the stress schema (as a restarted node keeps it). */
async function restart(port: number): Promise<CqlServer> {
  const node = await startNode({ port });
  for (const ddl of SCHEMA) node.applyDdl(ddl, undefined);
  return node;
}

async function textOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

Deno.test("native path: a run goes on through a node restart and its command ends", async () => {
  let node = await startNode();
  const port = node.port;
  const child = spawnMain([
    ...["write", "duration=7s", "no-warmup", "-rate", "threads=64"],
    ...["-errors", "ignore", "retries=0", "-node", "127.0.0.1", "-port", `native=${port}`],
  ]);
  const out = textOf(child.stdout);
  const err = textOf(child.stderr);
  let exited = false;
  const status = child.status.finally(() => exited = true);
  let restarted: CqlServer | null = null;
  try {
    while (!exited && restarted === null) {
      if (executed(node) > 5000) {
        await node.close();
        await sleep(1000);
        restarted = await restart(port);
        node = restarted;
      }
      await sleep(5);
    }
    // The run lasts 7 s after a start of a few: it must have ended well within 40 s.
    const timer = setTimeout(() => exited || child.kill("SIGKILL"), 40_000);
    const { code, signal } = await status;
    clearTimeout(timer);
    const text = `${await out}\n${await err}`;
    assert.ok(restarted !== null, `the node was never stopped:\n${text}`);
    assert.equal(signal, null, `the command did not end after its run:\n${text}`);
    assert.equal(code, 0, text);
    const lines = (await out).split("\n");
    assert.ok(lines.includes("END"), text);
    assert.ok(result(lines, "Total errors") > 0, text);
    // The restarted node knew no statement: each Worker's new connection prepared its own.
    assert.ok(prepared(restarted) >= 1, text);
    assert.ok(executed(restarted) > 1000, `no write after the restart:\n${text}`);
  } finally {
    if (!exited) child.kill("SIGKILL");
    await status;
    await Promise.allSettled([out, err]);
    await node.close();
  }
});

Deno.test("connectCluster() leaves no connection once shut down after its node came back", async () => {
  let node = await startNode();
  const port = node.port;
  const cluster = await connectCluster(connectionSpec(port));
  try {
    await node.close();
    await sleep(1500);
    node = await startNode({ port });
    // The driver reconnects once a second: let its pools find the node again.
    await sleep(2500);
  } finally {
    await cluster.client.shutdown();
  }
  await sleep(300);
  const left = node.connectionCount;
  await node.close();
  assert.equal(left, 0);
});
