import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { type Family, parseExposition, valueOf } from "../report/_prometheus_parse.ts";
import {
  hasChromium,
  launchChromium,
  printedUrl,
  reportChromiumSkip,
  waitUntil,
} from "./_chromium.ts";

reportChromiumSkip("-log web= page test");

/** One interval row of cassandra-stress's output, by column. */
interface Row {
  type: string;
  totalOps: number;
  opsPerSec: number;
  medMs: number;
  maxMs: number;
  timeSec: number;
  errors: number;
}

const ROW =
  /^(\w+),\s+(\d+),\s+(\d+),\s+\d+,\s+\d+,\s+[\d.]+,\s+([\d.]+),(?:\s+[\d.]+,){3}\s+([\d.]+),\s+([\d.]+),\s+[\d.]+,\s+(\d+),/;

function rowsOf(lines: readonly string[]): Row[] {
  const rows: Row[] = [];
  for (const line of lines) {
    const m = ROW.exec(line);
    if (m === null) continue;
    rows.push({
      type: m[1],
      totalOps: Number(m[2]),
      opsPerSec: Number(m[3]),
      medMs: Number(m[4]),
      maxMs: Number(m[5]),
      timeSec: Number(m[6]),
      errors: Number(m[7]),
    });
  }
  return rows;
}

const SYNTHETIC = ["-node", "synthetic:uniform(200..2000)", "-rate", "threads=4"];

Deno.test("-log prometheus= scraped during a run agrees with the interval rows", async () => {
  const io = new BufferedIo();
  const summary = await Deno.makeTempFile({ suffix: ".json" });
  const exit = main([
    "mixed",
    "ratio(write=1,read=2)",
    "duration=4s",
    "no-warmup",
    ...SYNTHETIC,
    "-log",
    "interval=500ms",
    "prometheus=127.0.0.1:0",
    `json=${summary}`,
    "no-settings",
  ], { io, signal: new AbortController().signal });
  const url = await printedUrl(io.stderr, "prometheus: metrics at ");
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const scrapes: Map<string, Family>[] = [];
  let done = false;
  exit.finally(() => (done = true));
  let contentType = "";
  while (!done) {
    try {
      const response = await fetch(url);
      contentType = response.headers.get("content-type") ?? "";
      scrapes.push(parseExposition(await response.text()));
    } catch (error) {
      if (!done) throw error; // only the end of the run may close the server
    }
    await new Promise((resolve) => setTimeout(resolve, 120));
  }
  assert.equal(await exit, 0, io.stderr.join("\n"));
  assert.equal(contentType, "text/plain; version=0.0.4; charset=utf-8");

  // Each scrape shows the interval printed last: find its rows by the time column, which counts
  // from the wall-clock second the run started in (stress_elapsed_seconds from the start itself).
  const startMs = JSON.parse(await Deno.readTextFile(summary)).startTimeMs as number;
  await Deno.remove(summary);
  const clockOffsetSec = (startMs % 1000) / 1000;
  const rows = rowsOf(io.stdout);
  assert.ok(rows.length >= 3 * 6, io.stdout.join("\n"));
  const checked = new Set<number>();
  for (const families of scrapes) {
    const elapsedSec = valueOf(families, "stress_elapsed_seconds");
    if (elapsedSec === 0) continue; // warm-up, before the first interval
    assert.equal(valueOf(families, "stress_info", { command: "mixed" }), 1);
    // The loader's verdict so far comes with every interval, not only after END.
    assert.ok(families.has("stress_loader_limited"), `the verdict at ${elapsedSec} s`);
    const timeSec = Number((elapsedSec + clockOffsetSec).toFixed(1));
    for (const op of ["READ", "WRITE"]) {
      const row = rows.find((r) => r.type === op && r.timeSec === timeSec);
      assert.ok(row !== undefined, `a ${op} row at ${timeSec} s`);
      assert.equal(valueOf(families, "stress_ops_total", { op }), row.totalOps, `${op} total`);
      assert.equal(valueOf(families, "stress_errors_total", { op }), 0);
      const rate = valueOf(families, "stress_interval_ops_per_second", { op });
      assert.ok(Math.abs(rate - row.opsPerSec) <= 0.5, `${op} op/s ${rate} vs ${row.opsPerSec}`);
      const medMs = valueOf(families, "stress_interval_latency_seconds", { op, quantile: "0.5" }) *
        1000;
      assert.ok(Math.abs(medMs - row.medMs) <= 0.05 + 1e-9, `${op} median ${medMs} ms`);
      const maxMs = valueOf(families, "stress_interval_latency_seconds", { op, quantile: "1" }) *
        1000;
      assert.ok(Math.abs(maxMs - row.maxMs) <= 0.05 + 1e-9, `${op} max ${maxMs} ms`);
      assert.ok(row.opsPerSec > 0);
    }
    checked.add(timeSec);
  }
  assert.ok(checked.size >= 4, `scraped ${checked.size} distinct intervals`);
  // The run is over: the endpoint is closed.
  await assert.rejects(fetch(url));
});

Deno.test("-log prometheus= and web= refuse a taken port with one error line", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    for (const option of ["prometheus", "web"]) {
      // A summary from an earlier run stays as it was.
      const earlier = await Deno.makeTempFile({ suffix: ".json" });
      await Deno.writeTextFile(earlier, '{"earlier": true}\n');
      const io = new BufferedIo();
      const code = await main(
        [
          "write",
          "n=10",
          ...SYNTHETIC,
          "-log",
          `${option}=${port}`,
          `json=${earlier}`,
          "no-settings",
        ],
        { io, signal: new AbortController().signal },
      );
      assert.equal(await Deno.readTextFile(earlier), '{"earlier": true}\n');
      await Deno.remove(earlier);
      assert.equal(code, 2, io.stderr.join("\n"));
      assert.deepEqual(io.stdout, []);
      assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
      assert.match(
        io.stderr[0],
        new RegExp(`^error: Cannot serve -log ${option} on 127\\.0\\.0\\.1:${port}: `),
      );
    }
  } finally {
    taken.close();
  }
});

Deno.test("-log prometheus= and web= on one port: one error line before either binds", async () => {
  // A free port: the first server would bind it and print its address, the second fail.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  for (const [prometheus, web] of [[`${port}`, `${port}`], [`${port}`, `0.0.0.0:${port}`]]) {
    const io = new BufferedIo();
    const code = await main(
      [
        "write",
        "n=10",
        ...SYNTHETIC,
        "-log",
        `prometheus=${prometheus}`,
        `web=${web}`,
        "no-settings",
      ],
      { io, signal: new AbortController().signal },
    );
    assert.equal(code, 2, io.stderr.join("\n"));
    assert.deepEqual(io.stdout, []);
    assert.deepEqual(io.stderr, [
      `error: Cannot serve -log web and -log prometheus on the same port ${port}: give each a port of its own`,
    ]);
  }
});

Deno.test({
  name: "-log web= in Chromium: the live page of a run, per op type, and Stop ends the run",
  ignore: !hasChromium,
  async fn() {
    const io = new BufferedIo();
    const controller = new AbortController();
    const exit = main([
      "mixed",
      "ratio(write=1,read=3)",
      "duration=60s",
      "no-warmup",
      ...SYNTHETIC,
      "-log",
      "interval=250ms",
      "web=0",
      "no-settings",
    ], { io, signal: controller.signal });
    const browser = await launchChromium();
    try {
      const url = await printedUrl(io.stderr, "web: the live page is at ");
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      // This page serves a run the command line started: it cannot start another.
      const start = await fetch(new URL("/api/start", url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ users: 1, spawnRate: 1 }),
      });
      assert.equal(start.status, 409);
      await start.body?.cancel();

      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      const chart = (id: string, attribute: string) =>
        page.$eval(`#${id}`, (canvas, name) => canvas.getAttribute(name) ?? "", attribute);
      await page.goto(url);
      await waitUntil(async () => (await page.textContent("#state")) === "running", "running");
      assert.equal(await page.$("#start"), null);
      assert.equal(await page.$("#users-input"), null);
      await waitUntil(async () => Number(await chart("chart-rps", "data-points")) >= 3, "points");
      assert.equal(await page.textContent("#users"), "4");
      await waitUntil(
        async () => Number((await page.textContent("#rps"))?.replace(/,/g, "")) > 0,
        "ops/s shows",
      );
      const table = (await page.textContent("#endpoints tbody"))!;
      assert.match(table, /READ/);
      assert.match(table, /WRITE/);

      // One op type's lines: the select lists both, and the charts draw the chosen one.
      await waitUntil(
        async () => (await page.$$eval("#op-select option", (o) => o.length)) === 3,
        "op types in the select",
      );
      assert.deepEqual(
        await page.$$eval("#op-select option", (o) => o.map((x) => x.getAttribute("value") ?? "")),
        ["", "READ", "WRITE"],
      );
      await page.selectOption("#op-select", "WRITE");
      assert.equal(await chart("chart-rps", "data-op"), "WRITE");
      assert.equal(await chart("chart-latency", "data-op"), "WRITE");
      // The page's WRITE line is the WRITE rows' rate: about a quarter of the total here.
      const stats = await (await fetch(new URL("/api/stats", url))).json();
      const last = stats.points[stats.points.length - 1];
      const write = last.byOp.find((o: { name: string }) => o.name === "WRITE");
      const read = last.byOp.find((o: { name: string }) => o.name === "READ");
      assert.ok(Math.abs(write.requestsPerSec + read.requestsPerSec - last.requestsPerSec) < 1e-6);
      assert.ok(read.requestsPerSec > write.requestsPerSec, JSON.stringify(last));

      const before = Date.now();
      await page.click("#stop");
      assert.equal(await exit, 130, io.stderr.join("\n"));
      assert.ok(Date.now() - before < 10_000);
      assert.ok(
        io.stderr.some((l) => l.includes("Run stopped from the live page")),
        io.stderr.join("\n"),
      );
      assert.ok(io.stdout.some((l) => l === "Results:"), "the Results block is printed");
      // The page shows the end of the run it stopped, and a second Stop has nothing to stop.
      await waitUntil(async () => (await page.textContent("#state")) === "stopped", "stopped");
      assert.equal(await page.isDisabled("#stop"), true);
      assert.deepEqual(pageErrors, []);
    } finally {
      controller.abort();
      await exit.catch(() => {});
      await browser.close();
    }
  },
});

Deno.test({
  name: "-log web= in Chromium: a page open when the run ends shows its end and its counts",
  ignore: !hasChromium,
  async fn() {
    const io = new BufferedIo();
    const exit = main([
      "write",
      "duration=2s",
      "no-warmup",
      ...SYNTHETIC,
      "-log",
      "interval=250ms",
      "web=0",
      "no-settings",
    ], { io, signal: new AbortController().signal });
    const browser = await launchChromium();
    try {
      const url = await printedUrl(io.stderr, "web: the live page is at ");
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      await page.goto(url);
      await waitUntil(async () => (await page.textContent("#state")) === "running", "running");
      assert.equal(await exit, 0, io.stderr.join("\n"));
      // The server closed with the run, after the page had fetched the end.
      await waitUntil(async () => (await page.textContent("#state")) === "stopped", "stopped");
      const rows = rowsOf(io.stdout).filter((row) => row.type === "total");
      const shown = Number((await page.textContent("#requests"))?.replace(/,/g, ""));
      assert.equal(shown, rows[rows.length - 1].totalOps, "the page's ops are the last row's");
      const points = await page.$eval("#chart-rps", (canvas) => canvas.getAttribute("data-points"));
      assert.equal(Number(points), rows.length, "a point per interval row");
      assert.equal(await page.isDisabled("#stop"), true);
      assert.equal(await page.textContent("#connection"), "", "no connection error");
      assert.deepEqual(pageErrors, []);
    } finally {
      await exit.catch(() => {});
      await browser.close();
    }
  },
});
