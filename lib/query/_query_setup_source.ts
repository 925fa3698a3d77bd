/**
 * Private helper of `query_setup.ts`: what to load, from `--data` or `--generate`.
 *
 * @module
 */

import { firstLineOf, OptionError, UsageError } from "../errors.ts";
import { parseInteger, parsePositive } from "../cli/parse_flags.ts";
import { cpuUsageRowCount } from "./cpu_usage.ts";
import { noRows } from "./_query_setup_chunks.ts";

/** What to load. */
export type SetupSource =
  | { kind: "none" }
  | { kind: "file"; path: string; sizeBytes: number; header: boolean }
  | { kind: "generate"; hosts: number; days: number; seed: number };

const DATA_EXPECTED = "a CSV file with the columns ts,host,usage";

/**
 * Reads `--data`, `--generate` and `--seed` into what to load; a `--data` file is checked
 * (it exists, and its first line has three fields) and its header told from data.
 *
 * @param values The parsed flags.
 * @returns What to load.
 * @throws {UsageError} When both are given, or the file is missing or malformed.
 * @throws {OptionError} On a malformed `--generate`.
 * @throws {UsageError} On a malformed `--seed`.
 */
export async function setupSourceOf(
  values: Record<string, string | boolean | undefined>,
): Promise<SetupSource> {
  if (values.data !== undefined && values.generate !== undefined) {
    throw new UsageError('Cannot run "query setup": give either --data or --generate, not both');
  }
  const seed = parseInteger("--seed", values.seed as string, { min: 0 });
  let source: SetupSource = { kind: "none" };
  if (typeof values.generate === "string") {
    source = { kind: "generate", ...parseGenerate(values.generate), seed };
  } else if (typeof values.data === "string") {
    source = await inspectFile(values.data);
  }
  return source;
}

/**
 * Describes the source for the `rows loaded:` line.
 *
 * @param source What was loaded.
 * @returns `from "FILE"`, `generated (...)`, or `""` for none.
 */
export function describeSource(source: SetupSource): string {
  if (source.kind === "file") return `from "${source.path}"`;
  if (source.kind === "generate") {
    return `generated (${source.hosts} hosts, ${source.days} days, every 10 s, seed ${source.seed})`;
  }
  return "";
}

function parseGenerate(text: string): { hosts: number; days: number } {
  const parts = text.split(",");
  if (parts.length !== 2) {
    throw new OptionError({ option: "--generate", value: text, expected: "HOSTS,DAYS" });
  }
  const hosts = parsePositive("--generate HOSTS", parts[0], { integer: true });
  const days = parsePositive("--generate DAYS", parts[1]);
  if (hosts > 1_000_000 || cpuUsageRowCount(hosts, days) < 1) {
    throw new OptionError({
      option: "--generate",
      value: text,
      expected: "at most 1000000 hosts and at least 10 seconds of data",
    });
  }
  return { hosts, days };
}

/** Checks that the file exists and reads its first line to tell a header from data. */
async function inspectFile(path: string): Promise<SetupSource> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    const problem = error instanceof Deno.errors.NotFound ? "does not exist" : firstLineOf(error);
    throw new UsageError(`Cannot read --data "${path}": ${problem}, expected ${DATA_EXPECTED}`, {
      cause: error,
    });
  }
  try {
    const { size, isFile } = await file.stat();
    if (!isFile) {
      throw new UsageError(
        `Cannot read --data "${path}": it is not a file, expected ${DATA_EXPECTED}`,
      );
    }
    const buffer = new Uint8Array(4096);
    let read: number;
    try {
      read = (await file.read(buffer)) ?? 0;
    } catch (error) {
      // A file that opens but cannot be read (an I/O error, /proc/self/mem): one line, no trace.
      throw new UsageError(
        `Cannot read --data "${path}": ${firstLineOf(error)}, expected ${DATA_EXPECTED}`,
        { cause: error },
      );
    }
    if (read === 0) throw noRows(path);
    const first = new TextDecoder().decode(buffer.subarray(0, read)).split(/\r?\n/)[0];
    const fields = first.split(",").length;
    if (fields !== 3) {
      throw new UsageError(
        `Cannot load --data "${path}": line 1 "${first.slice(0, 80)}" has ${fields} field${
          fields === 1 ? "" : "s"
        }, expected ${DATA_EXPECTED}`,
      );
    }
    // A first line that starts with a date is data, not a header.
    return { kind: "file", path, sizeBytes: size, header: !/^\s*"?\d{4}-/.test(first) };
  } finally {
    file.close();
  }
}
