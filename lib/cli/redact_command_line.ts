/**
 * The command line as files and reports show it: without the secrets it was given.
 *
 * @module
 */

import { maskUrlPasswords } from "../units/redact_pg_url.ts";

/** `password=`, `truststore-password=`, `keystore-password=` (cassandra-stress options). */
const PASSWORD_OPTION = /(^|[\s,(])((?:truststore-|keystore-)?password=)\S*/gi;
/** Flags whose next argument is a secret (`--token T`, `--password P`). */
const SECRET_FLAGS = new Set(["--token", "--password"]);

/**
 * The arguments with every secret masked: the values of `password=`, `truststore-password=` and
 * `keystore-password=` and of the flags `--token` and `--password` (also as `--token=T`) become
 * `*suppressed*` (as the settings dump prints the password), and the password of a URL
 * (`postgres://user:password@host/db`) becomes `***`.
 *
 * @param args The command line, one argument per element.
 * @returns A copy without the secrets.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactCommandLine } from "./redact_command_line.ts";
 * assert.deepEqual(
 *   redactCommandLine(["write", "-mode", "user=u", "password=pw", "--token", "t"]),
 *   ["write", "-mode", "user=u", "password=*suppressed*", "--token", "*suppressed*"],
 * );
 * assert.deepEqual(
 *   redactCommandLine(["query", "run", "--url", "postgres://u:pw@127.0.0.1/db"]),
 *   ["query", "run", "--url", "postgres://u:***@127.0.0.1/db"],
 * );
 * ```
 */
export function redactCommandLine(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (i > 0 && SECRET_FLAGS.has(args[i - 1])) return "*suppressed*";
    const eq = arg.indexOf("=");
    if (eq > 0 && SECRET_FLAGS.has(arg.slice(0, eq))) return `${arg.slice(0, eq)}=*suppressed*`;
    return maskUrlPasswords(arg.replace(PASSWORD_OPTION, "$1$2*suppressed*"));
  });
}
