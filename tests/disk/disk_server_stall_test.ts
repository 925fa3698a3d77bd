import assert from "node:assert/strict";
import { DiskServerRun } from "../../lib/disk/_disk_server_run.ts";
import type { ServerSettings } from "../../lib/disk/_disk_server_settings.ts";
import { HeartbeatListener, HeartbeatSender } from "../../lib/disk/driver/heartbeat_socket.ts";
import { SqliteRunStore } from "../../lib/disk/driver/sqlite_run_store.ts";
import type { EventRecord, RunStatus, RunStore } from "../../lib/disk/driver/run_store_types.ts";
import {
  freeUdpPort,
  helloLine,
  inTempDir,
  rawConnect,
  type RawConnection,
} from "./_disk_procs.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Holds the event loop, as a synchronous SQLite commit on a busy disk does. */
function holdLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy: no timer, no socket is served meanwhile.
  }
}

/** How the store is slow: holding the loop for a `log` record, waiting for heartbeats. */
interface Slowness {
  /** How long storing a `log` record holds the event loop, ms. */
  readonly holdMs?: number;
  /** How long storing the first heartbeat takes (a slow PostgreSQL commit), ms. */
  readonly heartbeatMs?: number;
}

/** The store, slow as told. */
function slowStore(store: SqliteRunStore, slowness: Slowness): RunStore {
  let firstBeat = true;
  return new Proxy(store, {
    get(target, property) {
      if (property === "addEvent") {
        return (runId: number, event: EventRecord) => {
          if (event.kind === "log") holdLoop(slowness.holdMs ?? 0);
          return target.addEvent(runId, event);
        };
      }
      if (property === "noteHeartbeat") {
        return async (runId: number, clientId: string, atMs: number) => {
          if (firstBeat) await sleep(slowness.heartbeatMs ?? 0);
          firstBeat = false;
          return target.noteHeartbeat(runId, clientId, atMs);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A server run in this process, on SQLite, and a client "a" (key "k") it welcomed. */
interface InProcessRun {
  readonly sqlite: SqliteRunStore;
  readonly runId: number;
  /** The server's log lines. */
  readonly lines: string[];
  readonly ended: Promise<RunStatus>;
  readonly conn: RawConnection;
  /** Sends one heartbeat of client "a" (to the group, on 127.0.0.1). */
  beat(fields?: Record<string, unknown>): void;
}

/** Runs `test` against a server run in this process whose client "a" beats every 300 ms. */
async function withServerRun(
  slowness: Slowness,
  test: (run: InProcessRun) => Promise<void>,
): Promise<void> {
  await inTempDir("stall", async (dir) => {
    const hbPort = freeUdpPort();
    const settings: ServerSettings = {
      hbAddress: "239.0.0.1",
      hbPort,
      tcpPort: 0,
      host: "127.0.0.1",
      interfaceAddress: "127.0.0.1",
      db: `${dir}/runs.sqlite`,
      logPath: null,
      idleTimeoutMs: 30_000,
      misses: 3,
      token: undefined,
      reportPath: null,
    };
    const sqlite = await SqliteRunStore.open(settings.db);
    const runId = await sqlite.createRun({
      startedAtMs: Date.now(),
      tcpPort: 0,
      hbAddress: "239.0.0.1",
      hbPort,
    });
    const lines: string[] = [];
    const server = new DiskServerRun(settings, {
      store: slowStore(sqlite, slowness),
      runId,
      log: (text) => lines.push(text),
    });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const channel = { address: "239.0.0.1", port: hbPort, interfaceAddress: "127.0.0.1" };
    const ended = server.run(listener, {
      heartbeats: await HeartbeatListener.open(channel),
      signal: undefined,
    });
    const sender = HeartbeatSender.open(channel);
    let seq = 0;
    const beat = (fields: Record<string, unknown> = {}) => {
      const message = { v: 1, type: "hb", client: "a", seq: ++seq, atMs: Date.now() };
      sender.send(JSON.stringify({ ...message, state: "writing", key: "k", ...fields }))
        .catch(() => {});
    };
    const conn = await rawConnect((listener.addr as Deno.NetAddr).port);
    try {
      const hello = JSON.parse(helloLine("a"));
      hello.hbKey = "k";
      hello.config.heartbeatMs = 300;
      await conn.send(JSON.stringify(hello) + "\n");
      assert.equal((await conn.next())?.type, "welcome");
      await test({ sqlite, runId, lines, ended, conn, beat });
    } finally {
      conn.close();
      sender.close();
      await ended.catch(() => {});
      await sqlite.close();
    }
  });
}

/** Sends a record of client "a" and waits for its acknowledgement. */
async function sendRecord(conn: RawConnection, record: Record<string, unknown>): Promise<void> {
  await conn.send(JSON.stringify({ v: 1, atMs: Date.now(), ...record }) + "\n");
  assert.equal((await conn.next())?.type, "ack");
}

Deno.test("disk server held by a slow commit marks no client gone for the heartbeats it could not read", async () => {
  await withServerRun({ holdMs: 1500 }, async ({ sqlite, runId, lines, ended, conn, beat }) => {
    let beating = true;
    const timer = setInterval(() => beating && beat(), 100);
    try {
      await sleep(400);
      // Storing this record holds the server 1.5 s, over 3 intervals of 300 ms. The heartbeats
      // of that time would wait unread in the socket, read after the first check or before it:
      // here none is sent (no beat from 150 ms before the record to its ack), the worst order.
      beating = false;
      await sleep(150);
      await sendRecord(conn, { seq: 1, type: "event", kind: "log", detail: { message: "hi" } });
      beating = true;
      beat();
      await sleep(400);
      await sendRecord(conn, { seq: 2, type: "bye" });
      assert.equal(await ended, "done");
      assert.ok(!lines.some((line) => line.includes("is gone")), lines.join("\n"));
      assert.equal((await sqlite.loadRun(runId))?.clients[0].state, "finished");
    } finally {
      clearInterval(timer);
    }
  });
});

Deno.test("disk server stores a client's last heartbeat on its own clock, not the client's", async () => {
  await withServerRun({}, async ({ sqlite, runId, lines, ended, conn, beat }) => {
    // A client whose clock is an hour behind the server's.
    const timer = setInterval(() => beat({ atMs: Date.now() - 3_600_000 }), 100);
    try {
      await sleep(500);
      const beforeMs = Date.now() - 1000;
      await sendRecord(conn, { seq: 1, type: "bye" });
      assert.equal(await ended, "done");
      assert.ok(lines.some((line) => line.includes("heartbeat a seq")), lines.join("\n"));
      const [client] = (await sqlite.loadRun(runId))?.clients ?? [];
      assert.ok(client.heartbeats > 0);
      assert.ok(
        client.lastHeartbeatMs !== null && client.lastHeartbeatMs >= beforeMs,
        `last heartbeat ${client.lastHeartbeatMs}, expected after ${beforeMs}`,
      );
    } finally {
      clearInterval(timer);
    }
  });
});

Deno.test("disk server whose database is slow to store a heartbeat still reads the next ones", async () => {
  await withServerRun(
    { heartbeatMs: 2000 },
    async ({ sqlite, runId, lines, ended, conn, beat }) => {
      const timer = setInterval(() => beat(), 100);
      try {
        // The first heartbeat takes 2 s to store, over 3 intervals of 300 ms; the others come on.
        await sleep(1800);
        await sendRecord(conn, { seq: 1, type: "bye" });
        assert.equal(await ended, "done");
        assert.ok(!lines.some((line) => line.includes("is gone")), lines.join("\n"));
        const [client] = (await sqlite.loadRun(runId))?.clients ?? [];
        assert.equal(client.state, "finished");
        assert.ok(client.heartbeats > 5, `${client.heartbeats} heartbeats stored`);
      } finally {
        clearInterval(timer);
      }
    },
  );
});
