import assert from "node:assert/strict";
import { openRunStore } from "../../lib/disk/driver/run_store.ts";
import type { DiskReport } from "../../lib/disk/report/disk_report.ts";
import {
  freeUdpPort,
  helloLine,
  kill,
  type Proc,
  rawConnect,
  startClient,
  startServer,
  waitFor,
} from "./_disk_procs.ts";

Deno.test("disk server with --token refuses a wrong token and a taken id, one connection each", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_token_" });
  const hbPort = freeUdpPort();
  const procs: Proc[] = [];
  try {
    const db = `${dir}/runs.sqlite`;
    const { server, tcpPort } = await startServer({
      hbPort,
      db,
      dir,
      extra: ["--token", "s3cret", "--idle-timeout", "20s"],
    });
    procs.push(server);
    const common = { tcpPort, hbPort, chunk: "256K", fileSize: "1M", dir };
    const wrong = startClient({ ...common, id: "w", runTime: "2s", extra: ["--token", "nope"] });
    procs.push(wrong);
    const refused = await wrong.done;
    assert.equal(refused.code, 3, refused.stderr);
    assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /^error: Cannot join the server .*refused the client \(bad_token: /,
    );

    const good = startClient({ ...common, id: "g", runTime: "2s", extra: ["--token", "s3cret"] });
    procs.push(good);
    await waitFor("g to join", () => good.lines.some((l) => l.includes("joined run")) || undefined);
    const twin = startClient({ ...common, id: "g", runTime: "2s", extra: ["--token", "s3cret"] });
    procs.push(twin);
    const taken = await twin.done;
    assert.equal(taken.code, 3, taken.stderr);
    assert.match(taken.stderr, /client id "g" is already in this run/);

    const end = await good.done;
    assert.equal(end.code, 0, end.stderr + good.lines.join("\n"));
    const serverEnd = await server.done;
    assert.equal(serverEnd.code, 0, serverEnd.stderr);
    const store = await openRunStore(db);
    try {
      const loaded = (await store.loadRun(1))!;
      assert.deepEqual(loaded.clients.map((c) => [c.clientId, c.state]), [["g", "finished"]]);
      const rejected = loaded.events.filter((e) => e.kind === "rejected");
      assert.equal(rejected.length, 2);
      assert.ok(loaded.events.some((e) => e.clientId === "g" && e.kind === "bye"));
    } finally {
      await store.close();
    }
    const log = await Deno.readTextFile(`${dir}/server.log`);
    assert.match(log, /closed: bad_token/);
    assert.ok(!log.includes("s3cret"), "the token is logged");
  } finally {
    for (const proc of procs) kill(proc);
    await Promise.all(procs.map((p) => p.done));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disk server: a rejected impostor writes nothing into the real client's record; a record first is not_hello", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_impostor_" });
  const { server, tcpPort } = await startServer({
    hbPort: freeUdpPort(),
    db: `${dir}/runs.sqlite`,
    dir,
    extra: ["--token", "s3cret", "--idle-timeout", "20s"],
  });
  try {
    const p1 = await rawConnect(tcpPort);
    await p1.send(helloLine("p1", "s3cret"));
    assert.equal((await p1.next())?.type, "welcome");
    // Someone else says it is p1, with a wrong token.
    const impostor = await rawConnect(tcpPort);
    await impostor.send(helloLine("p1", "guess"));
    assert.equal((await impostor.next())?.code, "bad_token");
    impostor.close();
    // A record (incomplete, too) before any hello.
    const early = await rawConnect(tcpPort);
    await early.send('{"v":1,"type":"event","seq":1}\n');
    assert.equal((await early.next())?.code, "not_hello");
    early.close();
    await p1.send(JSON.stringify({ v: 1, type: "bye", seq: 1, atMs: Date.now() }) + "\n");
    assert.deepEqual(await p1.next(), { v: 1, type: "ack", seq: 1 });
    p1.close();
    const end = await server.done;
    assert.equal(end.code, 0, end.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DiskReport;
    assert.equal(report.rejectedConnections, 2);
    assert.deepEqual(report.clients.map((c) => [c.clientId, c.serverEvents]), [["p1", []]]);
    const log = await Deno.readTextFile(`${dir}/server.log`);
    assert.match(log, /\(says it is p1\) closed: bad_token/);
    assert.match(log, /closed: not_hello/);
  } finally {
    kill(server);
    await server.done;
    await Deno.remove(dir, { recursive: true });
  }
});
