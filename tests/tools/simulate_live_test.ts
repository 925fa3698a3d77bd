import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { parseExposition, valueOf } from "../report/_prometheus_parse.ts";
import { pressStop, printedUrl, waitUntil } from "../live/_chromium.ts";

/** The ops/s of the CSV rows printed so far (the header is skipped). */
function printedRates(io: BufferedIo): number[] {
  return io.stdout.slice(1).map((row) => Number(row.split(",")[0]));
}

Deno.test("simulate --prometheus and --web: scrapes agree with the CSV rows, the page's Stop ends the run", async () => {
  const io = new BufferedIo();
  const exit = main([
    "simulate",
    "30",
    "--threads",
    "4",
    "--latency",
    "uniform(500..3000)",
    "--interval",
    "250",
    "--prometheus",
    "0",
    "--web",
    "0",
  ], { io, signal: new AbortController().signal });
  const metrics = await printedUrl(io.stderr, "prometheus: metrics at ");
  const page = await printedUrl(io.stderr, "web: the live page is at ");
  assert.match(metrics, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  assert.match(page, /^http:\/\/127\.0\.0\.1:\d+\/$/);

  // Each scrape shows the interval printed last: its rate is that of a row printed just
  // before or while it was fetched, and the counter equals the rows' ops so far.
  const seen = new Set<number>();
  let lastTotal = 0;
  await waitUntil(
    async () => {
      const before = printedRates(io).length;
      const families = parseExposition(await (await fetch(metrics)).text());
      const rates = printedRates(io);
      const elapsedSec = valueOf(families, "stress_elapsed_seconds");
      if (elapsedSec === 0) return false;
      assert.equal(valueOf(families, "stress_info", { command: "simulate" }), 1);
      const rate = valueOf(families, "stress_interval_ops_per_second", { op: "SIMULATE" });
      const candidates = rates.slice(Math.max(0, before - 1));
      assert.ok(candidates.includes(Math.round(rate)), `${rate} op/s among ${candidates}`);
      const total = valueOf(families, "stress_ops_total", { op: "SIMULATE" });
      assert.ok(total >= lastTotal, `the counter went from ${lastTotal} to ${total}`);
      lastTotal = total;
      seen.add(elapsedSec);
      return seen.size >= 3;
    },
    "scrapes of three intervals",
    20_000,
  );

  const stats = await (await fetch(new URL("/api/stats", page))).json();
  assert.equal(stats.state, "running");
  assert.ok(stats.nextIndex >= 1, JSON.stringify(stats));
  assert.ok(JSON.stringify(stats.points).includes('"name":"SIMULATE"'));
  assert.equal(stats.params.users, 4);
  await pressStop(page);
  assert.equal(await exit, 130, io.stderr.join("\n"));
  assert.match(io.stderr.at(-1)!, /^error: Run stopped from the live page/);
  assert.ok(printedRates(io).length >= 3, io.stdout.join("\n"));
  // Both servers are closed with the run.
  await assert.rejects(fetch(metrics));
  await assert.rejects(fetch(page));
});

Deno.test("simulate --prometheus on a taken port: one error line, no HDR log created", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dir = await Deno.makeTempDir();
  try {
    const io = new BufferedIo();
    const code = await main([
      "simulate",
      "1",
      "--hdrfile",
      `${dir}/run.hdr`,
      "--prometheus",
      String(taken.addr.port),
    ], { io, signal: new AbortController().signal });
    assert.equal(code, 2);
    assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
    assert.match(io.stderr[0], /^error: Cannot serve --prometheus on 127\.0\.0\.1:\d+: /);
    await assert.rejects(Deno.stat(`${dir}/run.hdr`), Deno.errors.NotFound);
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});
