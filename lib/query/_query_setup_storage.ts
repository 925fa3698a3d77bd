/**
 * Private helper of `query_setup.ts`: what the server has (the table, the timescaledb
 * extension) and which storage the table gets, loading the extension when it is available.
 * A TimescaleDB that is available but not preloaded stops the setup (see
 * `_query_setup_preload.ts`); any other failure to create the extension gives a plain table.
 *
 * @module
 */

import type postgres from "postgres";
import { firstLineOf } from "../errors.ts";
import { CPU_USAGE_TABLE } from "./cpu_usage.ts";
import { setupStep } from "./_query_setup_step.ts";
import {
  createExtensionError,
  notPreloadedError,
  readPreloadSettings,
} from "./_query_setup_preload.ts";

/** What the server has, and the storage chosen. */
export interface SetupStorage {
  /** The table exists already. */
  readonly exists: boolean;
  /** The timescaledb extension is installed in the database (before this setup). */
  readonly installed: boolean;
  /** The table is (to be) a hypertable. */
  readonly timescale: boolean;
  /** Why the table is what it is, for the `storage:` line. */
  readonly storageNote: string;
}

/**
 * Probes the server and picks a hypertable when timescaledb is available (creating the
 * extension if needed) and `--plain` was not given.
 *
 * @param sql The connection.
 * @param shownUrl The URL without its password, for messages.
 * @param plain Whether `--plain` was given.
 * @returns The server's state and the storage.
 * @throws {TargetError} When the server cannot be reached, or has timescaledb without preloading
 * it (and `--plain` was not given).
 */
export async function probeSetupStorage(
  sql: postgres.Sql,
  shownUrl: string,
  plain: boolean,
): Promise<SetupStorage> {
  const probe = await setupStep("connect", shownUrl, async () => {
    const [row] = await sql`SELECT
        to_regclass(${CPU_USAGE_TABLE}) IS NOT NULL AS exists,
        EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
        EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed`;
    return row as { exists: boolean; available: boolean; installed: boolean };
  });
  let timescale = probe.available && !plain;
  let storageNote = probe.available
    ? (plain ? "timescaledb available, --plain given" : "timescaledb")
    : "timescaledb not available";
  if (!timescale) {
    return { exists: probe.exists, installed: probe.installed, timescale, storageNote };
  }
  const settings = await setupStep("connect", shownUrl, () => readPreloadSettings(sql));
  const notPreloaded = notPreloadedError(settings, probe.installed, shownUrl);
  if (notPreloaded !== null) throw notPreloaded;
  if (!probe.installed) {
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS timescaledb`;
    } catch (error) {
      const failed = createExtensionError(error, settings, shownUrl);
      if (failed !== null) {
        // After a FATAL, postgres.js keeps the dead query and end() would wait out its timeout.
        await sql.end({ timeout: 0 });
        throw failed;
      }
      timescale = false;
      storageNote = `timescaledb cannot be loaded: ${firstLineOf(error)}`;
    }
  }
  return { exists: probe.exists, installed: probe.installed, timescale, storageNote };
}
