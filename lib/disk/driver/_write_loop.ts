/**
 * The write loop of `DiskWriter` (`disk_writer.ts`): one run, from its first chunk to
 * its last file closed. Internal to `lib/disk/driver/`.
 *
 * @module
 */

import type {
  DataFile,
  DiskWriterEvents,
  DiskWriterOptions,
  WriterOutcome,
  WriterStopReason,
} from "./disk_writer_types.ts";
import { freeSpace, isDiskFull } from "./free_space.ts";

/** How often the write loop lets timers and signal handlers run. */
const YIELD_EVERY_MS = 50;

/** The file being written: its path, when it was opened and the bytes of whole chunks in it. */
interface OpenFile {
  readonly file: DataFile;
  readonly path: string;
  readonly startMs: number;
  bytes: number;
}

function openDataFile(path: string): DataFile {
  return Deno.openSync(path, { write: true, create: true, truncate: true });
}

function writeAll(file: DataFile, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += file.writeSync(data.subarray(offset));
}

/** One run of the writer: the counters, the current file, and the stop checks. */
export class WriteLoop {
  readonly #options: DiskWriterOptions;
  readonly #events: DiskWriterEvents;
  readonly #chunk: Uint8Array;
  readonly #now: () => number;
  readonly #startMs: number;
  readonly #files: string[] = [];
  #current: OpenFile | null = null;
  #bytesWritten = 0;
  #chunks = 0;
  #rollovers = 0;
  #writingNs = 0;

  /**
   * Prepares a run; nothing is written yet.
   *
   * @param options The writer's options.
   * @param events The callbacks of the run.
   * @param chunk The data of one chunk.
   */
  constructor(options: DiskWriterOptions, events: DiskWriterEvents, chunk: Uint8Array) {
    this.#options = options;
    this.#events = events;
    this.#chunk = chunk;
    this.#now = options.nowMs ?? (() => performance.now());
    this.#startMs = this.#now();
  }

  /**
   * Writes until the run time is over, the free-space floor or a full disk, or `shouldStop`;
   * closes the last file (synced unless the policy is `never`).
   *
   * @returns What was written and why it stopped.
   * @throws {Error} What the file system threw, except for a full disk (files closed).
   */
  async run(): Promise<WriterOutcome> {
    let reason: WriterStopReason;
    try {
      reason = await this.#loop();
    } catch (error) {
      if (!isDiskFull(error)) {
        this.#abandon();
        throw error;
      }
      reason = "disk_full";
      this.#cutBack();
      this.#abandon();
    }
    if (!this.#closeLast()) reason = "disk_full";
    return {
      reason,
      bytesWritten: this.#bytesWritten,
      chunks: this.#chunks,
      rollovers: this.#rollovers,
      files: this.#files,
      writingMs: this.#writingNs / 1e6,
      elapsedMs: this.#now() - this.#startMs,
    };
  }

  async #loop(): Promise<WriterStopReason> {
    const endMs = this.#startMs + this.#options.runTimeMs;
    let yieldedMs = this.#startMs;
    while (true) {
      if (this.#now() - yieldedMs >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        yieldedMs = this.#now();
      }
      if (this.#now() >= endMs) return "done";
      if (this.#events.shouldStop?.()) return "stopped";
      if (this.#tooFull()) return "disk_full";
      this.#writeChunk();
    }
  }

  /** Whether the next chunk would leave less free space than `minFree`. */
  #tooFull(): boolean {
    const floor = this.#options.minFree ?? null;
    if (floor === null) return false;
    const chunkBytes = this.#chunk.length;
    const free = freeSpace(this.#options.dir);
    if ("bytes" in floor) return free.bytes - chunkBytes < floor.bytes;
    const after = free.percent * (1 - chunkBytes / Math.max(1, free.bytes));
    return after < floor.percent;
  }

  #open(): OpenFile {
    const { dir, prefix = "stress-disk" } = this.#options;
    const path = `${dir}/${prefix}-${String(this.#files.length).padStart(5, "0")}.dat`;
    const file = (this.#options.openFile ?? openDataFile)(path);
    this.#files.push(path);
    this.#current = { file, path, startMs: this.#now(), bytes: 0 };
    return this.#current;
  }

  /** Writes one chunk (and syncs by the policy); rolls over when the next would not fit. */
  #writeChunk(): void {
    const { fsync, fileBytes } = this.#options;
    const current = this.#current ?? this.#open();
    const chunk = this.#chunk;
    const t0 = this.#now();
    writeAll(current.file, chunk);
    // A file holds whole chunks, at most fileBytes: it is full when the next chunk would not fit.
    const full = current.bytes + 2 * chunk.length > fileBytes;
    if (fsync === "chunk" || (full && fsync === "file")) current.file.syncDataSync();
    const tookNs = (this.#now() - t0) * 1e6;
    current.bytes += chunk.length;
    this.#writingNs += tookNs;
    this.#bytesWritten += chunk.length;
    this.#chunks++;
    this.#events.onChunk?.(tookNs, chunk.length);
    if (full) this.#rollOver(current);
  }

  #rollOver(current: OpenFile): void {
    current.file.close();
    this.#current = null;
    this.#rollovers++;
    this.#events.onRollover?.({
      file: current.path,
      index: this.#files.length - 1,
      bytes: current.bytes,
      durationMs: this.#now() - current.startMs,
    });
  }

  /** After a full disk: the current file is cut back to the whole chunks counted. */
  #cutBack(): void {
    const current = this.#current;
    if (current === null) return;
    try {
      current.file.truncateSync(current.bytes);
    } catch {
      // Not a regular file, or the file system refused: the chunk stays half written.
    }
  }

  /** Closes the last file, synced by the policy; false when the sync found the disk full. */
  #closeLast(): boolean {
    const current = this.#current;
    if (current === null) return true;
    this.#current = null;
    try {
      if (this.#options.fsync !== "never") current.file.syncDataSync();
      return true;
    } catch (error) {
      if (isDiskFull(error)) return false;
      throw error;
    } finally {
      current.file.close();
    }
  }

  /** After an error: closes the current file without syncing it. */
  #abandon(): void {
    try {
      this.#current?.file.close();
    } catch {
      // Already closed.
    }
    this.#current = null;
  }
}
