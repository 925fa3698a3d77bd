// Private helper of `stress simulate`: its `--hdrfile`. The first write that fails (a full disk)
// is kept as one error line naming the option and the file, and stops the run as Ctrl-C does
// (as `checkout load` treats its files); later writes are skipped, so the run still prints what
// it measured, and the command reports the error after that.
import { firstLineOf, UsageError } from "../errors.ts";
import { HdrLogWriter } from "../cli/hdr_log_writer.ts";

/** What {@linkcode HdrLogWriter.writeInterval} takes. */
type IntervalOfLog = Parameters<HdrLogWriter["writeInterval"]>[0];

/** The HDR interval log of a simulate run, whose write errors stop the run instead of throwing. */
export class SimulateHdrFile {
  readonly #log: HdrLogWriter;
  readonly #path: string;
  readonly #onError: () => void;
  #error: UsageError | null = null;
  #closed = false;

  /**
   * Creates (truncates) the file.
   *
   * @param path Where.
   * @param onError Called once, at the first write that fails (it stops the run).
   * @throws {UserError} When the file cannot be created.
   */
  constructor(path: string, onError: () => void) {
    this.#log = new HdrLogWriter(path, {
      purpose: "--hdrfile",
      comment: "Logging op latencies for stress simulate",
    });
    this.#path = path;
    this.#onError = onError;
  }

  /** The first write that failed, as one error line, or null. */
  get error(): UsageError | null {
    return this.#error;
  }

  /**
   * Appends one interval, unless a write failed before.
   *
   * @param report The merged interval.
   */
  writeInterval(report: IntervalOfLog): void {
    this.#run(() => this.#log.writeInterval(report));
  }

  /** Closes the file once (it may still write the header); never throws, see `error`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#error === null) {
      this.#run(() => this.#log.close());
      return;
    }
    try {
      this.#log.close();
    } catch {
      // Already reported at the write that failed.
    }
  }

  #run(write: () => void): void {
    if (this.#error !== null) return;
    try {
      write();
    } catch (error) {
      this.#error = new UsageError(
        `Cannot write the file of --hdrfile "${this.#path}": ${firstLineOf(error)}`,
        { cause: error },
      );
      this.#onError();
    }
  }
}
