import assert from "node:assert/strict";
import { freeUdpPort, inTempDir, kill, runMain, start } from "./_disk_procs.ts";

/** `disk client` options against a server at `tcpPort`, heartbeats from `iface`. */
function clientArgs(dir: string, tcpPort: number, iface = "127.0.0.1"): string[] {
  return [
    "disk",
    "client",
    "--server",
    `127.0.0.1:${tcpPort}`,
    "--hb-address",
    "239.0.0.1",
    "--hb-port",
    String(freeUdpPort()),
    "--interface",
    iface,
    "--path",
    `${dir}/data`,
    "--chunk",
    "64K",
    "--file-size",
    "1M",
    "--run-time",
    "2s",
  ];
}

/** A TCP listener that accepts connections and never answers; counts them. */
function silentServer(): { port: number; accepted: () => number; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) conns.push(conn);
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    accepted: () => conns.length,
    close: () => {
      listener.close();
      for (const conn of conns) conn.close();
    },
  };
}

Deno.test("disk client checks --interface before it connects: one error line, exit 2", async () => {
  await inTempDir("join", async (dir) => {
    const server = silentServer();
    try {
      // 192.0.2.1 (TEST-NET-1) is no address of this machine: no heartbeat can be sent from it.
      const result = await runMain(clientArgs(dir, server.port, "192.0.2.1"));
      assert.equal(result.code, 2, result.stderr);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /^error: Cannot send heartbeats from --interface "192\.0\.2\.1": /);
      assert.equal(server.accepted(), 0, "the client said hello to the server");
    } finally {
      server.close();
    }
  });
});

Deno.test("disk client: Ctrl-C while the server has not welcomed it ends it at once, exit 130", async () => {
  await inTempDir("join", async (dir) => {
    const server = silentServer();
    try {
      const client = start(clientArgs(dir, server.port));
      const deadline = performance.now() + 20_000;
      while (server.accepted() === 0 && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.equal(server.accepted(), 1, "the client never connected");
      await new Promise((resolve) => setTimeout(resolve, 200));
      const sentMs = performance.now();
      kill(client, "SIGINT");
      const { code, stderr } = await client.done;
      const tookMs = performance.now() - sentMs;
      assert.equal(code, 130, stderr);
      assert.ok(tookMs < 5_000, `Ctrl-C took ${tookMs} ms (the 10 s welcome wait)`);
      const lines = stderr.trim().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], /^error: Client interrupted while it joined the server/);
    } finally {
      server.close();
    }
  });
});
