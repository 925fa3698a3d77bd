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
   * Appends text as is.
   *
   * @param text The text.
   */
  write(text: string): void {
    if (this.#file === null) return;
    const bytes = this.#encoder.encode(text);
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
  }

  /** Closes the file; later writes are ignored. */
  close(): void {
    this.#file?.close();
    this.#file = null;
  }
}
