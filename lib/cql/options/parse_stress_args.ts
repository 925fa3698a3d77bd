/**
 * The cassandra-stress command-line grammar: argv in, fully resolved
 * {@linkcode StressSettings} out. Pure: it reads no files and prints nothing.
 *
 * @module
 */

import { parseNodeTarget } from "./node_target.ts";
import { OptionError, UsageError } from "../../errors.ts";
import { commandOf, parseRunCommand, specialCommand } from "./_command.ts";
import {
  parseColumnGroup,
  parseInsertGroup,
  parsePopulationGroup,
  parseRateGroup,
} from "./_groups_load.ts";
import {
  parseErrorsGroup,
  parseGraphGroup,
  parseLoaderGroup,
  parseLogGroup,
  parseModeGroup,
  parseNodeGroup,
  parsePortGroup,
  parseSchemaGroup,
  parseTokenRangeGroup,
  parseTransportGroup,
} from "./_groups_target.ts";
import { matchSubOptions } from "./_suboptions.ts";
import { parseDistribution } from "../../units/parse_distribution.ts";
import type {
  CommandSettings,
  CommandType,
  NodeSettings,
  StressSettings,
} from "./stress_settings.ts";
import { tokenizeArgs } from "./tokenize_args.ts";

export type * from "./stress_settings.ts";

/** The option groups, as typed on the command line (lower case). */
export const OPTION_GROUPS: readonly string[] = [
  "-pop",
  "-insert",
  "-col",
  "-rate",
  "-mode",
  "-errors",
  "-schema",
  "-node",
  "-log",
  "-transport",
  "-port",
  "-sendto",
  "-graph",
  "-tokenrange",
  "-loader",
];

const HELP_FLAGS = new Set(["--help", "-h", "-?"]);

function resolveCommand(word: string): CommandType {
  if (word === "legacy") {
    throw new UsageError(
      'Cannot run command "legacy": the pre-2.1 syntax is not supported, expected the 2.1+ grammar',
    );
  }
  const type = commandOf(word);
  if (type === undefined) {
    throw new OptionError({
      option: "command",
      value: word,
      problem: "is not a known command",
      expected:
        "one of write, read, mixed, counter_write, counter_read, user, help, print, version " +
        "(or stress's own simulate, analyze, compare, merge, serve, disk, query, checkout)",
    });
  }
  return type;
}

/** Resolves a help topic (`write`, `insert`, `-rate`, `rate`) to its canonical spelling. */
function resolveTopic(topic: string): string {
  const lower = topic.toLowerCase();
  if (lower === "-send-to") return "-sendto";
  if (OPTION_GROUPS.includes(lower)) return lower;
  // A command first, as cassandra-stress looks topics up: `help insert` is write's help (insert
  // is its alias); `-insert` needs its dash.
  const command = commandOf(lower);
  if (command !== undefined) return command;
  if (OPTION_GROUPS.includes(`-${lower}`)) return `-${lower}`;
  throw new OptionError({
    option: "help",
    value: topic,
    problem: "is not a known command or option",
    expected: `a command (write, read, mixed, ...) or an option group (${
      OPTION_GROUPS.join(", ")
    })`,
  });
}

type GroupKey = Exclude<keyof StressSettings, "command" | "sendto" | "dryRun">;

/** Each option group: its field in StressSettings and its parser (undefined = default). */
const GROUP_PARSERS: Readonly<
  Record<
    string,
    readonly [
      GroupKey,
      (params: readonly string[] | undefined, command: CommandSettings) => unknown,
    ]
  >
> = {
  "-rate": ["rate", parseRateGroup],
  "-pop": ["population", parsePopulationGroup],
  "-insert": ["insert", parseInsertGroup],
  "-col": ["columns", parseColumnGroup],
  "-errors": ["errors", parseErrorsGroup],
  "-log": ["log", parseLogGroup],
  "-mode": ["mode", parseModeGroup],
  "-node": ["node", parseNodeGroup],
  "-schema": ["schema", parseSchemaGroup],
  "-transport": ["transport", parseTransportGroup],
  "-port": ["port", parsePortGroup],
  "-graph": ["graph", parseGraphGroup],
  "-tokenrange": ["tokenrange", parseTokenRangeGroup],
  "-loader": ["loader", parseLoaderGroup],
};

function defaultsFor(
  command: CommandSettings,
  dryRun: boolean,
  parsed: Partial<Record<GroupKey, unknown>> = {},
): StressSettings {
  const settings: Record<string, unknown> = { command };
  for (const [key, parse] of Object.values(GROUP_PARSERS)) {
    settings[key] = Object.hasOwn(parsed, key) ? parsed[key] : parse(undefined, command);
  }
  const node = settings.node as NodeSettings;
  settings.target = parseNodeTarget(node.hosts, node.file);
  settings.sendto = { host: null };
  settings.dryRun = dryRun;
  return settings as unknown as StressSettings;
}

/** Checks a group name: known, supported, and parsed in the order given on the line. */
function checkGroup(name: string): void {
  if (name === "-sendto" || name === "-send-to") {
    throw new UsageError(
      `Cannot use ${name}: it was removed in Apache Cassandra 4.1 and is not supported, ` +
        "expected no -sendto option",
    );
  }
  if (!OPTION_GROUPS.includes(name)) {
    throw new OptionError({
      option: name,
      value: name,
      problem: "is not a known option group",
      expected: `one of ${OPTION_GROUPS.join(", ")}`,
    });
  }
}

/**
 * Parses a cassandra-stress command line. The first token is the command; `-x` tokens open
 * option groups; every default is resolved, including the command-dependent ones (`-rate`,
 * `-pop`, `-graph op=`). `--dry-run` anywhere sets `dryRun`; `--help`, `-h` or `-?` anywhere
 * turns the line into `help` for its command.
 *
 * @param argv Everything after the program name, e.g. `["write", "n=1M", "-rate", "threads=50"]`.
 * @returns The resolved settings.
 * @throws {OptionError} For a token that is not valid where it stands (the message names it).
 * @throws {UsageError} For a valid token that cannot be used (`-sendto`, `-mode thrift`,
 * `-schema` with `user`, both `throttle=` and `fixed=`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseStressArgs } from "./parse_stress_args.ts";
 * const settings = parseStressArgs(["write", "n=1M", "-rate", "threads=50", "throttle=1000/s"]);
 * assert.deepEqual(settings.command.stop, { kind: "count", n: 1_000_000 });
 * assert.deepEqual(settings.rate, {
 *   kind: "threads", threads: 50, throttleOpsPerSec: 1000, fixedOpsPerSec: 0,
 * });
 * assert.equal(settings.population.kind, "seq");
 * assert.equal(parseStressArgs(["read", "duration=1m"]).rate.kind, "auto");
 * ```
 */
export function parseStressArgs(argv: readonly string[]): StressSettings {
  let dryRun = false;
  let helpFlag = false;
  const words: string[] = [];
  for (const word of argv.join(" ").split(/\s+/)) {
    if (word === "--dry-run") dryRun = true;
    else if (word === "--version" && words.length === 0) words.push("version"); // as most tools
    else if (HELP_FLAGS.has(word) && (words.length > 0 || word !== "-?")) helpFlag = true;
    else if (word.length > 0) words.push(word);
  }
  if (helpFlag) {
    const first = words[0]?.toLowerCase();
    const command = first === undefined ? undefined : commandOf(first);
    const topic = command === undefined || command === "help" ? null : command;
    return defaultsFor(specialCommand("help", "help", { helpTopic: topic }), dryRun);
  }
  const args = tokenizeArgs(words);
  const type = resolveCommand(args.command.name);
  const given = args.command.name;
  if (type === "help") {
    const candidates = [...args.command.params];
    for (const group of args.groups) candidates.push(group.name, ...group.params);
    if (candidates.length > 1) {
      throw new OptionError({
        option: "help",
        value: candidates[1],
        problem: "is one topic too many",
        expected: "help, help COMMAND or help -OPTION",
      });
    }
    const topic = candidates.length === 0 ? null : resolveTopic(candidates[0]);
    return defaultsFor(specialCommand("help", given, { helpTopic: topic }), dryRun);
  }
  if (type === "print" || type === "version") {
    if (args.groups.length > 0) {
      throw new OptionError({
        option: given,
        value: args.groups[0].name,
        problem: `is not used by ${type}`,
        expected: type === "print" ? "print dist=DIST" : "version with no options",
      });
    }
    if (type === "version") {
      if (args.command.params.length > 0) {
        throw new OptionError({
          option: given,
          value: args.command.params[0],
          problem: "is not a parameter of version",
          expected: "version with no parameters",
        });
      }
      return defaultsFor(specialCommand("version", given), dryRun);
    }
    const found = matchSubOptions("print", args.command.params, ["dist="]);
    const dist = found.get("dist=");
    if (dist === undefined) {
      throw new OptionError({
        option: "print",
        value: args.command.params.join(" "),
        problem: "has no dist=",
        expected: "print dist=DIST, e.g. print dist=gaussian(1..100)",
      });
    }
    const spec = parseDistribution(dist.value, "print dist");
    return defaultsFor(specialCommand("print", given, { printDistribution: spec }), dryRun);
  }
  const command = parseRunCommand(type, given, args.command.params);
  // Groups are parsed in the order given, so the first bad token on the line is reported.
  const parsed: Partial<Record<GroupKey, unknown>> = {};
  for (const group of args.groups) {
    checkGroup(group.name);
    const [key, parse] = GROUP_PARSERS[group.name];
    parsed[key] = parse(group.params, command);
  }
  const settings = defaultsFor(command, dryRun, parsed);
  refuseSharedFiles(settings);
  return settings;
}

/** The same path (but for `./` and doubled slashes), to compare file options. */
function samePathKey(path: string): string {
  return path.replace(/\/\/+/g, "/").replace(/(^|\/)(\.\/)+/g, "$1");
}

/**
 * Refuses two file options that name one file (`-log file=x hdrfile=x`, `-log json=r.html
 * -graph file=r.html`): one would overwrite or mix into the other.
 */
function refuseSharedFiles(settings: StressSettings): void {
  const files: [string, string | null][] = [
    ["-log file", settings.log.file],
    ["-log hdrfile", settings.log.hdrFile],
    ["-log json", settings.log.jsonFile],
    ["-graph file", settings.graph.file],
  ];
  const seen = new Map<string, string>();
  for (const [option, path] of files) {
    if (path === null) continue;
    const earlier = seen.get(samePathKey(path));
    if (earlier !== undefined) {
      throw new OptionError({
        option,
        value: path,
        problem: `is also the file of ${earlier}`,
        expected: "a file of its own for each output",
      });
    }
    seen.set(samePathKey(path), option);
  }
}
