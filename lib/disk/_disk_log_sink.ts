/**
 * Private helper of `disk_server.ts` and `disk_client.ts`: where their log lines go, stdout and
 * `--log`. A `--log` file that fails (a full disk) is closed with one warning; the run goes on.
 *
 * @module
 */

import type { CommandIo } from "../cli/command_io.ts";
import type { TextFile } from "../cli/text_file.ts";
import { firstLineOf } from "../errors.ts";

/**
 * Writes each log line to stdout and to the `--log` file, if any.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo } from "../cli/command_io.ts";
 * import { LogSink } from "./_disk_log_sink.ts";
 * const io = new BufferedIo();
 * const sink = new LogSink(io, null);
 * sink.line("client c1: start");
 * assert.deepEqual(io.stdout, ["client c1: start"]);
 * ```
 */
export class LogSink {
  readonly #io: CommandIo;
  #file: TextFile | null;

  /**
   * Takes the outputs.
   *
   * @param io Stdout gets every line; stderr the warning when the file fails.
   * @param file The `--log` file, or null.
   */
  constructor(io: CommandIo, file: TextFile | null) {
    this.#io = io;
    this.#file = file;
  }

  /**
   * Writes one line.
   *
   * @param line The line, without its newline.
   */
  line(line: string): void {
    this.#io.out(line);
    if (this.#file === null) return;
    try {
      this.#file.writeLine(line);
    } catch (error) {
      this.close();
      this.#io.err(`warning: --log stopped: ${firstLineOf(error)}`);
    }
  }

  /** Closes the `--log` file; later lines go to stdout only. */
  close(): void {
    try {
      this.#file?.close();
    } catch {
      // Already closed.
    }
    this.#file = null;
  }
}
