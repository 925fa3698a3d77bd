/**
 * Private helper of `query_run.ts`: how a run that printed its results ends, 0 or an error
 * that says why it stopped.
 *
 * @module
 */

import { CheckFailedError, InterruptedError, TargetError, UsageError } from "../errors.ts";
import type { PageStop } from "../live/live_endpoints.ts";
import type { QueryItemsOutcome } from "./query_input.ts";
import type { QueryRunDispatch } from "./_query_run_dispatch.ts";

/**
 * Throws when the run did not go through its whole input: interrupted, stopped from the
 * page, a Worker that could not connect, `--fail-fast`, a malformed stdin row, or no rows.
 *
 * @param run The command's signal, the page's Stop, the dispatch and how reading ended.
 * @throws {InterruptedError} On SIGINT or the page's Stop.
 * @throws {TargetError} When a Worker could not connect.
 * @throws {CheckFailedError} When `--fail-fast` stopped the run at a failed query.
 * @throws {UsageError} When a malformed stdin row stopped the run, or there were no rows.
 */
export function checkQueryRunEnd(run: {
  readonly signal: AbortSignal | undefined;
  readonly pageStop: PageStop;
  readonly dispatch: QueryRunDispatch;
  readonly outcome: QueryItemsOutcome;
}): void {
  const { dispatch, outcome } = run;
  if (run.signal?.aborted) {
    throw new InterruptedError("Run interrupted by SIGINT: the results above are partial");
  }
  if (run.pageStop.fromPage) {
    throw new InterruptedError("Run stopped from the live page: the results above are partial");
  }
  if (dispatch.fatal.length > 0) {
    throw new TargetError(`Cannot finish "query run": ${dispatch.fatal[0]}`);
  }
  if (dispatch.failFastStop && dispatch.failures.first !== null) {
    const first = dispatch.failures.first;
    throw new CheckFailedError(
      `Query failed at line ${first.line} (host "${first.host}"): ${first.kind}: ${first.message}; --fail-fast stopped the run`,
    );
  }
  if (outcome.stoppedAt !== null) {
    throw new UsageError(
      `Cannot go on reading stdin: ${outcome.stoppedAt.problem}; the run stopped there (give --skip-bad-rows to skip malformed rows)`,
    );
  }
  if (outcome.rows === 0) {
    throw new UsageError(
      `Cannot run "query run": the input has no rows, expected hostname,start_time,end_time lines`,
    );
  }
}
