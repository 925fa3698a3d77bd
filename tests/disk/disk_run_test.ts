import assert from "node:assert/strict";
import { openRunStore } from "../../lib/drivers/disk/run_store.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

function freeUdpPort(): number {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (socket.addr as Deno.NetAddr).port;
  socket.close();
  return port;
}

interface Proc {
  readonly child: Deno.ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the exit code and stderr once the process ended and its output was read. */
  readonly done: Promise<{ code: number; stderr: string }>;
}

function start(args: string[]): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const stdout = (async () => {
    let rest = "";
    for await (const chunk of child.stdout) {
      const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts);
    }
    if (rest !== "") lines.push(rest);
  })();
  const stderr = new Response(child.stderr).text();
  const done = (async () => {
    const status = await child.status;
    await stdout;
    return { code: status.code, stderr: await stderr };
  })();
  return { child, lines, done };
}

async function waitFor<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

function kill(proc: Proc, signal: Deno.Signal = "SIGKILL"): void {
  try {
    proc.child.kill(signal);
  } catch {
    // Already ended.
  }
}

Deno.test("disk client refuses a run that cannot roll over twice, with one line and exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_feasible_" });
  try {
    const client = start([
      "disk",
      "client",
      "--server",
      "127.0.0.1:9",
      "--hb-address",
      "239.0.0.1",
      "--hb-port",
      String(freeUdpPort()),
      "--interface",
      "127.0.0.1",
      "--chunk",
      "1M",
      "--file-size",
      "1T",
      "--run-time",
      "1s",
      "--path",
      dir,
    ]);
    const { code, stderr } = await client.done;
    assert.equal(code, 2, stderr);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], /^error: Cannot run: at .* measured, .*expected at least 2/);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "the probe file is removed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disk server and three clients: runs stored, a killed client gone, garbage changes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_run_" });
  const hbPort = freeUdpPort();
  const procs: Proc[] = [];
  try {
    const server = start([
      "disk",
      "server",
      "--hb-address",
      "239.0.0.1",
      "--hb-port",
      String(hbPort),
      "--tcp-port",
      "0",
      "--host",
      "127.0.0.1",
      "--interface",
      "127.0.0.1",
      "--db",
      `${dir}/runs.sqlite`,
      "--log",
      `${dir}/server.log`,
      "--idle-timeout",
      "20s",
      "--hb-misses",
      "2",
      "--report",
      `${dir}/report.json`,
    ]);
    procs.push(server);
    const tcpPort = await waitFor("the server", () => {
      const line = server.lines.find((l) => l.includes("listening on"));
      return line === undefined ? undefined : Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
    });
    const client = (id: string, chunk: string, runTime: string) =>
      start([
        "disk",
        "client",
        "--server",
        `127.0.0.1:${tcpPort}`,
        "--hb-address",
        "239.0.0.1",
        "--hb-port",
        String(hbPort),
        "--interface",
        "127.0.0.1",
        "--id",
        id,
        "--chunk",
        chunk,
        "--file-size",
        "4M",
        "--run-time",
        runTime,
        "--heartbeat",
        "300ms",
        "--stats-every",
        "1s",
        "--fsync",
        "file",
        "--min-free",
        "1%",
        "--path",
        `${dir}/${id}`,
        "--cleanup",
      ]);
    const clients = [
      client("c1", "1M", "3s"),
      client("c2", "512K", "3s"),
      client("c3", "2M", "30s"),
    ];
    procs.push(...clients);
    // c3 writes for 30 s; once it has rolled over, kill it (and its writer) without a goodbye.
    const writerPid = await waitFor("c3's writer", () => {
      const line = clients[2].lines.find((l) => l.includes("writer pid"));
      return line === undefined ? undefined : Number(/writer pid (\d+)/.exec(line)![1]);
    });
    await waitFor(
      "c3's first rollover",
      () => clients[2].lines.some((l) => l.includes("rollover 1:")) ? true : undefined,
    );
    kill(clients[2]);
    Deno.kill(writerPid, "SIGKILL");
    // Garbage, truncated JSON and a wrong first message, while the others run.
    for (
      const junk of [
        "\x00\xff\x13garbage\n",
        '{"v":1,"type":"hel',
        '{"v":1,"type":"bye","seq":1,"atMs":1}\n',
      ]
    ) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: tcpPort });
      await conn.write(new TextEncoder().encode(junk));
      if (!junk.endsWith("\n")) {
        conn.close(); // vanishes mid-message
        continue;
      }
      const answer = new Uint8Array(1024);
      const read = await conn.read(answer);
      assert.match(decoder.decode(answer.subarray(0, read ?? 0)), /"type":"error"/);
      conn.close();
    }
    const results = await Promise.all(clients.slice(0, 2).map((c) => c.done));
    for (const { code, stderr } of results) assert.equal(code, 0, stderr);
    const { code, stderr } = await server.done;
    assert.equal(code, 0, stderr + server.lines.join("\n"));

    const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
    const store = await openRunStore(`${dir}/runs.sqlite`);
    try {
      const [run] = await store.listRuns();
      assert.equal(run.status, "done");
      const loaded = (await store.loadRun(run.id))!;
      const byId = new Map(loaded.clients.map((c) => [c.clientId, c]));
      assert.deepEqual([...byId.keys()].sort(), ["c1", "c2", "c3"]);
      assert.equal(byId.get("c1")!.state, "finished");
      assert.equal(byId.get("c2")!.state, "finished");
      assert.equal(byId.get("c3")!.state, "gone");
      for (const id of ["c1", "c2"]) {
        const kinds = loaded.events.filter((e) => e.clientId === id).map((e) => e.kind);
        assert.equal(kinds[0], "start");
        assert.ok(kinds.filter((k) => k === "rollover").length >= 2, `${id}: ${kinds}`);
        assert.deepEqual(kinds.slice(-2), ["stop", "bye"]);
        const samples = loaded.samples.filter((s) => s.clientId === id);
        assert.ok(samples.length >= 2, `${id}: ${samples.length} samples`);
        assert.ok(samples.some((s) => s.rssBytes > 0 && s.cpuPercent > 0));
        assert.ok(byId.get(id)!.heartbeats >= 3, `${id}: ${byId.get(id)!.heartbeats} heartbeats`);
      }
      assert.equal(
        byId.get("c1")!.config && (byId.get("c1")!.config as { chunkBytes: number }).chunkBytes,
        1_000_000,
      );
      assert.equal((byId.get("c2")!.config as { chunkBytes: number }).chunkBytes, 512_000);
      assert.ok(loaded.events.some((e) => e.clientId === "c3" && e.kind === "gone"));
      assert.equal(loaded.events.filter((e) => e.kind === "rejected").length, 2);
      assert.ok(report !== null);
    } finally {
      await store.close();
    }
    const log = await Deno.readTextFile(`${dir}/server.log`);
    assert.match(log, /heartbeat c1 seq \d+ writing/);
    assert.match(log, /client c3 is gone/);
    assert.match(log, /closed: bad_message/);
  } finally {
    for (const proc of procs) kill(proc);
    await Promise.all(procs.map((p) => p.done));
    await Deno.remove(dir, { recursive: true });
  }
});
