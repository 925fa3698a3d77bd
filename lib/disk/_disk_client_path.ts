/**
 * Private helper of `disk_client.ts`: the directory of the data files, made and checked before
 * the client connects, so that a path it cannot write fails with one line and nothing sent.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";
import { isDiskFull } from "./driver/free_space.ts";

/** The file written and removed to see that the directory takes new files. */
function checkFileOf(path: string): string {
  return `${path}/.stress-disk-check-${Deno.pid}`;
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new UsageError(`Cannot use --path "${path}": ${firstLineOf(error)}`, { cause: error });
  }
}

/**
 * Makes the `--path` directory when it is missing, and checks that it is a directory that takes
 * new files (a file is created in it and removed).
 *
 * @param path The `--path` value.
 * @throws {UsageError} When it is not a directory, cannot be made, or does not take new files
 * (read-only file system, no permission, `/proc`); a full disk is left to the run.
 */
export function preparePath(path: string): void {
  const info = statOrNull(path);
  if (info !== null && !info.isDirectory) {
    throw new UsageError(
      `Cannot use --path "${path}": it is not a directory, expected a directory for the data files`,
    );
  }
  if (info === null) {
    try {
      Deno.mkdirSync(path, { recursive: true });
    } catch (error) {
      throw new UsageError(
        `Cannot create the directory of --path "${path}": ${firstLineOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  const check = checkFileOf(path);
  try {
    Deno.writeFileSync(check, new Uint8Array(0));
    Deno.removeSync(check);
  } catch (error) {
    // A full disk is not the path's fault: the run starts, and stops at once as disk_full.
    if (isDiskFull(error)) return;
    throw new UsageError(
      `Cannot write in the directory of --path "${path}": ${firstLineOf(error)}`,
      {
        cause: error,
      },
    );
  }
}
