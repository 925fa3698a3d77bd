/**
 * The writes to one output file of a run (`-log hdrfile=`, `--json`, ...). A write that fails (a
 * full disk) becomes one error line naming the option and the file, not an internal error with a
 * stack; later writes to that file are skipped, so the run's other files are still written and
 * closed. What the caller does with the error (throw it, or stop the run and report it at the
 * end) is its own choice.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";

/**
 * Guards the writes to one file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileWriteGuard } from "./file_write_guard.ts";
 * const guard = new FileWriteGuard("--json", "/dev/full");
 * const error = guard.write(() => {
 *   throw new Error("No space left on device (os error 28)");
 * });
 * assert.equal(
 *   error?.message,
 *   'Cannot write the file of --json "/dev/full": No space left on device (os error 28)',
 * );
 * assert.equal(guard.write(() => assert.fail("skipped")), null);
 * ```
 */
export class FileWriteGuard {
  readonly #option: string;
  readonly #path: string;
  #error: UsageError | null = null;

  /**
   * @param option The option that names the file (`--json`).
   * @param path The file.
   */
  constructor(option: string, path: string) {
    this.#option = option;
    this.#path = path;
  }

  /** The first write that failed, as one error line, or null. */
  get error(): UsageError | null {
    return this.#error;
  }

  /**
   * Runs a write, unless one failed before.
   *
   * @param write The write.
   * @returns The error line when this write failed (the first failure), else null.
   */
  write(write: () => void): UsageError | null {
    if (this.#error !== null) return null;
    try {
      write();
      return null;
    } catch (error) {
      this.#error = new UsageError(
        `Cannot write the file of ${this.#option} "${this.#path}": ${firstLineOf(error)}`,
        { cause: error },
      );
      return this.#error;
    }
  }

  /**
   * Closes the file, also one whose writes failed (then a failure to close is not news).
   *
   * @param close The close, which may write what the file still lacks.
   * @returns The error line when the close failed and no write failed before, else null.
   */
  close(close: () => void): UsageError | null {
    if (this.#error === null) return this.write(close);
    try {
      close();
    } catch {
      // Already reported at the write that failed.
    }
    return null;
  }
}
