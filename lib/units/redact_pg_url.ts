/**
 * A PostgreSQL URL in a form safe to print: without its password; and any text with the
 * passwords of the URLs it quotes masked.
 *
 * @module
 */

/**
 * The URL with its password (in the authority or as libpq's `password=`) replaced by `***`,
 * for messages.
 *
 * @param url A parsed URL.
 * @returns Its text, without the password.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactPgUrl } from "./redact_pg_url.ts";
 * assert.equal(
 *   redactPgUrl(new URL("postgres://u:secret@127.0.0.1/db")),
 *   "postgres://u:***@127.0.0.1/db",
 * );
 * ```
 */
export function redactPgUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== "") copy.password = "***";
  // libpq's password= parameter.
  if (copy.searchParams.has("password")) copy.searchParams.set("password", "***");
  return copy.href;
}

/** The password of a `scheme://user:password@host` URL (up to its last `@`: it may hold one). */
const URL_PASSWORD = /(\/\/[^:/@\s]*):[^/\s]*@/g;
/** libpq's `password=` parameter of a URL (`postgres://u@h/db?password=P`). */
const URL_PASSWORD_PARAM = /([?&]password=)[^&#\s]*/gi;

/**
 * Text with the password of every URL in it replaced by `***`, in the authority and as libpq's
 * `password=`: for text that need not parse (a URL refused as malformed, a driver's message).
 *
 * @param text Any text.
 * @returns The text without the URLs' passwords.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskUrlPasswords } from "./redact_pg_url.ts";
 * assert.equal(
 *   maskUrlPasswords("bad: postgres://u:s@h:99999/db?password=p&x=1"),
 *   "bad: postgres://u:***@h:99999/db?password=***&x=1",
 * );
 * ```
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, "$1:***@").replace(URL_PASSWORD_PARAM, "$1***");
}
