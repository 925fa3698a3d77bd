/**
 * The `--url` of the `stress query` commands: parsing, and a form safe to print.
 *
 * @module
 */

import { OptionError, UsageError } from "../errors.ts";

/**
 * Parses a `postgres://` or `postgresql://` URL given to `--url`.
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
 * import { parsePgUrl } from "./pg_url.ts";
 * assert.equal(parsePgUrl("query run", "postgres://u@127.0.0.1:5432/db").port, "5432");
 * assert.throws(() => parsePgUrl("query run", "http://127.0.0.1"), /expected a URL/);
 * assert.throws(() => parsePgUrl("query run", undefined), /--url is missing/);
 * ```
 */
export function parsePgUrl(command: string, text: string | undefined): URL {
  if (text === undefined) {
    throw new UsageError(
      `Cannot run "${command}": --url is missing, expected --url postgres://...`,
    );
  }
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (url === null || !/^postgres(ql)?:$/.test(url.protocol)) {
    throw new OptionError({
      option: "--url",
      value: text,
      expected: "a URL such as postgres://user@host:5432/database",
    });
  }
  return url;
}

/**
 * The URL with its password replaced by `***`, for messages.
 *
 * @param url A parsed URL.
 * @returns Its text, without the password.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactPgUrl } from "./pg_url.ts";
 * assert.equal(
 *   redactPgUrl(new URL("postgres://u:secret@127.0.0.1/db")),
 *   "postgres://u:***@127.0.0.1/db",
 * );
 * ```
 */
export function redactPgUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== "") copy.password = "***";
  return copy.href;
}
