/**
 * The settings of `stress checkout load`: its flags read into typed values, and the scenario set
 * (built in, or read from a JSON file).
 *
 * @module
 */

import { type ListenAddress, parseListenAddress } from "../units/listen_address.ts";
import { BUILTIN_SCENARIO_NAMES, builtinScenarioSet } from "./builtin_scenarios.ts";
import { findScenarioProblem } from "./find_scenario_problem.ts";
import type { ScenarioSet } from "./load_scenario.ts";
import { parseScenarioFile } from "./parse_scenario_file.ts";
import { parseWaitTime } from "./wait_time.ts";
import { UsageError } from "../errors.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { parseRate } from "../units/parse_rate.ts";
import type { Shard } from "../units/shard.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";
import type { LoadRunParams } from "./checkout_load_run.ts";
import { parseInteger, parsePositive } from "../cli/parse_flags.ts";

/** The settings of a load test, read from the flags of `stress checkout load`. */
export interface LoadSettings {
  /**
   * The pools of the three services (`--urls` or `--gateway`, `--connections`, `--timeout`,
   * `--connect-timeout`).
   */
  readonly services: CheckoutServices;
  /** The scenario set (`--scenario`, with `--wait-time` applied). */
  readonly set: ScenarioSet;
  /** What to run: users, rates, duration, seed. */
  readonly params: LoadRunParams;
  /** `--init` (`then-run`), `--init-only` (`only`) or neither. */
  readonly init: "no" | "then-run" | "only";
  /** The sizes of `--init`. */
  readonly initSizes: InitSizes;
  /** Keep-alive connections per service URL. */
  readonly connections: number;
  /** The time limit of one request, from sending it to its answer, in ms. */
  readonly timeoutMs: number;
  /** The time limit to get a connection, in ms. */
  readonly connectTimeoutMs: number;
  /** The interval of the rows, the HDR log and the live page, in ms. */
  readonly intervalMs: number;
  /** `--json FILE`, or null. */
  readonly jsonPath: string | null;
  /** `--hdr-log FILE`, or null. */
  readonly hdrPath: string | null;
  /** `--web [HOST:]PORT`, or null. */
  readonly web: ListenAddress | null;
  /** `--prometheus [HOST:]PORT`, or null. */
  readonly prometheus: ListenAddress | null;
  /** `--autostart`. */
  readonly autostart: boolean;
  /** `--autoquit DURATION` in ms, or null. */
  readonly autoquitMs: number | null;
  /** `--exit-code-on-error N`. */
  readonly exitCodeOnError: number;
  /** `--fail-if-limited`: exit 4 when the loader itself was a limit. */
  readonly failIfLimited: boolean;
  /** This loader's shard (`--shard I/N`), or null for the whole load. */
  readonly shard: Shard | null;
}

/** The sizes of `--init`: the official init_orders.py's batch_init arguments. */
export interface InitSizes {
  /** Items "0".."N-1". */
  readonly items: number;
  /** Users "0".."N-1". */
  readonly users: number;
  /** Orders "0".."N-1". */
  readonly orders: number;
  /** Stock of each item. */
  readonly stock: number;
  /** Credit of each user. */
  readonly credit: number;
  /** Price of each item. */
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

/**
 * Reads the settings of a load test from the parsed flags of `stress checkout load`, and reads
 * the `--scenario` file when it is not a built-in set.
 *
 * @param values The parsed flags (with their defaults).
 * @returns The settings, for the whole load (`shard` null).
 * @throws {UsageError} On a bad flag value or combination, an unreadable or bad scenario.
 *
 * @example Usage
 * ```ts ignore
 * const settings = await loadSettingsOf(values);
 * ```
 */
export async function loadSettingsOf(
  values: Record<string, string | boolean | undefined>,
): Promise<LoadSettings> {
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
  const connectTimeoutMs = parseDuration(str("connect-timeout"), "--connect-timeout");
  if (connectTimeoutMs <= 0) {
    throw new UsageError(
      `Cannot parse --connect-timeout: "${str("connect-timeout")}" is 0, expected more than 0`,
    );
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
    services: new CheckoutServices(urls, { connections, timeoutMs, connectTimeoutMs }),
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
    connectTimeoutMs,
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
    failIfLimited: values["fail-if-limited"] === true,
    shard: null,
  };
}
