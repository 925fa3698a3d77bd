/**
 * `stress checkout load`: the load test of the order/stock/payment checkout services, as the
 * official locust test runs it (virtual users with wait times), or at a fixed arrival rate, with
 * per-endpoint interval rows, a summary with failures by kind, `--json`, an HDR log and a live
 * web page.
 *
 * @module
 */

import { type ListenAddress, parseListenAddress } from "../units/listen_address.ts";
import { LiveEndpoints } from "../live/live_endpoints.ts";
import { BUILTIN_SCENARIO_NAMES, builtinScenarioSet } from "./builtin_scenarios.ts";
import { findScenarioProblem, type ScenarioSet } from "./load_scenario.ts";
import { parseScenarioFile } from "./parse_scenario_file.ts";
import { formatWaitTime, parseWaitTime } from "./wait_time.ts";
import { InterruptedError, TargetError, UsageError } from "../errors.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { parseRate } from "../units/parse_rate.ts";
import { type Shard, shardSlice } from "../units/shard.ts";
import { LiveSeries } from "../live/live_series.ts";
import { startLiveServer } from "../live/live_server.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";
import { LoadReporter } from "./checkout_load_reporter.ts";
import { LoadRun, type LoadRunParams } from "./checkout_load_run.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { parseFlags, parseInteger, parsePositive, rejectPositionals } from "../cli/parse_flags.ts";

const HELP = `Usage: stress checkout load (--urls urls.json | --gateway URL) [options]

The load test of the order/stock/payment checkout services (the 2024 course template's API).
Virtual users run weighted scenarios with wait times, as the official locust test does (the
closed model), or scenario iterations start at a fixed rate whatever the answers (the open model,
--rate), with latency measured from each arrival's intended start. Every request counts: 5xx,
timeouts and connection errors are failures (the official test counts them as successes).

Load:
  --users N              virtual users (default 1000)
  --spawn-rate N         users started per second (default 100)
  --duration DURATION    how long to run: 30s, 5m, 1h (default 5m)
  --rate N/s             open model: scenario iterations started per second
  --max-in-flight N      open model: most iterations in flight; later arrivals wait, and their
                         latency shows it (default 1000)
  --scenario NAME|FILE   checkout-only (default: the current locustfile, one checkout of a random
                         order), weighted-2023 (the six older weighted scenarios on the 2024 API),
                         or a JSON scenario file
  --wait-time WAIT       override the scenario's wait: none, constant(S), between(MIN, MAX)
  --connections N        keep-alive connections per service URL (default 100)
  --timeout DURATION     time limit of one request (default 10s)
  --seed N               seed of the users' random choices (default: random)

Data (--init runs the official init_orders.py step first: three batch_init calls):
  --init                 initialise, then run the load
  --init-only            initialise and exit
  --init-items N         items "0".."N-1" (default 100000)
  --init-users N         users "0".."N-1" (default 100000)
  --init-orders N        orders "0".."N-1", each with 2 random items (default 100000); the
                         checkout-only scenario checks out orders 0..N-1
  --init-stock N         stock of each item (default 1000000)
  --init-credit N        credit of each user (default 1000000)
  --init-price N         price of each item (default 1)

Output:
  --interval DURATION    interval rows, HDR log intervals and live page points (default 1s)
  --json FILE            write the summary, failures and interval points as JSON
  --hdr-log FILE         write an HDR histogram interval log, one tag per endpoint
  --web [HOST:]PORT      serve the live page (charts, start and stop) on HOST:PORT, e.g.
                         127.0.0.1:8089 (a bare port binds 127.0.0.1); the run waits for Start
                         on the page unless --autostart
  --prometheus [HOST:]PORT  serve the latest interval at /metrics in the Prometheus text
                         format, per endpoint (a bare port binds 127.0.0.1)
  --autostart            with --web: start the run at once
  --autoquit DURATION    with --web --autostart: quit this long after the run ends (default:
                         serve until Ctrl-C)
  --exit-code-on-error N exit code when any request failed (default 1)
  -h, --help             this help

Exit: 0 no request failed, 1 (or --exit-code-on-error) some failed, 2 bad options, 3 --init was
refused or the services are unreachable for it, 130 interrupted (after the summary).
`;

/** The settings of a load test. */
interface Settings {
  readonly services: CheckoutServices;
  readonly set: ScenarioSet;
  readonly params: LoadRunParams;
  readonly init: "no" | "then-run" | "only";
  readonly initSizes: InitSizes;
  readonly connections: number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly jsonPath: string | null;
  readonly hdrPath: string | null;
  readonly web: ListenAddress | null;
  readonly prometheus: ListenAddress | null;
  readonly autostart: boolean;
  readonly autoquitMs: number | null;
  readonly exitCodeOnError: number;
  /** This loader's shard (`--shard I/N`), or null for the whole load. */
  readonly shard: Shard | null;
}

interface InitSizes {
  readonly items: number;
  readonly users: number;
  readonly orders: number;
  readonly stock: number;
  readonly credit: number;
  readonly price: number;
}

async function scenarioSetOf(text: string, orders: number): Promise<ScenarioSet> {
  if ((BUILTIN_SCENARIO_NAMES as readonly string[]).includes(text)) {
    return builtinScenarioSet(text, { orders });
  }
  let fileText: string;
  try {
    fileText = await Deno.readTextFile(text);
  } catch (error) {
    throw new UsageError(
      `Cannot read --scenario "${text}": it is not a built-in scenario (${
        BUILTIN_SCENARIO_NAMES.join(", ")
      }) and ${String(error).split("\n")[0]}`,
      { cause: error },
    );
  }
  return parseScenarioFile(fileText, text);
}

async function settingsOf(values: Record<string, string | boolean | undefined>): Promise<Settings> {
  const urls = await CheckoutServices.urlsFromFlags(values, "run the load test");
  const str = (name: string) => values[name] as string;
  const initSizes: InitSizes = {
    items: parseInteger("--init-items", str("init-items"), { min: 1 }),
    users: parseInteger("--init-users", str("init-users"), { min: 1 }),
    orders: parseInteger("--init-orders", str("init-orders"), { min: 1 }),
    stock: parseInteger("--init-stock", str("init-stock"), { min: 0 }),
    credit: parseInteger("--init-credit", str("init-credit"), { min: 0 }),
    price: parseInteger("--init-price", str("init-price"), { min: 0 }),
  };
  let set = await scenarioSetOf(str("scenario"), initSizes.orders);
  if (values["wait-time"] !== undefined) {
    set = { ...set, waitTime: parseWaitTime(str("wait-time"), "--wait-time") };
  }
  const problem = findScenarioProblem(set);
  if (problem !== undefined) {
    throw new UsageError(
      `Cannot use scenario "${set.name}": ${problem.path} ${problem.problem}, expected ${problem.expected}`,
    );
  }
  const web = values.web === undefined ? null : parseListenAddress("--web", str("web"));
  if (values.autostart === true && web === null) {
    throw new UsageError("Cannot use --autostart without --web, expected --web HOST:PORT too");
  }
  if (values.autoquit !== undefined && values.autostart !== true) {
    throw new UsageError("Cannot use --autoquit without --autostart, expected --autostart too");
  }
  const connections = parseInteger("--connections", str("connections"), { min: 1 });
  const timeoutMs = parseDuration(str("timeout"), "--timeout");
  if (timeoutMs <= 0) {
    throw new UsageError(`Cannot parse --timeout: "${str("timeout")}" is 0, expected more than 0`);
  }
  const intervalMs = parseDuration(str("interval"), "--interval");
  if (intervalMs < 100) {
    throw new UsageError(
      `Cannot parse --interval: "${str("interval")}" is too short, expected at least 100ms`,
    );
  }
  const durationMs = parseDuration(str("duration"), "--duration");
  if (durationMs <= 0) {
    throw new UsageError(
      `Cannot parse --duration: "${str("duration")}" is 0, expected more than 0`,
    );
  }
  return {
    services: new CheckoutServices(urls, { connections, timeoutMs }),
    set,
    params: {
      users: parseInteger("--users", str("users"), { min: 1 }),
      spawnRate: parsePositive("--spawn-rate", str("spawn-rate")),
      rate: values.rate === undefined ? null : parseRate(str("rate"), "--rate"),
      maxInFlight: parseInteger("--max-in-flight", str("max-in-flight"), { min: 1 }),
      durationMs,
      seed: values.seed === undefined
        ? Math.floor(Math.random() * 2 ** 31)
        : parseInteger("--seed", str("seed"), { min: 0 }),
    },
    init: values["init-only"] === true ? "only" : values.init === true ? "then-run" : "no",
    initSizes,
    connections,
    timeoutMs,
    intervalMs,
    jsonPath: (values.json as string | undefined) ?? null,
    hdrPath: (values["hdr-log"] as string | undefined) ?? null,
    web,
    prometheus: values.prometheus === undefined
      ? null
      : parseListenAddress("--prometheus", str("prometheus")),
    autostart: values.autostart === true,
    autoquitMs: values.autoquit === undefined ? null : parseDuration(str("autoquit"), "--autoquit"),
    exitCodeOnError: parseInteger("--exit-code-on-error", str("exit-code-on-error"), { min: 0 }),
    shard: null,
  };
}

/** The official init_orders.py: three batch_init calls (a long time limit: they are big). */
async function initialise(settings: Settings, io: CommandIo): Promise<void> {
  const { items, users, orders, stock, credit, price } = settings.initSizes;
  const services = new CheckoutServices(settings.services.urls, {
    connections: 1,
    timeoutMs: Math.max(settings.timeoutMs, 120_000),
  });
  const startMs = performance.now();
  try {
    const calls: [keyof typeof services.urls, string][] = [
      ["payment", `/payment/batch_init/${users}/${credit}`],
      ["stock", `/stock/batch_init/${items}/${stock}/${price}`],
      ["order", `/orders/batch_init/${orders}/${items}/${users}/${price}`],
    ];
    for (const [service, path] of calls) {
      const result = await services[service].request("POST", path);
      if (!result.ok || result.status < 200 || result.status >= 300) {
        throw new TargetError(
          `Cannot initialise: POST ${path} answered ${CheckoutServices.describeAnswer(result)}`,
        );
      }
    }
  } finally {
    await services.close();
  }
  io.out(
    `init: ${users} users (credit ${credit}), ${items} items (stock ${stock}, price ${price}), ${orders} orders in ${
      ((performance.now() - startMs) / 1000).toFixed(2)
    } s`,
  );
}

function describeRun(settings: Settings, params: LoadRunParams): string {
  const set = settings.set;
  const load = params.rate === null
    ? `${params.users} users at ${params.spawnRate}/s`
    : `${params.rate}/s arrivals (at most ${params.maxInFlight} in flight)`;
  return `checkout load: scenario ${set.name} (${set.scenarios.length} scenario${
    set.scenarios.length === 1 ? "" : "s"
  }, wait ${formatWaitTime(set.waitTime)}), ${load} for ${
    params.durationMs / 1000
  } s, ${settings.connections} connections per service, timeout ${
    settings.timeoutMs / 1000
  } s, seed ${params.seed}`;
}

/**
 * One shard's part of the load: its share of the users (at least 1), 1/N of the spawn rate and of
 * the arrival rate, and its own seed, so the shards do not make the same random choices.
 */
function shardSettings(settings: Settings, shard: Shard | null, io: CommandIo): Settings {
  if (shard === null) return settings;
  if (shard.count === 1) return { ...settings, shard };
  const { params } = settings;
  const users = shardSlice(params.users, shard).count;
  if (users === 0 && params.rate === null) {
    throw new UsageError(
      `Cannot run shard ${shard.index}/${shard.count}: --users ${params.users} gives it no user, expected at least ${shard.count} users`,
    );
  }
  const sharded: LoadRunParams = {
    ...params,
    users,
    spawnRate: params.spawnRate / shard.count,
    rate: params.rate === null ? null : params.rate / shard.count,
    seed: params.seed + shard.index,
  };
  io.out(
    `shard ${shard.index}/${shard.count}: ${
      sharded.rate === null
        ? `${sharded.users} of ${params.users} users at ${sharded.spawnRate}/s`
        : `${sharded.rate}/s of ${params.rate}/s arrivals`
    }, seed ${sharded.seed}`,
  );
  return { ...settings, params: sharded, shard };
}

/** Runs one load run to its end and reports it; returns the number of failed requests. */
async function execute(
  run: LoadRun,
  settings: Settings,
  io: CommandIo,
  series: LiveSeries | null,
  live: LiveEndpoints | null,
): Promise<number> {
  io.out(describeRun(settings, run.params));
  const reporter = new LoadReporter(run, {
    io,
    series,
    live,
    hdrPath: settings.hdrPath,
    jsonPath: settings.jsonPath,
    shard: settings.shard,
    intervalMs: settings.intervalMs,
    settings: {
      scenario: settings.set.name,
      urls: settings.services.urls,
      ...run.params,
      connections: settings.connections,
      timeoutMs: settings.timeoutMs,
      intervalMs: settings.intervalMs,
    },
  });
  const timer = setInterval(() => reporter.tick(), settings.intervalMs);
  try {
    await run.run();
  } finally {
    clearInterval(timer);
  }
  return reporter.finish();
}

/** Until the signal aborts. */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function headless(
  settings: Settings,
  io: CommandIo,
  signal: AbortSignal | undefined,
  live: LiveEndpoints | null,
): Promise<number> {
  const run = new LoadRun(settings.set, settings.services, settings.params);
  const onAbort = () => run.stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  let failures: number;
  try {
    failures = await execute(run, settings, io, null, live);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (signal?.aborted) {
    throw new InterruptedError("Run interrupted by SIGINT: the results above are partial");
  }
  return failures > 0 ? settings.exitCodeOnError : 0;
}

async function withWeb(
  settings: Settings,
  web: { hostname: string; port: number },
  io: CommandIo,
  signal: AbortSignal | undefined,
  live: LiveEndpoints | null,
): Promise<number> {
  const series = new LiveSeries();
  let current: { run: LoadRun; done: Promise<number> } | null = null;
  let exitCode = 0;
  let runEnded: () => void = () => {};
  const firstRunEnded = new Promise<void>((resolve) => (runEnded = resolve));
  const start = (params: LoadRunParams) => {
    const run = new LoadRun(settings.set, settings.services, params);
    const done = execute(run, settings, io, series, live).then(
      (failures) => {
        exitCode = failures > 0 ? settings.exitCodeOnError : 0;
        return failures;
      },
      (error) => {
        series.setMessage(`the run failed: ${error instanceof Error ? error.message : error}`);
        io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
        exitCode = 1;
        return 0;
      },
    ).finally(() => {
      series.setState("stopped");
      runEnded();
    });
    current = { run, done };
  };
  const server = await startLiveServer({
    hostname: web.hostname,
    port: web.port,
    series,
    title: `stress checkout load: ${settings.set.name}`,
    defaults: {
      users: settings.params.users,
      spawnRate: settings.params.spawnRate,
      ...(settings.params.rate === null ? {} : { rate: settings.params.rate }),
    },
    onStart(page) {
      start({
        ...settings.params,
        users: page.users,
        spawnRate: page.spawnRate,
        rate: page.rate ?? null,
      });
    },
    async onStop() {
      const running = current;
      running?.run.stop();
      await running?.done;
    },
  }).catch((error) => {
    throw new UsageError(
      `Cannot serve --web on ${web.hostname}:${web.port}: ${String(error).split("\n")[0]}`,
      { cause: error },
    );
  });
  io.out(`web: the live page is at ${server.url} (Ctrl-C to quit)`);
  try {
    if (settings.autostart) {
      series.reset();
      const { users, spawnRate, rate } = settings.params;
      series.setParams(rate === null ? { users, spawnRate } : { users, spawnRate, rate });
      series.setState("running");
      start(settings.params);
    }
    const quit = settings.autoquitMs === null ? aborted(signal) : Promise.race([
      aborted(signal),
      firstRunEnded.then(() => new Promise<void>((r) => setTimeout(r, settings.autoquitMs!))),
    ]);
    await quit;
  } finally {
    const running = current as { run: LoadRun; done: Promise<number> } | null;
    running?.run.stop();
    await running?.done;
    await server.close();
  }
  return exitCode;
}

/**
 * Runs `stress checkout load`.
 *
 * @param args The arguments after `checkout load`.
 * @param io Where to print.
 * @param options The signal that stops the run (Ctrl-C).
 * @returns The exit code: 0 no failure, `--exit-code-on-error` (1) some failure.
 * @throws {UsageError} On bad options.
 * @throws {TargetError} When `--init` is refused or cannot reach the services.
 * @throws {InterruptedError} When the signal stopped a run without `--web` (after the summary).
 *
 * @example Usage
 * ```ts ignore
 * const code = await checkoutLoadCommand(
 *   ["--gateway", "http://127.0.0.1:8000", "--users", "10", "--duration", "5s"],
 *   { out: console.log, err: console.error },
 * );
 * ```
 */
export async function checkoutLoadCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal; shard?: Shard | null } = {},
): Promise<number> {
  const { values, positionals } = parseFlags("checkout load", args, {
    urls: { type: "string" },
    gateway: { type: "string" },
    users: { type: "string", default: "1000" },
    "spawn-rate": { type: "string", default: "100" },
    duration: { type: "string", default: "5m" },
    rate: { type: "string" },
    "max-in-flight": { type: "string", default: "1000" },
    scenario: { type: "string", default: "checkout-only" },
    "wait-time": { type: "string" },
    connections: { type: "string", default: "100" },
    timeout: { type: "string", default: "10s" },
    seed: { type: "string" },
    init: { type: "boolean" },
    "init-only": { type: "boolean" },
    "init-items": { type: "string", default: "100000" },
    "init-users": { type: "string", default: "100000" },
    "init-orders": { type: "string", default: "100000" },
    "init-stock": { type: "string", default: "1000000" },
    "init-credit": { type: "string", default: "1000000" },
    "init-price": { type: "string", default: "1" },
    interval: { type: "string", default: "1s" },
    json: { type: "string" },
    "hdr-log": { type: "string" },
    web: { type: "string" },
    prometheus: { type: "string" },
    autostart: { type: "boolean" },
    autoquit: { type: "string" },
    "exit-code-on-error": { type: "string", default: "1" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    printText(io, HELP);
    return 0;
  }
  rejectPositionals("checkout load", positionals);
  const shard = options.shard ?? null;
  const settings = shardSettings(await settingsOf(values), shard, io);
  let live: LiveEndpoints | null = null;
  try {
    if (settings.init !== "no" && (shard === null || shard.index === 0)) {
      await initialise(settings, io);
    } else if (settings.init !== "no") {
      io.out(`init: left to shard 0/${shard!.count}`);
    }
    if (settings.init === "only") return 0;
    live = await LiveEndpoints.start({
      command: "checkout load",
      title: "stress checkout load",
      prometheus: settings.prometheus,
      web: null,
      names: { prometheus: "--prometheus", web: "--web" },
    }, io);
    if (settings.web !== null) {
      return await withWeb(settings, settings.web, io, options.signal, live);
    }
    return await headless(settings, io, options.signal, live);
  } finally {
    await live?.close();
    await settings.services.close();
  }
}
