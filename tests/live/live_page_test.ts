import assert from "node:assert/strict";
import { livePageHtml } from "../../lib/live/live_page.ts";
import { LiveSeries } from "../../lib/live/live_series.ts";
import type { LiveRunParams } from "../../lib/live/live_series.ts";
import { startLiveServer } from "../../lib/live/live_server.ts";
import { hasChromium, launchChromium, reportChromiumSkip, waitUntil } from "./_chromium.ts";

reportChromiumSkip("live page test");

const CHARTS = ["chart-rps", "chart-latency", "chart-users"];

Deno.test("livePageHtml() loads nothing from outside the page", () => {
  const html = livePageHtml({ title: "t" });
  assert.doesNotMatch(html, /\b(src|href)\s*=/);
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /@import|url\(/);
  for (const id of ["state", "rps", "failures", "start", "stop", "endpoints", ...CHARTS]) {
    assert.match(html, new RegExp(`id="${id}"`), id);
  }
  for (const id of CHARTS) assert.match(html, new RegExp(`id="${id}" data-points="0"`));
  assert.match(html, /var POLL_MS = 1000;/);
  assert.match(livePageHtml({ title: "t", pollIntervalMs: 250 }), /var POLL_MS = 250;/);
  assert.throws(() => livePageHtml({ title: "t", pollIntervalMs: 0 }), RangeError);
});

Deno.test("livePageHtml() fills the start form with the defaults it is given", () => {
  const plain = livePageHtml({ title: "t" });
  assert.match(plain, /id="users-input"[^>]* value="10"/);
  assert.match(plain, /id="spawn-rate-input"[^>]* value="1"/);
  assert.doesNotMatch(plain, /id="rate-input"[^>]* value=/);
  const html = livePageHtml({ title: "t", defaults: { users: 1000, spawnRate: 100, rate: 500 } });
  assert.match(html, /id="users-input"[^>]* value="1000"/);
  assert.match(html, /id="spawn-rate-input"[^>]* value="100"/);
  assert.match(html, /id="rate-input"[^>]* value="500"/);
});

Deno.test("livePageHtml() escapes the title", () => {
  const html = livePageHtml({ title: `<script>"x"&'y'</script>` });
  assert.match(
    html,
    /<title>&#60;script&#62;&#34;x&#34;&#38;&#39;y&#39;&#60;\/script&#62;<\/title>/,
  );
});

Deno.test({
  name: "livePageHtml() in Chromium: start runs, charts update on each poll, stop stops",
  ignore: !hasChromium,
  async fn() {
    const series = new LiveSeries();
    const starts: LiveRunParams[] = [];
    let stops = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    let tick = 0;
    // The fake run: a row every 200 ms, from the start button until the stop button.
    const server = await startLiveServer({
      hostname: "127.0.0.1",
      port: 0,
      series,
      title: "fake checkout load",
      onStart(params) {
        starts.push(params);
        timer = setInterval(() => {
          tick++;
          series.push({
            atMs: 1_700_000_000_000 + 200 * tick,
            requestsPerSec: 100 + tick,
            failuresPerSec: tick % 3,
            p50Ms: 2,
            p95Ms: 5 + tick,
            p99Ms: 9 + tick,
            users: Math.min(params.users, tick),
            byEndpoint: [
              {
                name: "POST /orders/checkout/:id",
                requests: 20,
                failures: 1,
                p50Ms: 2,
                p95Ms: 5,
                p99Ms: 9,
              },
            ],
          });
          series.addFailures("http 500");
        }, 200);
      },
      onStop() {
        stops++;
        clearInterval(timer);
        timer = undefined;
      },
    });
    const origin = new URL(server.url).origin;
    const requests: string[] = [];
    const pageErrors: string[] = [];
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      page.on("request", (request) => requests.push(request.url()));
      page.on("pageerror", (error) => pageErrors.push(error.message));
      const points = (id: string) =>
        page.$eval(`#${id}`, (canvas) => Number(canvas.getAttribute("data-points")));
      const state = async () => (await page.textContent("#state")) ?? "";
      const waitForPoints = (id: string, above: number) =>
        waitUntil(async () => (await points(id)) > above, `${id} has more than ${above} points`);
      const waitForState = (want: string) =>
        waitUntil(async () => (await state()) === want, `#state is "${want}"`);

      await page.goto(server.url);
      await waitForState("idle");
      for (const id of CHARTS) assert.equal(await points(id), 0, id);
      assert.equal(await page.isDisabled("#stop"), true);

      await page.fill("#users-input", "7");
      await page.fill("#spawn-rate-input", "2");
      await page.fill("#rate-input", "");
      await page.click("#start");
      await waitForState("running");
      assert.deepEqual(starts, [{ users: 7, spawnRate: 2 }]);
      assert.equal(await page.isDisabled("#start"), true);

      // Charts grow across polls (a poll a second, a row every 200 ms).
      for (const id of CHARTS) await waitForPoints(id, 0);
      const first = await Promise.all(CHARTS.map(points));
      for (const [i, id] of CHARTS.entries()) await waitForPoints(id, first[i]);
      const second = await Promise.all(CHARTS.map(points));
      for (const [i, id] of CHARTS.entries()) {
        assert.ok(second[i] > first[i], `${id}: ${second[i]} > ${first[i]}`);
        assert.ok(second[i] <= series.count, `${id}: at most the rows pushed`);
      }
      assert.notEqual(await page.textContent("#rps"), "0");
      assert.notEqual(await page.textContent("#failures"), "0");
      assert.match(
        (await page.textContent("#endpoints tbody"))!,
        /POST \/orders\/checkout\/:id/,
      );
      assert.match((await page.textContent("#failures-by-kind tbody"))!, /http 500/);

      await page.click("#stop");
      await waitForState("stopped");
      assert.equal(stops, 1);
      assert.equal(timer, undefined);
      assert.equal(series.state, "stopped");
      assert.equal(await page.isDisabled("#stop"), true);
      assert.equal(await page.isDisabled("#start"), false);
      // After the stop, the charts hold every row the run produced.
      await waitUntil(
        async () => (await points("chart-rps")) === series.count,
        "#chart-rps has every row",
      );

      // A second run starts from empty charts (the page follows the series' epoch).
      const firstRunRows = series.count;
      await page.click("#start");
      await waitForState("running");
      await waitForPoints("chart-rps", 0);
      await page.click("#stop");
      await waitForState("stopped");
      assert.equal(stops, 2);
      await waitUntil(
        async () => (await points("chart-rps")) === series.count,
        "#chart-rps has every row of the second run only",
      );
      assert.ok(firstRunRows > 0); // so equality above means the old points were dropped

      assert.deepEqual(pageErrors, []);
      assert.ok(requests.length >= 4, `requests: ${requests.length}`);
      const foreign = requests.filter((url) => new URL(url).origin !== origin);
      assert.deepEqual(foreign, [], "the page must only talk to its server");
    } finally {
      clearInterval(timer);
      await browser.close();
      await server.close();
    }
  },
});
