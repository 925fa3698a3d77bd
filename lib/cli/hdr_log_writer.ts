/**
 * Writes a run's HDR interval log (`-log hdrfile=`) as the run goes: the header once,
 * with BaseTime = the run's start rounded down to the second, then one line per op
 * type and kind per interval.
 *
 * @module
 */

import { formatHdrLogHeader, formatHdrLogInterval, type HdrLogWindow } from "../report/hdr_log.ts";
import { TextFile } from "./text_file.ts";

/**
 * An HDR interval log file fed with interval reports.
 *
 * @example Usage
 * ```ts ignore
 * const log = new HdrLogWriter("run.hdr", { purpose: "-log hdrfile" });
 * log.writeInterval(report);
 * log.close();
 * ```
 */
export class HdrLogWriter {
  #file: TextFile;
  #comment: string | undefined;
  #baseEpochMs = -1;

  /**
   * Creates (truncates) the file.
   *
   * @param path Where.
   * @param options The option it is for (for errors) and the first comment line.
   */
  constructor(path: string, options: { purpose: string; comment?: string }) {
    this.#file = TextFile.create(path, options.purpose);
    this.#comment = options.comment;
  }

  /**
   * Appends one interval; writes the header first if this is the first one.
   *
   * @param report The merged interval.
   */
  writeInterval(
    report: {
      readonly windows: readonly HdrLogWindow[];
      readonly runStartEpochMs: number;
      readonly startSec: number;
      readonly lengthSec: number;
    },
  ): void {
    if (this.#baseEpochMs < 0) {
      this.#baseEpochMs = Math.floor(report.runStartEpochMs / 1000) * 1000;
      this.#file.write(formatHdrLogHeader({
        startTimeMs: report.runStartEpochMs,
        comment: this.#comment,
        utcOffsetMinutes: -new Date(report.runStartEpochMs).getTimezoneOffset(),
      }));
    }
    const offsetSec = (report.runStartEpochMs - this.#baseEpochMs) / 1000;
    this.#file.write(formatHdrLogInterval({
      windows: report.windows,
      startSec: report.startSec + offsetSec,
      lengthSec: report.lengthSec,
    }));
  }

  /**
   * Closes the file. A run that ended before its first interval (interrupted in the warm-up,
   * a failed connect) still leaves a valid log: the header, dated now, and no interval.
   */
  close(): void {
    try {
      if (this.#baseEpochMs < 0) {
        const nowMs = Date.now();
        this.#baseEpochMs = Math.floor(nowMs / 1000) * 1000;
        this.#file.write(formatHdrLogHeader({
          startTimeMs: nowMs,
          comment: this.#comment,
          utcOffsetMinutes: -new Date(nowMs).getTimezoneOffset(),
        }));
      }
    } finally {
      // A header that cannot be written (a full disk) still closes the file.
      this.#file.close();
    }
  }
}
