import assert from "node:assert/strict";
import { captureIo } from "./_capture_io.ts";
import { main } from "../../main.ts";
import { startCheckoutService } from "./_checkout_service.ts";
import { loadSettingsOf } from "../../lib/checkout/checkout_load_settings.ts";

/** Runs `stress ARGS`, expects exit 2 with one `error:` line, and returns that line. */
async function usageError(args: string[]): Promise<string> {
  const io = captureIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  assert.equal(code, 2, `${args.join(" ")}: ${io.lines.join("\n")}`);
  assert.equal(io.lines.length, 1, io.lines.join("\n"));
  assert.match(io.lines[0], /^error: /);
  return io.lines[0];
}

const LOAD = ["checkout", "load", "--gateway", "http://127.0.0.1:1"];
const CONSISTENCY = ["checkout", "consistency", "--gateway", "http://127.0.0.1:1"];

Deno.test("loadSettingsOf() refuses --rate 0/s with the parse error of --rate", async () => {
  assert.equal(
    await usageError([...LOAD, "--rate", "0/s"]),
    'error: Cannot parse option "--rate": "0/s" is 0, expected a rate of at least 1/s, such as 1000/s',
  );
});

Deno.test("checkout load and consistency read a negative number after a flag as its value", async (t) => {
  const cases: [readonly string[], string, string][] = [
    [LOAD, "--interval", "-1s"],
    [LOAD, "--users", "-1"],
    [LOAD, "--seed", "-1"],
    [LOAD, "--spawn-rate", "-0.5"],
    [LOAD, "--rate", "-5/s"],
    [CONSISTENCY, "--users", "-1"],
    [CONSISTENCY, "--stock", "-1"],
    [CONSISTENCY, "--seed", "-1"],
  ];
  for (const [command, flag, value] of cases) {
    await t.step(`${command[1]} ${flag} ${value}`, async () => {
      const separate = await usageError([...command, flag, value]);
      assert.match(separate, /^error: Cannot parse /);
      assert.match(separate, new RegExp(`"${value.replace("/", "\\/")}"`));
      assert.equal(separate, await usageError([...command, `${flag}=${value}`]));
    });
  }
});

Deno.test("loadSettingsOf() refuses --json and --hdr-log naming the same file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkout_paths_" });
  try {
    for (const hdr of [`${dir}/run`, `${dir}/./run`, `${dir}/../${dir.split("/").at(-1)}/run`]) {
      assert.equal(
        await usageError([...LOAD, "--json", `${dir}/run`, "--hdr-log", hdr]),
        `error: Cannot write --json and --hdr-log to the same file "${dir}/run": one would overwrite the other, expected two different files`,
      );
    }
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "no file was created");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSettingsOf() refuses --exit-code-on-error outside 1..255", async () => {
  for (const value of ["300", "256", "0", "-1"]) {
    assert.equal(
      await usageError([...LOAD, "--exit-code-on-error", value]),
      `error: Cannot parse --exit-code-on-error: "${value}" is invalid, expected an integer from 1 to 255`,
    );
  }
  // 255 is taken, and is the exit code when a request failed.
  const service = await startCheckoutService({ faults: { errorRate: 1 } });
  try {
    const io = captureIo();
    const code = await main([
      "checkout",
      "load",
      "--gateway",
      service.url,
      "--users=1",
      "--duration=300ms",
      "--wait-time=constant(0.1)",
      "--exit-code-on-error=255",
    ], { io, signal: new AbortController().signal });
    assert.equal(code, 255, io.lines.join("\n"));
  } finally {
    await service.close();
  }
});

Deno.test("loadSettingsOf() checks the folders of --json and --hdr-log before --init", async () => {
  const service = await startCheckoutService({ seed: 3 });
  try {
    for (const flag of ["--json", "--hdr-log"]) {
      const line = await usageError([
        "checkout",
        "load",
        "--gateway",
        service.url,
        "--init",
        flag,
        "/nonexistent-dir/x",
      ]);
      assert.match(
        line,
        new RegExp(`^error: Cannot write the file of ${flag} "/nonexistent-dir/x": `),
      );
    }
    assert.equal(service.stats().requests, 0, "--init did not run");
  } finally {
    await service.close();
  }
});

Deno.test("checkout load queues every user's request: past 65,536 users waiting, none fails as queue full", async () => {
  // One connection held by a listener that never answers: every later request waits for it.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) accepted.push(conn);
  })();
  const settings = await loadSettingsOf({
    gateway: `http://127.0.0.1:${listener.addr.port}`,
    users: "70000",
    "spawn-rate": "100",
    duration: "1s",
    "max-in-flight": "1000",
    scenario: "checkout-only",
    connections: "1",
    timeout: "10s",
    "connect-timeout": "10s",
    "init-items": "1",
    "init-users": "1",
    "init-orders": "1",
    "init-stock": "1",
    "init-credit": "1",
    "init-price": "1",
    interval: "1s",
    "exit-code-on-error": "1",
  });
  const pool = settings.services.order;
  const answers = Array.from({ length: 70_000 }, () => pool.request("GET", "/orders/find/0"));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await settings.services.close();
  const refused = (await Promise.all(answers)).filter((a) => !a.ok && a.error === "queue_full");
  assert.equal(refused.length, 0);
  listener.close();
  await accepting.catch(() => {});
  for (const conn of accepted) conn.close();
});

Deno.test("checkout load and consistency refuse counts past what they can hold, with one line", async (t) => {
  // Each failed late: an array too long (a stack trace, exit 70), or a pool of 10^11
  // connections built at once (all memory, deaf to Ctrl-C).
  const cases: [readonly string[], string, string, string][] = [
    [LOAD, "--users", "10000001", "from 1 to 10000000"],
    [LOAD, "--max-in-flight", "99999999999", "from 1 to 10000000"],
    [LOAD, "--connections", "99999999999", "from 1 to 65535"],
    [CONSISTENCY, "--checkouts", "99999999999", "from 1 to 10000000"],
    [CONSISTENCY, "--users", "99999999999", "from 1 to 10000000"],
    [CONSISTENCY, "--items", "99999999999", "from 1 to 10000000"],
    [CONSISTENCY, "--concurrency", "65536", "from 1 to 65535"],
  ];
  for (const [command, flag, value, range] of cases) {
    await t.step(`${command[1]} ${flag} ${value}`, async () => {
      assert.equal(
        await usageError([...command, flag, value]),
        `error: Cannot parse ${flag}: "${value}" is invalid, expected an integer ${range}`,
      );
    });
  }
});

Deno.test("checkout load and consistency refuse an output on the --urls or --scenario file they read, which stays as it was", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkout_inputs_" });
  try {
    const urls = `${dir}/urls.json`;
    const urlsText = JSON.stringify({
      ORDER_URL: "http://127.0.0.1:1",
      PAYMENT_URL: "http://127.0.0.1:1",
      STOCK_URL: "http://127.0.0.1:1",
    });
    await Deno.writeTextFile(urls, urlsText);
    const scenario = `${dir}/scenario.json`;
    const scenarioText = JSON.stringify({
      waitTime: "none",
      scenarios: [{
        name: "find",
        weight: 1,
        steps: [{ method: "GET", service: "stock", path: "/stock/find/x", expect: "ok" }],
      }],
    });
    await Deno.writeTextFile(scenario, scenarioText);
    const reads = (option: string, path: string, input: string) =>
      `error: Cannot write the file of ${option} "${path}": it is the file of ${input}, which this command reads, expected a file of its own`;
    const load = ["checkout", "load", "--urls", urls, "--scenario", scenario, "--users=1"];
    load.push("--duration=300ms", "--connect-timeout=200ms");
    assert.equal(
      await usageError([...load, "--json", urls]),
      reads("--json", urls, "--urls"),
    );
    assert.equal(
      await usageError([...load, "--hdr-log", `${dir}/./scenario.json`]),
      reads("--hdr-log", `${dir}/./scenario.json`, "--scenario"),
    );
    assert.equal(
      await usageError(["checkout", "consistency", "--urls", urls, "--json", urls]),
      reads("--json", urls, "--urls"),
    );
    assert.equal(await Deno.readTextFile(urls), urlsText);
    assert.equal(await Deno.readTextFile(scenario), scenarioText);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkout load refuses a taken or shared --prometheus or --web port before --init changes the services", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const service = await startCheckoutService();
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const init = ["--init", "--init-items=1", "--init-users=1", "--init-orders=1"];
    const load = ["checkout", "load", "--gateway", service.url, ...init, "--duration=300ms"];
    const cases: [string[], string][] = [
      [
        ["--prometheus", String(port)],
        `error: Cannot serve --prometheus on 127.0.0.1:${port}: Address already in use (os error 98)`,
      ],
      [
        ["--web", String(port)],
        `error: Cannot serve --web on 127.0.0.1:${port}: Address already in use (os error 98)`,
      ],
      [
        ["--web", "18999", "--prometheus", "0.0.0.0:18999"],
        "error: Cannot serve --web and --prometheus on the same port 18999: give each a port of its own",
      ],
    ];
    for (const [extra, line] of cases) {
      // One line, and no "init:" line: the services were not touched.
      assert.equal(await usageError([...load, ...extra]), line);
    }
  } finally {
    taken.close();
    await service.close();
  }
});

Deno.test("checkout load and consistency name a --scenario or --urls file they cannot read without the error's class name", async () => {
  const missing = `${await Deno.makeTempDir({ prefix: "checkout_missing_" })}/none.json`;
  try {
    assert.equal(
      await usageError([...LOAD, "--scenario", missing]),
      `error: Cannot read --scenario "${missing}": it is not a built-in scenario (checkout-only, weighted-2023) and No such file or directory (os error 2): readfile '${missing}'`,
    );
    assert.equal(
      await usageError(["checkout", "consistency", "--urls", missing]),
      `error: Cannot read --urls "${missing}": No such file or directory (os error 2): readfile '${missing}'`,
    );
  } finally {
    await Deno.remove(missing.slice(0, -"/none.json".length), { recursive: true });
  }
});
