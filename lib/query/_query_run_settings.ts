/**
 * Private helpers of `query_run.ts`: its settings from the flags, and the probe of the server
 * (the table exists; time_bucket or date_bin).
 *
 * @module
 */

import postgres from "postgres";
import { TargetError, UsageError } from "../errors.ts";
import { type ListenAddress, parseListenAddress } from "../units/listen_address.ts";
import { parseDuration } from "../units/parse_duration.ts";
import type { MinuteQueryFlavor } from "./minute_query.ts";
import { parsePositive } from "../cli/parse_flags.ts";
import { parsePgUrl, redactPgUrl } from "./pg_url.ts";
import { firstLineOf } from "../errors.ts";

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** The settings of `query run`, from its flags. */
export interface QueryRunSettings {
  readonly url: URL;
  readonly workers: number;
  readonly file: string | null;
  readonly skipBadRows: boolean;
  readonly failFast: boolean;
  readonly timeoutMs: number;
  readonly prepare: boolean;
  readonly jsonPath: string | null;
  readonly hdrPath: string | null;
  readonly resultsPath: string | null;
  readonly intervalMs: number;
  readonly seed: number;
  readonly table: string;
  readonly prometheus: ListenAddress | null;
  readonly web: ListenAddress | null;
}

/**
 * Reads `query run`'s flags into settings.
 *
 * @param values The parsed flags.
 * @returns The settings.
 * @throws {UsageError} On a bad URL, table name, duration, count or address.
 */
export function settingsOf(
  values: Record<string, string | boolean | undefined>,
): QueryRunSettings {
  const url = parsePgUrl("query run", values.url as string | undefined);
  const table = values.table as string;
  if (!TABLE_NAME.test(table)) {
    throw new UsageError(
      `Cannot parse --table: "${table}" is invalid, expected a table name such as cpu_usage`,
    );
  }
  const optionalPath = (name: string) => (values[name] as string | undefined) ?? null;
  return {
    url,
    workers: parsePositive("--workers", values.workers as string, { integer: true }),
    file: optionalPath("file") === "-" ? null : optionalPath("file"),
    skipBadRows: values["skip-bad-rows"] === true,
    failFast: values["fail-fast"] === true,
    timeoutMs: values.timeout === undefined
      ? 0
      : parseDuration(values.timeout as string, "--timeout", { units: ["ms", "s", "m"] }),
    prepare: values["no-prepare"] !== true,
    jsonPath: optionalPath("json"),
    hdrPath: optionalPath("hdr-log"),
    resultsPath: optionalPath("results"),
    intervalMs: parseDuration(values.interval as string, "--interval", {
      units: ["ms", "s", "m"],
    }),
    seed: parsePositive("--seed", String(Number(values.seed) + 1), { integer: true }) - 1,
    table,
    prometheus: values.prometheus === undefined
      ? null
      : parseListenAddress("--prometheus", values.prometheus as string),
    web: values.web === undefined ? null : parseListenAddress("--web", values.web as string),
  };
}

/** What the server offers: the bucket function and a description. */
export interface ServerProbe {
  readonly flavor: MinuteQueryFlavor;
  readonly description: string;
}

/**
 * Connects once, checks the table and picks time_bucket or date_bin.
 *
 * @param settings Where to connect and the table.
 * @returns The query flavour and a description of the server.
 * @throws {TargetError} When the server cannot be reached, lacks the table or both functions.
 */
export async function probeServer(settings: QueryRunSettings): Promise<ServerProbe> {
  const shown = redactPgUrl(settings.url);
  const sql = postgres(settings.url.href, {
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "stress query run" },
  });
  try {
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
    if (error instanceof TargetError) throw error;
    throw new TargetError(`Cannot connect to "${shown}": ${firstLineOf(error)}`, { cause: error });
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
