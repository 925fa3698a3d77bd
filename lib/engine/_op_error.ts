// Private helper of the op loop (worker_runner.ts): whether a failed try may be retried, and the
// line of an op that failed, in cassandra-stress's words.

/**
 * Whether an op ran but its answer was wrong: its error says `validated: false` (a read that does
 * not validate). cassandra-stress's op returns false then instead of throwing.
 */
function isNotValidated(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    (error as { validated?: unknown }).validated === false;
}

/**
 * Whether a failed try may be tried again: not when its error says `retryable: false` or
 * `validated: false` (cassandra-stress does not retry an op whose answer was wrong either).
 *
 * @param error What the try failed with.
 * @returns Whether to retry.
 */
export function isRetryable(error: unknown): boolean {
  return !(typeof error === "object" && error !== null &&
    ((error as { retryable?: unknown }).retryable === false || isNotValidated(error)));
}

/**
 * The line of an op that failed, as cassandra-stress prints it:
 * `Operation x<tries> on key(s) [<seed>]: Error executing: (<class>): <msg>`. An op whose answer
 * was wrong (`validated: false`) did not throw there, so its line is the message alone, and that
 * try is not among the `x<tries>`, which counts the tries that threw (the first try's
 * `Operation x0 on key(s) [<seed>]: Data returned was not validated`).
 *
 * @param seed The op's population seed.
 * @param tries The tries the op made.
 * @param error What its last try failed with.
 * @returns The line.
 */
export function formatOpErrorLine(seed: number, tries: number, error: unknown): string {
  if (isNotValidated(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return `Operation x${tries - 1} on key(s) [${seed}]: ${message}`;
  }
  const described = error instanceof Error
    ? `(${error.name}): ${error.message}`
    : `(Error): ${String(error)}`;
  return `Operation x${tries} on key(s) [${seed}]: Error executing: ${described}`;
}
