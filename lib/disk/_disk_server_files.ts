/**
 * Private helper of `disk_server.ts`: its files, checked before the run (`--db`, `--log` and
 * `--report` must be three files; `--report` must be writable) and the report written at its end.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";
import { refuseSharedFiles } from "../cli/distinct_files.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";
import { sqlitePathOf } from "./driver/run_store.ts";
import type { ServerSettings } from "./_disk_server_settings.ts";

const REPORT = "--report";

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

/** The file a regular `--report` names: through a link, the file it points to. */
function regularTarget(path: string, info: Deno.FileInfo | null): string {
  return info === null ? path : Deno.realPathSync(path);
}

/** A device or a pipe (`/dev/stdout`): written in place, never replaced. */
function isSpecial(info: Deno.FileInfo | null): boolean {
  return info !== null && !info.isFile && !info.isDirectory;
}

/**
 * Checks the server's files before anything is opened: `--log` and `--report` may not name the
 * `--db` file (a SQLite path; a postgres:// URL has none) or each other, and `--report` must be
 * a file the run can write at its end.
 *
 * @param settings The server's settings.
 * @throws {UsageError} One line naming the option and the file.
 */
export function checkServerFiles(settings: ServerSettings): void {
  refuseSharedFiles([
    { option: "--db", path: sqlitePathOf(settings.db), input: true },
    { option: "--log", path: settings.logPath },
    { option: REPORT, path: settings.reportPath },
  ]);
  const path = settings.reportPath;
  if (path === null) return;
  const info = statOrNull(path);
  if (info?.isDirectory) {
    throw new UsageError(
      `Cannot write the file of ${REPORT} "${path}": it is a directory, expected a file`,
    );
  }
  if (!isSpecial(info)) checkReplaceable(regularTarget(path, info), REPORT);
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
  const info = statOrNull(path);
  if (!isSpecial(info)) {
    // Through a link, the file it points to is replaced, not the link.
    replaceFile(regularTarget(path, info), REPORT, text);
    return;
  }
  try {
    const file = Deno.openSync(path, { write: true });
    try {
      const bytes = new TextEncoder().encode(text);
      let offset = 0;
      while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
    } finally {
      file.close();
    }
  } catch (error) {
    throw new UsageError(`Cannot write the file of ${REPORT} "${path}": ${firstLineOf(error)}`, {
      cause: error,
    });
  }
}
