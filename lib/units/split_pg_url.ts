/**
 * Splits a `postgres://` connection URL into what {@linkcode PgWireClient} needs: host, port,
 * user, password and database (percent-decoded), and whether the URL asks for something that
 * client does not do (TLS, a Unix socket or several hosts). The host and the port may also be
 * given as libpq's `host=` and `port=` parameters (and the user, password and database as its
 * `user=`, `password=` and `dbname=`), and a host that is a folder
 * (`postgres://u@%2Fvar%2Frun%2Fpostgresql/db`, `?host=/var/run/postgresql`) is a Unix socket.
 *
 * @module
 */

import { parsePgUrl } from "./parse_pg_url.ts";

/** The parts of a `postgres://` URL. */
export interface PgUrlParts {
  /** The host name or address (IPv6 without brackets), or the socket's folder. */
  readonly hostname: string;
  /** The TCP port, or the socket's number (5432 when absent). */
  readonly port: number;
  /** The Unix socket's path (`<folder>/.s.PGSQL.<port>`) when the host is a folder, or null. */
  readonly socket: string | null;
  /** The user name (`postgres` when absent). */
  readonly user: string;
  /** The password, or `""` when absent. */
  readonly password: string;
  /** The database (the user name when absent). */
  readonly database: string;
  /** The URL asks for TLS: `sslmode=require|verify-ca|verify-full` or `ssl` other than false. */
  readonly tls: boolean;
  /** The URL needs more than plain TCP to one host: TLS, a Unix socket, several hosts. */
  readonly needsFullDriver: boolean;
}

const TLS_MODES = new Set(["require", "verify-ca", "verify-full"]);

/**
 * Parses a `postgres://` (or `postgresql://`) URL with {@linkcode parsePgUrl} and splits it
 * into its parts.
 *
 * @param url The connection URL.
 * @returns Its parts, with the defaults filled in.
 * @throws {OptionError} When it is not a `postgres://` URL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitPgUrl } from "./split_pg_url.ts";
 *
 * const url = splitPgUrl("postgres://bob:p%40ss@db.example:6543/?application_name=x");
 * assert.equal(url.user, "bob");
 * assert.equal(url.password, "p@ss");
 * assert.equal(url.database, "bob");
 * assert.equal(url.port, 6543);
 * assert.equal(url.tls, false);
 * assert.equal(splitPgUrl("postgres://h/db?sslmode=require").needsFullDriver, true);
 * assert.equal(splitPgUrl("postgres:///db?host=/tmp&port=5433").socket, "/tmp/.s.PGSQL.5433");
 * assert.equal(splitPgUrl("postgres://h?user=amy&dbname=sales").database, "sales");
 * ```
 */
export function splitPgUrl(url: string): PgUrlParts {
  const parsed = parsePgUrl(url);
  const query = parsed.searchParams;
  // libpq's user=, password= and dbname= win over the authority and the path, as host= does.
  const user = query.get("user") || decodeURIComponent(parsed.username) || "postgres";
  const path = query.get("dbname") ?? decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  const sslmode = parsed.searchParams.get("sslmode") ?? "";
  const ssl = parsed.searchParams.get("ssl");
  const tls = TLS_MODES.has(sslmode) ||
    (ssl !== null && ssl !== "false" && ssl !== "disable" && ssl !== "0");
  // libpq's host= and port= win over the authority; a percent-encoded folder is a socket.
  const hostname = parsed.searchParams.get("host") ??
    decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, "$1");
  const portText = parsed.searchParams.get("port") ?? parsed.port;
  const port = portText === "" ? 5432 : Number(portText);
  const socket = hostname.startsWith("/")
    ? `${hostname.replace(/\/$/, "")}/.s.PGSQL.${port}`
    : null;
  // A comma in the authority (several hosts) makes the URL parser fail or keep it in the host.
  const needsFullDriver = tls || socket !== null || hostname === "" || hostname.includes(",");
  return {
    hostname,
    port,
    socket,
    user,
    password: query.get("password") ?? decodeURIComponent(parsed.password),
    database: path === "" ? user : path,
    tls,
    needsFullDriver,
  };
}
