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

/** How a run ended, as {@linkcode checkQueryRunEnd} and {@linkcode queryRunAborted} read it. */
export interface QueryRunEnd {
  /** The command's signal (SIGINT, SIGTERM). */
  readonly signal: AbortSignal | undefined;
  /** The page's Stop. */
  readonly pageStop: PageStop;
  /** The routing and what the Workers reported. */
  readonly dispatch: QueryRunDispatch;
  /** How the reading of the input ended. */
  readonly outcome: QueryItemsOutcome;
  /** The first write error of an output file, or null. */
  readonly writeError: UsageError | null;
  /** The `--file`, or null for stdin. */
  readonly file: string | null;
  /** The queries that answered. */
  readonly succeeded: number;
}

/**
 * Why the run ended before its input did, for the JSON summary; null when it went through.
 *
 * @param run How the run ended.
 * @returns The reason, or null.
 */
export function queryRunAborted(run: QueryRunEnd): string | null {
  if (run.signal?.aborted) return "interrupted during the measured run";
  if (run.pageStop.fromPage) return "stopped from the live page during the measured run";
  if (run.writeError !== null) return "an output file could not be written during the measured run";
  if (run.dispatch.lost) {
    return "a Worker lost its connection to the database during the measured run";
  }
  if (run.dispatch.stopped) return "a failed query or Worker ended the measured run";
  if (run.outcome.stoppedAt !== null) return "a malformed input row stopped the measured run";
  return null;
}

/**
 * Throws when the run did not go through its whole input: a file it could not write,
 * interrupted, stopped from the page, a Worker that could not connect or lost its connection,
 * `--fail-fast`, a malformed stdin row, no rows, or no query that answered (every one failed).
 *
 * @param run How the run ended.
 * @throws {UsageError} When an output file could not be written.
 * @throws {InterruptedError} On SIGINT or the page's Stop.
 * @throws {TargetError} When a Worker could not connect or lost its connection.
 * @throws {CheckFailedError} When `--fail-fast` stopped the run at a failed query.
 * @throws {UsageError} When a malformed row of stdin or a pipe stopped the run, or there were no
 * rows.
 * @throws {CheckFailedError} When queries ran and every one of them failed.
 */
export function checkQueryRunEnd(run: QueryRunEnd): void {
  const { dispatch, outcome } = run;
  if (run.writeError !== null) throw run.writeError;
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
      `Cannot go on reading ${
        run.file === null ? "stdin" : `--file "${run.file}"`
      }: ${outcome.stoppedAt.problem}; the run stopped there (give --skip-bad-rows to skip malformed rows)`,
    );
  }
  if (outcome.rows === 0) {
    throw new UsageError(
      `Cannot run "query run": the input has no rows, expected hostname,start_time,end_time lines`,
    );
  }
  checkSomeAnswered(run);
}

/** Throws when queries ran and none answered: nothing was measured (pgbench exits 2 then). */
function checkSomeAnswered(run: QueryRunEnd): void {
  const first = run.dispatch.failures.first;
  if (run.succeeded > 0 || first === null) return;
  const failed = run.dispatch.failures.list().reduce((sum, entry) => sum + entry.count, 0);
  throw new CheckFailedError(
    `Every query failed (${failed} of ${failed}), nothing was measured; the first at line ${first.line} (host "${first.host}"): ${first.kind}: ${first.message}`,
  );
}
