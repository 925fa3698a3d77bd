import assert from "node:assert/strict";
import postgres from "postgres";
import type { DiskReport } from "../../lib/disk/report/disk_report.ts";
import { startPostgres } from "../query/_pg_fixture.ts";
import { freeUdpPort, kill, type Proc, runMain, startClient, startServer } from "./_disk_procs.ts";

Deno.test("disk server keeps its runs in PostgreSQL, and disk report reads them back", async () => {
  const pg = await startPostgres();
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_pg_" });
  const procs: Proc[] = [];
  try {
    const admin = postgres(pg.url, { onnotice: () => {}, max: 1 });
    await admin.unsafe("CREATE DATABASE disk_runs");
    await admin.end();
    // With a password (trust auth ignores it): it must not show up in the server's output.
    const db = `postgres://postgres:sekret@127.0.0.1:${pg.port}/disk_runs`;
    const hbPort = freeUdpPort();
    const { server, tcpPort } = await startServer({ hbPort, db, dir });
    procs.push(server);
    const clients = [
      startClient({ tcpPort, hbPort, id: "p1", chunk: "1M", fileSize: "3M", runTime: "2s", dir }),
      startClient({ tcpPort, hbPort, id: "p2", chunk: "256K", fileSize: "3M", runTime: "2s", dir }),
    ];
    procs.push(...clients);
    for (const c of clients) {
      const { code, stderr } = await c.done;
      assert.equal(code, 0, stderr + c.lines.join("\n"));
    }
    const end = await server.done;
    assert.equal(end.code, 0, end.stderr);
    assert.ok(server.lines.some((l) => l.includes("database postgres://postgres:***@127.0.0.1:")));
    assert.ok(!server.lines.join("\n").includes("sekret"), "the password is shown");

    // The tables hold the run, both clients, their events and samples.
    const sql = postgres(db, { onnotice: () => {}, max: 1 });
    try {
      const [run] = await sql`SELECT id, status, report_json FROM runs`;
      assert.equal(run.status, "done");
      assert.ok(run.report_json !== null);
      const clientsStored = await sql`
        SELECT client_id, state, heartbeats FROM clients ORDER BY client_id`;
      assert.deepEqual(clientsStored.map((c) => [c.client_id, c.state]), [
        ["p1", "finished"],
        ["p2", "finished"],
      ]);
      for (const c of clientsStored) assert.ok(Number(c.heartbeats) >= 2, c.client_id);
      const kinds = await sql`
        SELECT client_id, kind, count(*)::int AS n FROM events GROUP BY client_id, kind`;
      const count = (id: string, kind: string) =>
        kinds.find((k) => k.client_id === id && k.kind === kind)?.n ?? 0;
      for (const id of ["p1", "p2"]) {
        for (const kind of ["start", "stop", "bye"]) {
          assert.equal(count(id, kind), 1, `${id} ${kind}`);
        }
        assert.ok(count(id, "rollover") >= 2, `${id} rollovers`);
      }
      const [samples] = await sql`SELECT count(*)::int AS n FROM samples WHERE rss_bytes > 0`;
      assert.ok(samples.n >= 4, `${samples.n} samples`);
    } finally {
      await sql.end();
    }

    const listed = await runMain(["disk", "report", "--db", db]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^\s+1\s+\S+Z\s+\S+Z\s+done\s+2$/m);
    const shown = await runMain(["disk", "report", "--db", db, "--run", "1", "--json"]);
    assert.equal(shown.code, 0, shown.stderr);
    const report = JSON.parse(shown.stdout) as DiskReport;
    assert.deepEqual(report, JSON.parse(await Deno.readTextFile(`${dir}/report.json`)));
    assert.deepEqual(report.clients.map((c) => c.chunkBytes), [1_000_000, 256_000]);
    for (const c of report.clients) {
      assert.equal(c.latencyMs!.count, c.chunks);
      assert.ok(c.throughputBytesPerSec! > 0);
    }
  } finally {
    for (const proc of procs) kill(proc);
    await Promise.all(procs.map((p) => p.done));
    await Deno.remove(dir, { recursive: true });
    await pg.stop();
  }
});
