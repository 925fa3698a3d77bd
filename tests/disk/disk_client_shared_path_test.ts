import assert from "node:assert/strict";
import type { DiskReport } from "../../lib/disk/report/disk_report.ts";
import { freeUdpPort, inTempDir, kill, type Proc, start, startServer } from "./_disk_procs.ts";

/** A client writing into `path`, shared with another. */
function sharedClient(
  id: string,
  path: string,
  server: { tcpPort: number; hbPort: number },
  extra: string[] = [],
): Proc {
  return start([
    ...["disk", "client", "--server", `127.0.0.1:${server.tcpPort}`, "--id", id],
    ...["--hb-address", "239.0.0.1", "--hb-port", String(server.hbPort)],
    ...["--interface", "127.0.0.1", "--heartbeat", "300ms", "--stats-every", "1s"],
    // One chunk a file: the run makes files enough whatever the disk's speed, and the probe of
    // a disk busy with other tests refuses nothing.
    ...["--chunk", "256K", "--file-size", "256K", "--run-time", "1s", "--min-free", "1%"],
    ...["--min-rollovers", "0"],
    ...["--path", path, ...extra],
  ]);
}

Deno.test("disk clients given the same --path write, probe and clean up their own files only", async () => {
  await inTempDir("shared", async (dir) => {
    const hbPort = freeUdpPort();
    const procs: Proc[] = [];
    try {
      const { server, tcpPort } = await startServer({ hbPort, db: `${dir}/runs.sqlite`, dir });
      procs.push(server);
      const shared = `${dir}/shared`;
      // "a" removes its files at the end; "b" keeps its own.
      procs.push(sharedClient("a", shared, { tcpPort, hbPort }, ["--cleanup"]));
      procs.push(sharedClient("b", shared, { tcpPort, hbPort }));
      for (const client of procs.slice(1)) {
        const { code, stderr } = await client.done;
        assert.equal(code, 0, stderr + client.lines.join("\n"));
      }
      const end = await server.done;
      assert.equal(end.code, 0, end.stderr);
      const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DiskReport;
      const [a, b] = report.clients;
      assert.ok(a.rollovers.count >= 2 && b.rollovers.count >= 2, "too few rollovers");
      for (const client of [a, b]) {
        for (const rollover of client.rollovers.list) {
          assert.match(
            rollover.file,
            new RegExp(`^${shared}/stress-disk-${client.clientId}-\\d{5}\\.dat$`),
          );
        }
      }
      // b's files are whole: nobody truncated or removed them.
      for (const rollover of b.rollovers.list) {
        assert.equal((await Deno.stat(rollover.file)).size, rollover.bytes, rollover.file);
      }
      const names = (await Array.fromAsync(Deno.readDir(shared))).map((e) => e.name);
      assert.ok(names.every((name) => name.startsWith("stress-disk-b-")), names.join(" "));
    } finally {
      for (const proc of procs) kill(proc);
      await Promise.all(procs.map((p) => p.done));
    }
  });
});
