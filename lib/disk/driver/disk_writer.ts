/**
 * The data writer of `stress disk client`: writes chunks of random bytes to a file, rolls the
 * file over before the next chunk would take it past the file size (a file holds whole chunks),
 * syncs by the fsync policy, stops at the end of the run time, before the disk gets too full or
 * when the file system says it is full, and times every chunk write.
 *
 * It runs in its own process (`disk_writer_main.ts`), so the client can sample its CPU and
 * memory alone. Writes are synchronous: the process does nothing else.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../../errors.ts";
import { formatSize } from "../../units/parse_size.ts";
import type { DiskWriterEvents, DiskWriterOptions, WriterOutcome } from "./disk_writer_types.ts";
import { WriteLoop } from "./_write_loop.ts";

export type {
  DataFile,
  DiskWriterEvents,
  DiskWriterOptions,
  MinFree,
  Rollover,
  WriterOutcome,
  WriterStopReason,
} from "./disk_writer_types.ts";

/** Fills a buffer with random bytes (incompressible data, as disks and file systems see it). */
function randomChunk(size: number): Uint8Array {
  let chunk: Uint8Array;
  try {
    chunk = new Uint8Array(size);
  } catch (error) {
    throw new UsageError(
      `Cannot allocate a chunk of "${formatSize(size, { system: "decimal" })}": ` +
        `${firstLineOf(error)}, expected a smaller --chunk`,
      { cause: error },
    );
  }
  for (let offset = 0; offset < size; offset += 65536) {
    crypto.getRandomValues(chunk.subarray(offset, Math.min(size, offset + 65536)));
  }
  return chunk;
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
 *   dir, chunkBytes: 4096, fileBytes: 10_000, fsync: "never", runTimeMs: 50,
 * }).run();
 * assert.equal(outcome.reason, "done");
 * assert.ok(outcome.rollovers >= 1);
 * assert.equal((await Deno.stat(outcome.files[0])).size, 8192); // whole chunks, at most 10,000
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class DiskWriter {
  readonly #options: DiskWriterOptions;

  /**
   * Checks the options; nothing is written yet.
   *
   * @param options The directory, sizes, policy, run time and free-space floor.
   * @throws {RangeError} On a size or time that is not a positive integer, or a chunk larger
   * than the file size.
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
    if (options.chunkBytes > options.fileBytes) {
      throw new RangeError(
        `Cannot create the disk writer: chunkBytes "${options.chunkBytes}" is larger than ` +
          `fileBytes "${options.fileBytes}", expected at most fileBytes`,
      );
    }
    this.#options = options;
  }

  /**
   * Writes until the run time is over, the free-space floor is reached, the file system is full
   * (`ENOSPC`, `EDQUOT`: the chunk it cut short is cut off the file again), or `shouldStop`.
   * Writes are synchronous; the event loop gets a turn about every 50 ms (for signals).
   *
   * @param events Per-chunk and per-rollover callbacks, and the stop check.
   * @returns What was written and why it stopped.
   * @throws {UsageError} When the chunk cannot be allocated.
   * @throws {Error} What the file system threw, except for a full disk (the file is closed).
   */
  async run(events: DiskWriterEvents = {}): Promise<WriterOutcome> {
    const chunk = randomChunk(this.#options.chunkBytes);
    return await new WriteLoop(this.#options, events, chunk).run();
  }
}
