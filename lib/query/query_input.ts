/**
 * Streams a query-parameters input (a file or stdin) through {@linkcode QueryParamsReader},
 * handing valid rows on chunk by chunk and asking what to do about each malformed one.
 *
 * @module
 */

import { type QueryParamsBadRow, QueryParamsReader, type QueryParamsRow } from "./query_params.ts";

/** What {@linkcode readQueryItems} does with the input. */
export interface QueryItemsHandlers {
  /** Stops reading (between chunks) when aborted. */
  readonly signal?: AbortSignal;
  /** Stops reading (between chunks) when it returns true. */
  readonly stop?: () => boolean;
  /** Receives the valid rows of each chunk, in input order; reading waits for it. */
  readonly onRows: (rows: QueryParamsRow[]) => void | Promise<void>;
  /** Decides about a malformed row: go on, or stop reading (rows before it are handed on). */
  readonly onBad: (item: QueryParamsBadRow) => "continue" | "stop";
}

/** How the reading ended. */
export interface QueryItemsOutcome {
  /** Valid rows handed on. */
  readonly rows: number;
  /** Malformed rows met. */
  readonly bad: number;
  /** The malformed row that stopped the reading, or null. */
  readonly stoppedAt: QueryParamsBadRow | null;
}

/**
 * Reads `input` to its end (or until a handler stops it) and closes it.
 *
 * @param input The bytes of the CSV input.
 * @param handlers Where rows go, what to do with bad rows, and when to stop.
 * @returns The counts, and the row that stopped the reading.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { readQueryItems } from "./query_input.ts";
 *
 * const text = "hostname,start_time,end_time\nh1,2017-01-01 00:00:00,2017-01-01 01:00:00\nbad\n";
 * const input = ReadableStream.from([new TextEncoder().encode(text)]);
 * const hosts: string[] = [];
 * const outcome = await readQueryItems(input, {
 *   onRows: (rows) => void hosts.push(...rows.map((row) => row.host)),
 *   onBad: () => "continue",
 * });
 * assert.deepEqual(hosts, ["h1"]);
 * assert.deepEqual([outcome.rows, outcome.bad, outcome.stoppedAt], [1, 1, null]);
 * ```
 */
export async function readQueryItems(
  input: ReadableStream<Uint8Array>,
  handlers: QueryItemsHandlers,
): Promise<QueryItemsOutcome> {
  const reader = input.getReader();
  const params = new QueryParamsReader();
  const decoder = new TextDecoder();
  let rows = 0;
  let bad = 0;
  let stoppedAt: QueryParamsBadRow | null = null;
  const take = async (items: ReturnType<QueryParamsReader["push"]>): Promise<void> => {
    let batch: QueryParamsRow[] = [];
    for (const item of items) {
      if (item.kind === "row") {
        batch.push(item);
        continue;
      }
      bad++;
      if (handlers.onBad(item) === "stop") {
        stoppedAt = item;
        break;
      }
    }
    if (batch.length > 0) {
      rows += batch.length;
      const handed = batch;
      batch = [];
      await handlers.onRows(handed);
    }
  };
  const stopped = () =>
    stoppedAt !== null || handlers.signal?.aborted === true || handlers.stop?.() === true;
  // An abort also ends a read that waits for input (a quiet stdin).
  const onAbort = () => void reader.cancel().catch(() => {});
  handlers.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (!stopped()) {
      const { done, value } = await reader.read();
      if (stopped()) break;
      if (done) {
        await take([...params.push(decoder.decode()), ...params.end()]);
        break;
      }
      await take(params.push(decoder.decode(value, { stream: true })));
    }
  } finally {
    handlers.signal?.removeEventListener("abort", onAbort);
    if (stopped()) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  return { rows, bad, stoppedAt };
}
