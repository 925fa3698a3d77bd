import assert from "node:assert/strict";
import type { DiskReport } from "../../lib/disk/report/disk_report.ts";
import { kill, waitFor, withServedRun } from "./_disk_procs.ts";

Deno.test("disk client: Ctrl-C during the speed probe stores no start and no sample, only the stop", async () => {
  await withServedRun("interrupt", async ({ dir, server, client: start }) => {
    // A 60 s run time makes a 1 s probe: the signal comes while it writes.
    const client = start({ id: "p", chunk: "64K", fileSize: "1M", runTime: "60s" });
    await waitFor(
      "the join",
      () => client.lines.some((l) => l.includes(" joined run ")) || undefined,
    );
    kill(client, "SIGINT");
    const { code, stderr } = await client.done;
    assert.equal(code, 130, stderr);
    assert.match(stderr.trim(), /^error: Client interrupted during the speed probe/);
    const text = client.lines.join("\n");
    assert.match(
      text,
      /stop: signal during the speed probe \(it measured .*\); the run did not start/,
    );
    assert.ok(!/ start: /.test(text), `the run started:\n${text}`);
    const end = await server.done;
    assert.equal(end.code, 0, end.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DiskReport;
    const [p] = report.clients;
    assert.deepEqual(
      [p.state, p.stopReason, p.measuredBytesPerSec, p.usage.samples.length],
      ["finished", "signal", null, 0],
    );
    assert.equal(p.throughputBytesPerSec, null, "a rate of 0 B/s is no measurement");
    assert.ok(server.lines.includes("  wrote nothing: it stopped before it started writing"));
    assert.deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/p`)), [], "probe files left");
  });
});
