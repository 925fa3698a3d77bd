/**
 * Private helper of `pg_wire_client.ts`: the errors it throws carry a `code`, as
 * `queryErrorKind` reads it.
 *
 * @module
 */

/**
 * An `Error` with a `code` (and any other fields, such as `cause` or `severity`).
 *
 * @param message The message.
 * @param code The SQLSTATE, the socket's code or our own (`CONNECT_TIMEOUT`).
 * @param extra More fields to set on the error.
 * @returns The error.
 */
export function codedError(
  message: string,
  code: string,
  extra: Record<string, unknown> = {},
): Error & { code: string } {
  const error = new Error(message) as Error & { code: string };
  Object.assign(error, { code, ...extra });
  return error;
}

/**
 * The error of a query on a closed or lost connection: `CONNECTION_CLOSED`, or the socket's
 * `E...` code when `cause` has one.
 *
 * @param cause What the socket threw, if anything.
 * @returns The error.
 */
export function closedError(cause?: unknown): Error & { code: string } {
  const code = typeof cause === "object" && cause !== null && "code" in cause &&
      /^E[A-Z]+$/.test(String((cause as { code: unknown }).code))
    ? String((cause as { code: unknown }).code)
    : "CONNECTION_CLOSED";
  return codedError(`Cannot run the query: the connection is closed (${code})`, code, { cause });
}
