// A client that stalls (never reads its answers, never sends the body it announced) cannot keep
// an endpoint's close(), and so the end of the run, waiting.
import assert from "node:assert/strict";
import { startMetricsServer } from "../../lib/live/metrics_server.ts";
import { LiveSeries } from "../../lib/live/live_series.ts";
import { startLiveServer } from "../../lib/live/live_server.ts";
import { waitUntil } from "./_chromium.ts";

/** Fails when `closing` has not resolved after `ms` (without the fix it never does). */
async function closesWithin(closing: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`close() still waits after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([closing, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a connection and writes `text` on it, reading nothing. */
async function stall(port: number, text: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(text));
  return conn;
}

Deno.test("startMetricsServer() close() ends with a scraper that never reads its answer", async () => {
  // An answer larger than the socket buffers: its write waits for a reader that never comes.
  const text = "# TYPE stress_elapsed_seconds gauge\n" + "stress_elapsed_seconds 1\n".repeat(1e6);
  let scrapes = 0;
  const server = await startMetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    snapshot: () => (scrapes++, text),
  });
  const conn = await stall(server.port, "GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n");
  try {
    await waitUntil(() => scrapes === 1, "the scrape is answered");
    await closesWithin(server.close(), 10_000);
    await assert.rejects(fetch(server.url));
  } finally {
    conn.close();
  }
});

Deno.test("startLiveServer() close() ends with a Stop whose body never comes", async () => {
  const series = new LiveSeries();
  series.setState("running");
  const server = await startLiveServer({
    hostname: "127.0.0.1",
    port: 0,
    series,
    mode: "run",
    onStart() {},
    onStop() {},
  });
  const conn = await stall(
    server.port,
    "POST /api/stop HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
      "content-length: 100\r\n\r\n{",
  );
  try {
    // The server answers another client: it has read the stalled request's head by now.
    const stats = await fetch(new URL("/api/stats", server.url));
    assert.equal(stats.status, 200);
    await stats.body?.cancel();
    await closesWithin(server.close(), 10_000);
    assert.equal(series.state, "running");
  } finally {
    conn.close();
  }
});
