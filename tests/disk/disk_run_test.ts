import assert from "node:assert/strict";
import { openRunStore } from "../../lib/disk/driver/run_store.ts";
import type { DiskReport } from "../../lib/disk/report/disk_report.ts";
import {
  freeUdpPort,
  isAlive,
  kill,
  type Proc,
  runMain,
  startClient,
  startServer,
  waitFor,
} from "./_disk_procs.ts";

Deno.test("disk server and three clients: runs stored, a killed client gone, garbage changes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_run_" });
  const hbPort = freeUdpPort();
  const procs: Proc[] = [];
  let writerPid = 0;
  try {
    const { server, tcpPort } = await startServer({
      hbPort,
      db: `${dir}/runs.sqlite`,
      dir,
      extra: ["--idle-timeout", "20s", "--hb-misses", "2"],
    });
    procs.push(server);
    const client = (id: string, chunk: string, runTime: string, extra: string[] = []) =>
      startClient({ tcpPort, hbPort, id, chunk, fileSize: "4M", runTime, dir, extra });
    const clients = [
      client("c1", "1M", "3s", ["--fail-if-limited"]),
      client("c2", "512K", "3s"),
      client("c3", "2M", "30s"),
    ];
    procs.push(...clients);
    // c3 writes for 30 s; once it has rolled over, kill it without a goodbye. Its writer process
    // must notice (its stdin ends) and stop by itself: no orphan goes on filling the disk.
    writerPid = await waitFor("c3's writer", () => {
      const line = clients[2].lines.find((l) => l.includes("writer pid"));
      return line === undefined ? undefined : Number(/writer pid (\d+)/.exec(line)![1]);
    });
    await waitFor(
      "c3's first rollover",
      () => clients[2].lines.some((l) => l.includes("rollover 1:")) ? true : undefined,
    );
    // The probe's files were removed before the run started, not after it.
    const c3Files = (await Array.fromAsync(Deno.readDir(`${dir}/c3`))).map((e) => e.name);
    assert.ok(!c3Files.some((name) => name.includes("probe")), `${c3Files}`);
    await waitFor(
      "c3's first sample stored",
      () => server.lines.some((l) => l.includes("client c3 sample:")) ? true : undefined,
    );
    kill(clients[2]);
    await waitFor("c3's writer to stop", () => isAlive(writerPid) ? undefined : true, 5000);
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
      assert.match(new TextDecoder().decode(answer.subarray(0, read ?? 0)), /"type":"error"/);
      conn.close();
    }
    for (const [i, c] of clients.slice(0, 2).entries()) {
      const { code, stderr } = await c.done;
      // c1 has --fail-if-limited: exit 4 exactly when its verdict is limited.
      const limited = i === 0 && c.lines.some((l) => l.includes("Loader: limited"));
      assert.equal(code, limited ? 4 : 0, stderr + c.lines.join("\n"));
    }
    for (const c of clients.slice(0, 2)) {
      const stopAt = c.lines.findIndex((l) =>
        /stop: done, .* chunks \(.*B\/s\), \d+ rollovers/.test(l)
      );
      assert.ok(stopAt >= 0, c.lines.join("\n"));
      // Right after it, the verdict on the loader: the writer's CPU and the client's event loop.
      assert.match(
        c.lines[stopAt + 1],
        /Loader: (ok|limited: .*) \(writer CPU \d+(\.\d)?%; client event loop delay p99 \d+\.\d ms\)/,
      );
    }
    const { code, stderr } = await server.done;
    assert.equal(code, 0, stderr + server.lines.join("\n"));

    // The database: every record of the finished clients, the killed one gone, rejections.
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
        const own = loaded.events.filter((e) => e.clientId === id);
        const kinds = own.map((e) => e.kind);
        assert.equal(kinds[0], "start");
        const rollovers = own.filter((e) => e.kind === "rollover");
        assert.ok(rollovers.length >= 2, `${id}: ${kinds}`);
        assert.deepEqual(
          rollovers.map((e) => (e.detail as { index: number }).index),
          rollovers.map((_, i) => i + 1),
        );
        // A file holds whole chunks and never passes --file-size (4M): 512K chunks make 3.58 MB.
        const chunkBytes = (byId.get(id)!.config as { chunkBytes: number }).chunkBytes;
        for (const rollover of rollovers) {
          assert.equal(
            (rollover.detail as { bytes: number }).bytes,
            Math.floor(4_000_000 / chunkBytes) * chunkBytes,
          );
        }
        assert.deepEqual(kinds.slice(-2), ["stop", "bye"]);
        const stop = own.at(-2)!.detail as {
          bytesWritten: number;
          chunks: number;
          rollovers: number;
          elapsedMs: number;
        };
        assert.equal(stop.rollovers, rollovers.length);
        assert.ok(stop.elapsedMs >= 2900 && stop.elapsedMs < 6000, `${stop.elapsedMs}`);
        // Samples carry running totals: they never go down, and the last one has them all.
        const samples = loaded.samples.filter((s) => s.clientId === id);
        assert.ok(samples.length >= 3, `${id}: ${samples.length} samples`);
        for (let i = 1; i < samples.length; i++) {
          assert.ok(samples[i].bytesWritten >= samples[i - 1].bytesWritten);
        }
        assert.equal(samples.at(-1)!.bytesWritten, stop.bytesWritten);
        assert.equal(samples.at(-1)!.chunks, stop.chunks);
        assert.ok(samples.every((s) => s.rssBytes > 0), `${id}: a sample without memory`);
        assert.ok(samples.some((s) => s.cpuPercent > 0 && s.sysMs + s.userMs > 0));
        assert.ok(byId.get(id)!.heartbeats >= 3, `${id}: ${byId.get(id)!.heartbeats} heartbeats`);
      }
      assert.equal((byId.get("c1")!.config as { chunkBytes: number }).chunkBytes, 1_000_000);
      assert.equal((byId.get("c2")!.config as { chunkBytes: number }).chunkBytes, 512_000);
      assert.ok(loaded.events.some((e) => e.clientId === "c3" && e.kind === "gone"));
      assert.ok(!loaded.events.some((e) => e.clientId === "c3" && e.kind === "stop"));
      assert.equal(loaded.events.filter((e) => e.kind === "rejected").length, 2);
    } finally {
      await store.close();
    }

    // The report the server wrote: per client throughput, latency, usage, rollovers, gone.
    const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DiskReport;
    assert.deepEqual(report.totals.clients, 3);
    assert.equal(report.totals.gone, 1);
    assert.equal(report.rejectedConnections, 2);
    for (const c of report.clients) {
      assert.ok(c.throughputBytesPerSec! > 0, `${c.clientId} throughput`);
      assert.ok(c.latencyMs!.p50 > 0 && c.latencyMs!.p50 <= c.latencyMs!.p99, c.clientId);
      assert.ok(c.rollovers.count >= 1, c.clientId);
      assert.ok(c.usage.samples.length >= 1 && c.usage.rssMaxBytes! > 0, c.clientId);
    }
    const [c1, c2, c3] = report.clients;
    for (const c of [c1, c2]) {
      assert.equal(c.state, "finished");
      assert.equal(c.latencyMs!.count, c.chunks, `${c.clientId}: one latency per chunk`);
      assert.ok(c.rollovers.count >= 2);
      assert.equal(c.gone, null);
    }
    assert.equal(c3.state, "gone");
    assert.notEqual(c3.gone, null);
    assert.equal(c3.stopReason, null);
    const text = server.lines.join("\n");
    assert.match(text, /Clients: 3 \(2 finished, 1 gone, 0 running\), rejected connections: 2/);
    assert.match(text, /Client c3 .*: gone/);
    assert.match(text, /chunk write latency \(ms\): p50 [\d.]+, p90/);
    assert.match(text, /writer CPU: mean [\d.]+%, max [\d.]+%; RSS: mean/);

    // `stress disk report` reads the same run back from the database.
    const listed = await runMain(["disk", "report", "--db", `${dir}/runs.sqlite`]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^\s+1\s+\S+Z\s+\S+Z\s+done\s+3$/m);
    const again = await runMain([
      "disk",
      "report",
      "--db",
      `${dir}/runs.sqlite`,
      "--run",
      "1",
      "--json",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), report);
    const log = await Deno.readTextFile(`${dir}/server.log`);
    assert.match(log, /heartbeat c1 seq \d+ writing/);
    assert.match(log, /client c2 sample: writer cpu [\d.]+%, rss/);
    assert.match(log, /client c1 rollover: /);
    assert.match(log, /client c3 is gone/);
    assert.match(log, /closed: bad_message/);
  } finally {
    for (const proc of procs) kill(proc);
    if (writerPid > 0 && isAlive(writerPid)) Deno.kill(writerPid, "SIGKILL");
    await Promise.all(procs.map((p) => p.done));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disk report refuses a database that does not exist, and a run it does not hold; an empty one has no runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_report_" });
  try {
    const missing = await runMain(["disk", "report", "--db", `${dir}/nothing.sqlite`]);
    assert.equal(missing.code, 3);
    assert.match(
      missing.stderr,
      /^error: Cannot open run database .*nothing\.sqlite": it does not exist/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "nothing is created");
    const store = await openRunStore(`${dir}/runs.sqlite`);
    await store.close();
    // A database with no run yet says so, rather than printing a header over nothing.
    const none = await runMain(["disk", "report", "--db", `${dir}/runs.sqlite`]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(
      none.stdout,
      /^no runs in ".*runs\.sqlite" yet \(stress disk server --db stores them\)\n$/,
    );
    const unknown = await runMain(["disk", "report", "--db", `${dir}/runs.sqlite`, "--run", "4"]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr.trim().split("\n").length, 1);
    assert.match(unknown.stderr, /^error: Cannot report run "4"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
