/**
 * The error classes of `stress` and the exit-code table.
 *
 * A {@linkcode UserError} is something the user can fix (a bad option, an unreachable
 * target); `main()` prints it as one `error: <message>` line and exits with its
 * {@linkcode UserError.exitCode}. Anything else is a bug: it is printed with its stack
 * and exits with {@linkcode EXIT_CODES.internal}.
 *
 * @module
 */

/**
 * The exit codes of the `stress` command line, in one place.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXIT_CODES } from "./errors.ts";
 * assert.equal(EXIT_CODES.usage, 2);
 * ```
 */
export const EXIT_CODES: {
  /** Success, and for `help`, `print`, `version` and `--dry-run`. */
  readonly ok: 0;
  /** The run finished but a check failed (a consistency mismatch, an error threshold, `FAILURE`). */
  readonly checkFailed: 1;
  /** A bad command line: {@linkcode OptionError}, {@linkcode UsageError}. */
  readonly usage: 2;
  /** The target cannot be reached, authenticated or understood: {@linkcode TargetError}. */
  readonly target: 3;
  /**
   * The load generator itself was a limit of the run, under `-loader fail-if-limited` or
   * `--fail-if-limited` (the run finished and wrote its files).
   */
  readonly loaderLimited: 4;
  /** A bug in `stress` itself. */
  readonly internal: 70;
  /** Interrupted by `SIGINT`. */
  readonly interrupted: 130;
  /**
   * The reader of stdout went away (`stress ... | head`): the run stopped as on `SIGINT`,
   * wrote its files and printed nothing more. 128 + SIGPIPE, as a shell reports it.
   */
  readonly stdoutClosed: 141;
  /**
   * Stopped by `SIGTERM` (what Kubernetes and `timeout` send): the run stopped as on `SIGINT`,
   * printed what it measured and wrote its files. 128 + SIGTERM, as a shell reports it.
   */
  readonly terminated: 143;
} = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  target: 3,
  loaderLimited: 4,
  internal: 70,
  interrupted: 130,
  stdoutClosed: 141,
  terminated: 143,
} as const;

/**
 * The base class of every error a user can fix. `main()` prints its message after
 * `error: ` and exits with {@linkcode UserError.exitCode}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { UserError } from "./errors.ts";
 * const error = new UserError("Cannot open file \"x\": it does not exist");
 * assert.equal(error.exitCode, 1);
 * assert.equal(error.name, "UserError");
 * ```
 */
export class UserError extends Error {
  /** The process exit code for this error. */
  readonly exitCode: number;

  /**
   * Creates a user error.
   *
   * @param message One line, in std's error-message style.
   * @param options The exit code (default 1) and the cause, if any.
   */
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.exitCode = options.exitCode ?? EXIT_CODES.checkFailed;
  }
}

/**
 * A bad command-line value: names the option, the value given and what was expected.
 * Exit code 2.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OptionError } from "./errors.ts";
 * const error = new OptionError({ option: "duration", value: "10x", expected: "one of s, m, h" });
 * assert.equal(
 *   error.message,
 *   'Cannot parse option "duration": "10x" is invalid, expected one of s, m, h',
 * );
 * assert.equal(error.exitCode, 2);
 * ```
 */
export class OptionError extends UserError {
  /** The option (or token position) that was wrong, e.g. `"-rate threads"`. */
  readonly option: string;
  /** The offending value or token, exactly as given. */
  readonly value: string;
  /** What would have been accepted. */
  readonly expected: string;

  /**
   * Creates an option error.
   *
   * @param details The option, the value and what was expected; `problem` replaces
   * "is invalid" in the message when given.
   * @param options The cause, if any.
   */
  constructor(
    details: { option: string; value: string; expected: string; problem?: string },
    options: { cause?: unknown } = {},
  ) {
    const problem = details.problem ?? "is invalid";
    super(
      `Cannot parse option "${details.option}": "${details.value}" ${problem}, expected ${details.expected}`,
      { exitCode: EXIT_CODES.usage, cause: options.cause },
    );
    this.name = "OptionError";
    this.option = details.option;
    this.value = details.value;
    this.expected = details.expected;
  }
}

/**
 * A command line that is well-formed token by token but cannot be run as a whole
 * (two conflicting options, an unsupported feature). Exit code 2.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "./errors.ts";
 * assert.equal(new UsageError("Cannot use -sendto: it is not supported").exitCode, 2);
 * ```
 */
export class UsageError extends UserError {
  /**
   * Creates a usage error.
   *
   * @param message One line, in std's error-message style.
   * @param options The cause, if any.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: EXIT_CODES.usage, cause: options.cause });
    this.name = "UsageError";
  }
}

/**
 * The target cannot be reached, authenticated or understood. Exit code 3.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TargetError } from "./errors.ts";
 * assert.equal(new TargetError("Cannot connect to \"127.0.0.1:9042\": refused").exitCode, 3);
 * ```
 */
export class TargetError extends UserError {
  /**
   * Creates a target error.
   *
   * @param message One line, in std's error-message style.
   * @param options The cause, if any.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: EXIT_CODES.target, cause: options.cause });
    this.name = "TargetError";
  }
}

/**
 * The run finished but failed a check (`FAILURE`, an error threshold). Exit code 1.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CheckFailedError } from "./errors.ts";
 * assert.equal(new CheckFailedError("Cannot finish run: 3 operations failed").exitCode, 1);
 * ```
 */
export class CheckFailedError extends UserError {
  /**
   * Creates a check-failed error.
   *
   * @param message One line, in std's error-message style.
   * @param options The cause, if any.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: EXIT_CODES.checkFailed, cause: options.cause });
    this.name = "CheckFailedError";
  }
}

/**
 * The run was interrupted by `SIGINT`. Exit code 130.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { InterruptedError } from "./errors.ts";
 * assert.equal(new InterruptedError().exitCode, 130);
 * ```
 */
export class InterruptedError extends UserError {
  /**
   * Creates an interrupted error.
   *
   * @param message The line to print.
   */
  constructor(message = "Run interrupted by SIGINT: printed what was measured") {
    super(message, { exitCode: EXIT_CODES.interrupted });
    this.name = "InterruptedError";
  }
}

/**
 * The message of any thrown value: an `Error`'s message, else the value as text.
 *
 * @param error What was thrown.
 * @returns Its message.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageOf } from "./errors.ts";
 * assert.equal(messageOf(new Error("refused")), "refused");
 * assert.equal(messageOf("plain"), "plain");
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The first line of a thrown value's message: what goes after `error: ` or into one log line.
 *
 * @param error What was thrown.
 * @returns The first line of its message.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstLineOf } from "./errors.ts";
 * assert.equal(firstLineOf(new Error("refused\nat x")), "refused");
 * ```
 */
export function firstLineOf(error: unknown): string {
  return messageOf(error).split("\n")[0];
}
