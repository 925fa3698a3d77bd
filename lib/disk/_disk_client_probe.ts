/**
 * Private helper of `disk_client.ts`: measures the disk's write speed before the run.
 *
 * @module
 */

import { DiskWriter } from "./driver/disk_writer.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";

/** The speed probe writes for 5% of the run time, within these bounds (ms). */
const PROBE_MS = 1000;
const PROBE_MIN_MS = 250;

/**
 * Measures the write speed with the run's chunk size and fsync policy. Its files are removed
 * only after the run: deleting them (and the discards that may follow) would slow the run.
 *
 * @param settings The run's directory, chunk and file sizes, fsync policy and run time.
 * @returns The speed in bytes per second and the files the probe wrote.
 */
export async function measureSpeed(
  settings: ClientSettings,
): Promise<{ speed: number; files: readonly string[] }> {
  const outcome = await new DiskWriter({
    dir: settings.path,
    chunkBytes: settings.chunkBytes,
    fileBytes: settings.fileBytes,
    fsync: settings.fsync,
    runTimeMs: Math.min(PROBE_MS, Math.max(PROBE_MIN_MS, settings.runTimeMs / 20)),
    prefix: "stress-disk-probe",
  }).run();
  const seconds = Math.max(outcome.writingMs, 0.001) / 1000;
  return { speed: outcome.bytesWritten / seconds, files: outcome.files };
}
