/**
 * Private helper of `query_setup.ts`: a TimescaleDB that is installed on the server but not in
 * `shared_preload_libraries` (the state right after installing the package). TimescaleDB then
 * refuses `CREATE EXTENSION timescaledb` with `extension "timescaledb" must be preloaded` at
 * FATAL level, which ends the session, so the setup reads the setting first and stops with what
 * to do instead of creating a table the user did not ask for.
 *
 * @module
 */

import type postgres from "postgres";
import { firstLineOf, TargetError } from "../errors.ts";

/** TimescaleDB's message when its library is not preloaded. */
export const NOT_PRELOADED_MESSAGE = 'extension "timescaledb" must be preloaded';

/** What the server says about preloading, `null` where the role may not read it. */
export interface PreloadSettings {
  /** `shared_preload_libraries` as SHOW prints it, e.g. `pg_stat_statements`. */
  readonly preload: string | null;
  /** `config_file`, the postgresql.conf to edit. */
  readonly configFile: string | null;
  /** `timescaledb.allow_install_without_preload` is `on` (TimescaleDB then skips its check). */
  readonly allowWithoutPreload: boolean;
}

/**
 * Reads the settings; both are readable by superusers and `pg_read_all_settings` only, so a
 * failure leaves them `null`.
 *
 * @param sql The connection (not in a transaction).
 * @returns The settings.
 */
export async function readPreloadSettings(sql: postgres.Sql): Promise<PreloadSettings> {
  const [row] = await sql`SELECT
      current_setting('timescaledb.allow_install_without_preload', true) AS allow`;
  const allowWithoutPreload = row.allow === "on";
  try {
    const [settings] = await sql`SELECT current_setting('shared_preload_libraries') AS preload,
        current_setting('config_file') AS config_file`;
    return { preload: settings.preload, configFile: settings.config_file, allowWithoutPreload };
  } catch {
    return { preload: null, configFile: null, allowWithoutPreload };
  }
}

/** The entries of a `shared_preload_libraries` value, without quotes. */
function entriesOf(preload: string): string[] {
  return preload.split(",").map((entry) => entry.trim().replace(/^"(.*)"$/, "$1")).filter((
    entry,
  ) => entry !== "");
}

/**
 * Whether a `shared_preload_libraries` value loads TimescaleDB (`timescaledb`, or a path to it).
 *
 * @param preload The setting's value.
 * @returns Whether `timescaledb` is among its libraries.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { preloadsTimescale } from "./_query_setup_preload.ts";
 * assert.equal(preloadsTimescale("pg_stat_statements, timescaledb"), true);
 * assert.equal(preloadsTimescale('"$libdir/timescaledb.so"'), true);
 * assert.equal(preloadsTimescale(""), false);
 * ```
 */
export function preloadsTimescale(preload: string): boolean {
  return entriesOf(preload).some((entry) =>
    entry.slice(entry.lastIndexOf("/") + 1).replace(/\.(so|dylib|dll)$/, "") === "timescaledb"
  );
}

/**
 * What to do about a TimescaleDB that is not preloaded: the exact setting to put in the config
 * file, and `--plain` when the extension is not created in the database yet.
 *
 * @param settings The server's settings.
 * @param installed The extension is created in the database already.
 * @returns The advice, starting with a verb.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { preloadAdvice } from "./_query_setup_preload.ts";
 * assert.equal(
 *   preloadAdvice(
 *     { preload: "pg_stat_statements", configFile: "/etc/pg.conf", allowWithoutPreload: false },
 *     false,
 *   ),
 *   "set shared_preload_libraries = 'pg_stat_statements, timescaledb' in /etc/pg.conf and " +
 *     "restart the server, or give --plain for a plain table",
 * );
 * ```
 */
export function preloadAdvice(settings: PreloadSettings, installed: boolean): string {
  const where = settings.configFile ?? "postgresql.conf (SHOW config_file names it)";
  const set = settings.preload === null
    ? `add 'timescaledb' to shared_preload_libraries in ${where}`
    : `set shared_preload_libraries = '${
      [...entriesOf(settings.preload), "timescaledb"].join(", ")
    }' in ${where}`;
  return `${set} and restart the server${installed ? "" : ", or give --plain for a plain table"}`;
}

/**
 * The error when the settings say TimescaleDB is not preloaded (so nothing was tried), or
 * `null` when it is (or the settings cannot be read, or TimescaleDB's check is disabled).
 *
 * @param settings The server's settings.
 * @param installed The extension is created in the database already.
 * @param shownUrl The URL without its password.
 * @returns The error to throw, or `null`.
 */
export function notPreloadedError(
  settings: PreloadSettings,
  installed: boolean,
  shownUrl: string,
): TargetError | null {
  if (settings.preload === null || settings.allowWithoutPreload) return null;
  if (preloadsTimescale(settings.preload)) return null;
  return new TargetError(
    `Cannot use timescaledb on "${shownUrl}": the server has the extension but does not ` +
      `preload it (shared_preload_libraries is '${settings.preload}'), and TimescaleDB then ` +
      `refuses with "${NOT_PRELOADED_MESSAGE}"; ${preloadAdvice(settings, installed)}`,
  );
}

/**
 * The error for a failed `CREATE EXTENSION timescaledb` that says the library is not preloaded
 * (the server's message), or that ended the session (TimescaleDB's check is FATAL, and the
 * client then reports a closed connection); `null` for any other failure.
 *
 * @param error The failure.
 * @param settings The server's settings.
 * @param shownUrl The URL without its password.
 * @returns The error to throw, or `null`.
 */
export function createExtensionError(
  error: unknown,
  settings: PreloadSettings,
  shownUrl: string,
): TargetError | null {
  const message = firstLineOf(error);
  const closed = (error as { code?: unknown } | null)?.code === "CONNECTION_CLOSED";
  if (!message.includes(NOT_PRELOADED_MESSAGE) && !closed) return null;
  const reason = closed
    ? `the server ended the session (${message}), as TimescaleDB does when it is not preloaded ` +
      `("${NOT_PRELOADED_MESSAGE}")`
    : message;
  return new TargetError(
    `Cannot create extension timescaledb on "${shownUrl}": ${reason}; ${
      preloadAdvice(settings, false)
    }`,
    { cause: error },
  );
}
