import assert from "node:assert/strict";
import { captureIo } from "./_capture_io.ts";
import { checkoutLoadCommand } from "../../lib/checkout/checkout_load.ts";
import { LoadRun, type ServicePools } from "../../lib/checkout/checkout_load_run.ts";
import type { ScenarioSet } from "../../lib/checkout/load_scenario.ts";
import type { HttpPool } from "../../lib/checkout/driver/http_pool.ts";
import { startCheckoutService } from "./_checkout_service.ts";

const ONE_STEP: ScenarioSet = {
  name: "one",
  waitTime: { kind: "none" },
  scenarios: [{
    name: "find",
    weight: 1,
    steps: [{ name: "find", method: "GET", service: "stock", path: "/stock/find/1", expect: "ok" }],
  }],
};

/** Pools whose every request fails as a bug in the caller would (a rejected promise). */
function throwingPools(): ServicePools {
  const pool = {
    request: () => Promise.reject(new TypeError("Cannot encode path: boom")),
  } as unknown as HttpPool;
  return { order: pool, payment: pool, stock: pool };
}

for (const rate of [null, 10]) {
  const model = rate === null ? "closed" : "open";
  Deno.test(`LoadRun.run() stops at a virtual user's unexpected error and keeps it (${model} model)`, async () => {
    const run = new LoadRun(ONE_STEP, throwingPools(), {
      users: 3,
      spawnRate: 100,
      rate,
      maxInFlight: 10,
      durationMs: 10_000,
      seed: 1,
    });
    const startedMs = performance.now();
    await run.run(); // resolves: the error is kept, not thrown, not left unhandled
    assert.ok(performance.now() - startedMs < 3000, "the error stopped the run");
    assert.ok(run.failure !== null);
    assert.ok(run.failure.error instanceof TypeError);
    assert.equal(
      run.stoppedEarly,
      "stopped by an internal error (Cannot encode path: boom)",
    );
  });
}

/** Runs checkout load with --json against the test service and returns the JSON. */
async function loadJson(
  args: string[],
  shard: { index: number; count: number } | null = null,
): Promise<{ elapsedSec: number; total: { requests: number; requestsPerSec: number } }> {
  const service = await startCheckoutService({ seed: 2 });
  const dir = await Deno.makeTempDir({ prefix: "checkout_run_" });
  try {
    const io = captureIo();
    const code = await checkoutLoadCommand(
      [
        "--gateway",
        service.url,
        "--init",
        "--init-items=10",
        "--init-users=10",
        "--init-orders=10",
        ...args,
        "--json",
        `${dir}/run.json`,
      ],
      io,
      { shard },
    );
    assert.equal(code, 0, io.lines.join("\n"));
    return JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await service.close();
  }
}

Deno.test("LoadRun.run() lasts --duration in the open model, even when the last arrival is due long before", async () => {
  const whole = await loadJson(["--rate=1/s", "--duration=1500ms"]);
  assert.equal(whole.total.requests, 2); // due at 0 s and 1 s
  assert.ok(whole.elapsedSec >= 1.49 && whole.elapsedSec < 2.5, `${whole.elapsedSec} s`);
  assert.equal(whole.total.requestsPerSec, 2 / whole.elapsedSec);
  // Half of 1/s is one arrival due in 1 s, at its start.
  const shard = await loadJson(["--rate=1/s", "--duration=1s"], { index: 0, count: 2 });
  assert.equal(shard.total.requests, 1);
  assert.ok(shard.elapsedSec >= 0.99 && shard.elapsedSec < 2, `${shard.elapsedSec} s`);
});

Deno.test("LoadRun.run() sends a captured value with a space percent-encoded", async () => {
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    paths.push(path);
    return path === "/stock/item/create/1"
      ? Response.json({ item_id: "a b" })
      : Response.json({ stock: 1, price: 1 });
  });
  const dir = await Deno.makeTempDir({ prefix: "checkout_capture_" });
  try {
    await Deno.writeTextFile(
      `${dir}/scenario.json`,
      JSON.stringify({
        waitTime: "constant(0.2)",
        scenarios: [{
          name: "create-find",
          steps: [
            {
              method: "POST",
              service: "stock",
              path: "/stock/item/create/1",
              capture: { item: "item_id" },
            },
            { method: "GET", service: "stock", path: "/stock/find/{item}" },
          ],
        }],
      }),
    );
    const io = captureIo();
    const code = await checkoutLoadCommand([
      "--gateway",
      `http://127.0.0.1:${server.addr.port}`,
      "--scenario",
      `${dir}/scenario.json`,
      "--users=1",
      "--duration=500ms",
      "--json",
      `${dir}/run.json`,
    ], io);
    assert.equal(code, 0, io.lines.join("\n"));
    assert.ok(paths.includes("/stock/find/a%20b"), paths.join("\n"));
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    assert.equal(json.total.failures, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await server.shutdown();
  }
});

Deno.test("LoadRun.run() does not start a user due after the run's end (a spawn rate far below 1/s)", async () => {
  // The second user is due in 10^7 s, past what a timer can wait: it must not start at once.
  let inFlight = 0;
  let mostInFlight = 0;
  const pool = {
    request: async () => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return { ok: true, status: 200, body: new Uint8Array(0) };
    },
  } as unknown as HttpPool;
  const run = new LoadRun(ONE_STEP, { order: pool, payment: pool, stock: pool }, {
    users: 2,
    spawnRate: 1e-7,
    rate: null,
    maxInFlight: 10,
    durationMs: 300,
    seed: 1,
  });
  await run.run();
  assert.equal(run.failure, null);
  assert.equal(mostInFlight, 1, "only the first user ran");
  assert.ok(run.completedIterations > 0);
});
