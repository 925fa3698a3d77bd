/**
 * The failed queries of `stress query run`, counted by kind.
 *
 * @module
 */

import type { QueryFailure } from "./driver/query_pool.ts";
import type { QueryErrorCount } from "./query_report.ts";

/**
 * Collects failures by kind, in order of first appearance, sorted by count at the end.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { QueryFailureCounts } from "./query_failure_counts.ts";
 *
 * const failures = new QueryFailureCounts();
 * const timeout = { workerIndex: 0, host: "h1", kind: "57014 query_canceled", message: "x" };
 * failures.add({ ...timeout, line: 3 });
 * failures.add({ ...timeout, line: 2, kind: "other" });
 * failures.add({ ...timeout, line: 5 });
 * assert.equal(failures.first?.line, 3);
 * assert.deepEqual(failures.list().map((entry) => [entry.kind, entry.count, entry.firstLine]), [
 *   ["57014 query_canceled", 2, 3],
 *   ["other", 1, 2],
 * ]);
 * ```
 */
export class QueryFailureCounts {
  readonly #byKind = new Map<string, { count: number; first: QueryFailure }>();
  /** The first failure of the run, or null. */
  first: QueryFailure | null = null;

  /**
   * Counts a failure.
   *
   * @param failure A failed query, as a Worker reported it.
   */
  add(failure: QueryFailure): void {
    this.first ??= failure;
    const entry = this.#byKind.get(failure.kind);
    if (entry === undefined) this.#byKind.set(failure.kind, { count: 1, first: failure });
    else entry.count++;
  }

  /**
   * The failures by kind, most frequent first, each with its first occurrence.
   *
   * @returns One entry per kind.
   */
  list(): QueryErrorCount[] {
    return [...this.#byKind.entries()].map(([kind, { count, first }]) => ({
      kind,
      count,
      firstLine: first.line,
      firstHost: first.host,
      message: first.message,
    })).sort((a, b) => b.count - a.count);
  }
}
