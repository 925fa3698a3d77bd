/**
 * The one parser of a PostgreSQL connection URL: text to a `postgres://` or `postgresql://`
 * {@linkcode URL}.
 *
 * @module
 */

import { OptionError } from "../errors.ts";
import { maskUrlPasswords } from "./redact_pg_url.ts";

const PG_SCHEME = /^postgres(ql)?:$/;

/**
 * Parses a `postgres://` or `postgresql://` URL (the value of `--url`, or of `disk --db`).
 *
 * @param text The URL.
 * @param option The flag it was given to, for messages.
 * @returns The parsed URL.
 * @throws {OptionError} When it is not a URL, not a PostgreSQL one, or has a `%` that is not
 * an escape (`%25` is one).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePgUrl } from "./parse_pg_url.ts";
 * assert.equal(parsePgUrl("postgres://u@127.0.0.1:5432/db").port, "5432");
 * assert.throws(() => parsePgUrl("http://127.0.0.1"), /expected a URL/);
 * assert.throws(() => parsePgUrl("not a url"), /expected a URL/);
 * assert.throws(() => parsePgUrl("http://u:pw@127.0.0.1"), /"http:\/\/u:\*\*\*@127\.0\.0\.1"/);
 * ```
 */
export function parsePgUrl(text: string, option = "--url"): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw invalidPgUrl(option, text, error);
  }
  if (!PG_SCHEME.test(url.protocol)) throw invalidPgUrl(option, text);
  // Both clients percent-decode these parts: a bare % (a password such as 50%off) would fail
  // there, deep in a connection, instead of here.
  for (const part of [url.username, url.password, url.hostname, url.pathname]) {
    try {
      decodeURIComponent(part);
    } catch (error) {
      throw invalidPgUrl(option, text, error, {
        problem: "has a % that is not followed by two hex digits",
        expected: "a URL whose user, password, host and database write % as %25",
      });
    }
  }
  return url;
}

function invalidPgUrl(
  option: string,
  text: string,
  cause?: unknown,
  why: { problem?: string; expected: string } = {
    expected: "a URL such as postgres://user@host:5432/database",
  },
): OptionError {
  return new OptionError({
    option,
    // Never the password, even of a URL that does not parse.
    value: maskUrlPasswords(text),
    ...why,
  }, { cause });
}
