import assert from "node:assert/strict";
import { captureIo } from "./_capture_io.ts";
import { main } from "../../main.ts";
import { checkoutLoadCommand } from "../../lib/checkout/checkout_load.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { type CheckoutService, type Faults, startCheckoutService } from "./_checkout_service.ts";
import type { LoaderVerdict } from "../../lib/stats/loader_verdict.ts";

interface LoadJson {
  settings: Record<string, unknown>;
  elapsedSec: number;
  endpoints: { name: string; requests: number; failures: number; requestsPerSec: number }[];
  total: {
    requests: number;
    failures: number;
    requestsPerSec: number;
    latencyMs: { p50: number; p99: number; max: number };
    serviceLatencyMs?: { p50: number; p99: number; max: number };
  };
  failures: { endpoint: string; kind: string; count: number }[];
  iterations: { completed: number; aborted: number };
  arrivals?: { due: number; started: number };
  intervals: {
    elapsedSec: number;
    users: number;
    requests: number;
    requestsPerSec: number;
    meanMs: number;
  }[];
}

async function withService<T>(
  faults: Faults,
  fn: (service: CheckoutService) => Promise<T>,
): Promise<T> {
  const service = await startCheckoutService({ mode: "correct", seed: 11, faults });
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

/** Runs the load command with `--json` and returns the exit code, output and JSON. */
async function load(
  args: string[],
): Promise<{ code: number; lines: string[]; json: LoadJson }> {
  const dir = await Deno.makeTempDir({ prefix: "checkout_load_" });
  try {
    const io = captureIo();
    const code = await checkoutLoadCommand([...args, "--json", `${dir}/run.json`], io);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`)) as LoadJson;
    return { code, lines: io.lines, json };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual}, expected ${expected} ± ${tolerance}`,
  );
}

Deno.test("checkout load: --init, then users ramp at --spawn-rate and every request reaches the service", async () => {
  await withService({}, async (service) => {
    const { code, lines, json } = await load([
      "--gateway",
      service.url,
      "--init",
      "--init-items=50",
      "--init-users=40",
      "--init-orders=30",
      "--users=20",
      "--spawn-rate=10",
      "--duration=4s",
      "--wait-time=constant(0.5)",
      "--seed=5",
    ]);
    assert.equal(code, 0, lines.join("\n"));
    assert.match(
      lines[0],
      /^init: 40 users \(credit 1000000\), 50 items \(stock 1000000, price 1\), 30 orders in /,
    );
    const state = service.state();
    assert.equal(state.items.size, 50);
    assert.equal(state.users.size, 40);
    assert.equal(state.orders.size, 30);

    // Counts: ours equal the service's, request for request.
    const stats = service.stats();
    const checkouts = stats.byRoute["POST /orders/checkout/:id"];
    assert.equal(json.total.requests, checkouts.requests);
    assert.equal(json.endpoints[0].name, "POST /orders/checkout/[order_id]");
    assert.equal(json.total.failures, 0);
    assert.equal((json as unknown as { shard: unknown }).shard, null, "a whole run");
    assert.deepEqual(checkouts.byStatus, { "200": checkouts.requests });
    // Only orders "0".."29" were checked out: each paid at least once when drawn.
    for (const [id, order] of state.orders) assert.ok(Number(id) < 30 && order.items.length === 2);

    // Spawn rate: 10 users a second, so about 10 users after 1 s and all 20 from 2 s.
    // User i starts at i / 10 s, so min(20, floor(10 t) + 1) have started at t (the ramp may lag
    // a little on a busy machine, never lead).
    for (const point of json.intervals.filter((p) => p.elapsedSec < 2.9)) {
      const due = Math.min(20, Math.floor(point.elapsedSec * 10) + 1);
      assert.ok(
        point.users <= due && point.users >= due - 2,
        `${point.users} users at ${point.elapsedSec} s, expected ${due} (-2)`,
      );
    }
    // From 2 s on, all 20 run: the first interval at or after 2 s that is not the run's last (whose
    // users are stopping), however late its timer fired on a busy machine (once, in test:load,
    // the 2 s row came at 2.9 s or later). The 4 s run leaves two such rows.
    const ramped = json.intervals.slice(0, -1).find((p) => p.elapsedSec >= 2);
    assert.equal(
      ramped?.users,
      20,
      JSON.stringify(json.intervals.map((p) => [p.elapsedSec, p.users])),
    );
    // Each user sends at once, then one request per 0.5 s (plus latency) until 4 s: user i starts
    // at i / 10 s, so it sends floor((4 - i/10) / 0.5) + 1 requests (a little fewer if slower).
    let expected = 0;
    for (let i = 0; i < 20; i++) expected += Math.floor((4 - i / 10) / 0.5 - 1e-9) + 1;
    near(json.total.requests, expected, expected * 0.1, "requests");
    assert.equal(json.iterations.completed, json.total.requests);
    assert.ok(lines.includes("Failures: none"));
  });
});

Deno.test("checkout load: scenario weights split iterations within tolerance", async () => {
  await withService({}, async (service) => {
    const dir = await Deno.makeTempDir();
    try {
      const file = `${dir}/weights.json`;
      const step = (method: string, service: string, path: string) => ({ method, service, path });
      await Deno.writeTextFile(
        file,
        JSON.stringify({
          waitTime: "none",
          scenarios: [
            {
              name: "find item",
              weight: 1,
              steps: [step("GET", "stock", "/stock/find/{randint:0:9}")],
            },
            {
              name: "find user",
              weight: 2,
              steps: [step("GET", "payment", "/payment/find_user/{randint:0:9}")],
            },
            {
              name: "checkout",
              weight: 7,
              steps: [step("POST", "order", "/orders/checkout/{randint:0:9}")],
            },
          ],
        }),
      );
      const { code, lines, json } = await load([
        "--gateway",
        service.url,
        "--init",
        "--init-items=10",
        "--init-users=10",
        "--init-orders=10",
        "--scenario",
        file,
        "--users=8",
        "--spawn-rate=1000",
        "--duration=1500ms",
        "--seed=3",
      ]);
      assert.equal(code, 0, lines.join("\n"));
      const total = json.total.requests;
      assert.ok(total > 2000, `only ${total} requests`);
      const byName = new Map(json.endpoints.map((e) => [e.name, e.requests]));
      // Binomial standard deviation of a share is below 0.011 at 2000 draws: allow 4 of them.
      near(byName.get("GET /stock/find/[n]")! / total, 0.1, 0.045, "find item share");
      near(byName.get("GET /payment/find_user/[n]")! / total, 0.2, 0.045, "find user share");
      near(byName.get("POST /orders/checkout/[n]")! / total, 0.7, 0.045, "checkout share");
      const routes = service.stats().byRoute;
      assert.equal(routes["GET /stock/find/:id"].requests, byName.get("GET /stock/find/[n]"));
      assert.equal(
        routes["POST /orders/checkout/:id"].requests,
        byName.get("POST /orders/checkout/[n]"),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("checkout load --rate: arrivals at the rate, counted exactly, one row a second", async () => {
  await withService({}, async (service) => {
    const { code, lines, json } = await load([
      "--gateway",
      service.url,
      "--init",
      "--init-orders=100",
      "--init-items=10",
      "--init-users=10",
      "--rate=200/s",
      "--duration=3s",
      "--seed=1",
    ]);
    assert.equal(code, 0, lines.join("\n"));
    assert.deepEqual(json.arrivals, { due: 600, started: 600 });
    assert.equal(json.total.requests, 600);
    assert.equal(service.stats().byRoute["POST /orders/checkout/:id"].requests, 600);
    near(json.total.requestsPerSec, 200, 10, "requests/s");
    for (const point of json.intervals.filter((p) => p.elapsedSec < 2.9)) {
      near(point.requestsPerSec, 200, 40, `requests/s at ${point.elapsedSec} s`);
    }
    assert.ok(lines.includes("Arrivals: 600 of 600 due were started"));
    assert.match(lines.join("\n"), /latency is response time from the intended start/);
  });
});

Deno.test("checkout load --rate: a slow target shows in response time, not hidden by waiting", async () => {
  // 2 in flight of 100 ms each serve 20/s; 50/s arrive. Arrivals queue, so the response time from
  // the intended start grows through the run while the service time stays about 100 ms.
  await withService({ latencyMs: 100 }, async (service) => {
    const { code, lines, json } = await load([
      "--gateway",
      service.url,
      "--init",
      "--init-orders=10",
      "--init-items=10",
      "--init-users=10",
      "--rate=50/s",
      "--max-in-flight=2",
      "--duration=2s",
    ]);
    assert.equal(code, 0, lines.join("\n"));
    const service_ = json.total.serviceLatencyMs!;
    assert.ok(service_.p50 >= 99 && service_.p50 < 200, `service time p50 ${service_.p50}`);
    assert.ok(json.total.latencyMs.p99 > 500, `response p99 ${json.total.latencyMs.p99}`);
    assert.ok(json.total.latencyMs.max > json.total.serviceLatencyMs!.max * 4);
    // About 20/s of the 50/s due could start; the rest are reported, not dropped silently.
    assert.equal(json.arrivals!.due, 100);
    const started = json.arrivals!.started;
    assert.ok(started >= 25 && started <= 44, `${started} arrivals started, expected about 42`);
    assert.match(lines.join("\n"), /Arrivals: \d+ of 100 due were started; \d+ were not/);
  });
});

Deno.test("checkout load counts 5xx and connection resets as failures, by kind, and exits 1", async () => {
  await withService({ errorRate: 0.2, resetRate: 0.01 }, async (service) => {
    service.setFaults({}); // no faults during --init
    const io = captureIo();
    const dir = await Deno.makeTempDir();
    try {
      const init = await checkoutLoadCommand(
        [
          "--gateway",
          service.url,
          "--init-only",
          "--init-orders=10",
          "--init-items=5",
          "--init-users=5",
        ],
        io,
      );
      assert.equal(init, 0);
      service.setFaults({ errorRate: 0.2, resetRate: 0.01 });
      service.resetStats();
      const { code, lines, json } = await load([
        "--gateway",
        service.url,
        "--init-orders=10",
        "--users=10",
        "--spawn-rate=1000",
        "--duration=1s",
        "--wait-time=none",
        "--seed=9",
        "--hdr-log",
        `${dir}/run.hdr`,
      ]);
      assert.equal(code, 1, lines.join("\n"));
      const faults = service.stats().faults;
      assert.ok(faults.errors > 20 && faults.resets > 3, JSON.stringify(faults));
      const kinds = new Map(json.failures.map((f) => [f.kind, f.count]));
      assert.equal(kinds.get("HTTP 500"), faults.errors);
      // A reset is a transport failure (it may read as a reset or as a cut-short answer).
      const transport = [...kinds].filter(([k]) => !k.startsWith("HTTP"))
        .reduce((sum, [, count]) => sum + count, 0);
      assert.equal(transport, faults.resets);
      assert.equal(json.total.failures, faults.errors + faults.resets);
      assert.equal(json.total.requests, service.stats().requests);
      assert.ok(lines.includes("Failures by kind:"));
      assert.ok(
        lines.some((l) => /^ +\d+ {2}HTTP 500 +POST \/orders\/checkout\/\[order_id\]$/.test(l)),
      );

      // The HDR log holds every request once, under the endpoint's tag.
      const log = readHdrLog(await Deno.readTextFile(`${dir}/run.hdr`), "run.hdr");
      const counts = new Map<string, number>();
      for (const interval of log.intervals) {
        counts.set(interval.tag, (counts.get(interval.tag) ?? 0) + interval.histogram.totalCount);
      }
      assert.deepEqual([...counts], [["POST_/orders/checkout/[order_id]-st", json.total.requests]]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("checkout load against a target that answers garbage: every request a bad response", async () => {
  const service = await startCheckoutService({ mode: "correct", rawGarbagePort: 0 });
  try {
    const { code, json } = await load([
      "--gateway",
      service.garbageUrl!,
      "--users=3",
      "--duration=1s",
      "--wait-time=constant(0.1)",
    ]);
    assert.equal(code, 1);
    assert.ok(json.total.requests >= 6);
    assert.equal(json.total.failures, json.total.requests);
    assert.deepEqual(json.failures.map((f) => f.kind), ["bad response"]);
  } finally {
    await service.close();
  }
});

Deno.test("checkout load against a closed port: every request a connection error, no hang, exit 1", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const started = performance.now();
  const { code, lines, json } = await load([
    "--gateway",
    `http://127.0.0.1:${port}`,
    "--users=5",
    "--spawn-rate=100",
    "--duration=1s",
    "--wait-time=constant(0.1)",
  ]);
  assert.ok(performance.now() - started < 5000);
  assert.equal(code, 1);
  assert.ok(json.total.requests > 10);
  assert.equal(json.total.failures, json.total.requests);
  assert.deepEqual(json.failures.map((f) => f.kind), ["connection error"]);
  assert.ok(lines.some((l) => /^ +\d+ {2}connection error {2}POST \/orders\/checkout/.test(l)));
});

Deno.test("checkout load: bad options and a refused --init get one error line", async () => {
  const cases: [string[], number, RegExp][] = [
    [["checkout", "load"], 2, /no services given, expected --urls FILE or --gateway URL/],
    [["checkout", "load", "--gateway", "http://x", "--rate", "fast"], 2, /--rate/],
    [["checkout", "load", "--gateway", "http://x", "--users", "0"], 2, /--users/],
    [
      ["checkout", "load", "--gateway", "http://x", "--scenario", "/nope.json"],
      2,
      /not a built-in scenario \(checkout-only, weighted-2023\)/,
    ],
    [["checkout", "load", "--gateway", "http://x", "--autostart"], 2, /--autostart without --web/],
    [
      ["checkout", "load", "--gateway", "http://x", "--web", "localhost"],
      2,
      /expected PORT, HOST:PORT/,
    ],
    [
      ["checkout", "load", "--gateway", "http://x", "--prometheus", "127.0.0.1:99999"],
      2,
      /"--prometheus": "127\.0\.0\.1:99999" is invalid/,
    ],
    [["checkout", "load", "--gateway", "http://x", "--wait-time", "soon"], 2, /--wait-time/],
    [["checkout", "load", "--gateway", "http://x", "--duration", "0s"], 2, /--duration/],
  ];
  for (const [args, exit, message] of cases) {
    const io = captureIo();
    assert.equal(
      await main(args, { io, signal: new AbortController().signal }),
      exit,
      args.join(" "),
    );
    assert.equal(io.lines.length, 1, io.lines.join("\n"));
    assert.match(io.lines[0], /^error: /);
    assert.match(io.lines[0], message);
  }
  await withService({ errorRate: 1 }, async (service) => {
    const io = captureIo();
    const code = await main(["checkout", "load", "--gateway", service.url, "--init-only"], {
      io,
      signal: new AbortController().signal,
    });
    assert.equal(code, 3);
    assert.match(
      io.lines.at(-1)!,
      /^error: Cannot initialise: POST \/payment\/batch_init\/100000\/1000000 answered status 500/,
    );
  });
});

Deno.test("checkout load: Ctrl-C stops the run, prints the summary and exits 130", async () => {
  await withService({}, async (service) => {
    const io = captureIo();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const started = performance.now();
    const code = await main(
      [
        "checkout",
        "load",
        "--gateway",
        service.url,
        "--users=5",
        "--duration=1m",
        "--init-orders=10",
      ],
      { io, signal: controller.signal },
    );
    assert.ok(performance.now() - started < 3000);
    assert.equal(code, 130);
    assert.ok(io.lines.some((l) => l.startsWith("Results (")), io.lines.join("\n"));
    assert.match(io.lines.at(-1)!, /^error: Run interrupted by SIGINT/);
  });
});

Deno.test("checkout load: a target slower than --timeout gives timeout failures and no hang", async () => {
  await withService({ latencyMs: 1000 }, async (service) => {
    const started = performance.now();
    const { code, json } = await load([
      "--gateway",
      service.url,
      "--users=2",
      "--duration=500ms",
      "--timeout=200ms",
      "--wait-time=none",
    ]);
    assert.ok(performance.now() - started < 2000);
    assert.equal(code, 1);
    assert.deepEqual(json.failures.map((f) => f.kind), ["timeout"]);
    assert.equal(json.total.failures, json.total.requests);
    // Two users, each request cut at 200 ms, for 500 ms: 3 rounds of 2.
    assert.ok(json.total.requests >= 4 && json.total.requests <= 8, `${json.total.requests}`);
    assert.ok(json.total.latencyMs.max < 400, `max ${json.total.latencyMs.max} ms`);
  });
});

Deno.test("checkout load --shard: the shards share the users and the rate, init runs on shard 0", async () => {
  await withService({}, async (service) => {
    const shardRun = async (index: number, extra: string[]) => {
      const io = captureIo();
      const code = await main(
        [
          "checkout",
          "load",
          "--gateway",
          service.url,
          "--init",
          "--init-orders=10",
          "--init-items=10",
          "--init-users=10",
          "--shard",
          `${index}/2`,
          "--duration=1s",
          ...extra,
        ],
        { io, signal: new AbortController().signal },
      );
      assert.equal(code, 0, io.lines.join("\n"));
      return io.lines;
    };
    const first = await shardRun(0, ["--users=7", "--spawn-rate=70"]);
    assert.ok(first.some((l) => /^shard 0\/2: 3 of 7 users at 35\/s, seed \d+$/.test(l)));
    assert.ok(first.some((l) => l.startsWith("init: 10 users")));
    const jsonDir = await Deno.makeTempDir();
    let second: string[];
    try {
      const jsonFile = `${jsonDir}/shard.json`;
      second = await shardRun(1, ["--users=7", "--spawn-rate=70", "--seed=4", "--json", jsonFile]);
      const json = JSON.parse(await Deno.readTextFile(jsonFile));
      assert.deepEqual(json.shard, { index: 1, count: 2 }, "the JSON summary records the shard");
    } finally {
      await Deno.remove(jsonDir, { recursive: true });
    }
    assert.ok(second.includes("shard 1/2: 4 of 7 users at 35/s, seed 5"), second.join("\n"));
    assert.ok(second.includes("init: left to shard 0/2"));
    const rated = await shardRun(1, ["--rate=100/s"]);
    assert.ok(rated.some((l) => /^shard 1\/2: 50\/s of 100\/s arrivals/.test(l)));
    assert.ok(rated.includes("Arrivals: 50 of 50 due were started"), rated.join("\n"));
  });
});

Deno.test("checkout load --json feeds stress compare: a slower service is flagged, the same run is not", async () => {
  const run = (latencyMs: number) =>
    withService({ latencyMs }, async (service) => {
      const { code, lines, json } = await load([
        "--gateway",
        service.url,
        "--init",
        "--init-orders=10",
        "--users=4",
        "--spawn-rate=100",
        "--duration=2s",
        "--interval=200ms",
        "--wait-time=none",
      ]);
      assert.equal(code, 0, lines.join("\n"));
      return json;
    });
  const fast = await run(2);
  // Fifty times slower: on a busy machine the fast run's interval p50s spread from 3 to 40 ms
  // (CI's compare found 13.8 against 21.3 ms, p = 0.48, for a 2 ms and a 20 ms service).
  const slow = await run(100);
  // Each point counts its requests: together they are the run's (a short last one is not shown).
  const counted = fast.intervals.reduce((sum, p) => sum + p.requests, 0);
  assert.ok(counted <= fast.total.requests && counted >= fast.total.requests * 0.8, `${counted}`);
  // Each point with requests carries their mean (under load the first 200 ms may have none:
  // the connections are still being made).
  const answered = fast.intervals.filter((p) => p.requests > 0);
  assert.ok(answered.length >= 5, JSON.stringify(fast.intervals));
  assert.ok(answered.every((p) => p.meanMs > 0), JSON.stringify(fast.intervals));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/fast.json`, JSON.stringify(fast));
    await Deno.writeTextFile(`${dir}/slow.json`, JSON.stringify(slow));
    const compare = async (a: string, b: string, metric: string) => {
      const io = captureIo();
      const code = await main(["compare", `${dir}/${a}`, `${dir}/${b}`, "--metric", metric], {
        io,
      });
      return { code, lines: io.lines };
    };
    const slower = await compare("fast.json", "slow.json", "p50");
    assert.equal(slower.code, 1, slower.lines.join("\n"));
    assert.match(slower.lines.at(-1)!, /^Result: p50 regressed by /);
    assert.match(slower.lines[0], /: checkout load$/);
    const same = await compare("fast.json", "fast.json", "throughput");
    assert.equal(same.code, 0, same.lines.join("\n"));
    assert.match(same.lines.at(-1)!, /^Result: no significant change in throughput/);
    // A summary of another kind of command is refused, not compared.
    await Deno.writeTextFile(
      `${dir}/write.json`,
      JSON.stringify({
        command: "write n=10",
        total: { opsPerSec: 1, latencyMs: { mean: 1, p50: 1, p95: 1, p99: 1, p999: 1 } },
        intervals: [1, 2, 3].map((timeSec) => ({
          timeSec,
          ops: 1,
          opsPerSec: 1,
          p50Ms: 1,
          p99Ms: 1,
        })),
      }),
    );
    const mixed = await compare("fast.json", "write.json", "throughput");
    assert.equal(mixed.code, 2);
    assert.match(mixed.lines.at(-1)!, /one is a checkout load summary, the other a stress summary/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkout load: the loader judges itself, in the output and the JSON", async () => {
  await withService({}, async (service) => {
    // Open model: the arrivals' lateness at their slot.
    const open = await load([
      "--gateway",
      service.url,
      "--init",
      "--init-orders=100",
      "--init-items=10",
      "--init-users=10",
      "--rate=200/s",
      "--duration=2s",
    ]);
    assert.equal(open.code, 0, open.lines.join("\n"));
    // A run that ran its duration out was not aborted.
    assert.equal((open.json as unknown as { aborted: string | null }).aborted, null);
    const verdict = (open.json as unknown as { loader: LoaderVerdict }).loader;
    assert.ok(verdict.verdict === "ok" || verdict.verdict === "limited");
    assert.equal(verdict.figures.scheduled, true);
    assert.ok(verdict.figures.dispatch!.ops > 300, JSON.stringify(verdict.figures));
    assert.equal(open.lines.filter((l) => l.startsWith("Loader: ")).length, 1);
    assert.match(open.lines.find((l) => l.startsWith("Loader: "))!, /slot lateness p50 [\d.]+ ms/);
  });
  await withService({ latencyMs: 50 }, async (service) => {
    // Closed model without think time: every user always has a request in flight (50 ms each,
    // against the loader's own work between two: 10 to 30 µs, more on a loaded machine, which at
    // 5 ms a request left the share at 99.3 to 99.5%, a hair above the note's 99%).
    const closed = await load([
      "--gateway",
      service.url,
      "--init",
      "--init-orders=100000",
      "--init-items=10",
      "--init-users=10",
      "--users=4",
      "--spawn-rate=100",
      "--wait-time=none",
      "--duration=1s",
    ]);
    assert.equal(closed.code, 0, closed.lines.join("\n"));
    const closedVerdict = (closed.json as unknown as { loader: LoaderVerdict }).loader;
    assert.equal(closedVerdict.figures.dispatch, null);
    // Among its notes (a short run may also get one on too few event-loop probes, first).
    const busy =
      /^all 4 users had a request in flight (99|100)% of the time: the rate was set by the number of users/;
    assert.ok(
      closedVerdict.notes.some((note) => busy.test(note)),
      JSON.stringify(closedVerdict.notes),
    );
  });
});

/**
 * A loopback service that answers every request 200 `{}` and closes every connection idle for
 * `idleMs` (as uvicorn, gunicorn and Python's `http.server` with a timeout do); `requests` counts
 * the requests it received.
 */
function idleClosingService(idleMs: number): {
  url: string;
  requests: number;
  close(): Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const reply = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
  const service = {
    url: `http://127.0.0.1:${listener.addr.port}`,
    requests: 0,
    async close() {
      listener.close();
      await accepting;
      for (const conn of conns) closeQuietly(conn);
      await Promise.all(tasks);
    },
  };
  const serve = async (conn: Deno.Conn) => {
    const buffer = new Uint8Array(64 * 1024);
    let end = 0;
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<"idle">((resolve) =>
        timer = setTimeout(() => resolve("idle"), idleMs)
      );
      const read = conn.read(buffer.subarray(end)).catch(() => null);
      const n = await Promise.race([read, idle]);
      clearTimeout(timer);
      if (n === "idle" || n === null) return;
      end += n;
      for (;;) {
        const text = new TextDecoder().decode(buffer.subarray(0, end));
        const headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) break;
        const length = /content-length: *(\d+)/i.exec(text.slice(0, headEnd));
        const size = headEnd + 4 + (length ? Number(length[1]) : 0);
        if (end < size) break;
        buffer.copyWithin(0, size, end);
        end -= size;
        service.requests++;
        let written = 0;
        while (written < reply.length) written += await conn.write(reply.subarray(written));
      }
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const task: Promise<void> = serve(conn).catch(() => {}).finally(() => {
          closeQuietly(conn);
          conns.delete(conn);
          tasks.delete(task);
        });
        tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  })();
  return service;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

Deno.test("checkout load: a service that closes idle keep-alive connections gives no false failures", async () => {
  const service = idleClosingService(200);
  try {
    const { code, lines, json } = await load([
      "--gateway",
      service.url,
      "--users=10",
      "--spawn-rate=1000",
      "--duration=2s",
      "--wait-time=constant(0.4)",
    ]);
    assert.equal(json.total.failures, 0, lines.join("\n"));
    assert.equal(code, 0);
    assert.ok(json.total.requests >= 30, `${json.total.requests} requests`);
    assert.equal(service.requests, json.total.requests);
  } finally {
    await service.close();
  }
});

Deno.test("checkout load: service time leaves out the wait for a free connection, in both models", async () => {
  // 3 requests at a time on 1 connection to a 100 ms service: each waits about 200 ms for the
  // connection, which is not service time.
  await withService({ latencyMs: 100 }, async (service) => {
    const closed = await load([
      "--gateway",
      service.url,
      "--init-orders=10",
      "--users=3",
      "--spawn-rate=1000",
      "--connections=1",
      "--wait-time=none",
      "--duration=1500ms",
    ]);
    const closedP50 = closed.json.total.latencyMs.p50;
    assert.ok(closedP50 >= 99 && closedP50 < 180, `closed model service time p50 ${closedP50}`);
    const open = await load([
      "--gateway",
      service.url,
      "--init-orders=10",
      "--rate=20/s",
      "--connections=1",
      "--duration=1500ms",
    ]);
    const serviceP50 = open.json.total.serviceLatencyMs!.p50;
    assert.ok(serviceP50 >= 99 && serviceP50 < 180, `open model service time p50 ${serviceP50}`);
    assert.ok(
      open.json.total.latencyMs.p50 > serviceP50 + 100,
      `response time p50 ${open.json.total.latencyMs.p50}, service time p50 ${serviceP50}`,
    );
  });
});
