import assert from "node:assert/strict";
import { LiveSeries } from "../../lib/live/live_series.ts";
import type { LiveRunParams } from "../../lib/live/live_series.ts";
import { type LiveServer, startLiveServer } from "../../lib/live/live_server.ts";

interface Fixture {
  server: LiveServer;
  series: LiveSeries;
  starts: LiveRunParams[];
  stops: number[];
}

async function withServer(
  fn: (fixture: Fixture) => Promise<void>,
  callbacks: {
    onStart?: (series: LiveSeries) => void | Promise<void>;
    onStop?: (series: LiveSeries) => void | Promise<void>;
  } = {},
): Promise<void> {
  const series = new LiveSeries();
  const starts: LiveRunParams[] = [];
  const stops: number[] = [];
  const server = await startLiveServer({
    hostname: "127.0.0.1",
    port: 0,
    series,
    title: "checkout load",
    async onStart(params) {
      starts.push(params);
      await callbacks.onStart?.(series);
    },
    async onStop() {
      stops.push(stops.length);
      await callbacks.onStop?.(series);
    },
  });
  try {
    await fn({ server, series, starts, stops });
  } finally {
    await server.close();
  }
}

async function call(
  server: LiveServer,
  path: string,
  init: { method?: string; body?: string; type?: string | null } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const headers = new Headers();
  const type = init.type === undefined ? "application/json" : init.type;
  if (type !== null && init.body !== undefined) headers.set("content-type", type);
  const response = await fetch(new URL(path, server.url), {
    method: init.method ?? "GET",
    headers,
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

function post(server: LiveServer, path: string, body: unknown) {
  return call(server, path, { method: "POST", body: JSON.stringify(body) });
}

Deno.test("startLiveServer() serves the page at / with a strict content security policy", async () => {
  await withServer(async ({ server }) => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
    const page = await call(server, "/");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    assert.match(page.headers.get("content-security-policy")!, /default-src 'none'/);
    assert.match(page.text, /<title>checkout load<\/title>/);
    assert.match(page.text, /id="chart-latency"/);
  });
});

Deno.test("startLiveServer() answers /api/stats with the snapshot since an index", async () => {
  await withServer(async ({ server, series }) => {
    for (let i = 0; i < 3; i++) {
      series.push({
        atMs: i,
        requestsPerSec: 5,
        failuresPerSec: 0,
        p50Ms: 1,
        p95Ms: 2,
        p99Ms: 3,
        users: 1,
      });
    }
    const all = await call(server, "/api/stats");
    assert.equal(all.status, 200);
    assert.equal(all.headers.get("cache-control"), "no-store");
    assert.deepEqual(all.json(), series.snapshot());
    const since = await call(server, "/api/stats?since=2");
    assert.deepEqual((since.json() as { points: unknown[] }).points.length, 1);
    for (const bad of ["-1", "x", "1.5", "1e3"]) {
      const response = await call(server, `/api/stats?since=${bad}`);
      assert.equal(response.status, 400, bad);
      assert.equal(
        (response.json() as { error: string }).error,
        `Cannot read stats: "since" is "${bad}", expected an integer >= 0`,
      );
    }
  });
});

Deno.test("startLiveServer() starts and stops a run through the callbacks", async () => {
  await withServer(async ({ server, series, starts, stops }) => {
    series.addFailures("timeout");
    const started = await post(server, "/api/start", { users: 50, spawnRate: 5, rate: 100 });
    assert.equal(started.status, 200);
    assert.deepEqual(started.json(), {
      state: "running",
      params: { users: 50, spawnRate: 5, rate: 100 },
    });
    assert.deepEqual(starts, [{ users: 50, spawnRate: 5, rate: 100 }]);
    const snapshot = series.snapshot();
    assert.equal(snapshot.state, "running");
    assert.equal(snapshot.epoch, 1); // reset for the new run
    assert.deepEqual(snapshot.failuresByKind, []);

    const again = await post(server, "/api/start", { users: 1, spawnRate: 1 });
    assert.equal(again.status, 409);
    assert.equal(starts.length, 1);

    const stopped = await post(server, "/api/stop", {});
    assert.equal(stopped.status, 200);
    assert.deepEqual(stopped.json(), { state: "stopped" });
    assert.equal(stops.length, 1);
    assert.equal(series.state, "stopped");

    const stopAgain = await post(server, "/api/stop", {});
    assert.equal(stopAgain.status, 409);
    assert.equal(
      (stopAgain.json() as { error: string }).error,
      'Cannot stop run: state is "stopped", expected "running"',
    );

    const restart = await post(server, "/api/start", { users: 2, spawnRate: 0.5 });
    assert.equal(restart.status, 200);
    assert.deepEqual(starts[1], { users: 2, spawnRate: 0.5 });
  });
});

Deno.test("startLiveServer() rejects bad start parameters with 400 and a JSON error", async () => {
  await withServer(async ({ server, series, starts }) => {
    const cases: [unknown, string][] = [
      [[], "Cannot start run: body is not an object, expected {users, spawnRate}"],
      [{ spawnRate: 1 }, 'Cannot start run: "users" is missing, expected an integer from 1'],
      [{ users: 0, spawnRate: 1 }, 'Cannot start run: "users" is "0", expected an integer'],
      [{ users: 1.5, spawnRate: 1 }, 'Cannot start run: "users" is "1.5"'],
      [{ users: "10", spawnRate: 1 }, 'Cannot start run: "users" is "10" (a string), expected'],
      [{ users: 1 }, 'Cannot start run: "spawnRate" is missing, expected a number > 0'],
      [{ users: 1, spawnRate: -1 }, 'Cannot start run: "spawnRate" is "-1"'],
      [
        { users: 1, spawnRate: 1, rate: 0 },
        'Cannot start run: "rate" is "0", expected a number > 0',
      ],
    ];
    for (const [body, message] of cases) {
      const response = await post(server, "/api/start", body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.headers.get("content-type")!, /^application\/json/);
      const error = (response.json() as { error: string }).error;
      assert.ok(error.startsWith(message), `${error} should start with ${message}`);
    }
    const broken = await call(server, "/api/start", { method: "POST", body: "{users:" });
    assert.equal(broken.status, 400);
    assert.match((broken.json() as { error: string }).error, /^Cannot parse request body: .*JSON$/);
    const plain = await call(server, "/api/start", {
      method: "POST",
      body: JSON.stringify({ users: 1, spawnRate: 1 }),
      type: "text/plain",
    });
    assert.equal(plain.status, 415);
    const huge = await call(server, "/api/start", {
      method: "POST",
      body: JSON.stringify({ users: 1, spawnRate: 1, pad: "x".repeat(70_000) }),
    });
    assert.equal(huge.status, 413);
    assert.deepEqual(starts, []);
    assert.equal(series.state, "idle");
  });
});

Deno.test("startLiveServer() answers 404 for unknown paths and 405 for wrong methods", async () => {
  await withServer(async ({ server }) => {
    const missing = await call(server, "/nope");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { error: 'Cannot find "/nope": no such page' });
    assert.equal((await call(server, "/__proto__")).status, 404);
    assert.equal((await call(server, "/favicon.ico")).status, 204);
    const wrong = await call(server, "/api/start");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST");
    const put = await call(server, "/api/stats", { method: "PUT", body: "{}" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD");
  });
});

Deno.test("startLiveServer() answers HEAD of the page and the stats like GET, without a body", async () => {
  await withServer(async ({ server }) => {
    for (const path of ["/", "/index.html", "/api/stats", "/favicon.ico"]) {
      const get = await call(server, path);
      const head = await call(server, path, { method: "HEAD" });
      assert.equal(head.status, get.status, path);
      assert.equal(head.headers.get("content-type"), get.headers.get("content-type"), path);
      assert.equal(head.text, "", path);
    }
    const stop = await call(server, "/api/stop", { method: "HEAD" });
    assert.equal(stop.status, 405);
    assert.equal(stop.headers.get("allow"), "POST");
  });
});

Deno.test("startLiveServer() in run mode: Stop leaves the state stopping until the run ends", async () => {
  const series = new LiveSeries();
  series.setState("running");
  let stops = 0;
  const server = await startLiveServer({
    hostname: "127.0.0.1",
    port: 0,
    series,
    mode: "run",
    onStart() {},
    onStop() {
      stops++;
    },
  });
  try {
    const stopped = await post(server, "/api/stop", {});
    assert.equal(stopped.status, 200);
    // The run ends after this and says so: the page keeps polling until it shows that end.
    assert.deepEqual(stopped.json(), { state: "stopping" });
    assert.equal(series.state, "stopping");
    const again = await post(server, "/api/stop", {});
    assert.equal(again.status, 409);
    assert.equal(stops, 1);
  } finally {
    await server.close();
  }
});

Deno.test("startLiveServer() reports a failing onStart and restores the state", async () => {
  await withServer(async ({ server, series }) => {
    const response = await post(server, "/api/start", { users: 1, spawnRate: 1 });
    assert.equal(response.status, 500);
    assert.deepEqual(response.json(), { error: "Cannot start run: target is down" });
    assert.equal(series.state, "idle");
    assert.equal(series.snapshot().message, "Cannot start run: target is down");
  }, {
    onStart() {
      throw new Error("target is down");
    },
  });
});

Deno.test("startLiveServer() keeps the state the run set while stopping", async () => {
  await withServer(async ({ server, series }) => {
    assert.equal((await post(server, "/api/start", { users: 1, spawnRate: 1 })).status, 200);
    const response = await post(server, "/api/stop", {});
    assert.equal(response.status, 200);
    assert.deepEqual(response.json(), { state: "idle" });
    assert.equal(series.state, "idle");
  }, {
    onStop(series) {
      series.setState("idle"); // the runner may decide the state itself
    },
  });
});

Deno.test("startLiveServer() rejects when the port is taken", async () => {
  await withServer(async ({ server }) => {
    await assert.rejects(
      startLiveServer({
        hostname: "127.0.0.1",
        port: server.port,
        series: new LiveSeries(),
        onStart() {},
        onStop() {},
      }),
      Deno.errors.AddrInUse,
    );
  });
});

Deno.test("startLiveServer() refuses a huge POST body without reading all of it", async () => {
  // The whole body was read into memory before its size was checked: 1.5 GB posted to
  // /api/start took the loader to 1.6 GB. Now it stops at the first bytes past the limit.
  await withServer(async ({ server, starts }) => {
    const chunk = new Uint8Array(1024 * 1024).fill(32);
    const chunks = 256;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled++ < chunks) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(new URL("/api/start", server.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert.equal(response.status, 413);
    assert.deepEqual(await response.json(), {
      error: "Cannot read request: body has more than 65536 bytes, expected at most 65536",
    });
    assert.ok(pulled < chunks / 2, `${pulled} of ${chunks} MiB sent before the answer`);
    assert.deepEqual(starts, []);
  });
});
