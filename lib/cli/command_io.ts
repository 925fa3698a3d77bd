/**
 * Where a command writes its output: one function per stream, called once per line.
 * `main.ts` binds them to the terminal; tests bind them to arrays.
 *
 * @module
 */

/** The output streams of a command, line by line (no trailing newline in `line`). */
export interface CommandIo {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
}

/**
 * Returns an io whose `out` also writes every line to `tee` (the `-log file=` copy).
 *
 * @param io The io to wrap.
 * @param tee Receives every stdout line.
 * @returns The wrapped io.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { teeIo } from "./command_io.ts";
 * const a: string[] = [];
 * const b: string[] = [];
 * const io = teeIo({ out: (l) => a.push(l), err: () => {} }, (l) => b.push(l));
 * io.out("x");
 * assert.deepEqual([a, b], [["x"], ["x"]]);
 * ```
 */
export function teeIo(io: CommandIo, tee: (line: string) => void): CommandIo {
  return {
    out(line: string): void {
      io.out(line);
      tee(line);
    },
    err(line: string): void {
      io.err(line);
    },
  };
}

/**
 * Collects output in arrays: for tests and for commands that capture a child's output.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo } from "./command_io.ts";
 * const io = new BufferedIo();
 * io.out("a");
 * assert.deepEqual(io.stdout, ["a"]);
 * ```
 */
export class BufferedIo implements CommandIo {
  /** Lines written to stdout. */
  readonly stdout: string[] = [];
  /** Lines written to stderr. */
  readonly stderr: string[] = [];

  /**
   * Writes one line to stdout.
   *
   * @param line The line.
   */
  out(line: string): void {
    this.stdout.push(line);
  }

  /**
   * Writes one line to stderr.
   *
   * @param line The line.
   */
  err(line: string): void {
    this.stderr.push(line);
  }
}

/**
 * Writes a multi-line text to stdout line by line; one trailing line break is not an
 * extra empty line.
 *
 * @param io Where to write.
 * @param text The text.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo, printText } from "./command_io.ts";
 * const io = new BufferedIo();
 * printText(io, "a\n\nb\n");
 * assert.deepEqual(io.stdout, ["a", "", "b"]);
 * ```
 */
export function printText(io: CommandIo, text: string): void {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) io.out(line);
}
