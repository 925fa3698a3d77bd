/**
 * What a failed op of a `user` profile counts, carried by the error it fails with. As
 * cassandra-stress counts them: a query sets its partitions and rows only once its statement
 * succeeded, so a failed one counts 0 and 0 (`SchemaQuery`, `CASQuery`); an insert sets them
 * before it sends, so a failed one counts the partitions and rows it tried to write
 * (`SchemaInsert`). The engine reads the count from the error's `opCount` (as it reads
 * `retryable`); an error without one counts one partition and one row. Private to
 * lib/cql/driver.
 *
 * @module
 */

import type { OpCount } from "../../engine/target.ts";

/** What a failed query counts: nothing. */
export const NOTHING: OpCount = { partitions: 0, rows: 0 };

/** The error an op failed with, with what the op counts. */
export type CountedFailure = Error & {
  /** What the failed op counts. */
  readonly opCount: OpCount;
  /** False when the op must not be tried again (copied from the error). */
  readonly retryable?: boolean;
};

/**
 * The error of one failed op, with what it counts: a new error of this op (one error, such as
 * a closed connection's, can fail several ops, each with its own count) that reads as the
 * original in the op's error line (its name and message) and keeps its `retryable`, the
 * original as its `cause`.
 *
 * @param error What the op failed with.
 * @param count What the failed op counts.
 * @returns The error to throw.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countedFailure, NOTHING } from "./_counted_failure.ts";
 * const cause = Object.assign(new RangeError("no"), { retryable: false });
 * const failed = countedFailure(cause, NOTHING);
 * assert.equal(`(${failed.name}): ${failed.message}`, "(RangeError): no");
 * assert.deepEqual(failed.opCount, { partitions: 0, rows: 0 });
 * assert.equal(failed.retryable, false);
 * assert.equal(failed.cause, cause);
 * ```
 */
export function countedFailure(error: unknown, count: OpCount): CountedFailure {
  const original = error instanceof Error ? error : null;
  const failed = new Error(original?.message ?? String(error), { cause: error });
  failed.name = original?.name ?? "Error";
  const retryable = (error as { retryable?: unknown } | null)?.retryable;
  return Object.assign(
    failed,
    typeof retryable === "boolean" ? { opCount: count, retryable } : { opCount: count },
  );
}

/**
 * A query's op as cassandra-stress counts it when it fails: nothing (a token range query, a
 * `validate`: their counts are set only once they succeeded).
 *
 * @param pending The op.
 * @returns The op, whose failure carries {@linkcode NOTHING}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countsNothingIfFailed } from "./_counted_failure.ts";
 * const failed = countsNothingIfFailed(Promise.reject(new Error("timed out")));
 * await assert.rejects(failed, (error: Error & { opCount?: unknown }) => {
 *   assert.deepEqual(error.opCount, { partitions: 0, rows: 0 });
 *   return error.message === "timed out";
 * });
 * ```
 */
export function countsNothingIfFailed(pending: Promise<OpCount>): Promise<OpCount> {
  return pending.catch((error) => {
    throw countedFailure(error, NOTHING);
  });
}
