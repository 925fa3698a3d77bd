import assert from "node:assert/strict";
import { parseExposition, valueOf } from "../report/_prometheus_parse.ts";
import { freeUdpPort, kill, type Proc, startClient, startServer } from "./_disk_procs.ts";
import { pressStop } from "../live/_chromium.ts";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freeTcpPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** The chunk counts of the client's `sample:` lines, in order. */
function sampledChunks(lines: readonly string[]): number[] {
  return lines.flatMap((l) => {
    const m = / sample: .*?, (\d+) chunks /.exec(l);
    return m === null ? [] : [Number(m[1])];
  });
}

Deno.test("disk client --prometheus and --web: each sample is an interval of WRITE chunks; Stop ends the run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_live_" });
  const hbPort = freeUdpPort();
  const procs: Proc[] = [];
  try {
    const { server, tcpPort } = await startServer({ hbPort, db: `${dir}/runs.sqlite`, dir });
    procs.push(server);
    const metricsPort = freeTcpPort();
    const webPort = freeTcpPort();
    const client = startClient({
      tcpPort,
      hbPort,
      id: "live",
      chunk: "256K",
      fileSize: "4M",
      runTime: "60s",
      dir,
      extra: ["--stats-every", "300ms", "--prometheus", `${metricsPort}`, "--web", `${webPort}`],
    });
    procs.push(client);
    const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
    const page = `http://127.0.0.1:${webPort}/`;

    // Scrape until three samples were seen and one of them counted chunks (the client binds
    // after Deno starts: retry). A sample is taken every --stats-every whether or not a chunk
    // was written in it: the first ones, while the writer process starts (longer on a busy
    // machine), or one while the disk stalls, honestly count 0 chunks.
    const totals: number[] = [];
    const seen = new Set<number>();
    const deadline = performance.now() + 30_000;
    while (seen.size < 3 || !totals.some((total) => total > 0)) {
      assert.ok(
        performance.now() < deadline,
        `no three samples with chunks (${totals.length} scrapes, the last ${totals.at(-1)}):\n${
          client.lines.join("\n")
        }`,
      );
      assert.ok(!client.lines.some((l) => l.includes(" stop: ")), "the run ended early");
      let text: string | null = null;
      try {
        text = await (await fetch(metrics)).text();
      } catch {
        // not listening yet
      }
      if (text !== null) {
        const families = parseExposition(text);
        assert.equal(valueOf(families, "stress_info", { command: "disk client" }), 1);
        const elapsedSec = valueOf(families, "stress_elapsed_seconds");
        if (elapsedSec > 0) {
          seen.add(elapsedSec);
          totals.push(valueOf(families, "stress_ops_total", { op: "WRITE" }));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stats = await (await fetch(new URL("/api/stats", page))).json();
    assert.equal(stats.state, "running");
    assert.ok(JSON.stringify(stats.points).includes('"name":"WRITE"'), JSON.stringify(stats));
    await pressStop(page);
    const { code, stderr } = await client.done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /^error: Client stopped from the live page/m);
    assert.ok(client.lines.some((l) => l.includes(" stop: signal, ")), client.lines.join("\n"));

    // Each scrape's counter is the chunks of the samples logged up to one of them (0 only while
    // the samples logged so far had none), and the last scrape counted chunks.
    const prefixSums = new Set<number>();
    let sum = 0;
    for (const chunks of sampledChunks(client.lines)) prefixSums.add(sum += chunks);
    for (const [i, total] of totals.entries()) {
      assert.ok(prefixSums.has(total), `scrape ${i}: ${total} not in ${[...prefixSums]}`);
      assert.ok(i === 0 || total >= totals[i - 1], `the counter went down: ${totals}`);
    }
    assert.ok(totals[totals.length - 1] > 0, `no chunk counted: ${totals}`);
    await assert.rejects(fetch(metrics), "the endpoint closes with the run");
  } finally {
    for (const proc of procs) kill(proc);
    for (const proc of procs) await proc.done;
    await Deno.remove(dir, { recursive: true });
  }
});
