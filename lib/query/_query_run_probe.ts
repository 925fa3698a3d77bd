/**
 * Private helper of `query_run.ts`: the probe of the server before the run (the table exists;
 * time_bucket or date_bin).
 *
 * @module
 */

import postgres from "postgres";
import { firstLineOf, InterruptedError, TargetError } from "../errors.ts";
import type { MinuteQueryFlavor } from "./minute_query.ts";
import { postgresJsTarget } from "../units/postgres_js_target.ts";
import { redactPgUrl } from "../units/redact_pg_url.ts";
import type { QueryRunSettings } from "./_query_run_settings.ts";

/** What the server offers: the bucket function and a description. */
export interface ServerProbe {
  readonly flavor: MinuteQueryFlavor;
  readonly description: string;
}

/**
 * Connects once, checks the table and picks time_bucket or date_bin.
 *
 * @param settings Where to connect and the table.
 * @param signal Ctrl-C: gives up the probe at once (a server that does not answer would hold it
 * for the 10 s connect timeout).
 * @returns The query flavour and a description of the server.
 * @throws {TargetError} When the server cannot be reached, lacks the table or both functions.
 * @throws {InterruptedError} When the signal aborted the probe.
 */
export async function probeServer(
  settings: QueryRunSettings,
  signal?: AbortSignal,
): Promise<ServerProbe> {
  const shown = redactPgUrl(settings.url);
  const target = postgresJsTarget(settings.url.href);
  const sql = postgres(target.url, {
    ...target.options,
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "stress query run" },
  });
  const giveUp = () => void sql.end({ timeout: 0 }).catch(() => {});
  signal?.addEventListener("abort", giveUp, { once: true });
  try {
    if (signal?.aborted) giveUp();
    const [row] = await sql`SELECT
      current_setting('server_version') AS version,
      current_setting('server_version_num')::int AS version_num,
      (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS timescale,
      to_regclass(${settings.table}) IS NOT NULL AS table_exists`;
    if (!row.table_exists) {
      throw new TargetError(
        `Cannot run "query run" on "${shown}": table "${settings.table}" does not exist, expected it set up by stress query setup --url ...`,
      );
    }
    const timescale = row.timescale as string | null;
    if (timescale === null && (row.version_num as number) < 140000) {
      throw new TargetError(
        `Cannot run "query run" on "${shown}": PostgreSQL ${row.version} has neither date_bin (14+) nor the timescaledb extension, expected one of them`,
      );
    }
    return timescale === null
      ? {
        flavor: "postgres",
        description: `date_bin on PostgreSQL ${row.version} (timescaledb not installed)`,
      }
      : {
        flavor: "timescaledb",
        description: `time_bucket on PostgreSQL ${row.version} with timescaledb ${timescale}`,
      };
  } catch (error) {
    if (signal?.aborted) throw new InterruptedError("Run interrupted: no query was run");
    if (error instanceof TargetError) throw error;
    throw new TargetError(`Cannot connect to "${shown}": ${firstLineOf(error)}`, { cause: error });
  } finally {
    signal?.removeEventListener("abort", giveUp);
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
