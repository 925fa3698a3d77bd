/**
 * The SQLite back-end of the run database, on `node:sqlite` in WAL mode with
 * `synchronous=FULL`: every record is its own (autocommit) transaction, so a record is on disk
 * when its method resolves.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { firstLineOf, TargetError } from "../../errors.ts";
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
  runEndParams,
  runParams,
  sampleParams,
  stateParams,
} from "./_run_params.ts";
import { prepareSqliteSchema } from "./_sqlite_schema.ts";

/** Options of {@linkcode SqliteRunStore.open}. */
export type SqliteRunStoreOptions = RunStoreOptions;

/**
 * The run database in a SQLite file. Open it with {@linkcode SqliteRunStore.open}; a new file
 * gets the schema, an existing one must hold this schema version.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { SqliteRunStore } from "./sqlite_run_store.ts";
 * const dir = await Deno.makeTempDir();
 * const store = await SqliteRunStore.open(`${dir}/runs.sqlite`);
 * const runId = await store.createRun({
 *   startedAtMs: 1000,
 *   tcpPort: 42000,
 *   hbAddress: "239.0.0.1",
 *   hbPort: 10001,
 * });
 * assert.equal(
 *   await store.addClient(runId, {
 *     clientId: "c1",
 *     host: "h",
 *     pid: 1,
 *     config: {},
 *     connectedAtMs: 1001,
 *   }),
 *   true,
 * );
 * const event = {
 *   clientId: "c1",
 *   seq: 1,
 *   atMs: 1002,
 *   receivedAtMs: 1003,
 *   kind: "log",
 *   detail: { message: "hi" },
 * };
 * assert.equal(await store.addEvent(runId, event), "stored");
 * assert.equal(await store.addEvent(runId, event), "duplicate");
 * assert.deepEqual((await store.loadRun(runId))?.events, [event]);
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteRunStore implements RunStore {
  /** The database file. */
  readonly target: string;
  #db: DatabaseSync;
  #heartbeats: HeartbeatBatch;
  #closed = false;
  #insertRun: StatementSync;
  #insertClient: StatementSync;
  #insertEvent: StatementSync;
  #insertSample: StatementSync;
  #updateHeartbeat: StatementSync;
  #updateState: StatementSync;
  #updateRun: StatementSync;
  #selectRuns: StatementSync;
  #selectRun: StatementSync;
  #selectClients: StatementSync;
  #selectEvents: StatementSync;
  #selectSamples: StatementSync;

  private constructor(path: string, db: DatabaseSync, heartbeatFlushMs: number) {
    this.target = path;
    this.#db = db;
    this.#heartbeats = new HeartbeatBatch(heartbeatFlushMs);
    this.#insertRun = db.prepare(
      `INSERT INTO runs (started_at_ms, tcp_port, hb_address, hb_port) VALUES (?, ?, ?, ?)`,
    );
    this.#insertClient = db.prepare(
      `INSERT INTO clients (run_id, client_id, host, pid, config_json, connected_at_ms)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#insertEvent = db.prepare(
      `INSERT INTO events (run_id, client_id, seq, at_ms, received_at_ms, kind, detail_json)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#insertSample = db.prepare(
      `INSERT INTO samples (run_id, client_id, seq, at_ms, received_at_ms, cpu_percent, user_ms,
         sys_ms, rss_bytes, bytes_written, chunks, interval_ms, histogram)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#updateHeartbeat = db.prepare(
      `UPDATE clients SET last_heartbeat_ms = max(coalesce(last_heartbeat_ms, ?1), ?1),
         heartbeats = heartbeats + ?2 WHERE run_id = ?3 AND client_id = ?4`,
    );
    this.#updateState = db.prepare(
      `UPDATE clients SET state = ?1,
         finished_at_ms = CASE WHEN ?1 = 'running' THEN finished_at_ms ELSE ?2 END
       WHERE run_id = ?3 AND client_id = ?4`,
    );
    this.#updateRun = db.prepare(
      `UPDATE runs SET ended_at_ms = ?, status = ?, report_json = ? WHERE id = ?`,
    );
    this.#selectRuns = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r ORDER BY r.id DESC`);
    this.#selectRun = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`);
    this.#selectClients = db.prepare(
      `SELECT * FROM clients WHERE run_id = ? ORDER BY connected_at_ms, rowid`,
    );
    this.#selectEvents = db.prepare(`SELECT * FROM events WHERE run_id = ? ORDER BY id`);
    this.#selectSamples = db.prepare(`SELECT * FROM samples WHERE run_id = ? ORDER BY id`);
  }

  /**
   * Opens the SQLite run database at `path`, creating the file and its schema when missing
   * (unless `readOnly`: then the file must hold the runs tables).
   *
   * @param path The database file; its directory must exist.
   * @param options Heartbeat batching, read-only.
   * @returns The open store.
   * @throws {TargetError} When the directory is missing, the file is not a SQLite database, it
   * holds tables of something else, or another schema version.
   */
  static async open(path: string, options: SqliteRunStoreOptions = {}): Promise<SqliteRunStore> {
    const slash = path.lastIndexOf("/");
    const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
    try {
      const info = await Deno.stat(dir);
      if (!info.isDirectory) {
        throw new TargetError(
          `Cannot open run database "${path}": "${dir}" is not a directory, expected a directory`,
        );
      }
    } catch (error) {
      if (error instanceof TargetError) throw error;
      throw new TargetError(
        `Cannot open run database "${path}": directory "${dir}" does not exist, expected an ` +
          `existing directory`,
        { cause: error },
      );
    }
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { timeout: 5000, readOnly: options.readOnly ?? false });
    } catch (error) {
      throw new TargetError(`Cannot open run database "${path}": ${firstLineOf(error)}`, {
        cause: error,
      });
    }
    try {
      prepareSqliteSchema(db, path, { readOnly: options.readOnly ?? false });
      return new SqliteRunStore(path, db, options.heartbeatFlushMs ?? 1000);
    } catch (error) {
      db.close();
      if (error instanceof TargetError) throw error;
      throw new TargetError(`Cannot open run database "${path}": ${firstLineOf(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Stores a new run with status `running`.
   *
   * @param run The run's fields.
   * @returns The new run's id.
   * @throws {TargetError} When the database fails.
   */
  createRun(run: NewRun): Promise<number> {
    return this.#write("create run", () => {
      const result = this.#insertRun.run(...runParams(run));
      return Number(result.lastInsertRowid);
    });
  }

  /**
   * Stores a client joining a run, with state `running`.
   *
   * @param runId The run.
   * @param client The client's fields.
   * @returns False, storing nothing, when the run already has a client with this id.
   * @throws {TargetError} When the database fails (also for an unknown run).
   */
  addClient(runId: number, client: NewClient): Promise<boolean> {
    return this.#write("store client", () => {
      const result = this.#insertClient.run(...clientParams(runId, client));
      return result.changes > 0;
    });
  }

  /**
   * Stores an event; a client event whose `(clientId, seq)` is already stored is not stored again.
   *
   * @param runId The run.
   * @param event The event.
   * @returns `"stored"`, or `"duplicate"` for a resent client event.
   * @throws {TargetError} When the database fails (also for an unknown run).
   */
  addEvent(runId: number, event: EventRecord): Promise<StoreResult> {
    return this.#write("store event", () => {
      const result = this.#insertEvent.run(...eventParams(runId, event));
      return result.changes > 0 ? "stored" : "duplicate";
    });
  }

  /**
   * Stores a sample; one whose `(clientId, seq)` is already stored is not stored again.
   *
   * @param runId The run.
   * @param sample The sample.
   * @returns `"stored"`, or `"duplicate"` for a resent sample.
   * @throws {TargetError} When the database fails (also for an unknown run).
   */
  addSample(runId: number, sample: SampleRecord): Promise<StoreResult> {
    return this.#write("store sample", () => {
      const result = this.#insertSample.run(...sampleParams(runId, sample));
      return result.changes > 0 ? "stored" : "duplicate";
    });
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
  noteHeartbeat(runId: number, clientId: string, atMs: number): Promise<void> {
    try {
      this.#checkOpen();
      this.#heartbeats.note(runId, clientId, atMs);
      this.#flushIfDue(false);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(this.#wrap("store heartbeats", error));
    }
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
  setClientState(runId: number, clientId: string, state: ClientState, atMs: number): Promise<void> {
    return this.#write("store client state", () => {
      this.#updateState.run(...stateParams(runId, clientId, { state, atMs }));
    });
  }

  /**
   * Ends a run: its end time, status and report.
   *
   * @param runId The run.
   * @param end How it ended.
   * @returns When stored.
   * @throws {TargetError} When the database fails.
   */
  finishRun(runId: number, end: RunEnd): Promise<void> {
    return this.#write("finish run", () => {
      this.#updateRun.run(...runEndParams(runId, end));
    });
  }

  /**
   * Lists the runs, newest first, with their client counts.
   *
   * @returns The runs.
   * @throws {TargetError} When the database fails.
   */
  listRuns(): Promise<RunRecord[]> {
    return this.#read("list runs", () => (this.#selectRuns.all() as Row[]).map(toRun));
  }

  /**
   * Loads one run with its clients, events and samples.
   *
   * @param runId The run.
   * @returns The run, or null when there is no such run.
   * @throws {TargetError} When the database fails.
   */
  loadRun(runId: number): Promise<LoadedRun | null> {
    return this.#read("load run", () => {
      const row = this.#selectRun.get(runId) as Row | undefined;
      if (row === undefined) return null;
      return {
        run: toRun(row),
        clients: (this.#selectClients.all(runId) as Row[]).map(toClient),
        events: (this.#selectEvents.all(runId) as Row[]).map(toEvent),
        samples: (this.#selectSamples.all(runId) as Row[]).map(toSample),
      };
    });
  }

  /**
   * Writes pending heartbeats and closes the database; closing twice does nothing.
   *
   * @returns When closed.
   * @throws {TargetError} When writing the heartbeats fails (the database is closed anyway).
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    try {
      this.#flushIfDue(true);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(this.#wrap("store heartbeats", error));
    } finally {
      this.#closed = true;
      this.#db.close();
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new TargetError(`Cannot use run database "${this.target}": closed`);
  }

  #write<T>(action: string, fn: () => T): Promise<T> {
    try {
      this.#checkOpen();
      this.#flushIfDue(false);
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(this.#wrap(action, error));
    }
  }

  #read<T>(action: string, fn: () => T): Promise<T> {
    try {
      this.#checkOpen();
      this.#flushIfDue(true);
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(this.#wrap(action, error));
    }
  }

  /** Writes the pending heartbeats in one transaction when forced or when the batch is due. */
  #flushIfDue(force: boolean): void {
    const batch = this.#heartbeats.takeDue(force);
    if (batch.length === 0) return;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      for (const beat of batch) {
        this.#updateHeartbeat.run(...heartbeatParams(beat));
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  #wrap(action: string, error: unknown): TargetError {
    return runStoreError(this.target, action, error);
  }
}
