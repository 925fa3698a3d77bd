/**
 * The PostgreSQL back-end of the run database, on `npm:postgres`. Each statement autocommits, so
 * a record is committed when its method resolves; the tables are created when missing.
 *
 * @module
 */

import postgres from "postgres";
import { firstLineOf, TargetError } from "../../errors.ts";
import { parsePgUrl } from "../../units/parse_pg_url.ts";
import { postgresJsTarget } from "../../units/postgres_js_target.ts";
import { maskUrlPasswords, redactPgUrl } from "../../units/redact_pg_url.ts";
import type {
  ClientState,
  EventRecord,
  LoadedRun,
  NewClient,
  NewRun,
  RunEnd,
  RunRecord,
  RunStore,
  RunStoreOptions,
  SampleRecord,
  StoreResult,
} from "./run_store_types.ts";
import { type Row, RUN_COLUMNS, toClient, toEvent, toRun, toSample } from "./_run_rows.ts";
import { HeartbeatBatch } from "./_heartbeat_batch.ts";
import { runStoreError } from "./_run_store_error.ts";
import {
  clientParams,
  eventParams,
  heartbeatParams,
  type Param,
  runEndParams,
  runParams,
  sampleParams,
  stateParams,
} from "./_run_params.ts";
import { preparePgSchema } from "./_pg_schema.ts";

const INSERT_RUN = `INSERT INTO runs (started_at_ms, tcp_port, hb_address, hb_port)
  VALUES ($1, $2, $3, $4) RETURNING id`;
const INSERT_CLIENT = `INSERT INTO clients
  (run_id, client_id, host, pid, config_json, connected_at_ms)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`;
const INSERT_EVENT = `INSERT INTO events
  (run_id, client_id, seq, at_ms, received_at_ms, kind, detail_json)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`;
const INSERT_SAMPLE = `INSERT INTO samples (run_id, client_id, seq, at_ms, received_at_ms,
  cpu_percent, user_ms, sys_ms, rss_bytes, bytes_written, chunks, interval_ms, histogram)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`;
const UPDATE_HEARTBEAT = `UPDATE clients SET last_heartbeat_ms = GREATEST(last_heartbeat_ms, $1),
  heartbeats = heartbeats + $2 WHERE run_id = $3 AND client_id = $4`;
const UPDATE_STATE = `UPDATE clients SET state = $1::text,
  finished_at_ms = CASE WHEN $1::text = 'running' THEN finished_at_ms ELSE $2 END
  WHERE run_id = $3 AND client_id = $4`;
const UPDATE_RUN = `UPDATE runs SET ended_at_ms = $1, status = $2, report_json = $3 WHERE id = $4`;
const SELECT_RUNS = `SELECT ${RUN_COLUMNS} FROM runs r ORDER BY r.id DESC`;
const SELECT_RUN = `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = $1`;
const SELECT_CLIENTS =
  `SELECT * FROM clients WHERE run_id = $1 ORDER BY connected_at_ms, client_id`;
const SELECT_EVENTS = `SELECT * FROM events WHERE run_id = $1 ORDER BY id`;
const SELECT_SAMPLES = `SELECT * FROM samples WHERE run_id = $1 ORDER BY id`;

/** Options of {@linkcode PgRunStore.open}. */
export type PgRunStoreOptions = RunStoreOptions;

/**
 * The run database in PostgreSQL. Open it with {@linkcode PgRunStore.open}; missing tables are
 * created, an existing schema must be of this version.
 *
 * @example Usage
 * ```ts ignore
 * import assert from "node:assert/strict";
 * import { PgRunStore } from "./pg_run_store.ts";
 * const store = await PgRunStore.open("postgres://postgres@127.0.0.1:5432/postgres");
 * const runId = await store.createRun({
 *   startedAtMs: 1000,
 *   tcpPort: 42000,
 *   hbAddress: "239.0.0.1",
 *   hbPort: 10001,
 * });
 * assert.equal((await store.loadRun(runId))?.run.status, "running");
 * await store.close();
 * ```
 */
export class PgRunStore implements RunStore {
  /** The database URL without its password. */
  readonly target: string;
  #sql: postgres.Sql;
  #heartbeats: HeartbeatBatch;
  #closed = false;

  private constructor(target: string, sql: postgres.Sql, heartbeatFlushMs: number) {
    this.target = target;
    this.#sql = sql;
    this.#heartbeats = new HeartbeatBatch(heartbeatFlushMs);
  }

  /**
   * Connects to the PostgreSQL database at `url`, creating the tables when missing (unless
   * `readOnly`: then the session is read-only and the tables must be there).
   *
   * @param url A `postgres://` or `postgresql://` URL.
   * @param options Heartbeat batching, read-only.
   * @returns The open store.
   * @throws {TargetError} When the server cannot be reached, or the database holds tables of
   * the same names without a `schema_version`, or another schema version.
   * @throws {OptionError} When `url` is not a PostgreSQL URL.
   */
  static async open(url: string, options: PgRunStoreOptions = {}): Promise<PgRunStore> {
    const target = redactPgUrl(parsePgUrl(url, "--db"));
    // Read as the query wing reads its --url: IPv6, sockets, libpq's host=, user=, dbname=.
    const where = postgresJsTarget(url);
    let sql: postgres.Sql;
    try {
      sql = postgres(where.url, {
        ...where.options,
        max: 1,
        connect_timeout: 10,
        onnotice: () => {},
        // A reader's session cannot write, whatever it runs.
        ...(options.readOnly ? { connection: { default_transaction_read_only: true } } : {}),
      });
    } catch (error) {
      throw new TargetError(
        `Cannot open run database "${target}": ${maskUrlPasswords(firstLineOf(error))}`,
        {
          cause: error,
        },
      );
    }
    try {
      await preparePgSchema(sql, target, { readOnly: options.readOnly ?? false });
    } catch (error) {
      await sql.end({ timeout: 1 }).catch(() => {});
      if (error instanceof TargetError) throw error;
      throw new TargetError(
        `Cannot open run database "${target}": ${maskUrlPasswords(firstLineOf(error))}`,
        {
          cause: error,
        },
      );
    }
    return new PgRunStore(target, sql, options.heartbeatFlushMs ?? 1000);
  }

  /**
   * Stores a new run with status `running`.
   *
   * @param run The run's fields.
   * @returns The new run's id.
   * @throws {TargetError} When the database fails.
   */
  async createRun(run: NewRun): Promise<number> {
    const rows = await this.#write("create run", INSERT_RUN, runParams(run));
    return Number(rows[0].id);
  }

  /**
   * Stores a client joining a run, with state `running`.
   *
   * @param runId The run.
   * @param client The client's fields.
   * @returns False, storing nothing, when the run already has a client with this id.
   * @throws {TargetError} When the database fails (also for an unknown run).
   */
  async addClient(runId: number, client: NewClient): Promise<boolean> {
    const result = await this.#write("store client", INSERT_CLIENT, clientParams(runId, client));
    return result.count > 0;
  }

  /**
   * Stores an event; a client event whose `(clientId, seq)` is already stored is not stored again.
   *
   * @param runId The run.
   * @param event The event.
   * @returns `"stored"`, or `"duplicate"` for a resent client event.
   * @throws {TargetError} When the database fails (also for an unknown run).
   */
  async addEvent(runId: number, event: EventRecord): Promise<StoreResult> {
    const result = await this.#write("store event", INSERT_EVENT, eventParams(runId, event));
    return result.count > 0 ? "stored" : "duplicate";
  }

  /**
   * Stores a sample; one whose `(clientId, seq)` is already stored is not stored again.
   *
   * @param runId The run.
   * @param sample The sample.
   * @returns `"stored"`, or `"duplicate"` for a resent sample.
   * @throws {TargetError} When the database fails (also for an unknown run).
   */
  async addSample(runId: number, sample: SampleRecord): Promise<StoreResult> {
    const result = await this.#write("store sample", INSERT_SAMPLE, sampleParams(runId, sample));
    return result.count > 0 ? "stored" : "duplicate";
  }

  /**
   * Notes a heartbeat; batched, written at most `heartbeatFlushMs` later (or with the next
   * record, a read or `close()`).
   *
   * @param runId The run.
   * @param clientId The client.
   * @param atMs The server time of the heartbeat, epoch ms.
   * @returns When noted (and written, when a batch was due).
   * @throws {TargetError} When writing a due batch fails.
   */
  async noteHeartbeat(runId: number, clientId: string, atMs: number): Promise<void> {
    this.#checkOpen();
    this.#heartbeats.note(runId, clientId, atMs);
    await this.#flushIfDue(false);
  }

  /**
   * Sets a client's state; `finished` and `gone` also set its finish time.
   *
   * @param runId The run.
   * @param clientId The client.
   * @param state The new state.
   * @param atMs When, epoch ms.
   * @returns When stored.
   * @throws {TargetError} When the database fails.
   */
  async setClientState(
    runId: number,
    clientId: string,
    state: ClientState,
    atMs: number,
  ): Promise<void> {
    await this.#write(
      "store client state",
      UPDATE_STATE,
      stateParams(runId, clientId, { state, atMs }),
    );
  }

  /**
   * Ends a run: its end time, status and report.
   *
   * @param runId The run.
   * @param end How it ended.
   * @returns When stored.
   * @throws {TargetError} When the database fails.
   */
  async finishRun(runId: number, end: RunEnd): Promise<void> {
    await this.#write("finish run", UPDATE_RUN, runEndParams(runId, end));
  }

  /**
   * Lists the runs, newest first, with their client counts.
   *
   * @returns The runs.
   * @throws {TargetError} When the database fails.
   */
  async listRuns(): Promise<RunRecord[]> {
    return (await this.#read("list runs", SELECT_RUNS, [])).map(toRun);
  }

  /**
   * Loads one run with its clients, events and samples.
   *
   * @param runId The run.
   * @returns The run, or null when there is no such run.
   * @throws {TargetError} When the database fails.
   */
  async loadRun(runId: number): Promise<LoadedRun | null> {
    const runs = await this.#read("load run", SELECT_RUN, [runId]);
    if (runs.length === 0) return null;
    const clients = await this.#read("load run", SELECT_CLIENTS, [runId]);
    const events = await this.#read("load run", SELECT_EVENTS, [runId]);
    const samples = await this.#read("load run", SELECT_SAMPLES, [runId]);
    try {
      return {
        run: toRun(runs[0]),
        clients: clients.map(toClient),
        events: events.map(toEvent),
        samples: samples.map(toSample),
      };
    } catch (error) {
      throw this.#wrap("load run", error);
    }
  }

  /**
   * Writes pending heartbeats and closes the connection; closing twice does nothing.
   *
   * @returns When closed.
   * @throws {TargetError} When writing the heartbeats fails (the connection is closed anyway).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#flushIfDue(true);
    } finally {
      this.#closed = true;
      await this.#sql.end({ timeout: 5 });
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new TargetError(`Cannot use run database "${this.target}": closed`);
  }

  async #write(action: string, text: string, params: Param[]): Promise<postgres.RowList<Row[]>> {
    this.#checkOpen();
    await this.#flushIfDue(false);
    try {
      return await this.#sql.unsafe<Row[]>(text, params, { prepare: true });
    } catch (error) {
      throw this.#wrap(action, error);
    }
  }

  async #read(action: string, text: string, params: Param[]): Promise<Row[]> {
    this.#checkOpen();
    await this.#flushIfDue(true);
    try {
      return await this.#sql.unsafe<Row[]>(text, params, { prepare: true });
    } catch (error) {
      throw this.#wrap(action, error);
    }
  }

  /** Writes the pending heartbeats in one transaction when forced or when the batch is due. */
  async #flushIfDue(force: boolean): Promise<void> {
    const batch = this.#heartbeats.takeDue(force);
    if (batch.length === 0) return;
    try {
      await this.#sql.begin(async (tx) => {
        for (const beat of batch) {
          await tx.unsafe(UPDATE_HEARTBEAT, heartbeatParams(beat), { prepare: true });
        }
      });
    } catch (error) {
      throw this.#wrap("store heartbeats", error);
    }
  }

  #wrap(action: string, error: unknown): TargetError {
    return runStoreError(this.target, action, error);
  }
}
