/**
 * `stress checkout load`: the load test of the order/stock/payment checkout services, as the
 * official locust test runs it (virtual users with wait times), or at a fixed arrival rate, with
 * per-endpoint interval rows, a summary with failures by kind, `--json`, an HDR log and a live
 * web page.
 *
 * @module
 */

import { parseCommandFlags } from "../cli/parse_flags.ts";
import { LiveEndpoints, refuseSharedPort } from "../live/live_endpoints.ts";
import type { ListenAddress } from "../units/listen_address.ts";
import { firstLineOf, InterruptedError, UsageError } from "../errors.ts";
import { type Shard, shardSlice } from "../units/shard.ts";
import { LoadRun, type LoadRunParams } from "./checkout_load_run.ts";
import { type LoadSettings, loadSettingsOf } from "./checkout_load_settings.ts";
import { initialiseLoad } from "./checkout_load_init.ts";
import { executeLoadRun } from "./checkout_load_execute.ts";
import { runLoadWithWeb } from "./checkout_load_web.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { formatPerSecond } from "./format_per_second.ts";

const HELP = `Usage: stress checkout load (--urls urls.json | --gateway URL) [options]

The load test of the order/stock/payment checkout services (the 2024 course template's API).
Virtual users run weighted scenarios with wait times, as the official locust test does (the
closed model), or scenario iterations start at a fixed rate whatever the answers (the open model,
--rate), with latency measured from each arrival's intended start. Every request counts: 5xx,
timeouts and connection errors are failures (the official test counts them as successes).

Load:
  --users N              virtual users (default 1000)
  --spawn-rate N         users started per second (default 100)
  --duration DURATION    how long to run: 30s, 5m, 1h (default 5m); the open model runs it out
                         even when its last arrival is due well before the end
  --rate N/s             open model: scenario iterations started per second (at least 1/s)
  --max-in-flight N      open model: most iterations in flight; later arrivals wait, and their
                         latency shows it (default 1000)
  --scenario NAME|FILE   checkout-only (default: the current locustfile, one checkout of a random
                         order), weighted-2023 (the six older weighted scenarios on the 2024 API),
                         or a JSON scenario file
  --wait-time WAIT       override the scenario's wait: none, constant(S), between(MIN, MAX)
  --connections N        keep-alive connections per service URL (default 100)
  --timeout DURATION     time limit of one request, from sending it to its answer (default 10s)
  --connect-timeout DURATION
                         time limit to get a connection (default 10s); connections are opened one
                         at a time; a connection that fails is a failure of its request, except
                         during --init, which sends such a request again (nothing was sent), with
                         back-off and a progress line, up to 8 times
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
  --hdr-log FILE         write an HDR histogram interval log, one tag per endpoint (not the
                         --json file)
  --web [HOST:]PORT      serve the live page (charts, start and stop) on HOST:PORT, e.g.
                         127.0.0.1:8089 (a bare port binds 127.0.0.1); the run waits for Start
                         on the page unless --autostart
  --prometheus [HOST:]PORT  serve the latest interval at /metrics in the Prometheus text
                         format, per endpoint (a bare port binds 127.0.0.1)
  --autostart            with --web: start the run at once
  --autoquit DURATION    with --web --autostart: quit this long after the run ends (default:
                         serve until Ctrl-C)
  --exit-code-on-error N exit code when any request failed, 1 to 255 (default 1)
  --fail-if-limited      exit 4 when the load generator itself was a limit of the run (the
                         'Loader:' line after the summary: more than 1% of the arrivals started
                         over 1 ms after their slot, 90% of a core used, or its event loop 10 ms
                         late at p99)
  -h, --help             this help

Exit: 0 no request failed, 1 (or --exit-code-on-error) some failed, 2 bad options or a --json
or --hdr-log that cannot be written (after the summary), 3 --init was refused or the services
are unreachable for it, 4 the loader was a limit (--fail-if-limited), 130 interrupted (after
the summary).
`;

/**
 * One shard's part of the load: its share of the users (at least 1), 1/N of the spawn rate and of
 * the arrival rate, and its own seed, so the shards do not make the same random choices.
 */
function shardSettings(settings: LoadSettings, shard: Shard | null, io: CommandIo): LoadSettings {
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
        ? `${sharded.users} of ${params.users} users at ${formatPerSecond(sharded.spawnRate)}`
        : `${formatPerSecond(sharded.rate)} of ${formatPerSecond(params.rate!)} arrivals`
    }, seed ${sharded.seed}`,
  );
  return { ...settings, params: sharded, shard };
}

async function headless(
  settings: LoadSettings,
  io: CommandIo,
  signal: AbortSignal | undefined,
  live: LiveEndpoints | null,
): Promise<number> {
  const run = new LoadRun(settings.set, settings.services, settings.params);
  const onAbort = () => run.stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  let code: number;
  try {
    code = await executeLoadRun(run, { settings, io, series: null, live });
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (signal?.aborted) {
    throw new InterruptedError("Run interrupted by SIGINT: the results above are partial");
  }
  return code;
}

/**
 * Binds the `--web` address and lets it go again: a port that is taken, or an address not of this
 * host, fails with one line before `--init` (the page itself binds once the services are set up).
 */
function checkWebAddress(web: ListenAddress): void {
  if (web.port === 0) return;
  try {
    Deno.listen({ hostname: web.hostname, port: web.port }).close();
  } catch (error) {
    throw new UsageError(
      `Cannot serve --web on ${web.hostname}:${web.port}: ${firstLineOf(error)}`,
      {
        cause: error,
      },
    );
  }
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
  const values = parseCommandFlags("checkout load", args, {
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
    "connect-timeout": { type: "string", default: "10s" },
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
    "fail-if-limited": { type: "boolean" },
  }, { io, help: HELP });
  if (values === null) return 0;
  const shard = options.shard ?? null;
  const settings = shardSettings(await loadSettingsOf(values), shard, io);
  let live: LiveEndpoints | null = null;
  try {
    // The endpoints' addresses are checked before --init changes the services.
    if (settings.init !== "only") {
      const names = { prometheus: "--prometheus", web: "--web" };
      refuseSharedPort({ prometheus: settings.prometheus, web: settings.web, names });
      if (settings.web !== null) checkWebAddress(settings.web);
      live = await LiveEndpoints.start({
        command: "checkout load",
        title: "stress checkout load",
        prometheus: settings.prometheus,
        web: null,
        names,
      }, io);
    }
    if (settings.init !== "no" && (shard === null || shard.index === 0)) {
      await initialiseLoad(settings, io);
    } else if (settings.init !== "no") {
      io.out(`init: left to shard 0/${shard!.count}`);
    }
    if (options.signal?.aborted) {
      throw new InterruptedError("Run interrupted by SIGINT during --init: nothing was measured");
    }
    if (settings.init === "only") return 0;
    if (settings.web !== null) {
      return await runLoadWithWeb(settings, {
        web: settings.web,
        io,
        signal: options.signal,
        live,
      });
    }
    return await headless(settings, io, options.signal, live);
  } finally {
    await live?.close();
    await settings.services.close();
  }
}
