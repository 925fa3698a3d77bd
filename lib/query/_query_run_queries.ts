/**
 * Private helper of `query_run.ts`: the measured run, from the first row read to the last
 * answer. Progress rows go on until every Worker has finished, also once the input is read
 * (a short input fits in the Workers' queues); a stop (Ctrl-C, the page's Stop, a file that
 * cannot be written, `--fail-fast`, a lost connection) ends every Worker after the query it is
 * running, whatever its queue holds.
 *
 * @module
 */

import type { QueryItemsOutcome } from "./query_input.ts";
import type { QueryRunDispatch } from "./_query_run_dispatch.ts";
import type { QueryRunIntervals } from "./_query_run_intervals.ts";
import type { QueryRunOutputs } from "./_query_run_outputs.ts";

/** What {@linkcode runQueries} runs. */
export interface QueryRunParts {
  /** The routing and the Workers. */
  readonly dispatch: QueryRunDispatch;
  /** The interval reporting. */
  readonly intervals: QueryRunIntervals;
  /** The input, the files and the endpoints. */
  readonly outputs: QueryRunOutputs;
  /** The `--interval`, in ms. */
  readonly intervalMs: number;
}

/**
 * Reads the input, hands each row to its Worker and waits until every Worker has finished,
 * reporting an interval every `intervalMs` and the last one at the end.
 *
 * @param parts The dispatch, the intervals, the outputs and the interval.
 * @returns How the reading of the input ended.
 * @throws {UsageError} When the input cannot be read (the Workers are stopped at once and the
 * files closed).
 */
export async function runQueries(parts: QueryRunParts): Promise<QueryItemsOutcome> {
  const { dispatch, intervals, outputs } = parts;
  const stops = [outputs.pageStop.signal, outputs.writeGuard.signal];
  const stop = () => dispatch.stopAll();
  for (const signal of stops) {
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  }
  intervals.start(() => dispatch.pool.takeInterval(), parts.intervalMs);
  try {
    const outcome = await dispatch.read(outputs.input, outputs.pageStop);
    // Rows routed before a bad stdin row still run; a stop drops the rows not yet started,
    // also one that comes while the Workers finish their queues.
    await dispatch.pool.finish({ stop: dispatch.stopped });
    await intervals.stop();
    intervals.report(await dispatch.pool.takeInterval(), true);
    return outcome;
  } catch (error) {
    intervals.cancel();
    dispatch.pool.terminate();
    await outputs.closeAfterError();
    throw error;
  } finally {
    for (const signal of stops) signal.removeEventListener("abort", stop);
  }
}
