/**
 * Splits a `postgres://` connection URL into what {@linkcode PgWireClient} needs: host, port,
 * user, password and database (percent-decoded), and whether the URL asks for something that
 * client does not do (TLS, a Unix socket or several hosts).
 *
 * @module
 */

import { parsePgUrl } from "../parse_pg_url.ts";

/** The parts of a `postgres://` URL. */
export interface PgUrlParts {
  /** The host name or address (IPv6 without brackets). */
  readonly hostname: string;
  /** The TCP port (5432 when absent). */
  readonly port: number;
  /** The user name (`postgres` when absent). */
  readonly user: string;
  /** The password, or `""` when absent. */
  readonly password: string;
  /** The database (the user name when absent). */
  readonly database: string;
  /** The URL asks for TLS: `sslmode=require|verify-ca|verify-full` or `ssl` other than false. */
  readonly tls: boolean;
  /** The URL needs more than plain TCP to one host: TLS, a `host=` parameter, several hosts. */
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
 * ```
 */
export function splitPgUrl(url: string): PgUrlParts {
  const parsed = parsePgUrl(url);
  const user = decodeURIComponent(parsed.username) || "postgres";
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  const sslmode = parsed.searchParams.get("sslmode") ?? "";
  const ssl = parsed.searchParams.get("ssl");
  const tls = TLS_MODES.has(sslmode) ||
    (ssl !== null && ssl !== "false" && ssl !== "disable" && ssl !== "0");
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  // A comma in the authority (several hosts) makes the URL parser fail or keep it in the host.
  const needsFullDriver = tls || hostname === "" || hostname.includes(",") ||
    parsed.searchParams.has("host");
  return {
    hostname,
    port: parsed.port === "" ? 5432 : Number(parsed.port),
    user,
    password: decodeURIComponent(parsed.password),
    database: path === "" ? user : path,
    tls,
    needsFullDriver,
  };
}
