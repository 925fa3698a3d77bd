/**
 * Where postgres.js (`npm:postgres`) connects for a `postgres://` URL, read the way
 * {@linkcode splitPgUrl} reads it. postgres.js 3.4.9 reads the URL's host by splitting it at `:`
 * (an IPv6 address such as `[::1]` becomes `[`), never percent-decodes it (a socket folder
 * `%2Ftmp` is looked up as a host name), sends a `host=` or `port=` parameter to the server as a
 * setting (which the server refuses), and does not percent-decode the database. So the host,
 * port, socket, user, password and database are given as options, and libpq's `host=`, `port=`,
 * `user=`, `password=` and `dbname=` are taken out of the URL.
 *
 * @module
 */

import { splitPgUrl } from "./split_pg_url.ts";

/** The connection options postgres.js takes over its URL's. */
export interface PostgresJsTarget {
  /** The URL without libpq's `host=`, `port=`, `user=`, `password=`, `dbname=` (its other
   * parameters, `sslmode=` say, still apply). */
  readonly url: string;
  /**
   * The options that override the URL's host, port, socket, user, password and database. The
   * host and the port are one-entry arrays, which postgres.js reads as they are (a string host
   * is split at `:`), although its `Options` type says a string and a number.
   */
  readonly options: {
    readonly host?: string;
    readonly port?: number;
    readonly path?: string;
    readonly user: string;
    readonly pass: string;
    readonly database: string;
  };
}

/** The URL parameters libpq reads as the connection's, not as server settings. */
const LIBPQ_PARAMS = ["host", "port", "user", "password", "dbname"];

/** A one-entry array typed as its entry, for postgres.js's `host` and `port`. */
function oneHost<T>(value: T): T {
  return [value] as unknown as T;
}

/**
 * The URL and options to give postgres.js for `url`: `postgres(target.url, { ...target.options,
 * ...others })`.
 *
 * @param url A `postgres://` URL.
 * @returns The URL without `host=`/`port=`, and the options that say where to connect.
 * @throws {OptionError} When it is not a `postgres://` URL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { postgresJsTarget } from "./postgres_js_target.ts";
 *
 * const ipv6 = postgresJsTarget("postgres://u:p%40ss@[::1]:6000/my%20db");
 * assert.deepEqual(ipv6.options, {
 *   host: ["::1"],
 *   port: [6000],
 *   user: "u",
 *   pass: "p@ss",
 *   database: "my db",
 * });
 * const socket = postgresJsTarget("postgres://u@%2Ftmp/db?host=/run/pg&sslmode=disable");
 * assert.equal(socket.options.path, "/run/pg/.s.PGSQL.5432");
 * assert.equal(socket.url, "postgres://u@%2Ftmp/db?sslmode=disable");
 * ```
 */
export function postgresJsTarget(url: string): PostgresJsTarget {
  const parts = splitPgUrl(url);
  const stripped = new URL(url);
  // libpq's parameters, which postgres.js would send to the server as settings.
  for (const name of LIBPQ_PARAMS) stripped.searchParams.delete(name);
  const who = { user: parts.user, pass: parts.password, database: parts.database };
  // No host (postgres.js's localhost) or several (postgres.js splits them): its own reading.
  if (parts.hostname === "" || parts.hostname.includes(",")) {
    return { url: stripped.href, options: who };
  }
  return {
    url: stripped.href,
    options: {
      host: oneHost(parts.hostname),
      port: oneHost(parts.port),
      ...(parts.socket === null ? {} : { path: parts.socket }),
      ...who,
    },
  };
}
