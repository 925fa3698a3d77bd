// Private helper: parses the command word's own parameters (n=, duration=, cl=, ratio(...)).
import { OptionError } from "../../errors.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";
import { parseCount } from "../../units/parse_count.ts";
import { parseDistribution } from "../../units/parse_distribution.ts";
import { parseDuration } from "../../units/parse_duration.ts";
import {
  type CommandSettings,
  type CommandType,
  CONSISTENCY_LEVELS,
  type StopCondition,
} from "./stress_settings.ts";
import {
  type Matched,
  matchSubOptions,
  parseChoice,
  parseOptionInteger,
  parsePairs,
} from "./_suboptions.ts";

/** Every command word (lower case) and its canonical command. */
const COMMAND_ALIASES: Readonly<Record<string, CommandType>> = {
  read: "read",
  write: "write",
  insert: "write",
  mixed: "mixed",
  "counter_write": "counter_write",
  counterwrite: "counter_write",
  "counter_add": "counter_write",
  counteradd: "counter_write",
  "counter_read": "counter_read",
  counterread: "counter_read",
  "counter_get": "counter_read",
  counterget: "counter_read",
  user: "user",
  help: "help",
  "-?": "help",
  print: "print",
  version: "version",
};

/**
 * The command a word names (lower case, aliases accepted), or undefined: only the words of
 * the table count, not the names every object inherits (`constructor`, `toString`).
 */
export function commandOf(word: string): CommandType | undefined {
  return Object.hasOwn(COMMAND_ALIASES, word) ? COMMAND_ALIASES[word] : undefined;
}

/** The op names `ratio(...)` accepts, with their aliases. */
const RATIO_KEYS: Readonly<Record<string, string>> = {
  read: "read",
  write: "write",
  insert: "write",
  "counter_write": "counter_write",
  counterwrite: "counter_write",
  "counter_add": "counter_write",
  counteradd: "counter_write",
  "counter_read": "counter_read",
  counterread: "counter_read",
  "counter_get": "counter_read",
  counterget: "counter_read",
};

const STOP_KEYS = ["n=", "duration=", "err<", "n>", "n<"];
const COMMON_KEYS = ["no-warmup", "no_warmup", "truncate=", "cl=", "serial-cl="];
const PREDEFINED_KEYS = ["keysize=", "add="];

/**
 * The longest partition key Cassandra (and ScyllaDB) stores, 64 KiB - 1: a longer `keysize=`
 * would fail every op on the node, and a far longer one could not even be generated here.
 */
const MAX_KEY_BYTES = 65_535;

function keysFor(type: CommandType): string[] {
  switch (type) {
    case "mixed":
      return [...STOP_KEYS, ...COMMON_KEYS, ...PREDEFINED_KEYS, "clustering=", "ratio("];
    case "user":
      return [...STOP_KEYS, ...COMMON_KEYS, "clustering=", "profile=", "ops("];
    default:
      return [...STOP_KEYS, ...COMMON_KEYS, ...PREDEFINED_KEYS];
  }
}

const STOP_EXPECTED = "only one of n=, duration= or err<, n>, n<";

function parseStop(command: string, found: ReadonlyMap<string, Matched>): StopCondition {
  const count = found.get("n=");
  const duration = found.get("duration=");
  const uncertainty = ["err<", "n>", "n<"].map((key) => found.get(key)).find((m) =>
    m !== undefined
  );
  const conflict = (a: Matched, b: Matched): never => {
    throw new OptionError({
      option: command,
      value: b.token,
      problem: `cannot be combined with "${a.token}"`,
      expected: STOP_EXPECTED,
    });
  };
  if (count !== undefined) {
    if (duration !== undefined) conflict(count, duration);
    if (uncertainty !== undefined) conflict(count, uncertainty);
    return { kind: "count", n: parseCount(count.value, `${command} n`) };
  }
  if (duration !== undefined) {
    if (uncertainty !== undefined) conflict(duration, uncertainty);
    const durationMs = parseDuration(duration.value, `${command} duration`, {
      units: ["s", "m", "h"],
    });
    const unit = duration.value.slice(-1).toLowerCase() as "s" | "m" | "h";
    return { kind: "duration", durationMs, unit };
  }
  const err = found.get("err<");
  let targetStderr = 0.02;
  if (err !== undefined) {
    if (!/^0\.\d+$/.test(err.value)) {
      throw new OptionError({
        option: `${command} err<`,
        value: err.value,
        expected: "a fraction such as 0.02",
      });
    }
    targetStderr = Number(err.value);
  }
  const minText = found.get("n>")?.value;
  const maxText = found.get("n<")?.value;
  const minIntervals = minText === undefined
    ? 30
    : parseOptionInteger(`${command} n>`, minText, { min: 1 });
  const maxIntervals = maxText === undefined
    ? 200
    : parseOptionInteger(`${command} n<`, maxText, { min: 1 });
  if (minIntervals > maxIntervals) {
    throw new OptionError({
      option: `${command} n<`,
      value: maxText ?? String(maxIntervals),
      problem: `is below n>${minIntervals}`,
      expected: "n< at least n>",
    });
  }
  return { kind: "uncertainty", targetStderr, minIntervals, maxIntervals };
}

function parseWeights(
  option: string,
  matched: Matched,
  aliases: Readonly<Record<string, string>> | null,
): Record<string, number> {
  const weights: Record<string, number> = {};
  let positive = false;
  for (const [key, value] of parsePairs(option, matched.token, matched.value)) {
    let name = key;
    if (aliases !== null) {
      const canonical = aliases[key.toLowerCase()];
      if (canonical === undefined) {
        throw new OptionError({
          option,
          value: matched.token,
          problem: `has an unknown operation "${key}"`,
          expected: "weights for read, write, counter_write, counter_read",
        });
      }
      name = canonical;
    }
    if (!/^\d+(\.\d+)?$/.test(value)) {
      throw new OptionError({
        option,
        value: matched.token,
        problem: `has an invalid weight "${value}"`,
        expected: "non-negative numbers such as read=3,write=1",
      });
    }
    if (Object.hasOwn(weights, name)) {
      throw new OptionError({
        option,
        value: matched.token,
        problem: `sets "${name}" twice`,
        expected: "each operation at most once",
      });
    }
    weights[name] = Number(value);
    positive ||= weights[name] > 0;
  }
  if (!positive) {
    throw new OptionError({
      option,
      value: matched.token,
      problem: "has no non-zero weight",
      expected: "at least one operation with a weight above zero",
    });
  }
  return weights;
}

function distributionOr(
  option: string,
  matched: Matched | undefined,
  fallback: string,
): DistributionSpec {
  return parseDistribution(matched?.value ?? fallback, option);
}

/** Parses the parameters of a run command (write, read, mixed, counter_*, user). */
export function parseRunCommand(
  type: CommandType,
  given: string,
  params: readonly string[],
): CommandSettings {
  const found = matchSubOptions(given, params, keysFor(type));
  const noWarmupA = found.get("no-warmup");
  const noWarmupB = found.get("no_warmup");
  if (noWarmupA !== undefined && noWarmupB !== undefined) {
    throw new OptionError({
      option: `${given} no-warmup`,
      value: noWarmupB.token,
      problem: "is given more than once",
      expected: "each sub-option at most once",
    });
  }
  const stop = parseStop(given, found);
  const truncate = found.get("truncate=");
  const cl = found.get("cl=");
  const serialCl = found.get("serial-cl=");
  const keysize = found.get("keysize=");
  let ratio: Record<string, number> = {};
  let ops: Record<string, number> = {};
  let profiles: string[] = [];
  if (type === "mixed") {
    const matched = found.get("ratio(");
    ratio = matched === undefined
      ? { read: 1, write: 1 }
      : parseWeights(`${given} ratio`, matched, RATIO_KEYS);
  }
  if (type === "user") {
    const profile = found.get("profile=");
    const opsMatched = found.get("ops(");
    if (profile === undefined || profile.value.length === 0) {
      throw new OptionError({
        option: given,
        value: profile?.token ?? params.join(" "),
        problem: profile === undefined ? "has no profile=" : "has an empty profile",
        expected: "profile=FILE[,FILE2...]",
      });
    }
    if (opsMatched === undefined) {
      throw new OptionError({
        option: given,
        value: params.join(" "),
        problem: "has no ops(...)",
        expected: "ops(insert=N,<query>=M,...)",
      });
    }
    profiles = profile.value.split(",").filter((path) => path.length > 0);
    ops = parseWeights("user ops", opsMatched, null);
  }
  return {
    type,
    given,
    stop,
    noWarmup: noWarmupA !== undefined || noWarmupB !== undefined,
    truncate: truncate === undefined
      ? "never"
      : parseChoice(`${given} truncate`, truncate.value, ["never", "once", "always"]),
    consistencyLevel: cl === undefined
      ? "LOCAL_ONE"
      : parseChoice(`${given} cl`, cl.value, CONSISTENCY_LEVELS),
    serialConsistencyLevel: serialCl === undefined
      ? "SERIAL"
      : parseChoice(`${given} serial-cl`, serialCl.value, ["SERIAL", "LOCAL_SERIAL"]),
    keySizeBytes: keysize === undefined
      ? 10
      : parseOptionInteger(`${given} keysize`, keysize.value, { min: 1, max: MAX_KEY_BYTES }),
    add: distributionOr(`${given} add`, found.get("add="), "fixed(1)"),
    ratio,
    clustering: distributionOr(
      `${given} clustering`,
      found.get("clustering="),
      type === "user" ? "gaussian(1..10)" : "GAUSSIAN(1..10)",
    ),
    profiles,
    ops,
    printDistribution: null,
    helpTopic: null,
  };
}

/** The settings of a command that runs nothing (help, print, version). */
export function specialCommand(
  type: CommandType,
  given: string,
  extra: { printDistribution?: DistributionSpec; helpTopic?: string | null } = {},
): CommandSettings {
  return {
    ...parseRunCommand("read", given, []),
    type,
    printDistribution: extra.printDistribution ?? null,
    helpTopic: extra.helpTopic ?? null,
  };
}
