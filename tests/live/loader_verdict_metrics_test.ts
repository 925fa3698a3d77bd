// The loader verdict on /metrics: stress_loader_limited, each Worker's CPU share and a scheduled
// run's slot lateness, after the run's own families.
import assert from "node:assert/strict";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { LiveEndpoints } from "../../lib/live/live_endpoints.ts";
import { judgeLoader } from "../../lib/stats/loader_verdict.ts";
import { parseExposition, valueOf } from "../report/_prometheus_parse.ts";

/** Serves /metrics on a free port for `run`, with the URL to scrape; closed after. */
async function withMetrics(
  run: (live: LiveEndpoints, scrape: () => Promise<string>) => Promise<void>,
): Promise<void> {
  const io = new BufferedIo();
  const live = await LiveEndpoints.start({
    command: "write",
    title: "stress write",
    prometheus: { hostname: "127.0.0.1", port: 0 },
    web: null,
    names: { prometheus: "-log prometheus", web: "-log web" },
  }, io);
  assert.ok(live !== null);
  try {
    const url = /http:\/\/[\d.]+:\d+\/metrics/.exec(io.stderr.join("\n"))?.[0];
    assert.ok(url !== undefined, io.stderr.join("\n"));
    await run(live, async () => await (await fetch(url)).text());
  } finally {
    await live.close();
  }
}

Deno.test("LiveEndpoints.loaderVerdict() puts the verdict on /metrics", async () => {
  await withMetrics(async (live, scrape) => {
    assert.ok(!(await scrape()).includes("stress_loader_limited"));
    live.loaderVerdict(judgeLoader({
      scheduled: true,
      dispatch: { ops: 1000, p50Ms: 0.04, p99Ms: 3, lateShare: 0.05 },
      workerCpu: [0.25, null],
      eventLoopDelayMs: { p99: 2, max: 5 },
      threadsBusy: null,
      threads: 8,
    }));
    const text = await scrape();
    assert.match(text, /^stress_loader_limited 1$/m);
    assert.match(text, /^stress_loader_worker_cpu_ratio\{worker="0"\} 0\.25$/m);
    assert.ok(!text.includes('worker="1"'));
    assert.match(text, /^stress_loader_slot_lateness_seconds\{quantile="0\.99"\} 0\.003$/m);
    assert.equal(text.match(/^# TYPE stress_loader_limited gauge$/gm)?.length, 1);
  });
});

Deno.test("LiveEndpoints.loaderVerdict() twice: the second replaces the first, once per family", async () => {
  await withMetrics(async (live, scrape) => {
    const verdict = (p99Ms: number) =>
      judgeLoader({
        scheduled: true,
        dispatch: { ops: 1000, p50Ms: 0.04, p99Ms, lateShare: 0 },
        workerCpu: [0.25],
        eventLoopDelayMs: { p99: 2, max: 5 },
        threadsBusy: null,
        threads: 8,
      });
    // A cassandra-stress run: the verdict so far with its last interval, then the run's own.
    live.loaderVerdict(verdict(0.5));
    live.loaderVerdict(verdict(0.25));
    const families = parseExposition(await scrape());
    assert.equal(valueOf(families, "stress_loader_limited"), 0);
    assert.equal(
      valueOf(families, "stress_loader_slot_lateness_seconds", { quantile: "0.99" }),
      0.00025,
    );
    assert.equal(families.get("stress_loader_worker_cpu_ratio")?.samples.length, 1);
  });
});
