/**
 * Private helper of `disk_client.ts`: the names of a client's files in `--path`. They carry the
 * client id, so that clients given the same `--path` (unique ids within a run) never write,
 * probe or clean up each other's files: the data files are `stress-disk-ID-00000.dat`, ... and
 * the speed probe's `stress-probe-ID-00000.dat`, ...
 *
 * @module
 */

import { resolve } from "node:path";
import { UsageError } from "../errors.ts";

/**
 * The prefix of a client's data files: `stress-disk-ID` (the writer adds `-00000.dat`, ...).
 *
 * @param id The client id.
 * @returns The prefix.
 */
export function dataPrefixOf(id: string): string {
  return `stress-disk-${id}`;
}

/**
 * The prefix of a client's speed-probe files: `stress-probe-ID`. It never starts as a data file
 * does, whatever the ids: a probe never removes another client's data.
 *
 * @param id The client id.
 * @returns The prefix.
 */
export function probePrefixOf(id: string): string {
  return `stress-probe-${id}`;
}

/**
 * Removes the files the writer made with this prefix (`PREFIX-N.dat`) from a directory; another
 * client's files stay (an id never ends in `-N` of the other's numbering: the number is all
 * after the last `-`).
 *
 * @param path The directory.
 * @param prefix The prefix of the files.
 */
export async function removeFilesOf(path: string, prefix: string): Promise<void> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(path)) {
      const rest = entry.name.startsWith(`${prefix}-`) ? entry.name.slice(prefix.length + 1) : "";
      if (/^\d+\.dat$/.test(rest)) names.push(entry.name);
    }
  } catch {
    // The directory went away: nothing left to remove.
  }
  for (const name of names) await Deno.remove(`${path}/${name}`).catch(() => {});
}

/** Whether two folder paths name one folder (`./a`, `a/` and a link to `a` are `a`). */
function sameFolder(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return Deno.realPathSync(a) === Deno.realPathSync(b);
  } catch {
    return false; // one is not there yet: only the same path names it
  }
}

/**
 * Refuses a `--log` that is one of the client's own files in `--path`: a data file
 * (`stress-disk-ID-N.dat`), which the writer overwrites and `--cleanup` removes, or a probe file
 * (`stress-probe-ID-N.dat`), which the probe removes: the log would be lost.
 *
 * @param logPath The `--log` value, or null.
 * @param client The `--path` directory and the client id.
 * @throws {UsageError} When the log is one of those files.
 */
export function refuseLogAmongOwnFiles(
  logPath: string | null,
  client: { readonly path: string; readonly id: string },
): void {
  if (logPath === null) return;
  const slash = logPath.lastIndexOf("/");
  const name = logPath.slice(slash + 1);
  const folder = slash < 0 ? "." : logPath.slice(0, slash) || "/";
  const own = [dataPrefixOf(client.id), probePrefixOf(client.id)].some((prefix) =>
    name.startsWith(`${prefix}-`) && /^\d+\.dat$/.test(name.slice(prefix.length + 1))
  );
  if (!own || !sameFolder(folder, client.path)) return;
  throw new UsageError(
    `Cannot write the file of --log "${logPath}": it is a file the client writes in --path "${client.path}" (data files ${
      dataPrefixOf(client.id)
    }-N.dat, probe files ${probePrefixOf(client.id)}-N.dat), expected a file of its own`,
  );
}
