/**
 * The flags of the checkout commands, read with the shared flag parser, but for a negative
 * number given as the next argument (`--users -1`): `node:util`'s `parseArgs` refuses it as
 * "ambiguous", so the command's own check never saw it.
 *
 * @module
 */

import type { CommandIo } from "../cli/command_io.ts";
import { type FlagSpec, parseCommandFlags, type ParsedFlags } from "../cli/parse_flags.ts";

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
 * import { joinNegativeValues } from "./_checkout_flags.ts";
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
    const isStringFlag = arg.startsWith("--") && spec[arg.slice(2)]?.type === "string";
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
 * Parses a checkout command's flags as {@linkcode parseCommandFlags} does (help, positionals),
 * taking a negative number as the value of the string flag before it.
 *
 * @param args The arguments after the command name.
 * @param options The command's name, its flags (without `help`), where the help goes, and its
 * text.
 * @returns The flag values, or null when the help was printed.
 * @throws {UsageError} On an unknown flag, a flag without its value, or a positional.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo } from "../cli/command_io.ts";
 * import { parseCheckoutFlags } from "./_checkout_flags.ts";
 * const spec = { users: { type: "string" as const } };
 * const values = parseCheckoutFlags(["--users", "-1"], {
 *   command: "checkout load",
 *   spec,
 *   io: new BufferedIo(),
 *   help: "usage",
 * });
 * assert.equal(values?.users, "-1");
 * ```
 */
export function parseCheckoutFlags(
  args: readonly string[],
  options: { command: string; spec: FlagSpec; io: CommandIo; help: string },
): ParsedFlags["values"] | null {
  const { command, spec, io, help } = options;
  return parseCommandFlags(command, joinNegativeValues(args, spec), spec, { io, help });
}
