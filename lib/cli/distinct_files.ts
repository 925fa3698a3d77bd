/**
 * Refuses two options of one command line that name the same file: an output that is also an
 * input (a run would truncate the file it reads, or a store it keeps), or two outputs in one
 * file (one would overwrite the other). Paths are compared as files, not as strings: `./x`,
 * `dir/../x`, a symbolic link to `x` and a hard link to it are `x`.
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/** One file option: its name (`--json`), its path, and whether the command reads it. */
export interface FileOption {
  /** The option, for the error line (`--json`, `--db`, `the input`). */
  readonly option: string;
  /** The path given, or undefined/null when the option was not given. */
  readonly path: string | null | undefined;
  /** True for a file the command reads (an input, a database it keeps), false for an output. */
  readonly input?: boolean;
}

/**
 * What identifies the file a path names: its device and inode when it exists (so a hard link is
 * the file it links to), else its real folder and its name.
 *
 * @param path The path.
 * @returns A key equal for two paths of one file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileKeyOf } from "./distinct_files.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/rows.csv`, "a\n");
 * Deno.linkSync(`${dir}/rows.csv`, `${dir}/link.csv`);
 * assert.equal(fileKeyOf(`${dir}/link.csv`), fileKeyOf(`${dir}/rows.csv`));
 * assert.equal(fileKeyOf(`${dir}/new.json`), fileKeyOf(`${dir}/./new.json`));
 * assert.notEqual(fileKeyOf(`${dir}/new.json`), fileKeyOf(`${dir}/rows.csv`));
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function fileKeyOf(path: string): string {
  try {
    const { dev, ino } = Deno.statSync(path);
    if (ino !== null) return `${dev}:${ino}`;
  } catch {
    // Not there (yet): its folder and name say which file it will be.
  }
  try {
    return Deno.realPathSync(path);
  } catch {
    const slash = path.lastIndexOf("/");
    const folder = slash < 0 ? "." : path.slice(0, slash) || "/";
    try {
      return `${Deno.realPathSync(folder)}/${path.slice(slash + 1)}`;
    } catch {
      return path; // a folder that is not there: its own check says so
    }
  }
}

/**
 * Throws when two of the options name one file (two inputs may share one).
 *
 * @param options The command's file options.
 * @throws {UsageError} One line naming both options and the file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseSharedFiles } from "./distinct_files.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/rows.csv`, "a\n");
 * assert.throws(
 *   () => refuseSharedFiles([
 *     { option: "--file", path: `${dir}/rows.csv`, input: true },
 *     { option: "--json", path: `${dir}/./rows.csv` },
 *   ]),
 *   /--json ".*rows\.csv": it is the file of --file/,
 * );
 * refuseSharedFiles([{ option: "--json", path: `${dir}/a.json` }, { option: "--hdr-log", path: null }]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function refuseSharedFiles(options: readonly FileOption[]): void {
  const seen = new Map<string, FileOption>();
  for (const current of options) {
    if (typeof current.path !== "string" || current.path === "-") continue;
    const key = fileKeyOf(current.path);
    const earlier = seen.get(key);
    if (earlier !== undefined && !(earlier.input && current.input)) {
      const [output, other] = current.input ? [earlier, current] : [current, earlier];
      throw new UsageError(
        `Cannot write the file of ${output.option} "${output.path}": it is the file of ` +
          `${other.option}${other.input ? ", which this command reads" : ""}, expected a file ` +
          "of its own",
      );
    }
    if (earlier === undefined) seen.set(key, current);
  }
}
