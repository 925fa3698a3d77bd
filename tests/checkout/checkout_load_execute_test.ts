import assert from "node:assert/strict";
import { captureIo } from "./_capture_io.ts";
import { checkoutLoadCommand } from "../../lib/checkout/checkout_load.ts";
import { executeLoadRun } from "../../lib/checkout/checkout_load_execute.ts";
import { LoadRun } from "../../lib/checkout/checkout_load_run.ts";
import type { LoadSettings } from "../../lib/checkout/checkout_load_settings.ts";
import { builtinScenarioSet } from "../../lib/checkout/builtin_scenarios.ts";
import { gatewayUrls } from "../../lib/checkout/checkout_urls.ts";
import type { CheckoutServices } from "../../lib/checkout/driver/checkout_services.ts";
import type { HttpPool } from "../../lib/checkout/driver/http_pool.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { startCheckoutService } from "./_checkout_service.ts";

/** Services whose requests fail as a bug would: a rejected promise, after a few good answers. */
function buggyServices(goodAnswers: number): CheckoutServices {
  let answered = 0;
  const pool = {
    request: () =>
      answered++ < goodAnswers
        ? Promise.resolve({ ok: true, status: 200, body: new Uint8Array() })
        : Promise.reject(new TypeError("a bug")),
  } as unknown as HttpPool;
  return {
    urls: gatewayUrls("http://u:secretpw@127.0.0.1:1"),
    order: pool,
    payment: pool,
    stock: pool,
  } as unknown as CheckoutServices;
}

function settingsFor(dir: string, services: CheckoutServices): LoadSettings {
  return {
    services,
    set: { ...builtinScenarioSet("checkout-only", { orders: 10 }), waitTime: { kind: "none" } },
    params: { users: 2, spawnRate: 100, rate: null, maxInFlight: 1, durationMs: 10_000, seed: 1 },
    init: "no",
    initSizes: { items: 1, users: 1, orders: 1, stock: 1, credit: 1, price: 1 },
    connections: 1,
    timeoutMs: 1000,
    connectTimeoutMs: 1000,
    intervalMs: 1000,
    jsonPath: `${dir}/run.json`,
    hdrPath: `${dir}/run.hdr`,
    web: null,
    prometheus: null,
    autostart: false,
    autoquitMs: null,
    exitCodeOnError: 1,
    failIfLimited: false,
    shard: null,
  };
}

Deno.test("executeLoadRun() prints the summary and writes both files before it throws a run's bug", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkout_execute_" });
  try {
    const settings = settingsFor(dir, buggyServices(5));
    const run = new LoadRun(settings.set, settings.services, settings.params);
    const io = captureIo();
    await assert.rejects(
      executeLoadRun(run, { settings, io, series: null, live: null }),
      TypeError,
    );
    assert.ok(io.lines.some((l) => l.startsWith("Results (")), io.lines.join("\n"));
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    assert.equal(json.total.requests, 5);
    assert.equal(json.aborted, "stopped by an internal error (a bug) during the measured run");
    assert.equal(json.settings.urls.order, "http://u:***@127.0.0.1:1");
    const log = readHdrLog(await Deno.readTextFile(`${dir}/run.hdr`), "run.hdr");
    assert.equal(log.intervals.reduce((sum, i) => sum + i.histogram.totalCount, 0), 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkout load writes the password of a gateway URL as *** in --json", async () => {
  const service = await startCheckoutService({ seed: 5 });
  const dir = await Deno.makeTempDir({ prefix: "checkout_redact_" });
  try {
    const gateway = service.url.replace("http://", "http://u:secretpw@");
    const io = captureIo();
    await checkoutLoadCommand([
      "--gateway",
      gateway,
      "--users=1",
      "--duration=200ms",
      "--wait-time=constant(0.1)",
      "--json",
      `${dir}/run.json`,
    ], io);
    const text = await Deno.readTextFile(`${dir}/run.json`);
    assert.ok(!text.includes("secretpw"), text);
    const { urls } = JSON.parse(text).settings;
    const shown = service.url.replace("http://", "http://u:***@");
    assert.deepEqual(urls, { order: shown, payment: shown, stock: shown });
    assert.ok(!io.lines.join("\n").includes("secretpw"));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await service.close();
  }
});
