/**
 * The first two steps of the cassandra-stress command line: re-join and re-split the
 * arguments, then group them into the command and its `-option` groups.
 *
 * @module
 */

import { OptionError } from "../../errors.ts";

/** One `-group` (or the command) and the parameters that follow it. */
export interface ArgGroup {
  /** The group name, lower-cased (`"-rate"`), or the command word (`"write"`). */
  readonly name: string;
  /** The parameters, as re-split. */
  readonly params: readonly string[];
}

/** The grouped command line. */
export interface TokenizedArgs {
  /** The re-split tokens, in order. */
  readonly tokens: readonly string[];
  /** The command (first token, lower-cased) and its parameters. */
  readonly command: ArgGroup;
  /** The option groups in the order given. */
  readonly groups: readonly ArgGroup[];
}

const SPACE_BEFORE = /\s+([,=()])/g;
const SPACE_AFTER = /([,=(])\s+/g;
const WHITESPACE = /\s+/;

/**
 * Re-joins argv with single spaces, removes whitespace before `,` `=` `(` `)` and after
 * `,` `=` `(`, re-splits on whitespace, then groups: the first token is the command, each
 * token starting with `-` opens a group (lower-cased), all others are parameters.
 *
 * @param argv The arguments after the program name.
 * @returns The tokens, the command and the groups.
 * @throws {OptionError} When there is no command, or a group is given twice.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenizeArgs } from "./tokenize_args.ts";
 * const args = tokenizeArgs(["write n=10", "-RATE", "threads", "=", "4"]);
 * assert.deepEqual(args.command, { name: "write", params: ["n=10"] });
 * assert.deepEqual(args.groups, [{ name: "-rate", params: ["threads=4"] }]);
 * ```
 */
export function tokenizeArgs(argv: readonly string[]): TokenizedArgs {
  const tokens = argv.join(" ")
    .replace(SPACE_BEFORE, "$1")
    .replace(SPACE_AFTER, "$1")
    .split(WHITESPACE)
    .filter((token) => token.length > 0);
  if (tokens.length === 0) {
    throw new OptionError({
      option: "command",
      value: "",
      problem: "is missing",
      expected: "a command such as write, read, mixed, counter_write, counter_read, user, help",
    });
  }
  const seen = new Set<string>();
  const groups: ArgGroup[] = [];
  let name = tokens[0].toLowerCase();
  let params: string[] = [];
  const close = (): void => {
    if (seen.has(name)) {
      throw new OptionError({
        option: name,
        value: name,
        problem: "is defined multiple times",
        expected: "each option or command at most once",
      });
    }
    seen.add(name);
    groups.push({ name, params });
  };
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.startsWith("-")) {
      close();
      name = token.toLowerCase();
      params = [];
    } else {
      params.push(token);
    }
  }
  close();
  const [command, ...rest] = groups;
  return { tokens, command, groups: rest };
}
