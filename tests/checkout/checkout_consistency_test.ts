import assert from "node:assert/strict";
import { captureIo } from "./_capture_io.ts";
import { main } from "../../main.ts";
import { checkoutConsistencyCommand } from "../../lib/checkout/checkout_consistency.ts";
import { all } from "../../lib/checkout/checkout_consistency_requests.ts";
import { TargetError, UsageError } from "../../lib/errors.ts";
import { type CheckoutMode, startCheckoutService } from "./_checkout_service.ts";

function figure(lines: string[], label: string): number {
  const line = lines.find((l) => l.includes(label));
  assert.ok(line !== undefined, `no "${label}" line in:\n${lines.join("\n")}`);
  return Number(line.split(": ").at(-1));
}

async function withService<T>(
  mode: CheckoutMode,
  fn: (service: Awaited<ReturnType<typeof startCheckoutService>>) => Promise<T>,
): Promise<T> {
  const service = await startCheckoutService({ mode, seed: 7 });
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

Deno.test("checkout consistency passes the correct service, with the official figures at 0", async () => {
  await withService("correct", async (service) => {
    const dir = await Deno.makeTempDir({ prefix: "stress_consistency_" });
    try {
      const io = captureIo();
      const code = await checkoutConsistencyCommand(
        ["--gateway", service.url, "--seed", "3", "--json", `${dir}/verdict.json`],
        io,
      );
      assert.equal(code, 0, io.lines.join("\n"));
      for (
        const label of [
          "Stock service inconsistencies in the logs",
          "Stock service inconsistencies in the database",
          "Payment service inconsistencies in the logs",
          "Payment service inconsistencies in the database",
        ]
      ) {
        assert.equal(figure(io.lines, label), 0, label);
      }
      assert.ok(io.lines.some((l) => l.startsWith("Verdict: CONSISTENT")));
      const state = service.state();
      assert.equal(state.checkoutsSucceeded, 100);
      assert.equal(state.users.size, 1000);
      assert.equal(state.orders.size, 1000);
      const json = JSON.parse(await Deno.readTextFile(`${dir}/verdict.json`));
      assert.equal(json.consistent, true);
      assert.deepEqual(json.outcomes, { acknowledged: 100, refused: 900, unknown: 0 });
      assert.equal(json.settings.seed, 3);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("checkout consistency finds the racy service's overselling, which the official stock check misses", async () => {
  await withService("racy", async (service) => {
    const io = captureIo();
    const code = await checkoutConsistencyCommand(["--gateway", service.url, "--seed", "3"], io);
    assert.equal(code, 1, io.lines.join("\n"));
    const truth = service.state();
    assert.ok(truth.unitsSold > 100, `the racy service sold ${truth.unitsSold} units`);
    // The official database check is (sold - 100) - 100 = -stock: never positive, blind to overselling.
    assert.ok(figure(io.lines, "Stock service inconsistencies in the database") <= 0);
    const oversold = io.lines.find((l) => l.startsWith("  - oversold:"));
    assert.ok(oversold !== undefined, io.lines.join("\n"));
    assert.match(oversold, new RegExp(`${truth.unitsSold} units sold by acknowledged checkouts`));
    assert.ok(io.lines.some((l) => l.startsWith("  - stock_not_conserved:")));
    assert.match(
      io.lines.find((l) => l.startsWith("Verdict:"))!,
      /^Verdict: INCONSISTENT: \d+ violations?$/,
    );
  });
});

Deno.test("checkout consistency lists 5xx and transport errors during checkout as unknown outcomes", async () => {
  await withService("correct", async (service) => {
    // Faults start once the orders exist: only checkouts (and the reads back) can hit them.
    const io = captureIo((line) => {
      if (line.startsWith("orders:")) service.setFaults({ errorRate: 0.2 });
      if (line.startsWith("checkout:")) service.setFaults({});
    });
    const code = await checkoutConsistencyCommand(
      ["--gateway", service.url, "--seed", "5", "--checkouts", "300", "--users", "300"],
      io,
    );
    assert.equal(code, 1, io.lines.join("\n"));
    const unknown = io.lines.find((l) => l.startsWith("  - unknown_outcome:"));
    assert.ok(unknown !== undefined, io.lines.join("\n"));
    const faults = service.stats().faults.errors;
    assert.ok(faults > 0);
    assert.match(unknown, new RegExp(`^  - unknown_outcome: ${faults} checkouts? got a 5xx`));
    assert.match(unknown, /status 500/);
    // The official logs figure counts those 500s as successful checkouts.
    assert.equal(figure(io.lines, "Stock service inconsistencies in the logs"), faults);
  });
});

Deno.test("checkout consistency stops with exit 3 when the services cannot be set up", async () => {
  await withService("correct", async (service) => {
    service.setFaults({ errorRate: 1 });
    await assert.rejects(
      () => checkoutConsistencyCommand(["--gateway", service.url], captureIo()),
      (error) =>
        error instanceof TargetError && error.exitCode === 3 &&
        /^Cannot create an item: POST \/stock\/item\/create\/1 answered status 500/.test(
          error.message,
        ),
    );
  });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    () =>
      checkoutConsistencyCommand(
        ["--gateway", `http://127.0.0.1:${port}`, "--timeout", "2s"],
        captureIo(),
      ),
    (error) => error instanceof TargetError && /answered connect: /.test(error.message),
  );
});

Deno.test("checkout consistency reads urls.json and rejects bad options with one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_consistency_urls_" });
  try {
    await withService("correct", async (service) => {
      await Deno.writeTextFile(
        `${dir}/urls.json`,
        JSON.stringify({
          ORDER_URL: service.url,
          PAYMENT_URL: service.url,
          STOCK_URL: service.url,
        }),
      );
      const io = captureIo();
      const code = await checkoutConsistencyCommand(
        ["--urls", `${dir}/urls.json`, "--users", "50", "--checkouts", "50", "--stock", "10"],
        io,
      );
      assert.equal(code, 0, io.lines.join("\n"));
      assert.equal(service.state().checkoutsSucceeded, 10);
    });
    await Deno.writeTextFile(`${dir}/bad.json`, '{"ORDER_URL": "ftp://x"}');
    for (
      const [args, pattern] of [
        [[], /expected --urls FILE or --gateway URL/],
        [["--urls", `${dir}/bad.json`], /ORDER_URL .* expected an http:\/\/ or https:\/\/ URL/],
        [["--urls", `${dir}/none.json`], /^Cannot read --urls/],
        [["--gateway", "http://x", "--users", "0"], /--users: "0" is invalid/],
        [["--gateway", "http://x", "--urls", "u.json"], /both --urls and --gateway/],
      ] as const
    ) {
      await assert.rejects(
        () => checkoutConsistencyCommand([...args], captureIo()),
        (error) => error instanceof UsageError && pattern.test(error.message),
        String(args),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkout consistency checks the --json folder before the test starts", async () => {
  await withService("correct", async (service) => {
    const io = captureIo();
    const code = await main(
      ["checkout", "consistency", "--gateway", service.url, "--json", "/nonexistent-dir/x.json"],
      { io, signal: new AbortController().signal },
    );
    assert.equal(code, 2, io.lines.join("\n"));
    assert.equal(io.lines.length, 1, io.lines.join("\n"));
    assert.match(
      io.lines[0],
      /^error: Cannot write the file of --json "\/nonexistent-dir\/x\.json": /,
    );
    assert.equal(service.stats().requests, 0, "nothing was sent");
  });
});

Deno.test("checkout consistency refuses a --json directory before the test starts", async () => {
  await withService("correct", async (service) => {
    const dir = await Deno.makeTempDir({ prefix: "stress_consistency_json_dir_" });
    try {
      const io = captureIo();
      const code = await main(
        ["checkout", "consistency", "--gateway", service.url, "--json", dir],
        { io, signal: new AbortController().signal },
      );
      assert.equal(code, 2, io.lines.join("\n"));
      assert.equal(io.lines.length, 1, io.lines.join("\n"));
      assert.match(io.lines[0], /^error: Cannot write the file of --json ".*": it is a directory/);
      assert.equal(service.stats().requests, 0, "nothing was sent");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("checkout consistency times a checkout from its send, not from its wait for a connection", async () => {
  await withService("correct", async (service) => {
    const dir = await Deno.makeTempDir({ prefix: "stress_consistency_latency_" });
    try {
      const io = captureIo();
      const checkouts = 400;
      const code = await checkoutConsistencyCommand([
        "--gateway",
        service.url,
        "--users=10",
        `--checkouts=${checkouts}`,
        "--concurrency=1",
        "--seed=2",
        "--json",
        `${dir}/verdict.json`,
      ], io);
      assert.equal(code, 0, io.lines.join("\n"));
      const json = JSON.parse(await Deno.readTextFile(`${dir}/verdict.json`));
      // One at a time, half of the checkouts took at least p50 (printed to 0.01 ms): together no
      // longer than the phase.
      const p50Ms = json.latencyMs.p50 - 0.005;
      assert.ok(
        p50Ms * checkouts / 2 <= json.checkoutMs,
        `p50 ${json.latencyMs.p50} ms for ${checkouts} checkouts in ${json.checkoutMs} ms`,
      );
      const line = io.lines.find((l) => l.startsWith("checkout: "))!;
      assert.match(line, /^checkout: 400 in \d+\.\d\d (ms|s); latency p50 \d+\.\d\d ms, /);
      assert.ok(!/ 0\.00 s/.test(io.lines.join("\n")), io.lines.join("\n"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("checkout consistency writes the password of a gateway URL as *** in --json", async () => {
  await withService("correct", async (service) => {
    const dir = await Deno.makeTempDir({ prefix: "stress_consistency_redact_" });
    try {
      const io = captureIo();
      const gateway = service.url.replace("http://", "http://u:secretpw@");
      await checkoutConsistencyCommand(
        ["--gateway", gateway, "--users=10", "--checkouts=10", "--json", `${dir}/verdict.json`],
        io,
      );
      const text = await Deno.readTextFile(`${dir}/verdict.json`);
      assert.ok(!text.includes("secretpw"), text);
      const shown = service.url.replace("http://", "http://u:***@");
      assert.deepEqual(JSON.parse(text).settings.urls, {
        order: shown,
        payment: shown,
        stock: shown,
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("checkout consistency's jobs stay below a pool's queue limit when three phases share it", async () => {
  // The verify phase reads items, users and orders at once on one pool (--gateway), which
  // answers queue_full past 65,536 requests waiting: all at once, 35,000 users and orders were
  // read back as unreadable from a correct service.
  let waiting = 0;
  let most = 0;
  const job = async (i: number) => {
    most = Math.max(most, ++waiting);
    await new Promise((resolve) => setTimeout(resolve, 0));
    waiting--;
    return i;
  };
  const [items, users] = await Promise.all([all(30_000, job), all(30_000, job), all(30_000, job)]);
  assert.ok(most <= 65_536, `${most} jobs started at once`);
  assert.equal(items.length, 30_000);
  assert.ok(users.every((value, i) => value === i));
});

Deno.test("checkout consistency's jobs: after one throws, no other starts", async () => {
  let started = 0;
  const job = async (i: number) => {
    started++;
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (i === 0) throw new Error("refused");
    return i;
  };
  await assert.rejects(() => all(100_000, job), { message: "refused" });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(started < 100_000, `${started} jobs started`);
});

Deno.test("checkout consistency writes --json into a device in place, as the other commands do", async () => {
  await withService("correct", async (service) => {
    const io = captureIo();
    const code = await main(
      [
        "checkout",
        "consistency",
        "--gateway",
        service.url,
        "--users=5",
        "--checkouts=5",
        "--json",
        "/dev/null",
      ],
      { io, signal: new AbortController().signal },
    );
    assert.equal(code, 0, io.lines.join("\n"));
    assert.ok(io.lines.some((line) => line.startsWith("Verdict: CONSISTENT")), io.lines.join("\n"));
  });
});
