/**
 * Private helper of `disk_client.ts`: the names of a client's files in `--path`. They carry the
 * client id, so that clients given the same `--path` (unique ids within a run) never write,
 * probe or clean up each other's files: the data files are `stress-disk-ID-00000.dat`, ... and
 * the speed probe's `stress-probe-ID-00000.dat`, ...
 *
 * @module
 */

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
