/**
 * Opens the run database of `stress disk server`: {@linkcode openRunStore} picks SQLite for a
 * file path and PostgreSQL for a `postgres://` URL. The interface and records of a store are in
 * `run_store_types.ts`.
 *
 * @module
 */

import { TargetError } from "../../errors.ts";
import { redactCommandLine } from "../../cli/redact_command_line.ts";
import type { RunStore, RunStoreOptions } from "./run_store_types.ts";
import { PgRunStore } from "./pg_run_store.ts";
import { SqliteRunStore } from "./sqlite_run_store.ts";

/** The SQLite file used when no `--db` is given. */
export const DEFAULT_RUN_DB = "runs.sqlite";

/** Options of {@linkcode openRunStore}. */
export interface OpenRunStoreOptions extends RunStoreOptions {
  /**
   * Refuse to create a SQLite file that is not there yet (for readers such as
   * `stress disk report`).
   *
   * @default {false}
   */
  mustExist?: boolean;
}

/**
 * Whether a `--db` value names a PostgreSQL database (a `postgres://` or `postgresql://` URL).
 *
 * @param target The `--db` value.
 * @returns True for a PostgreSQL URL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPostgresTarget } from "./run_store.ts";
 * assert.equal(isPostgresTarget("postgres://u@db:5432/runs"), true);
 * assert.equal(isPostgresTarget("runs.sqlite"), false);
 * ```
 */
export function isPostgresTarget(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * The SQLite file a `--db` value names (`runs.sqlite` inside it when it is a directory), or null
 * for a PostgreSQL URL.
 *
 * @param target The `--db` value.
 * @returns The file's path, or null.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqlitePathOf } from "./run_store.ts";
 * const dir = Deno.makeTempDirSync();
 * assert.equal(sqlitePathOf(`${dir}/`), `${dir}/runs.sqlite`);
 * assert.equal(sqlitePathOf(`${dir}/x.db`), `${dir}/x.db`);
 * assert.equal(sqlitePathOf("postgres://u@db/runs"), null);
 * Deno.removeSync(dir);
 * ```
 */
export function sqlitePathOf(target: string): string | null {
  if (isPostgresTarget(target)) return null;
  try {
    if (Deno.statSync(target).isDirectory) return `${target.replace(/\/+$/, "")}/${DEFAULT_RUN_DB}`;
  } catch {
    // Not there yet (SqliteRunStore.open explains a missing directory).
  }
  return target;
}

/**
 * Opens (creating it when missing) the run database: PostgreSQL for a `postgres://` or
 * `postgresql://` URL, otherwise the SQLite file at the path (`runs.sqlite` inside it when the
 * path is a directory).
 *
 * @param target The `--db` value.
 * @param options Heartbeat batching.
 * @returns The open store.
 * @throws {TargetError} When the database cannot be opened or reached, is not a SQLite file, or
 * holds another schema version, or the target is a URL of another scheme.
 * @throws {OptionError} When it is a `postgres://` URL that does not parse.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { openRunStore } from "./run_store.ts";
 * const dir = await Deno.makeTempDir();
 * const store = await openRunStore(dir);
 * const runId = await store.createRun({
 *   startedAtMs: 1000,
 *   tcpPort: 42000,
 *   hbAddress: "239.0.0.1",
 *   hbPort: 10001,
 * });
 * assert.equal((await store.listRuns())[0].id, runId);
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function openRunStore(
  target: string = DEFAULT_RUN_DB,
  options: OpenRunStoreOptions = {},
): Promise<RunStore> {
  if (isPostgresTarget(target)) return await PgRunStore.open(target, options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    // Not a path either; shown without the password it may hold.
    throw new TargetError(
      `Cannot open run database "${redactCommandLine([target])[0]}": not a postgres:// URL, ` +
        `expected a SQLite file path or postgres://user:password@host:port/database`,
    );
  }
  const path = sqlitePathOf(target) ?? target;
  if (options.mustExist) {
    try {
      await Deno.stat(path);
    } catch (error) {
      throw new TargetError(
        `Cannot open run database "${path}": it does not exist, expected the --db of a stress disk server`,
        { cause: error },
      );
    }
  }
  return await SqliteRunStore.open(path, options);
}
