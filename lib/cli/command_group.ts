/**
 * A command with subcommands (`disk`, `query`, `checkout`): its usage for `stress GROUP --help`,
 * and the error for a subcommand it does not have.
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/** A group of subcommands, each with a one-line summary. */
export interface CommandGroup {
  /** The group's name, as typed after `stress`. */
  readonly name: string;
  /** What the group is for, one line. */
  readonly summary: string;
  /** The subcommands, in the order the usage lists them. */
  readonly subcommands: readonly { readonly name: string; readonly summary: string }[];
}

/**
 * Whether a group was asked for its usage: `--help`, `-h` or `help` after its name.
 *
 * @param word The word after the group's name.
 * @returns True for a help flag.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { asksForHelp } from "./command_group.ts";
 * assert.ok(asksForHelp("--help"));
 * assert.ok(!asksForHelp("run"));
 * ```
 */
export function asksForHelp(word: string | undefined): boolean {
  return word === "--help" || word === "-h" || word === "help";
}

/**
 * The usage of a group: its subcommands with their summaries.
 *
 * @param group The group.
 * @returns The text, ending with a newline.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupUsage } from "./command_group.ts";
 * const text = groupUsage({
 *   name: "disk",
 *   summary: "The distributed disk benchmark",
 *   subcommands: [{ name: "report", summary: "List the runs" }],
 * });
 * assert.match(text, /^Usage: stress disk report \[options\]/);
 * ```
 */
export function groupUsage(group: CommandGroup): string {
  const names = group.subcommands.map((sub) => sub.name).join("|");
  const width = Math.max(...group.subcommands.map((sub) => sub.name.length));
  const lines = [
    `Usage: stress ${group.name} ${names} [options]`,
    "",
    `${group.summary}.`,
    "",
    "Commands:",
    ...group.subcommands.map((sub) => `  ${sub.name.padEnd(width)}  ${sub.summary}`),
    "",
    `Run stress ${group.name} COMMAND --help for a command's options.`,
  ];
  return lines.join("\n") + "\n";
}

/**
 * The error for a word after the group's name that is none of its subcommands.
 *
 * @param group The group.
 * @param word The word given (undefined when there was none).
 * @returns The error to throw.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { unknownSubcommand } from "./command_group.ts";
 * const group = { name: "disk", summary: "Disks", subcommands: [{ name: "report", summary: "" }] };
 * assert.match(unknownSubcommand(group, "serve").message, /"disk serve"/);
 * ```
 */
export function unknownSubcommand(group: CommandGroup, word: string | undefined): UsageError {
  const names = group.subcommands.map((sub) => `${group.name} ${sub.name}`);
  const expected = names.length === 1
    ? names[0]
    : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
  const problem = word === undefined
    ? `"${group.name}": it needs a command`
    : `"${group.name} ${word}": it is not a ${group.name} command`;
  return new UsageError(
    `Cannot run ${problem}, expected ${expected} (stress ${group.name} --help lists them)`,
  );
}
