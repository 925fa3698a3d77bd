/**
 * Private helper of `disk_client.ts`: measures the disk's write speed before the run.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";
import { DiskWriter } from "./driver/disk_writer.ts";
import type { DataFile } from "./driver/disk_writer_types.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";
import { probePrefixOf, removeFilesOf } from "./_disk_client_files.ts";

/** The speed probe writes for 5% of the run time, within these bounds (ms). */
const PROBE_MS = 1000;
const PROBE_MIN_MS = 250;

/** What the probe measured. */
export interface ProbeResult {
  /** The write speed in bytes per second, or null when no chunk was written. */
  readonly speed: number | null;
  /** Bytes the probe wrote (its files are removed). */
  readonly bytesWritten: number;
  /** True when it stopped at `--min-free` or on a full file system. */
  readonly diskFull: boolean;
}

/** Options of {@linkcode measureSpeed}. */
export interface ProbeOptions {
  /**
   * Opens a data file; tests pass one that fails.
   *
   * @default {Deno.openSync}
   */
  readonly openFile?: (path: string) => DataFile;
  /** Stops the probe between chunks (Ctrl-C): it returns what it measured so far. */
  readonly signal?: AbortSignal;
}

/**
 * Measures the write speed with the run's chunk size, fsync policy and `--min-free` floor, then
 * removes its files (`stress-probe-ID-N.dat`, and any a killed earlier probe of this client
 * left) before it returns or throws, so the run starts with the space the probe took. A full
 * file system ends the probe as `diskFull`; the signal ends it early.
 *
 * @param settings The run's directory, client id, chunk and file sizes, fsync policy, floor and
 * run time.
 * @param options The file opener (for tests), and the signal that stops the probe.
 * @returns The speed, the bytes written and whether the disk was full.
 * @throws {UsageError} When the directory cannot be written or the chunk not allocated.
 */
export async function measureSpeed(
  settings: ClientSettings,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const prefix = probePrefixOf(settings.id);
  try {
    const outcome = await new DiskWriter({
      dir: settings.path,
      chunkBytes: settings.chunkBytes,
      fileBytes: settings.fileBytes,
      fsync: settings.fsync,
      runTimeMs: Math.min(PROBE_MS, Math.max(PROBE_MIN_MS, settings.runTimeMs / 20)),
      minFree: settings.minFree,
      prefix,
      openFile: options.openFile,
    }).run({ shouldStop: () => options.signal?.aborted ?? false });
    const seconds = Math.max(outcome.writingMs, 0.001) / 1000;
    return {
      speed: outcome.chunks > 0 ? outcome.bytesWritten / seconds : null,
      bytesWritten: outcome.bytesWritten,
      diskFull: outcome.reason === "disk_full",
    };
  } catch (error) {
    // Only what the file system said is the user's to fix; anything else is a bug.
    if (!isSystemError(error)) throw error;
    throw new UsageError(
      `Cannot write in the directory of --path "${settings.path}": ${firstLineOf(error)}`,
      { cause: error },
    );
  } finally {
    await removeFilesOf(settings.path, prefix);
  }
}

/** Whether an error comes from the file system: one of `Deno.errors`, or one with an OS code. */
function isSystemError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (Object.values(Deno.errors).some((kind) => error instanceof kind)) return true;
  return typeof (error as { code?: unknown }).code === "string";
}
