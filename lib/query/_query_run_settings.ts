/**
 * Private helper of `query_run.ts`: its settings from the flags.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { type ListenAddress, parseListenAddress } from "../units/listen_address.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { parseInteger, parsePositive } from "../cli/parse_flags.ts";
import { requirePgUrl } from "./require_pg_url.ts";

/** How many skipped or bad rows are printed one by one before the rest are only counted. */
export const MAX_SHOWN_BAD_ROWS = 20;
/** The most Workers a run starts: each is a thread with its own connection. */
export const MAX_WORKERS = 1024;

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** The settings of `query run`, from its flags. */
export interface QueryRunSettings {
  readonly url: URL;
  readonly workers: number;
  readonly file: string | null;
  readonly skipBadRows: boolean;
  readonly failFast: boolean;
  /** `--fail-if-limited`: exit 4 when the loader itself was a limit of the run. */
  readonly failIfLimited: boolean;
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
  const url = requirePgUrl("query run", values.url as string | undefined);
  const table = values.table as string;
  if (!TABLE_NAME.test(table)) {
    throw new UsageError(
      `Cannot parse --table: "${table}" is invalid, expected a table name such as cpu_usage`,
    );
  }
  const optionalPath = (name: string) => (values[name] as string | undefined) ?? null;
  return {
    url,
    workers: workersOf(values.workers as string),
    file: optionalPath("file") === "-" ? null : optionalPath("file"),
    skipBadRows: values["skip-bad-rows"] === true,
    failFast: values["fail-fast"] === true,
    failIfLimited: values["fail-if-limited"] === true,
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
    seed: parseInteger("--seed", values.seed as string, { min: 0 }),
    table,
    prometheus: values.prometheus === undefined
      ? null
      : parseListenAddress("--prometheus", values.prometheus as string),
    web: values.web === undefined ? null : parseListenAddress("--web", values.web as string),
  };
}

/** `--workers`: a positive integer, at most {@linkcode MAX_WORKERS}. */
function workersOf(text: string): number {
  const workers = parsePositive("--workers", text, { integer: true });
  if (workers > MAX_WORKERS) {
    throw new UsageError(
      `Cannot parse --workers: "${text}" is too many, expected a positive integer of at most ` +
        `${MAX_WORKERS} (each Worker is a thread with its own connection to the database)`,
    );
  }
  return workers;
}
