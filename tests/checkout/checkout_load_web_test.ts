import assert from "node:assert/strict";
import { captureIo } from "./_capture_io.ts";
import { main } from "../../main.ts";
import {
  hasChromium,
  launchChromium,
  printedUrl,
  reportChromiumSkip,
  waitUntil,
} from "../live/_chromium.ts";
import { startCheckoutService } from "./_checkout_service.ts";
import { parseExposition, valueOf } from "../report/_prometheus_parse.ts";

reportChromiumSkip("checkout load --web page test");

/** Waits for the `web:` line and returns the page's URL. */
function pageUrl(io: { lines: string[] }): Promise<string> {
  return printedUrl(io.lines, "web: the live page is at ");
}

Deno.test("checkout load --web --autostart --autoquit: runs at once, serves the stats, quits by itself", async () => {
  const service = await startCheckoutService({ mode: "correct", seed: 3 });
  try {
    const io = captureIo();
    const exit = main([
      "checkout",
      "load",
      "--gateway",
      service.url,
      "--init",
      "--init-orders=20",
      "--users=4",
      "--duration=1500ms",
      "--wait-time=constant(0.05)",
      "--web=127.0.0.1:0",
      "--autostart",
      "--autoquit=2s",
    ], { io, signal: new AbortController().signal });
    const url = await pageUrl(io);
    await waitUntil(async () => {
      const stats = await (await fetch(new URL("/api/stats", url))).json();
      return stats.points.length >= 1 && stats.totals.requests > 0;
    }, "the page's stats have a point");
    const stats = await (await fetch(new URL("/api/stats", url))).json();
    assert.equal(stats.state, "running");
    assert.deepEqual(stats.params, { users: 4, spawnRate: 100 });
    assert.equal(stats.endpoints[0].name, "POST /orders/checkout/[order_id]");
    assert.equal(await exit, 0);
    assert.ok(io.lines.includes("Failures: none"), io.lines.join("\n"));
    // The server is gone once the command returns.
    await assert.rejects(fetch(url));
    const served = service.stats().byRoute["POST /orders/checkout/:id"].requests;
    const total = io.lines.find((l) => / total$/.test(l) && /^ +\d+ +\d+ /.test(l))!;
    assert.equal(Number(total.trim().split(/ +/)[0]), served);
  } finally {
    await service.close();
  }
});

Deno.test({
  name: "checkout load --web in Chromium: Start runs the load, the charts update, Stop stops it",
  ignore: !hasChromium,
  async fn() {
    const service = await startCheckoutService({ mode: "correct", seed: 4 });
    const controller = new AbortController();
    const io = captureIo();
    const exit = main([
      "checkout",
      "load",
      "--gateway",
      service.url,
      "--init",
      "--init-orders=50",
      "--duration=60s",
      "--wait-time=constant(0.02)",
      "--interval=250ms",
      "--web=127.0.0.1:0",
    ], { io, signal: controller.signal });
    const browser = await launchChromium();
    try {
      const url = await pageUrl(io);
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      const points = (id: string) =>
        page.$eval(`#${id}`, (canvas) => Number(canvas.getAttribute("data-points")));
      const waitForState = (want: string) =>
        waitUntil(async () => (await page.textContent("#state")) === want, `state ${want}`);

      await page.goto(url);
      await waitForState("idle");
      // Nothing runs before Start.
      assert.equal(service.stats().byRoute["POST /orders/checkout/:id"], undefined);

      await page.fill("#users-input", "6");
      await page.fill("#spawn-rate-input", "20");
      await page.fill("#rate-input", "");
      await page.click("#start");
      await waitForState("running");
      await waitUntil(async () => (await points("chart-rps")) >= 2, "two points on the chart");
      const first = await points("chart-latency");
      await waitUntil(async () => (await points("chart-latency")) > first, "the chart grows");
      await waitUntil(
        async () => Number((await page.textContent("#rps"))?.replace(/,/g, "")) > 0,
        "requests/s shows",
      );
      assert.match(
        (await page.textContent("#endpoints tbody"))!,
        /\/orders\/checkout\/\[order_id\]/,
      );
      assert.ok(io.lines.some((l) => l.includes("6 users at 20/s")), io.lines.join("\n"));

      await page.click("#stop");
      await waitForState("stopped");
      assert.ok(io.lines.some((l) => l.startsWith("Results (")));
      const afterStop = service.stats().byRoute["POST /orders/checkout/:id"].requests;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(service.stats().byRoute["POST /orders/checkout/:id"].requests, afterStop);
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      controller.abort();
      assert.equal(await exit, 0);
      await service.close();
    }
  },
});

Deno.test("checkout load --prometheus: per-endpoint counters scraped during a run never exceed what the service saw", async () => {
  const service = await startCheckoutService({ mode: "correct", seed: 5 });
  const io = captureIo();
  try {
    const exit = main([
      "checkout",
      "load",
      "--gateway",
      service.url,
      "--init",
      "--init-orders=200",
      "--users=4",
      "--spawn-rate=100",
      "--duration=3s",
      "--wait-time=constant(0.01)",
      "--interval=250ms",
      "--prometheus=0",
    ], { io, signal: new AbortController().signal });
    const url = await printedUrl(io.lines, "prometheus: metrics at ");
    let done = false;
    exit.finally(() => (done = true));
    const totals: number[] = [];
    let labels = new Set<string>();
    while (!done) {
      try {
        const families = parseExposition(await (await fetch(url)).text());
        const seen = service.stats().requests;
        const counted = (families.get("stress_ops_total")?.samples ?? [])
          .concat(families.get("stress_errors_total")?.samples ?? [])
          .reduce((sum, s) => sum + s.value, 0);
        assert.ok(counted <= seen, `${counted} counted, ${seen} seen by the service`);
        assert.ok(counted >= (totals.at(-1) ?? 0), "counters only grow");
        totals.push(counted);
        labels = new Set(families.get("stress_ops_total")?.samples.map((s) => s.labels.op));
        assert.equal(valueOf(families, "stress_info", { command: "checkout load" }), 1);
      } catch (error) {
        if (!done) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await exit, 0, io.lines.join("\n"));
    assert.ok(new Set(totals).size >= 4, `distinct totals: ${totals}`);
    assert.ok([...labels].some((op) => op.includes("/orders/checkout/")), [...labels].join());
  } finally {
    await service.close();
  }
});

Deno.test("checkout load --web of a shard: Start takes the fractional rate its page offers", async () => {
  const service = await startCheckoutService({ mode: "correct", seed: 6 });
  const controller = new AbortController();
  const io = captureIo();
  const exit = main(
    [
      ...["checkout", "load", "--gateway", service.url, "--duration=1s", "--web=127.0.0.1:0"],
      ...["--shard", "1/3", "--rate", "10/s", "--users", "3"],
    ],
    { io, signal: controller.signal },
  );
  try {
    const url = await pageUrl(io);
    // The page offers this shard's share of --rate: 10/s over 3 shards.
    const page = await (await fetch(url)).text();
    const offered = Number(/id="rate-input"[^>]*value="([\d.]+)"/.exec(page)?.[1]);
    assert.ok(Math.abs(offered - 10 / 3) < 0.01, `offered ${offered}`);
    const started = await fetch(new URL("/api/start", url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ users: 1, spawnRate: 1, rate: offered }),
    });
    // Before, a rate that is not a whole number was refused (400).
    assert.equal(started.status, 200, await started.text());
    await waitUntil(() => service.stats().requests > 0, "a request of the run");
  } finally {
    controller.abort();
    await exit;
    await service.close();
  }
  assert.match(io.lines.join("\n"), /^shard 1\/3: 3\.333\/s of 10\/s arrivals, /m);
  assert.match(io.lines.join("\n"), /, 3\.333\/s arrivals \(at most /);
});
