// One client connection of the disk server (lib/disk/_disk_server_connection.ts), on a fake
// connection: what it logs when the connection fails under it.
import assert from "node:assert/strict";
import { ServerConnection } from "../../lib/disk/_disk_server_connection.ts";
import type { ServerContext } from "../../lib/disk/_disk_server_context.ts";
import { helloLine, kill, rawConnect, waitFor, withServedRun } from "./_disk_procs.ts";

const HELLO = helloLine("a");

/** A connection that delivers a hello, then whose writes throw `error`. */
function failingConn(error: Error): Deno.Conn {
  let delivered = false;
  return {
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 40000 },
    read(buffer: Uint8Array): Promise<number | null> {
      if (delivered) return Promise.resolve(null);
      delivered = true;
      return Promise.resolve(new TextEncoder().encodeInto(HELLO, buffer).written);
    },
    write(): Promise<number> {
      return Promise.reject(error);
    },
    close(): void {},
  } as unknown as Deno.Conn;
}

/** Serves the connection with a context that only logs; returns the log. */
async function serve(conn: Deno.Conn): Promise<string[]> {
  const lines: string[] = [];
  const context = {
    settings: {},
    store: {
      addClient: () => Promise.resolve(true),
      addEvent: () => Promise.resolve(),
    },
    runId: 1,
    log: (text: string) => lines.push(text),
    tracker: { register() {}, beat() {}, finish() {} },
    clients: new Map(),
  } as unknown as ServerContext;
  await new ServerConnection(conn, context).serve();
  return lines;
}

Deno.test("disk server connection: closed by the server itself (it is stopping) is no failure", async () => {
  const lines = await serve(failingConn(new Deno.errors.BadResource("Bad resource ID")));
  assert.ok(!lines.some((line) => /failed/.test(line)), lines.join("\n"));
  // Any other error is one.
  const other = await serve(failingConn(new Error("broken pipe")));
  assert.ok(
    other.some((line) => /^connection 127\.0\.0\.1:40000 failed: Error: broken pipe$/.test(line)),
    other.join("\n"),
  );
});

Deno.test("disk server stopped by Ctrl-C does not note its clients as disconnected after its report", async () => {
  await withServedRun("interrupt_conn", async ({ server, tcpPort }) => {
    const raw = await rawConnect(tcpPort);
    try {
      await raw.send(HELLO);
      assert.equal((await raw.next())?.type, "welcome");
      kill(server, "SIGINT");
      const { code, stderr } = await server.done;
      assert.equal(code, 130, stderr);
      assert.equal(
        stderr.trim(),
        "error: Server interrupted: the report above covers what was stored",
      );
      await waitFor(
        "the report",
        () => server.lines.some((l) => l.startsWith("Run 1")) || undefined,
      );
      // The server closed the connection itself: no "waiting for its heartbeats" after the run.
      const stray = server.lines.filter((line) => line.includes("disconnected without a bye"));
      assert.deepEqual(stray, [], server.lines.join("\n"));
    } finally {
      raw.close();
    }
  });
});
