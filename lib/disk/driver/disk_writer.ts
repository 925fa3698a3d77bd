/**
 * The data writer of `stress disk client`: writes chunks of random bytes to a file, rolls the
 * file over when it reaches the file size, syncs by the fsync policy, stops at the end of the
 * run time or before the disk gets too full, and times every chunk write.
 *
 * It runs in its own process (`disk_writer_main.ts`), so the client can sample its CPU and
 * memory alone. Writes are synchronous: the process does nothing else.
 *
 * @module
 */

import { statfsSync } from "node:fs";
import type { FsyncPolicy } from "../protocol/disk_message.ts";

/** The free space the writer must leave. */
export type MinFree = { readonly bytes: number } | { readonly percent: number };

/** Options of {@linkcode DiskWriter}. */
export interface DiskWriterOptions {
  /** The directory of the data files (it must exist). */
  readonly dir: string;
  /** Bytes per write. */
  readonly chunkBytes: number;
  /** A file is rolled over once it holds at least this many bytes. */
  readonly fileBytes: number;
  /** `chunk`: fdatasync after every chunk; `file`: before closing each file; `never`. */
  readonly fsync: FsyncPolicy;
  /** How long to write, in ms. */
  readonly runTimeMs: number;
  /**
   * Stop before a write would leave less free space than this.
   *
   * @default {null}
   */
  readonly minFree?: MinFree | null;
  /**
   * The data file name prefix.
   *
   * @default {"stress-disk"}
   */
  readonly prefix?: string;
  /**
   * A monotonic clock in ms.
   *
   * @default {performance.now}
   */
  readonly nowMs?: () => number;
}

/** A finished file. */
export interface Rollover {
  /** Its path. */
  readonly file: string;
  /** 0-based index of the file. */
  readonly index: number;
  /** Its size. */
  readonly bytes: number;
  /** From its first write to its close, ms. */
  readonly durationMs: number;
}

/** Why the writer stopped. */
export type WriterStopReason = "done" | "disk_full" | "stopped";

/** What the writer did. */
export interface WriterOutcome {
  /** Why it stopped. */
  readonly reason: WriterStopReason;
  /** Bytes written. */
  readonly bytesWritten: number;
  /** Chunks written. */
  readonly chunks: number;
  /** Files rolled over. */
  readonly rollovers: number;
  /** Every data file written, the last (partial) one included. */
  readonly files: readonly string[];
  /** ms spent in writes and syncs. */
  readonly writingMs: number;
  /** ms from the start of the run to its end, the final sync included. */
  readonly elapsedMs: number;
}

/** Callbacks of {@linkcode DiskWriter.run}. */
export interface DiskWriterEvents {
  /** After each chunk: its write (and sync) time in ns. */
  readonly onChunk?: (tookNs: number, bytes: number) => void;
  /** After each rollover. */
  readonly onRollover?: (rollover: Rollover) => void;
  /** Called between chunks; returning true stops the writer (reason `stopped`). */
  readonly shouldStop?: () => boolean;
}

/**
 * Free space left at `dir`, in bytes and as a percentage of the file system.
 *
 * @param dir A directory on the file system.
 * @returns Bytes available to unprivileged users, and that share of the total.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { freeSpace } from "./disk_writer.ts";
 * const free = freeSpace(Deno.cwd());
 * assert.ok(free.bytes > 0 && free.percent > 0 && free.percent <= 100);
 * ```
 */
export function freeSpace(dir: string): { bytes: number; percent: number } {
  const stats = statfsSync(dir);
  const bytes = stats.bavail * stats.bsize;
  return { bytes, percent: stats.blocks > 0 ? (100 * stats.bavail) / stats.blocks : 0 };
}

/** Fills a buffer with random bytes (incompressible data, as disks and file systems see it). */
function randomChunk(size: number): Uint8Array {
  const chunk = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) {
    crypto.getRandomValues(chunk.subarray(offset, Math.min(size, offset + 65536)));
  }
  return chunk;
}

/** How often the write loop lets timers and signal handlers run. */
const YIELD_EVERY_MS = 50;

function writeAll(file: Deno.FsFile, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += file.writeSync(data.subarray(offset));
}

/**
 * Writes chunked, rolled-over data files.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { DiskWriter } from "./disk_writer.ts";
 * const dir = await Deno.makeTempDir();
 * const outcome = await new DiskWriter({
 *   dir, chunkBytes: 4096, fileBytes: 8192, fsync: "never", runTimeMs: 50,
 * }).run();
 * assert.equal(outcome.reason, "done");
 * assert.ok(outcome.rollovers >= 1);
 * assert.equal((await Deno.stat(outcome.files[0])).size, 8192);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class DiskWriter {
  readonly #options: DiskWriterOptions;

  /**
   * Checks the options; nothing is written yet.
   *
   * @param options The directory, sizes, policy, run time and free-space floor.
   * @throws {RangeError} On a size or time that is not a positive integer.
   */
  constructor(options: DiskWriterOptions) {
    for (const key of ["chunkBytes", "fileBytes", "runTimeMs"] as const) {
      const value = options[key];
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new RangeError(
          `Cannot create the disk writer: ${key} "${value}" is invalid, expected a positive integer`,
        );
      }
    }
    this.#options = options;
  }

  /**
   * Writes until the run time is over, the free-space floor is reached, or `shouldStop`.
   * Writes are synchronous; the event loop gets a turn about every 50 ms (for signals).
   *
   * @param events Per-chunk and per-rollover callbacks, and the stop check.
   * @returns What was written and why it stopped.
   */
  async run(events: DiskWriterEvents = {}): Promise<WriterOutcome> {
    const options = this.#options;
    const now = options.nowMs ?? (() => performance.now());
    const prefix = options.prefix ?? "stress-disk";
    const chunk = randomChunk(options.chunkBytes);
    const startMs = now();
    const endMs = startMs + options.runTimeMs;
    const files: string[] = [];
    let file: Deno.FsFile | null = null;
    let fileStartMs = 0;
    let fileBytes = 0;
    let bytesWritten = 0;
    let chunks = 0;
    let rollovers = 0;
    let writingNs = 0;
    let reason: WriterStopReason = "done";
    const tooFull = (): boolean => {
      const floor = options.minFree ?? null;
      if (floor === null) return false;
      const free = freeSpace(options.dir);
      if ("bytes" in floor) return free.bytes - options.chunkBytes < floor.bytes;
      const after = free.percent * (1 - options.chunkBytes / Math.max(1, free.bytes));
      return after < floor.percent;
    };
    let yieldedMs = startMs;
    try {
      while (true) {
        if (now() - yieldedMs >= YIELD_EVERY_MS) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          yieldedMs = now();
        }
        if (now() >= endMs) break;
        if (events.shouldStop?.()) {
          reason = "stopped";
          break;
        }
        if (tooFull()) {
          reason = "disk_full";
          break;
        }
        if (file === null) {
          const path = `${options.dir}/${prefix}-${String(files.length).padStart(5, "0")}.dat`;
          file = Deno.openSync(path, { write: true, create: true, truncate: true });
          files.push(path);
          fileStartMs = now();
          fileBytes = 0;
        }
        const t0 = now();
        writeAll(file, chunk);
        fileBytes += chunk.length;
        const full = fileBytes >= options.fileBytes;
        if (options.fsync === "chunk" || (full && options.fsync === "file")) file.syncDataSync();
        const tookNs = (now() - t0) * 1e6;
        writingNs += tookNs;
        bytesWritten += chunk.length;
        chunks++;
        events.onChunk?.(tookNs, chunk.length);
        if (full) {
          file.close();
          file = null;
          rollovers++;
          events.onRollover?.({
            file: files[files.length - 1],
            index: files.length - 1,
            bytes: fileBytes,
            durationMs: now() - fileStartMs,
          });
        }
      }
    } finally {
      if (file !== null) {
        if (options.fsync !== "never") file.syncDataSync();
        file.close();
      }
    }
    return {
      reason,
      bytesWritten,
      chunks,
      rollovers,
      files,
      writingMs: writingNs / 1e6,
      elapsedMs: now() - startMs,
    };
  }
}
