/**
 * Private helper of `query_run.ts`: reads the input and routes each row to its Worker
 * (rendezvous hashing of the host; with `--shard`, only the hosts of this shard), counting
 * failed queries and Workers that cannot connect.
 *
 * @module
 */

import { RendezvousDispatcher } from "../core/rendezvous_dispatcher.ts";
import type { PageStop } from "../live/live_endpoints.ts";
import type { CommandIo } from "../cli/command_io.ts";
import type { TextFile } from "../cli/text_file.ts";
import type { Shard } from "../units/shard.ts";
import { QueryPool } from "./driver/query_pool.ts";
import { formatQueryAnswer } from "./format_query_answer.ts";
import { HostRouting } from "./host_routing.ts";
import { QueryFailureCounts } from "./query_failure_counts.ts";
import { type QueryItemsOutcome, readQueryItems } from "./query_input.ts";
import type { QueryWorkerRow } from "./query_protocol.ts";
import { MAX_SHOWN_BAD_ROWS, type QueryRunSettings } from "./_query_run_settings.ts";

/** Rows queued in one Worker, at most, before reading waits. */
const MAX_QUEUED_ROWS = 4096;
/** The seed of the host-to-shard hashing: fixed, so every shard routes hosts the same way. */
const SHARD_SEED = 0x5a17;

/** Options of {@linkcode QueryRunDispatch}. */
export interface QueryRunDispatchOptions {
  /** The statement every Worker prepares. */
  readonly sql: string;
  /** This loader's shard, or null. */
  readonly shard: Shard | null;
  /** Where answers go (`--results`), or null. */
  readonly resultsFile: Pick<TextFile, "writeLine"> | null;
  /** Where skipped rows are printed. */
  readonly io: CommandIo;
}

/** The routing of rows to the query Workers, and what the Workers reported back. */
export class QueryRunDispatch {
  /** Which Worker runs each host. */
  readonly routing: HostRouting;
  /** The query Workers. */
  readonly pool: QueryPool;
  /** Failed queries by kind. */
  readonly failures: QueryFailureCounts = new QueryFailureCounts();
  /** One line per Worker that could not connect or lost its connection. */
  readonly fatal: string[] = [];
  readonly #settings: QueryRunSettings;
  readonly #options: QueryRunDispatchOptions;
  readonly #shardRouting: RendezvousDispatcher | null;
  #failFastStop = false;
  #lost = false;
  #otherShardRows = 0;
  #shownSkipped = 0;

  /**
   * Creates the routing and the pool; no Worker starts before its first row.
   *
   * @param settings The run's settings.
   * @param options The statement, the shard, the results file and the output.
   */
  constructor(settings: QueryRunSettings, options: QueryRunDispatchOptions) {
    this.#settings = settings;
    this.#options = options;
    this.#shardRouting = options.shard === null
      ? null
      : new RendezvousDispatcher(options.shard.count, { seed: SHARD_SEED });
    this.routing = new HostRouting(settings.workers, { seed: settings.seed });
    const resultsFile = options.resultsFile;
    this.pool = new QueryPool({
      workerCount: settings.workers,
      maxQueuedRows: MAX_QUEUED_ROWS,
      init: {
        url: settings.url.href,
        sql: options.sql,
        prepare: settings.prepare,
        statementTimeoutMs: settings.timeoutMs,
        collectResults: resultsFile !== null,
        failFast: settings.failFast,
      },
      onFailure: (failure) => {
        this.failures.add(failure);
        if (!settings.failFast) return;
        this.#failFastStop = true;
        this.stopAll();
      },
      onAnswers: (answers) => {
        for (const answer of answers) resultsFile!.writeLine(formatQueryAnswer(answer));
      },
      onFatal: (workerIndex, message) => {
        this.fatal.push(`worker ${workerIndex} cannot connect: ${message}`);
        this.stopAll();
      },
      onLost: (failure) => {
        this.#lost = true;
        this.fatal.push(
          `worker ${failure.workerIndex} lost its connection at line ${failure.line} (host ` +
            `"${failure.host}"): ${failure.kind}: ${failure.message}`,
        );
        this.stopAll();
      },
    });
  }

  /**
   * Stops the run (Ctrl-C, the page's Stop, a failed query under `--fail-fast`, a Worker that
   * cannot connect or lost its connection, a file that cannot be written): reading ends, and
   * every Worker ends after the query it is running, whatever its queue holds.
   */
  stopAll(): void {
    this.pool.stopAll();
  }

  /** Whether the run was stopped before its input was run. */
  get stopped(): boolean {
    return this.pool.stopped;
  }

  /** Whether a Worker lost its connection. */
  get lost(): boolean {
    return this.#lost;
  }

  /** Whether `--fail-fast` met a failed query. */
  get failFastStop(): boolean {
    return this.#failFastStop;
  }

  /** Rows of hosts that belong to other shards, not run here. */
  get otherShardRows(): number {
    return this.#otherShardRows;
  }

  /**
   * Reads the input to its end, or until a stop (fail-fast, a Worker that cannot connect,
   * the page's Stop or Ctrl-C), handing each row to its Worker.
   *
   * @param input The query parameters.
   * @param pageStop The page's Stop joined with the command's signal.
   * @returns How the reading ended.
   */
  read(input: ReadableStream<Uint8Array>, pageStop: PageStop): Promise<QueryItemsOutcome> {
    const shard = this.#options.shard;
    return readQueryItems(input, {
      signal: pageStop.signal,
      stop: () => this.pool.stopped || pageStop.signal.aborted,
      onRows: async (rows) => {
        const byWorker = new Map<number, QueryWorkerRow[]>();
        for (const row of rows) {
          if (this.#shardRouting !== null && this.#shardRouting.select(row.host) !== shard!.index) {
            this.#otherShardRows++;
            continue;
          }
          const worker = this.routing.route(row.host);
          let batch = byWorker.get(worker);
          if (batch === undefined) byWorker.set(worker, batch = []);
          batch.push({ line: row.line, host: row.host, startMs: row.startMs, endMs: row.endMs });
        }
        for (const [worker, batch] of byWorker) await this.pool.dispatch(worker, batch);
      },
      onBad: (item) => {
        if (!this.#settings.skipBadRows) return "stop";
        if (this.#shownSkipped++ < MAX_SHOWN_BAD_ROWS) {
          this.#options.io.err(`skipped bad row: ${item.problem}`);
        }
        return "continue";
      },
    });
  }
}
