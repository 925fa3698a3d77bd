/**
 * Private helper of `disk_server.ts`: its files, checked before the run (`--db`, `--log` and
 * `--report` must be three files; `--report` must be writable) and the report written at its end.
 *
 * @module
 */

import { refuseSharedFiles } from "../cli/distinct_files.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";
import { sqlitePathOf } from "./driver/run_store.ts";
import type { ServerSettings } from "./_disk_server_settings.ts";

const REPORT = "--report";

/** The files SQLite keeps next to a database: its write-ahead log, shared memory and journal. */
const SQLITE_SIDE_FILES = ["-wal", "-shm", "-journal"];

/**
 * Checks the server's files before anything is opened: `--log` and `--report` may not name the
 * `--db` file (a SQLite path; a postgres:// URL has none), its `-wal`, `-shm` or `-journal`
 * file, or each other, and `--report` must be a file the run can write at its end.
 *
 * @param settings The server's settings.
 * @throws {UsageError} One line naming the option and the file.
 */
export function checkServerFiles(settings: ServerSettings): void {
  const db = sqlitePathOf(settings.db);
  refuseSharedFiles([
    { option: "--db", path: db, input: true },
    // SQLite's own files next to the database hold committed runs too (WAL mode).
    ...SQLITE_SIDE_FILES.map((suffix) => ({
      option: `--db (its ${suffix} file)`,
      path: db === null ? null : `${db}${suffix}`,
      input: true,
    })),
    { option: "--log", path: settings.logPath },
    { option: REPORT, path: settings.reportPath },
  ]);
  // A folder, a read-only file or a missing folder fails now; a device or pipe is not checked.
  if (settings.reportPath !== null) checkReplaceable(settings.reportPath, REPORT);
}

/**
 * Writes the report to `--report`: a regular file is replaced whole (through a sibling, so a
 * crash leaves the old file), a device or pipe is written in place.
 *
 * @param path The `--report` path.
 * @param text The report as JSON text.
 * @throws {UsageError} One line when it cannot be written.
 */
export function writeReportFile(path: string, text: string): void {
  replaceFile(path, REPORT, text);
}
