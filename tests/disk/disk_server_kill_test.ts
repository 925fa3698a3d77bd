import assert from "node:assert/strict";
import { openRunStore } from "../../lib/disk/driver/run_store.ts";
import {
  freeUdpPort,
  kill,
  type Proc,
  runMain,
  startClient,
  startServer,
  waitFor,
} from "./_disk_procs.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A protocol-level client that pipelines records and notes every ack it gets. */
async function flood(port: number, acked: Set<number>): Promise<{ sent: number }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const hello = {
    v: 1,
    type: "hello",
    client: "flood",
    host: "test",
    pid: Deno.pid,
    config: {
      chunkBytes: 1000,
      fileBytes: 2000,
      runTimeMs: 1000,
      path: "/nowhere",
      fsync: "never",
      heartbeatMs: 60_000,
      statsEveryMs: 1000,
      minFreeBytes: null,
      minFreePercent: null,
    },
  };
  await conn.write(encoder.encode(JSON.stringify(hello) + "\n"));
  let rest = "";
  let welcomed = false;
  let ended = false;
  const reading = (async () => {
    const buffer = new Uint8Array(65536);
    while (true) {
      const read = await conn.read(buffer).catch(() => null);
      if (read === null) {
        ended = true;
        return;
      }
      const lines = (rest + decoder.decode(buffer.subarray(0, read))).split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        const message = JSON.parse(line);
        if (message.type === "welcome") welcomed = true;
        else if (message.type === "ack") acked.add(message.seq);
      }
    }
  })();
  await waitFor("the welcome", () => welcomed ? true : undefined);
  let sent = 0;
  try {
    // Bounded: at most 20,000 records or until the connection breaks.
    for (let batch = 0; batch < 400; batch++) {
      let text = "";
      for (let i = 0; i < 50; i++) {
        const seq = ++sent;
        text += JSON.stringify({
          v: 1,
          type: "event",
          seq,
          atMs: Date.now(),
          kind: "log",
          detail: { message: `record ${seq}` },
        }) + "\n";
      }
      await conn.write(encoder.encode(text));
      // Keep a window of records in flight, so some are unacknowledged when the server dies.
      const deadline = performance.now() + 5000;
      while (sent - acked.size > 500 && !ended && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      if (ended) break;
    }
  } catch {
    // The server is gone.
  }
  try {
    conn.close();
  } catch {
    // Already closed.
  }
  await reading;
  return { sent };
}

Deno.test("disk server killed mid-run: every acknowledged record is stored; the client says what was not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_kill_" });
  const hbPort = freeUdpPort();
  const procs: Proc[] = [];
  try {
    const db = `${dir}/runs.sqlite`;
    const { server, tcpPort } = await startServer({
      hbPort,
      db,
      dir,
      extra: ["--idle-timeout", "20s"],
    });
    procs.push(server);
    const client = startClient({
      tcpPort,
      hbPort,
      id: "real",
      chunk: "1M",
      fileSize: "4M",
      runTime: "3s",
      dir,
    });
    procs.push(client);
    await waitFor(
      "the real client's first rollover stored",
      () => server.lines.some((l) => l.includes("client real rollover:")) ? true : undefined,
    );
    const acked = new Set<number>();
    const flooding = flood(tcpPort, acked);
    await waitFor("200 acknowledgements", () => acked.size >= 200 ? true : undefined);
    kill(server); // SIGKILL: no clean shutdown, no last flush
    const { sent } = await flooding;
    const serverEnd = await server.done;
    assert.notEqual(serverEnd.code, 0);
    assert.ok(acked.size >= 200 && acked.size <= sent, `${acked.size} of ${sent}`);

    // What the server acknowledged, it had stored.
    const store = await openRunStore(db);
    try {
      const [run] = await store.listRuns();
      assert.equal(run.status, "running", "nobody finished the run");
      const loaded = (await store.loadRun(run.id))!;
      const stored = new Set(
        loaded.events.filter((e) => e.clientId === "flood").map((e) => e.seq),
      );
      const missing = [...acked].filter((seq) => !stored.has(seq));
      assert.deepEqual(missing, [], `${missing.length} acknowledged records are not stored`);
      assert.ok(loaded.events.some((e) => e.clientId === "real" && e.kind === "rollover"));
    } finally {
      await store.close();
    }

    // The real client writes on to the end of its run time, then says what was not stored.
    const end = await client.done;
    assert.equal(end.code, 1, end.stderr);
    const out = client.lines.join("\n");
    assert.match(out, /server connection lost: .*; writing goes on locally/);
    assert.match(out, /stop: done, /);
    assert.match(out, /error: \d+ records were not acknowledged by the server/);

    // The killed run is still readable, and a new server on the same database keeps it.
    const report = await runMain(["disk", "report", "--db", db, "--run", "1"]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /^Run 1 \(running\)/m);
    const { server: next } = await startServer({
      hbPort,
      db,
      dir,
      extra: ["--idle-timeout", "200ms"],
    });
    procs.push(next);
    const nextEnd = await next.done;
    assert.equal(nextEnd.code, 1, nextEnd.stderr);
    const reopened = await openRunStore(db);
    try {
      const runs = await reopened.listRuns();
      assert.deepEqual(runs.map((r) => [r.id, r.status]), [[2, "idle"], [1, "running"]]);
      const again = (await reopened.loadRun(1))!;
      const kept = new Set(again.events.filter((e) => e.clientId === "flood").map((e) => e.seq));
      assert.ok([...acked].every((seq) => kept.has(seq)));
    } finally {
      await reopened.close();
    }
  } finally {
    for (const proc of procs) kill(proc);
    await Promise.all(procs.map((p) => p.done));
    await Deno.remove(dir, { recursive: true });
  }
});
