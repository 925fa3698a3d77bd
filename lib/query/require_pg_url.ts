/**
 * The `--url` of the `stress query` commands: required, and parsed by
 * {@linkcode parsePgUrl}.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { parsePgUrl } from "../units/parse_pg_url.ts";

/**
 * Checks that `--url` was given and parses it with {@linkcode parsePgUrl}.
 *
 * @param command The command, for the message when the flag is missing (`query setup`).
 * @param text The flag's value, or undefined when it was not given.
 * @returns The URL.
 * @throws {UsageError} When `--url` is missing.
 * @throws {OptionError} When it is not a PostgreSQL URL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { requirePgUrl } from "./require_pg_url.ts";
 * assert.equal(requirePgUrl("query run", "postgres://u@127.0.0.1:5432/db").port, "5432");
 * assert.throws(() => requirePgUrl("query run", "http://127.0.0.1"), /expected a URL/);
 * assert.throws(() => requirePgUrl("query run", undefined), /--url is missing/);
 * ```
 */
export function requirePgUrl(command: string, text: string | undefined): URL {
  if (text === undefined) {
    throw new UsageError(
      `Cannot run "${command}": --url is missing, expected --url postgres://...`,
    );
  }
  return parsePgUrl(text);
}
