/**
 * Parses the GNU-style flags of the commands that are not cassandra-stress commands
 * (`simulate`, `analyze`, `serve`, `query`, `disk`, `checkout`) with `node:util`'s `parseArgs`, turning its errors into
 * {@linkcode UsageError}s.
 *
 * @module
 */

import { parseWholeNumber } from "../units/parse_whole_number.ts";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.ts";
import { type CommandIo, printText } from "./command_io.ts";

/** The flag definitions, as `node:util` `parseArgs` takes them. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/** The parsed flags and positionals. */
export interface ParsedFlags {
  /** Flag values by name. */
  readonly values: Record<string, string | boolean | undefined>;
  /** The positional arguments. */
  readonly positionals: string[];
}

/** An argument that is a negative number (`-1`, `-1s`, `-0.5`, `-5%`), not a flag. */
const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * The arguments with each string flag given as `--flag -N` written `--flag=-N`, so that the
 * value reaches the flag's own check (and its `Cannot parse ...` line), as `--flag=-N` does.
 *
 * @param args The arguments after the command name.
 * @param spec The flag definitions.
 * @returns A copy with those pairs joined (nothing after `--` is touched).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinNegativeValues } from "./parse_flags.ts";
 * const spec = { users: { type: "string" as const }, init: { type: "boolean" as const } };
 * assert.deepEqual(joinNegativeValues(["--users", "-1", "--init"], spec), ["--users=-1", "--init"]);
 * ```
 */
export function joinNegativeValues(args: readonly string[], spec: FlagSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return [...joined, ...args.slice(i)];
    const next = args[i + 1];
    const name = arg.slice(2);
    const isStringFlag = arg.startsWith("--") && Object.hasOwn(spec, name) &&
      spec[name].type === "string";
    if (isStringFlag && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/**
 * Parses `args` against `spec`; unknown flags and missing values are usage errors.
 *
 * @param command The command name, for messages.
 * @param args The arguments after the command name.
 * @param spec The flag definitions.
 * @returns The values and positionals.
 * @throws {UsageError} On an unknown flag or a flag without its value.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./parse_flags.ts";
 * const parsed = parseFlags("simulate", ["3", "--threads", "4"], { threads: { type: "string" } });
 * assert.deepEqual([parsed.positionals, parsed.values.threads], [["3"], "4"]);
 * ```
 */
export function parseFlags(command: string, args: readonly string[], spec: FlagSpec): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(args, spec),
      options: spec,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(
      `Cannot parse the arguments of "${command}": ${reasonOf(error, command, spec)}`,
      {
        cause: error,
      },
    );
  }
}

/** The number of single-character edits between two strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

/**
 * What `parseArgs` refused; for an unknown flag, the nearest flag there is (one or two typos
 * away) or where the flags are listed, instead of Node's advice about positionals.
 */
function reasonOf(error: unknown, command: string, spec: FlagSpec): string {
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  const unknown = /^Unknown option '-*([^']*)'/.exec(message);
  if ((error as { code?: string }).code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || unknown === null) {
    return message;
  }
  const given = unknown[1];
  const nearest = Object.keys(spec)
    .map((name) => ({ name, distance: editDistance(given, name) }))
    .filter(({ distance }) => distance <= (given.length < 5 ? 1 : 2))
    .sort((a, b) => a.distance - b.distance)[0];
  const flag = /^Unknown option '([^']*)'/.exec(message)![1];
  return nearest === undefined
    ? `unknown option "${flag}", expected an option of "stress ${command} --help"`
    : `unknown option "${flag}", expected --${nearest.name}`;
}

/**
 * The start of every command that takes flags only: parses `args` against `spec` and
 * `-h`/`--help`, prints the help and returns null when asked for it, and refuses positionals.
 *
 * @param command The command name, for messages.
 * @param args The arguments after the command name.
 * @param spec The flag definitions (without `help`).
 * @param usage Where the help goes, and its text.
 * @returns The flag values, or null when the help was printed (exit 0).
 * @throws {UsageError} On an unknown flag, a flag without its value, or a positional.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo } from "./command_io.ts";
 * import { parseCommandFlags } from "./parse_flags.ts";
 * const io = new BufferedIo();
 * const spec = { port: { type: "string" as const, default: "9042" } };
 * assert.equal(parseCommandFlags("serve", [], spec, { io, help: "usage" })?.port, "9042");
 * assert.equal(parseCommandFlags("serve", ["-h"], spec, { io, help: "usage" }), null);
 * assert.deepEqual(io.stdout, ["usage"]);
 * assert.throws(() => parseCommandFlags("serve", ["extra"], spec, { io, help: "usage" }));
 * ```
 */
export function parseCommandFlags(
  command: string,
  args: readonly string[],
  spec: FlagSpec,
  usage: { io: CommandIo; help: string },
): ParsedFlags["values"] | null {
  const { values, positionals } = parseFlags(command, args, {
    ...spec,
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    printText(usage.io, usage.help);
    return null;
  }
  rejectPositionals(command, positionals);
  return values;
}

/** A number in decimal notation: `2`, `2.5`, `.5`, `1e6`. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Parses a positive number given to a flag or positional.
 *
 * @param name What the value is, for messages.
 * @param text The value as given.
 * @param options Whether it must be an integer.
 * @returns The number.
 * @throws {UsageError} When it is not a positive finite number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePositive } from "./parse_flags.ts";
 * assert.equal(parsePositive("SECONDS", "2.5"), 2.5);
 * assert.throws(() => parsePositive("N", "0", { integer: true }));
 * ```
 */
export function parsePositive(
  name: string,
  text: string | undefined,
  options: { integer?: boolean } = {},
): number {
  // Decimal notation only: Number() would also take " 5", "0x10" and "0b1".
  const value = text !== undefined && DECIMAL.test(text) ? Number(text) : NaN;
  const ok = Number.isFinite(value) && value > 0 &&
    (!options.integer || Number.isSafeInteger(value));
  if (!ok) {
    throw new UsageError(
      `Cannot parse ${name}: "${text ?? ""}" is invalid, expected a positive ${
        options.integer ? "integer" : "number"
      }`,
    );
  }
  return value;
}

/**
 * Parses a whole-number flag written in plain digits, with a least value (0 where 0 makes
 * sense, such as a stock or a seed).
 *
 * @param name The flag, for messages, e.g. `--users`.
 * @param text The value as given.
 * @param options The least value accepted.
 * @returns The number.
 * @throws {UsageError} When it is not digits, not a safe integer, or below `min`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInteger } from "./parse_flags.ts";
 * assert.equal(parseInteger("--stock", "0", { min: 0 }), 0);
 * assert.throws(() => parseInteger("--users", "0", { min: 1 }), {
 *   message: 'Cannot parse --users: "0" is invalid, expected an integer of at least 1',
 * });
 * assert.throws(() => parseInteger("--users", "1e3", { min: 1 }));
 * ```
 */
export function parseInteger(name: string, text: string, options: { min: number }): number {
  const read = parseWholeNumber(text.trim(), { min: options.min });
  if (read.ok) return read.value;
  throw new UsageError(
    `Cannot parse ${name}: "${text}" is invalid, expected an integer of at least ${options.min}`,
  );
}

/**
 * Rejects positional arguments of a command that takes options only.
 *
 * @param command The command name, for the message.
 * @param positionals The positionals {@linkcode parseFlags} found.
 * @throws {UsageError} When there is any.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { rejectPositionals } from "./parse_flags.ts";
 * rejectPositionals("serve", []);
 * assert.throws(() => rejectPositionals("serve", ["extra"]), /"extra" is extra/);
 * ```
 */
export function rejectPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(
      `Cannot parse the arguments of "${command}": "${
        positionals.join(" ")
      }" is extra, expected options only`,
    );
  }
}

/**
 * Parses a TCP or UDP port given to a flag.
 *
 * @param option The flag, for messages (`--tcp-port`).
 * @param text The value as given (undefined or not a string when it is missing).
 * @param options Whether 0 (any free port) is accepted.
 * @returns The port.
 * @throws {UsageError} When it is not an integer in range.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePort } from "./parse_flags.ts";
 * assert.equal(parsePort("--tcp-port", "42000"), 42000);
 * assert.equal(parsePort("--tcp-port", "0", { allowZero: true }), 0);
 * assert.throws(() => parsePort("--hb-port", "0"), /expected a port 1\.\.65535/);
 * ```
 */
export function parsePort(
  option: string,
  text: unknown,
  options: { allowZero?: boolean } = {},
): number {
  const lowest = options.allowZero ? 0 : 1;
  const read = typeof text === "string"
    ? parseWholeNumber(text, { min: lowest, max: 65535 })
    : null;
  if (read === null || !read.ok) {
    throw new UsageError(
      `Cannot parse ${option}: "${text ?? ""}" is invalid, expected a port ${lowest}..65535`,
    );
  }
  return read.value;
}
