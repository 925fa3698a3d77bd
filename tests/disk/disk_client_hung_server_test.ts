import assert from "node:assert/strict";
import { freeUdpPort, kill, start } from "./_disk_procs.ts";

/** A server that welcomes one client, then reads everything and acknowledges nothing (hung). */
function hungServer(): { port: number; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const welcome = { v: 1, type: "welcome", run: 1, client: "h", heartbeatMisses: 3 };
      await conn.write(new TextEncoder().encode(JSON.stringify(welcome) + "\n"));
      // Reads on, so the client's writes never block: only the acknowledgements are missing.
      for await (const _ of conn.readable) { /* discarded */ }
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close: () => {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
    },
  };
}

Deno.test("disk client whose server hangs ends 10 s after its run, exit 1, saying what was not acknowledged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_hung_" });
  const server = hungServer();
  const client = start([
    ...["disk", "client", "--server", `127.0.0.1:${server.port}`, "--id", "h"],
    ...["--hb-address", "239.0.0.1", "--hb-port", String(freeUdpPort())],
    ...["--interface", "127.0.0.1", "--heartbeat", "300ms", "--stats-every", "1s"],
    ...["--chunk", "64K", "--file-size", "256K", "--run-time", "1s", "--min-free", "1%"],
    ...["--fsync", "never"],
    ...["--path", `${dir}/h`, "--cleanup"],
  ]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // Before the fix it waited for the acknowledgements for ever.
    const ended = await Promise.race([
      client.done,
      new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 40_000)),
    ]);
    assert.ok(ended !== null, `the client hung:\n${client.lines.join("\n")}`);
    assert.equal(ended.code, 1, ended.stderr + client.lines.join("\n"));
    assert.equal(ended.stderr, "");
    const text = client.lines.join("\n");
    assert.match(text, /stop: done, /);
    assert.match(
      text,
      /error: \d+ records were not acknowledged by the server \(the server acknowledged nothing for 10 s\)/,
    );
  } finally {
    clearTimeout(timer);
    kill(client);
    await client.done;
    server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
