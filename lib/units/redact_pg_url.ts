/**
 * A PostgreSQL URL in a form safe to print: without its password.
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
