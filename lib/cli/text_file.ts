/**
 * A text file that a run appends lines to as it goes (`-log file=`, `-log hdrfile=`),
 * written synchronously line by line so that a run cut short keeps every line so far.
 *
 * @module
 */

import { UserError } from "../errors.ts";
import { openOutput, type OutputFile } from "./descriptor_path.ts";

/**
 * An append-only text file, created (or truncated) when opened.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TextFile } from "./text_file.ts";
 * const path = await Deno.makeTempFile();
 * const file = TextFile.create(path, "-log file");
 * file.writeLine("hello");
 * file.close();
 * assert.equal(await Deno.readTextFile(path), "hello\n");
 * await Deno.remove(path);
 * ```
 */
export class TextFile {
  #file: OutputFile | null;
  #encoder = new TextEncoder();
  /** The bytes written so far (whole writes only). */
  #lengthBytes = 0;

  private constructor(file: OutputFile) {
    this.#file = file;
  }

  /**
   * Creates or truncates the file; a descriptor's path (`/dev/stdout`) is written after what it
   * holds, stdout's and stderr's through the streams themselves.
   *
   * @param path Where.
   * @param purpose The option it is for, for the error message.
   * @returns The open file.
   * @throws {UserError} When the file cannot be created.
   */
  static create(path: string, purpose: string): TextFile {
    try {
      return new TextFile(
        openOutput(path),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(`Cannot create the file of ${purpose} "${path}": ${reason}`, {
        exitCode: 2,
        cause: error,
      });
    }
  }

  /**
   * Appends text followed by a newline.
   *
   * @param line The text.
   */
  writeLine(line: string): void {
    this.write(line + "\n");
  }

  /**
   * Appends text as is. A write that fails half-way (a full disk takes what fits, then refuses the
   * rest) is taken back from a regular file, which then ends where the write began: a log keeps
   * whole lines, never the first half of one.
   *
   * @param text The text.
   * @throws {Error} What the file system said.
   */
  write(text: string): void {
    const file = this.#file;
    if (file === null) return;
    const bytes = this.#encoder.encode(text);
    let offset = 0;
    try {
      while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
    } catch (error) {
      if (offset > 0) this.#takeBack(file);
      throw error;
    }
    this.#lengthBytes += bytes.length;
  }

  /** Cuts the file back to what the writes before the one that failed wrote, where it can. */
  #takeBack(file: OutputFile): void {
    try {
      file.truncateTo?.(this.#lengthBytes);
    } catch {
      // The half-written text stays; the write's own error is the one reported.
    }
  }

  /** Closes the file; later writes are ignored. */
  close(): void {
    this.#file?.close();
    this.#file = null;
  }
}
