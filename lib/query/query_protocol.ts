/**
 * The messages between `stress query run` and its query Workers
 * (`lib/query/driver/query_worker.ts`). Every message is structured-cloneable.
 *
 * A Worker is created when the first row is routed to it and gets an `init` with its
 * connection settings, then `rows` batches in file order; it runs them one at a time on its own
 * connection. `sample` asks for the histogram of the queries finished since the last one;
 * `end` means no more rows will come (finish the queue), `stop` means drop the queue (fail-fast
 * or SIGINT). The Worker answers `sample`, reports each failed query with `error`, its
 * progress with `progress`, optional `results`, a lost connection with `lost` (it then drops
 * its queue, as pgbench aborts a client whose connection is lost), and finally `done`.
 *
 * @module
 */

import type { OpSample } from "../stats/op_recorder.ts";
import type { WorkerLoaderSample } from "../stats/loader_verdict.ts";

/** The connection and query of one Worker. */
export interface QueryWorkerInit {
  /** Message type. */
  readonly type: "init";
  /** This Worker's index, 0-based. */
  readonly workerIndex: number;
  /** The `postgres://` URL. */
  readonly url: string;
  /** The per-minute SQL with `$1` host, `$2` start, `$3` end. */
  readonly sql: string;
  /** Use named prepared statements (postgres.js `prepare`), else unnamed ones. */
  readonly prepare: boolean;
  /** The server's `statement_timeout` for this connection in ms, or 0 for none. */
  readonly statementTimeoutMs: number;
  /** Send each query's answer rows back (`--results`). */
  readonly collectResults: boolean;
  /** Drop the queue and finish at the first failed query (`--fail-fast`). */
  readonly failFast: boolean;
}

/** One row to run: a host and a window in epoch ms, with its line in the input. */
export interface QueryWorkerRow {
  /** The 1-based line of the input. */
  readonly line: number;
  /** The host name. */
  readonly host: string;
  /** The window start, inclusive, epoch ms. */
  readonly startMs: number;
  /** The window end, exclusive, epoch ms. */
  readonly endMs: number;
}

/** Messages from the main thread to a query Worker. */
export type QueryMainMessage =
  | QueryWorkerInit
  | { readonly type: "rows"; readonly rows: readonly QueryWorkerRow[] }
  | { readonly type: "sample"; readonly epoch: number }
  | { readonly type: "end" }
  | { readonly type: "stop" };

/** The answer of one query, for `--results`. */
export interface QueryAnswer {
  /** The input line of the query. */
  readonly line: number;
  /** The host. */
  readonly host: string;
  /** The Worker that ran it. */
  readonly worker: number;
  /** `[minuteStartMs, maxUsage, minUsage]` per minute, in time order. */
  readonly minutes: readonly (readonly [number, number, number])[];
}

/** Exact query-time figures of successful queries, in ns (min and max are 0 without any). */
export interface QueryExactTimes {
  /** Successful queries. */
  count: number;
  /** The sum of their times. */
  sumNs: number;
  /** The shortest. */
  minNs: number;
  /** The longest. */
  maxNs: number;
}

/** Messages from a query Worker to the main thread. */
export type QueryWorkerMessage =
  | {
    readonly type: "sample";
    readonly workerIndex: number;
    readonly epoch: number;
    readonly sample: OpSample;
  }
  | {
    readonly type: "progress";
    readonly workerIndex: number;
    /** Rows finished (run or failed) so far. */
    readonly finished: number;
  }
  | {
    readonly type: "error";
    readonly workerIndex: number;
    readonly line: number;
    readonly host: string;
    /** A stable kind, such as `22012 division_by_zero` or `connection CONNECTION_CLOSED`. */
    readonly kind: string;
    /** The server's or the driver's message (one line). */
    readonly message: string;
  }
  | { readonly type: "results"; readonly answers: readonly QueryAnswer[] }
  | {
    readonly type: "done";
    readonly workerIndex: number;
    /** The queries finished since the last sample. */
    readonly sample: OpSample;
    /** Rows run (including failed ones). */
    readonly finished: number;
    /** Rows dropped by `stop`. */
    readonly dropped: number;
    /** Exact figures of the successful queries (the histograms keep 3 digits). */
    readonly exact: QueryExactTimes;
    /** What the Worker measured of itself, for the run's loader verdict. */
    readonly loader: WorkerLoaderSample;
  }
  | { readonly type: "fatal"; readonly workerIndex: number; readonly message: string }
  | {
    /** The connection was lost at a query (reported with `error` first): the Worker ends. */
    readonly type: "lost";
    readonly workerIndex: number;
    readonly line: number;
    readonly host: string;
    /** The kind of the failed query's error, such as `connection 57P01 admin_shutdown`. */
    readonly kind: string;
    /** The server's or the driver's message (one line). */
    readonly message: string;
  };
