// Private helper of the stress run's files: the writes to one output file (`-log file=`,
// `hdrfile=`, `json=`). A write that fails (a full disk) is one error line naming the option
// and the file, not an internal error with a stack; later writes to that file are skipped, so
// the run's other files are still written and closed.
import { firstLineOf, UsageError } from "../errors.ts";

/** The writes of one output file of a run. */
export class RunFileGuard {
  readonly #option: string;
  readonly #path: string;
  #failed = false;

  /**
   * Guards the writes to a file.
   *
   * @param option The option that names it (`-log file`).
   * @param path The file.
   */
  constructor(option: string, path: string) {
    this.#option = option;
    this.#path = path;
  }

  /** Whether a write to the file failed. */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Runs a write, unless one failed before.
   *
   * @param write The write.
   * @throws {UsageError} At the first write that fails, naming the option and the file.
   */
  write(write: () => void): void {
    if (!this.#failed) this.#run(write);
  }

  /**
   * Closes the file, also one whose writes failed (then a failure to close is not news).
   *
   * @param close The close, which may write what the file still lacks.
   * @throws {UsageError} When the close fails, and no write failed before.
   */
  close(close: () => void): void {
    if (!this.#failed) {
      this.#run(close);
      return;
    }
    try {
      close();
    } catch {
      // Already reported at the write that failed.
    }
  }

  #run(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#failed = true;
      throw new UsageError(
        `Cannot write the file of ${this.#option} "${this.#path}": ${firstLineOf(error)}`,
        { cause: error },
      );
    }
  }
}
