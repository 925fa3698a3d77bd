/**
 * The types of the disk writer (`disk_writer.ts`): its options, callbacks and outcome.
 *
 * @module
 */

import type { FsyncPolicy } from "../protocol/disk_message.ts";

/** The free space the writer must leave. */
export type MinFree = { readonly bytes: number } | { readonly percent: number };

/** What the writer needs of an open data file (a `Deno.FsFile` has it all). */
export interface DataFile {
  /** Writes some of `data`; returns how many bytes. */
  writeSync(data: Uint8Array): number;
  /** Flushes the file's data to the device (`fdatasync`). */
  syncDataSync(): void;
  /** Cuts the file to `length` bytes. */
  truncateSync(length?: number): void;
  /** Closes the file. */
  close(): void;
}

/** Options of `DiskWriter`. */
export interface DiskWriterOptions {
  /** The directory of the data files (it must exist). */
  readonly dir: string;
  /** Bytes per write; at most `fileBytes`. */
  readonly chunkBytes: number;
  /**
   * The largest file: a file holds whole chunks and is rolled over when the next chunk would
   * take it past this size.
   */
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
  /**
   * Opens (creating or truncating) a data file; tests pass one that fails.
   *
   * @default {Deno.openSync with write, create and truncate}
   */
  readonly openFile?: (path: string) => DataFile;
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

/**
 * Why the writer stopped: `disk_full` at the `minFree` floor or when the file system said it
 * was full (ENOSPC, EDQUOT).
 */
export type WriterStopReason = "done" | "disk_full" | "stopped";

/** What the writer did. */
export interface WriterOutcome {
  /** Why it stopped. */
  readonly reason: WriterStopReason;
  /** Bytes written (whole chunks). */
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

/** Callbacks of `DiskWriter.run`. */
export interface DiskWriterEvents {
  /** After each chunk: its write (and sync) time in ns. */
  readonly onChunk?: (tookNs: number, bytes: number) => void;
  /** After each rollover. */
  readonly onRollover?: (rollover: Rollover) => void;
  /** Called between chunks; returning true stops the writer (reason `stopped`). */
  readonly shouldStop?: () => boolean;
}
