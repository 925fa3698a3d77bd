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
  SampleRecord,
  StoreResult,
} from "./run_store.ts";
import {
  HeartbeatBatch,
  type Row,
  RUN_COLUMNS,
  runStoreError,
  type RunStoreOptions,
  toClient,
  toEvent,
  toRun,
  toSample,
} from "./_run_rows.ts";

const SCHEMA_VERSION = 1;
const OUR_TABLES = ["schema_version", "runs", "clients", "events", "samples"];

const SCHEMA_SQL = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at_ms INTEGER NOT NULL,
  ended_at_ms INTEGER,
  tcp_port INTEGER NOT NULL,
  hb_address TEXT NOT NULL,
  hb_port INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'done', 'idle', 'interrupted')),
  report_json TEXT
);
CREATE TABLE clients (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  client_id TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  connected_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER,
  last_heartbeat_ms INTEGER,
  heartbeats INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'gone')),
  PRIMARY KEY (run_id, client_id)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  client_id TEXT,
  seq INTEGER,
  at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  UNIQUE (run_id, client_id, seq)
);
CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  cpu_percent REAL NOT NULL,
  user_ms REAL NOT NULL,
  sys_ms REAL NOT NULL,
  rss_bytes INTEGER NOT NULL,
  bytes_written INTEGER NOT NULL,
  chunks INTEGER NOT NULL,
  interval_ms REAL NOT NULL,
  histogram TEXT NOT NULL,
  UNIQUE (run_id, client_id, seq)
);
INSERT INTO schema_version (version) VALUES (${SCHEMA_VERSION});
`;

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
   * Opens the SQLite run database at `path`, creating the file and its schema when missing.
   *
   * @param path The database file; its directory must exist.
   * @param options Heartbeat batching.
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
      db = new DatabaseSync(path, { timeout: 5000 });
    } catch (error) {
      throw new TargetError(`Cannot open run database "${path}": ${firstLineOf(error)}`, {
        cause: error,
      });
    }
    try {
      prepareSchema(db, path);
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
      const result = this.#insertRun.run(run.startedAtMs, run.tcpPort, run.hbAddress, run.hbPort);
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
      const result = this.#insertClient.run(
        runId,
        client.clientId,
        client.host,
        client.pid,
        JSON.stringify(client.config ?? null),
        client.connectedAtMs,
      );
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
      const result = this.#insertEvent.run(
        runId,
        event.clientId,
        event.seq,
        event.atMs,
        event.receivedAtMs,
        event.kind,
        JSON.stringify(event.detail ?? null),
      );
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
      const result = this.#insertSample.run(
        runId,
        sample.clientId,
        sample.seq,
        sample.atMs,
        sample.receivedAtMs,
        sample.cpuPercent,
        sample.userMs,
        sample.sysMs,
        sample.rssBytes,
        sample.bytesWritten,
        sample.chunks,
        sample.intervalMs,
        sample.histogram,
      );
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
      this.#updateState.run(state, atMs, runId, clientId);
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
      this.#updateRun.run(end.endedAtMs, end.status, end.reportJson, runId);
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
        this.#updateHeartbeat.run(beat.atMs, beat.count, beat.runId, beat.clientId);
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

/**
 * Creates the schema in an empty database, or checks that an existing one is ours and of this
 * version. Sets WAL and `synchronous=FULL`.
 */
function prepareSchema(db: DatabaseSync, path: string): void {
  // The first read of the file: "file is not a database" comes from here.
  let tables: string[];
  try {
    tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[])
      .map((row) => String(row.name));
  } catch (error) {
    const message = firstLineOf(error);
    if (/not a database|malformed/i.test(message)) {
      throw new TargetError(
        `Cannot open run database "${path}": it is not a SQLite database, expected a SQLite file ` +
          `or a new path`,
        { cause: error },
      );
    }
    throw error;
  }
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  if (tables.length === 0) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(SCHEMA_SQL);
      db.exec("COMMIT");
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
    return;
  }
  if (!tables.includes("schema_version")) {
    throw new TargetError(
      `Cannot open run database "${path}": it holds other tables (${
        tables.slice(0, 5).map((t) => `"${t}"`).join(", ")
      }) and no schema_version, expected a new file or one written by "stress disk server"`,
    );
  }
  const rows = db.prepare("SELECT version FROM schema_version").all() as Row[];
  const version = rows.length === 1 ? Number(rows[0].version) : NaN;
  if (version !== SCHEMA_VERSION) {
    throw new TargetError(
      `Cannot open run database "${path}": its schema version is ${
        rows.length === 1 ? `"${rows[0].version}"` : "unknown"
      }, expected ${SCHEMA_VERSION} (it was written by another version of stress; use a new file)`,
    );
  }
  const missing = OUR_TABLES.filter((name) => !tables.includes(name));
  if (missing.length > 0) {
    throw new TargetError(
      `Cannot open run database "${path}": table "${missing[0]}" is missing, expected the tables ` +
        `${OUR_TABLES.map((t) => `"${t}"`).join(", ")}`,
    );
  }
}
