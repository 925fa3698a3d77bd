import assert from "node:assert/strict";
import { formatPrometheusText } from "../../lib/report/prometheus_text.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";
import { type MetricsServer, startMetricsServer } from "../../lib/live/metrics_server.ts";

async function withServer(
  snapshot: () => string,
  fn: (server: MetricsServer) => Promise<void>,
): Promise<void> {
  const server = await startMetricsServer({ hostname: "127.0.0.1", port: 0, snapshot });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

async function call(
  server: MetricsServer,
  path: string,
  method = "GET",
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(new URL(path, server.url), { method });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

Deno.test("startMetricsServer() serves the latest snapshot at /metrics on every scrape", async () => {
  // The run replaces the text after each interval; each scrape reads the current one.
  const write = new OpWindow("WRITE", { scheduled: false });
  let latest = formatPrometheusText({
    command: "write",
    windows: [],
    lengthSec: 1,
    totals: [],
    elapsedSec: 0,
    useResponseTime: false,
  });
  let scrapes = 0;
  await withServer(() => {
    scrapes++;
    return latest;
  }, async (server) => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/metrics`);
    const first = await call(server, "/metrics");
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(first.headers.get("cache-control"), "no-store");
    assert.equal(first.text, latest);
    assert.ok(!first.text.includes('stress_ops_total{op="WRITE"}'));

    write.ops = 250;
    write.service.recordValue(4_000_000);
    latest = formatPrometheusText({
      command: "write",
      windows: [write],
      lengthSec: 0.5,
      totals: [write],
      elapsedSec: 1.5,
      useResponseTime: false,
    });
    const second = await call(server, "/metrics");
    assert.equal(second.text, latest);
    assert.ok(second.text.includes('stress_interval_ops_per_second{op="WRITE"} 500\n'));
    assert.ok(second.text.includes("stress_elapsed_seconds 1.5\n"));
    assert.equal(scrapes, 2);
  });
});

Deno.test("startMetricsServer() answers / with a page that links to /metrics", async () => {
  await withServer(() => "", async (server) => {
    const page = await call(server, "/");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(page.text, /<a href="\/metrics">\/metrics<\/a>/);
  });
});

Deno.test("startMetricsServer() answers HEAD like GET without a body", async () => {
  await withServer(() => "stress_elapsed_seconds 1\n", async (server) => {
    const head = await call(server, "/metrics", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(head.text, "");
  });
});

Deno.test("startMetricsServer() answers 404 for other paths and 405 for other methods", async () => {
  let scrapes = 0;
  await withServer(() => {
    scrapes++;
    return "";
  }, async (server) => {
    const missing = await call(server, "/metrics/extra");
    assert.equal(missing.status, 404);
    assert.equal(
      missing.text,
      'Cannot find "/metrics/extra": no such page, expected "/metrics"\n',
    );
    for (const method of ["POST", "PUT", "DELETE"]) {
      const wrong = await call(server, "/metrics", method);
      assert.equal(wrong.status, 405, method);
      assert.equal(wrong.headers.get("allow"), "GET, HEAD");
      assert.equal(
        wrong.text,
        `Cannot ${method} "/metrics": method not allowed, expected GET, HEAD\n`,
      );
    }
    assert.equal((await call(server, "/", "POST")).status, 405);
    assert.equal(scrapes, 0);
  });
});

Deno.test("startMetricsServer() answers 500 with the message when the snapshot throws", async () => {
  await withServer(() => {
    throw new Error("no interval yet");
  }, async (server) => {
    const failed = await call(server, "/metrics");
    assert.equal(failed.status, 500);
    assert.equal(failed.text, "Cannot collect metrics: no interval yet\n");
  });
});

Deno.test("startMetricsServer() rejects with AddrInUse when the port is taken", async () => {
  await withServer(() => "", async (server) => {
    await assert.rejects(
      startMetricsServer({ hostname: "127.0.0.1", port: server.port, snapshot: () => "" }),
      Deno.errors.AddrInUse,
    );
  });
});

Deno.test("startMetricsServer() close() stops the server and can be called twice", async () => {
  const server = await startMetricsServer({ hostname: "127.0.0.1", port: 0, snapshot: () => "" });
  const url = server.url;
  await server.close();
  await server.close();
  await assert.rejects(fetch(url), TypeError);
});
