// Private helper of `stress simulate`: its `--hdrfile`. The first write that fails (a full disk)
// is kept as one error line naming the option and the file, and stops the run as Ctrl-C does
// (as `checkout load` treats its files); later writes are skipped, so the run still prints what
// it measured, and the command reports the error after that.
import type { UsageError } from "../errors.ts";
import { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import { FileWriteGuard } from "../cli/file_write_guard.ts";

/** What {@linkcode HdrLogWriter.writeInterval} takes. */
type IntervalOfLog = Parameters<HdrLogWriter["writeInterval"]>[0];

/** The HDR interval log of a simulate run, whose write errors stop the run instead of throwing. */
export class SimulateHdrFile {
  readonly #log: HdrLogWriter;
  readonly #guard: FileWriteGuard;
  readonly #onError: () => void;
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
    this.#guard = new FileWriteGuard("--hdrfile", path);
    this.#onError = onError;
  }

  /** The first write that failed, as one error line, or null. */
  get error(): UsageError | null {
    return this.#guard.error;
  }

  /**
   * Appends one interval, unless a write failed before.
   *
   * @param report The merged interval.
   */
  writeInterval(report: IntervalOfLog): void {
    if (this.#guard.write(() => this.#log.writeInterval(report)) !== null) this.#onError();
  }

  /** Closes the file once (it may still write the header); never throws, see `error`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#guard.close(() => this.#log.close()) !== null) this.#onError();
  }
}
