import assert from "node:assert/strict";
import { freeUdpPort, kill, type Proc, start, waitFor } from "./_disk_procs.ts";

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

/** Starts a client of `server` that writes for `runTime` into a folder of `dir`. */
function hungClient(server: { port: number }, dir: string, runTime: string): Proc {
  return start([
    ...["disk", "client", "--server", `127.0.0.1:${server.port}`, "--id", "h"],
    ...["--hb-address", "239.0.0.1", "--hb-port", String(freeUdpPort())],
    ...["--interface", "127.0.0.1", "--heartbeat", "300ms", "--stats-every", "1s"],
    ...["--chunk", "64K", "--file-size", "256K", "--run-time", runTime, "--min-free", "1%"],
    ...["--min-rollovers", "0"],
    ...["--path", `${dir}/h`, "--cleanup"],
  ]);
}

/** Runs `body` with a hung server and a client of it; stops both and removes the folder. */
async function withHungClient(
  runTime: string,
  body: (client: Proc) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_hung_" });
  const server = hungServer();
  const client = hungClient(server, dir, runTime);
  try {
    await body(client);
  } finally {
    kill(client);
    await client.done;
    server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("disk client whose server hangs ends 10 s after its run, exit 1, saying what was not acknowledged", async () => {
  await withHungClient("3s", async (client) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Before the fix it waited for the acknowledgements for ever.
    const ended = await Promise.race([
      client.done,
      new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 40_000)),
    ]).finally(() => clearTimeout(timer));
    assert.ok(ended !== null, `the client hung:\n${client.lines.join("\n")}`);
    assert.equal(ended.code, 1, ended.stderr + client.lines.join("\n"));
    assert.equal(ended.stderr, "");
    const text = client.lines.join("\n");
    assert.match(text, /stop: done, /);
    assert.match(
      text,
      /error: \d+ records were not acknowledged by the server \(the server acknowledged nothing for 10 s\)/,
    );
    // The samples go on while the server hangs (one every second of the 3 s run), and the end
    // is said before the wait for the server (before, both waited for its acknowledgements).
    const lost = client.lines.findIndex((line) => /server connection lost/.test(line));
    const before = client.lines.slice(0, lost);
    assert.ok(before.filter((line) => /sample: /.test(line)).length >= 2, text);
    assert.ok(before.some((line) => /stop: done, /.test(line)), text);
  });
});

Deno.test("disk client waiting for a hung server's acknowledgements ends at Ctrl-C, saying what was not acknowledged", async () => {
  await withHungClient("1s", async (client) => {
    await waitFor("the end of the writing", () => client.lines.find((l) => /stop: done, /.test(l)));
    kill(client, "SIGINT");
    const ended = await client.done;
    const text = client.lines.filter((l) => !/rollover \d/.test(l)).join("\n");
    assert.equal(ended.code, 130, ended.stderr + text);
    // Before, Ctrl-C went unheard and the client waited out the server's 10 s of silence.
    assert.match(
      text,
      /warning: \d+ records were not acknowledged by the server \(Ctrl-C ended the wait for them\)/,
    );
    assert.doesNotMatch(text, /acknowledged nothing for 10 s/);
  });
});
