import assert from "node:assert/strict";
import { HeartbeatSender } from "../../lib/disk/driver/heartbeat_socket.ts";
import { parseHeartbeat } from "../../lib/disk/protocol/parse_heartbeat.ts";
import { parseClientMessage } from "../../lib/disk/protocol/parse_client_message.ts";
import { freeUdpPort, helloLine, kill, rawConnect, startServer } from "./_disk_procs.ts";

Deno.test("disk protocol: the hello's hbKey and the heartbeat's key are kept, and checked", () => {
  const hello = { ...JSON.parse(helloLine("c1")), hbKey: "k-1" };
  assert.deepEqual(parseClientMessage(JSON.stringify(hello)), hello);
  const beat = { v: 1, type: "hb", client: "c1", seq: 1, atMs: 5, state: "writing", key: "k-1" };
  assert.deepEqual(parseHeartbeat(JSON.stringify(beat)), beat);
  const bad = parseHeartbeat(JSON.stringify({ ...beat, key: "not a key" }));
  assert.equal((bad as { code?: string }).code, "bad_message");
});

Deno.test("disk server: heartbeats of another run's client with the same id do not keep a client alive", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_hbkey_" });
  const hbPort = freeUdpPort();
  const { server, tcpPort } = await startServer({
    hbPort,
    db: `${dir}/runs.sqlite`,
    dir,
    extra: ["--hb-misses", "2"],
  });
  // Another run's client "a" on the same group, still beating with its own key.
  const sender = HeartbeatSender.open({
    address: "239.0.0.1",
    port: hbPort,
    interfaceAddress: "127.0.0.1",
  });
  let seq = 0;
  const beat = { v: 1, type: "hb", client: "a", atMs: Date.now(), state: "writing", key: "theirs" };
  const timer = setInterval(() => {
    sender.send(JSON.stringify({ ...beat, seq: ++seq })).catch(() => {});
  }, 100);
  try {
    const conn = await rawConnect(tcpPort);
    const hello = JSON.parse(helloLine("a"));
    hello.hbKey = "mine";
    hello.config.heartbeatMs = 300;
    await conn.send(JSON.stringify(hello) + "\n");
    assert.equal((await conn.next())?.type, "welcome");
    // This client "a" vanishes: no bye, and not one heartbeat with its key.
    conn.close();
    const ended = await Promise.race([
      server.done,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 8_000)),
    ]);
    assert.ok(ended !== null, "the client was never marked gone");
    assert.equal(ended.code, 0, ended.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
    assert.equal(report.clients[0].state, "gone");
    assert.equal(report.clients[0].heartbeats, 0);
  } finally {
    clearInterval(timer);
    sender.close();
    kill(server);
    await server.done;
    await Deno.remove(dir, { recursive: true });
  }
});
