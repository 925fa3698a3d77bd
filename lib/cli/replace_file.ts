/**
 * A file a run writes only at its end, such as the `-graph` report: checked before the run (a
 * run must not measure for an hour and then fail on a missing folder or a read-only file), then
 * written to a sibling (`PATH.tmp-PID`) and renamed over the file, so what it held survives a
 * crash. Through a link, the file it points to is replaced (the link stays); the replaced file
 * keeps its permissions; a device, a pipe or a descriptor's path (`/dev/null`, `/dev/stdout`) is
 * written in place, after what it holds, never replaced.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { isDescriptorPath, openOutput } from "./descriptor_path.ts";

/** The sibling a file is written to before it replaces the file. */
function siblingOf(path: string): string {
  return `${path}.tmp-${Deno.pid}`;
}

/**
 * The system's words of an error, without what Deno adds after them: the call and the file it
 * was on (`: writefile 'x.json.tmp-30034'`, `: rename 'A' -> 'B'`). That file is often the
 * sibling, an internal name; the message names the user's file and option already.
 */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(\(os error \d+\)): .*$/s, "$1");
}

/** The one error line of a file that cannot be written. */
function cannotWrite(path: string, option: string, error: unknown): UsageError {
  const reason = reasonOf(error);
  return new UsageError(`Cannot write the file of ${option} "${path}": ${reason}`, {
    cause: error,
  });
}

/** What `path` names now, through links; null when nothing is there (or it cannot be seen). */
function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

/** Where `path` points: itself when it is new, else the file at the end of its links. */
function targetOf(path: string, info: Deno.FileInfo | null): string {
  if (info === null) return path;
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/**
 * A device or a pipe, or a descriptor's path (`/dev/stdout`, which behind `> out.txt` is that
 * file): written in place, never replaced by a regular file.
 */
function isSpecial(path: string, info: Deno.FileInfo | null): boolean {
  return isDescriptorPath(path) || (info !== null && !info.isFile && !info.isDirectory);
}

/**
 * Writes `text` to a device, pipe or descriptor after what it holds, neither created nor
 * truncated (its errors carry the system's words alone, such as "No space left on device (os
 * error 28)").
 */
function writeInPlace(path: string, text: string): void {
  const file = isDescriptorPath(path) ? openOutput(path) : Deno.openSync(path, { write: true });
  try {
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
  } finally {
    file.close();
  }
}

/** The error of a path that is a folder. */
function directoryError(path: string, option: string): UsageError {
  return new UsageError(
    `Cannot write the file of ${option} "${path}": it is a directory, expected a file`,
  );
}

/**
 * Creates and removes the sibling {@linkcode replaceFile} writes through, so the folder is known
 * to exist and take new files, and opens an existing file for writing, so a read-only one is
 * refused now; `path` itself is left as it is. A device or a pipe is not checked.
 *
 * @param path The file the run will write.
 * @param option The option that names it, for the error message.
 * @throws {UsageError} When `path` is a directory or a file the run may not write, or its
 * folder does not exist or does not take a new file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkReplaceable } from "./replace_file.ts";
 * const dir = Deno.makeTempDirSync();
 * checkReplaceable(`${dir}/summary.json`, "--json");
 * assert.throws(() => checkReplaceable(`${dir}/missing/summary.json`, "--json"), /--json/);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function checkReplaceable(path: string, option: string): void {
  const info = statOrNull(path);
  if (info?.isDirectory) throw directoryError(path, option);
  if (isSpecial(path, info)) return;
  const target = targetOf(path, info);
  const probe = siblingOf(target);
  try {
    Deno.writeTextFileSync(probe, "");
    Deno.removeSync(probe);
    // Neither truncated nor created: only whether this user may write it.
    if (info !== null) Deno.openSync(target, { write: true }).close();
  } catch (error) {
    throw cannotWrite(path, option, error);
  }
}

/**
 * Writes `text` to the sibling of `path` and renames it over `path`: a crash leaves the old
 * file whole, never half of the new one. Through a link the file it points to is replaced, with
 * the permissions it had; a device or a pipe is written in place.
 *
 * @param path The file.
 * @param option The option that names it, for the error message.
 * @param text The new content.
 * @throws {UsageError} When `path` is a directory, or the sibling cannot be written or renamed
 * (the sibling is removed).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaceFile } from "./replace_file.ts";
 * const dir = Deno.makeTempDirSync();
 * replaceFile(`${dir}/graph.html`, "-graph", "<html></html>");
 * assert.equal(Deno.readTextFileSync(`${dir}/graph.html`), "<html></html>");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function replaceFile(path: string, option: string, text: string): void {
  const info = statOrNull(path);
  if (info?.isDirectory) throw directoryError(path, option);
  if (isSpecial(path, info)) {
    try {
      writeInPlace(path, text);
    } catch (error) {
      throw cannotWrite(path, option, error);
    }
    return;
  }
  const target = targetOf(path, info);
  const temporary = siblingOf(target);
  // Created with no more access than the file it replaces has, then given exactly that.
  const mode = typeof info?.mode === "number" ? info.mode & 0o7777 : undefined;
  try {
    Deno.writeTextFileSync(temporary, text, mode === undefined ? {} : { mode });
    if (mode !== undefined) Deno.chmodSync(temporary, mode);
    Deno.renameSync(temporary, target);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // never written
    }
    throw cannotWrite(path, option, error);
  }
}
