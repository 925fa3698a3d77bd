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
import { firstLineOf, OptionError, UsageError } from "../errors.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { parseRate } from "../units/parse_rate.ts";
import type { Shard } from "../units/shard.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";
import type { LoadRunParams } from "./checkout_load_run.ts";
import { parseInteger, parsePositive } from "../cli/parse_flags.ts";
import { parseWholeNumber } from "../units/parse_whole_number.ts";
import { resolve } from "node:path";
import { checkReplaceable } from "../cli/replace_file.ts";
import { refuseSharedFiles } from "../cli/distinct_files.ts";
import { MAX_CONNECTIONS, MAX_COUNT, parseCount } from "./_count_flag.ts";

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
      }) and ${firstLineOf(error)}`,
      { cause: error },
    );
  }
  return parseScenarioFile(fileText, text);
}

/** The flag values, read as strings (every flag of `checkout load` but the booleans). */
type FlagValues = Record<string, string | boolean | undefined>;

async function checkedScenarioSet(values: FlagValues, orders: number): Promise<ScenarioSet> {
  let set = await scenarioSetOf(values.scenario as string, orders);
  if (values["wait-time"] !== undefined) {
    set = { ...set, waitTime: parseWaitTime(values["wait-time"] as string, "--wait-time") };
  }
  const problem = findScenarioProblem(set);
  if (problem !== undefined) {
    throw new UsageError(
      `Cannot use scenario "${set.name}": ${problem.path} ${problem.problem}, expected ${problem.expected}`,
    );
  }
  return set;
}

function initSizesOf(values: FlagValues): InitSizes {
  const int = (name: string, min: number) =>
    parseInteger(`--${name}`, values[name] as string, { min });
  return {
    items: int("init-items", 1),
    users: int("init-users", 1),
    orders: int("init-orders", 1),
    stock: int("init-stock", 0),
    credit: int("init-credit", 0),
    price: int("init-price", 0),
  };
}

/** A duration flag that must be more than 0, in ms. */
function positiveDuration(values: FlagValues, name: string): number {
  const text = values[name] as string;
  const ms = parseDuration(text, `--${name}`);
  if (ms <= 0) {
    throw new UsageError(`Cannot parse --${name}: "${text}" is 0, expected more than 0`);
  }
  return ms;
}

/** `--rate N/s`: iterations a second, at least 1 (`parseRate` reads `0/s` as no limit). */
function rateOf(values: FlagValues): number | null {
  const text = values.rate as string | undefined;
  if (text === undefined) return null;
  const rate = parseRate(text, "--rate");
  if (rate === 0) {
    throw new OptionError({
      option: "--rate",
      value: text,
      problem: "is 0",
      expected: "a rate of at least 1/s, such as 1000/s",
    });
  }
  return rate;
}

/** `--exit-code-on-error N`: an exit code a shell keeps (1..255) that is not 0 (success). */
function exitCodeOf(values: FlagValues): number {
  const text = values["exit-code-on-error"] as string;
  const read = parseWholeNumber(text.trim(), { min: 1, max: 255 });
  if (!read.ok) {
    throw new UsageError(
      `Cannot parse --exit-code-on-error: "${text}" is invalid, expected an integer from 1 to 255`,
    );
  }
  return read.value;
}

/**
 * `--json` and `--hdr-log`, which must not name the same file (one would overwrite the other)
 * nor the `--urls` or `--scenario` file the run reads, their folders checked now: before `--init` and the run, not after them.
 */
function outputPathsOf(values: FlagValues): { json: string | null; hdr: string | null } {
  const json = (values.json as string | undefined) ?? null;
  const hdr = (values["hdr-log"] as string | undefined) ?? null;
  if (json !== null && hdr !== null && resolve(json) === resolve(hdr)) {
    throw new UsageError(
      `Cannot write --json and --hdr-log to the same file "${json}": one would overwrite the other, expected two different files`,
    );
  }
  // The files the run reads stay as they are: an output on one of them would replace it.
  const scenario = values.scenario as string;
  refuseSharedFiles([
    { option: "--urls", path: values.urls as string | undefined, input: true },
    {
      option: "--scenario",
      path: (BUILTIN_SCENARIO_NAMES as readonly string[]).includes(scenario) ? null : scenario,
      input: true,
    },
    { option: "--json", path: json },
    { option: "--hdr-log", path: hdr },
  ]);
  if (json !== null) checkReplaceable(json, "--json");
  if (hdr !== null) checkReplaceable(hdr, "--hdr-log");
  return { json, hdr };
}

function paramsOf(values: FlagValues, durationMs: number): LoadRunParams {
  return {
    users: parseCount("--users", values.users as string, { min: 1, max: MAX_COUNT }),
    spawnRate: parsePositive("--spawn-rate", values["spawn-rate"] as string),
    rate: rateOf(values),
    maxInFlight: parseCount("--max-in-flight", values["max-in-flight"] as string, {
      min: 1,
      max: MAX_COUNT,
    }),
    durationMs,
    seed: values.seed === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : parseInteger("--seed", values.seed as string, { min: 0 }),
  };
}

function webOf(values: FlagValues): ListenAddress | null {
  const web = values.web === undefined ? null : parseListenAddress("--web", values.web as string);
  if (values.autostart === true && web === null) {
    throw new UsageError("Cannot use --autostart without --web, expected --web HOST:PORT too");
  }
  if (values.autoquit !== undefined && values.autostart !== true) {
    throw new UsageError("Cannot use --autoquit without --autostart, expected --autostart too");
  }
  return web;
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
export async function loadSettingsOf(values: FlagValues): Promise<LoadSettings> {
  const urls = await CheckoutServices.urlsFromFlags(values, "run the load test");
  const str = (name: string) => values[name] as string;
  const initSizes = initSizesOf(values);
  const set = await checkedScenarioSet(values, initSizes.orders);
  const web = webOf(values);
  const connections = parseCount("--connections", str("connections"), {
    min: 1,
    max: MAX_CONNECTIONS,
  });
  const timeoutMs = positiveDuration(values, "timeout");
  const connectTimeoutMs = positiveDuration(values, "connect-timeout");
  const intervalMs = parseDuration(str("interval"), "--interval");
  if (intervalMs < 100) {
    throw new UsageError(
      `Cannot parse --interval: "${str("interval")}" is too short, expected at least 100ms`,
    );
  }
  const params = paramsOf(values, positiveDuration(values, "duration"));
  const paths = outputPathsOf(values);
  return {
    set,
    params,
    init: values["init-only"] === true ? "only" : values.init === true ? "then-run" : "no",
    initSizes,
    connections,
    timeoutMs,
    connectTimeoutMs,
    intervalMs,
    jsonPath: paths.json,
    hdrPath: paths.hdr,
    web,
    prometheus: values.prometheus === undefined
      ? null
      : parseListenAddress("--prometheus", str("prometheus")),
    autostart: values.autostart === true,
    autoquitMs: values.autoquit === undefined ? null : parseDuration(str("autoquit"), "--autoquit"),
    exitCodeOnError: exitCodeOf(values),
    failIfLimited: values["fail-if-limited"] === true,
    shard: null,
    // Last: nothing above may throw once the pools exist. A user (or iteration) has one request
    // at a time, so the users bound the queue: a bound of its own failed those past 65,536 users
    // as "queue full", the loader's limit counted as the service's failures.
    services: new CheckoutServices(urls, {
      connections,
      timeoutMs,
      connectTimeoutMs,
      maxQueue: Number.MAX_SAFE_INTEGER,
    }),
  };
}
