/**
 * The lines of `stress query run --results`: one JSON object per query answer.
 *
 * @module
 */

import type { QueryAnswer } from "./query_protocol.ts";

/**
 * Formats a query's answer as one JSON line `{line, host, worker, minutes}`, each minute as
 * `[ISO time, max, min]`.
 *
 * @param answer The answer a Worker sent.
 * @returns The JSON text, without a line break.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatQueryAnswer } from "./format_query_answer.ts";
 *
 * const line = formatQueryAnswer({
 *   line: 2,
 *   host: "host_000001",
 *   worker: 0,
 *   minutes: [[Date.UTC(2017, 0, 1), 90.5, 1.25]],
 * });
 * assert.equal(
 *   line,
 *   '{"line":2,"host":"host_000001","worker":0,"minutes":[["2017-01-01T00:00:00.000Z",90.5,1.25]]}',
 * );
 * ```
 */
export function formatQueryAnswer(answer: QueryAnswer): string {
  return JSON.stringify({
    line: answer.line,
    host: answer.host,
    worker: answer.worker,
    minutes: answer.minutes.map(([ms, max, min]) => [new Date(ms).toISOString(), max, min]),
  });
}
