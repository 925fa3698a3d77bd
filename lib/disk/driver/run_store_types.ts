/**
 * The run database of `stress disk server` as its users see it: the {@linkcode RunStore}
 * interface and the records it stores and loads. Both back-ends (`sqlite_run_store.ts`,
 * `pg_run_store.ts`) implement it; `run_store.ts` opens the one a `--db` value names.
 *
 * Both back-ends keep the same logical schema (`runs`, `clients`, `events`, `samples` and a
 * `schema_version` table). Every method that stores a record resolves only after the record is
 * durable, so what the server acknowledged survives a killed server.
 *
 * @module
 */

import type { SampleFields } from "../protocol/disk_message.ts";

export type { SampleFields } from "../protocol/disk_message.ts";

/** The status of a run: `running` until the server writes its report. */
export type RunStatus = "running" | "done" | "idle" | "interrupted";

/** The state of a client in a run. */
export type ClientState = "running" | "finished" | "gone";

/** What storing a client record did: a resent `seq` is stored once and reported `duplicate`. */
export type StoreResult = "stored" | "duplicate";

/** The fields of a new run. */
export interface NewRun {
  /** When the server started, epoch ms. */
  startedAtMs: number;
  /** The TCP port the server listens on. */
  tcpPort: number;
  /** The UDP multicast address of the heartbeats. */
  hbAddress: string;
  /** The UDP port of the heartbeats. */
  hbPort: number;
}

/** A stored run, as listed by {@linkcode RunStore.listRuns} and loaded by `loadRun`. */
export interface RunRecord extends NewRun {
  /** The run id. */
  id: number;
  /** When the run ended, epoch ms, or null while it runs. */
  endedAtMs: number | null;
  /** The run's status. */
  status: RunStatus;
  /** The report as JSON text, or null before it was written. */
  reportJson: string | null;
  /** How many clients joined the run. */
  clientCount: number;
}

/** How a run ended, for {@linkcode RunStore.finishRun}. */
export interface RunEnd {
  /** When the run ended, epoch ms. */
  endedAtMs: number;
  /** The final status. */
  status: RunStatus;
  /** The report as JSON text, or null when there is none. */
  reportJson: string | null;
}

/** A client joining a run (from its `hello`). */
export interface NewClient {
  /** The client id, unique within the run. */
  clientId: string;
  /** The client's host name. */
  host: string;
  /** The client's process id. */
  pid: number;
  /** The client's configuration (any JSON value), stored as JSON text. */
  config: unknown;
  /** When it connected, epoch ms (server clock). */
  connectedAtMs: number;
}

/** A stored client. */
export interface ClientRecord extends NewClient {
  /** When it finished or was marked gone, epoch ms, or null while it runs. */
  finishedAtMs: number | null;
  /** The server time of its last heartbeat, epoch ms, or null before the first. */
  lastHeartbeatMs: number | null;
  /** How many heartbeats it sent. */
  heartbeats: number;
  /** Its state. */
  state: ClientState;
}

/** An event: from a client (with its `seq`) or made by the server (`clientId`/`seq` maybe null). */
export interface EventRecord {
  /** The client, or null for a server event about no known client (`rejected`). */
  clientId: string | null;
  /** The client-assigned sequence number, or null for a server event. */
  seq: number | null;
  /** When it happened, epoch ms (client clock for client events). */
  atMs: number;
  /** When the server received it, epoch ms. */
  receivedAtMs: number;
  /** `start`, `stop`, `rollover`, `error`, `log`, `gone`, `disconnected`, `rejected`, ... */
  kind: string;
  /** The event's details (any JSON value), stored as JSON text. */
  detail: unknown;
}

/** A monitor sample of a client's writer process: its {@linkcode SampleFields} and where from. */
export interface SampleRecord extends SampleFields {
  /** The client. */
  clientId: string;
  /** The client-assigned sequence number. */
  seq: number;
  /** When it was taken, epoch ms (client clock). */
  atMs: number;
  /** When the server received it, epoch ms. */
  receivedAtMs: number;
}

/** Everything stored about one run, as returned by {@linkcode RunStore.loadRun}. */
export interface LoadedRun {
  /** The run. */
  run: RunRecord;
  /** Its clients, in the order they joined. */
  clients: ClientRecord[];
  /** Its events, in the order they were stored. */
  events: EventRecord[];
  /** Its samples, in the order they were stored. */
  samples: SampleRecord[];
}

/**
 * The run database. Every method that stores a record resolves after it is durable; database
 * failures reject with a `TargetError`.
 */
export interface RunStore {
  /** Where the store lives: the SQLite path, or the PostgreSQL URL without its password. */
  readonly target: string;
  /**
   * Stores a new run with status `running`.
   *
   * @param run The run's fields.
   * @returns The new run's id.
   */
  createRun(run: NewRun): Promise<number>;
  /**
   * Stores a client joining a run, with state `running`.
   *
   * @param runId The run.
   * @param client The client's fields.
   * @returns False, storing nothing, when the run already has a client with this id.
   */
  addClient(runId: number, client: NewClient): Promise<boolean>;
  /**
   * Stores an event; a client event whose `(clientId, seq)` is already stored is not stored again.
   *
   * @param runId The run.
   * @param event The event.
   * @returns `"stored"`, or `"duplicate"` for a resent client event.
   */
  addEvent(runId: number, event: EventRecord): Promise<StoreResult>;
  /**
   * Stores a sample; one whose `(clientId, seq)` is already stored is not stored again.
   *
   * @param runId The run.
   * @param sample The sample.
   * @returns `"stored"`, or `"duplicate"` for a resent sample.
   */
  addSample(runId: number, sample: SampleRecord): Promise<StoreResult>;
  /**
   * Notes a heartbeat: sets the client's last heartbeat time and counts it. Cheap: heartbeats
   * are batched and written with the next record, a read, `close()`, or about once a second.
   *
   * @param runId The run.
   * @param clientId The client.
   * @param atMs The server time of the heartbeat, epoch ms.
   */
  noteHeartbeat(runId: number, clientId: string, atMs: number): Promise<void>;
  /**
   * Sets a client's state; `finished` and `gone` also set its finish time.
   *
   * @param runId The run.
   * @param clientId The client.
   * @param state The new state.
   * @param atMs When, epoch ms.
   */
  setClientState(runId: number, clientId: string, state: ClientState, atMs: number): Promise<void>;
  /**
   * Ends a run: its end time, status and report.
   *
   * @param runId The run.
   * @param end How it ended.
   */
  finishRun(runId: number, end: RunEnd): Promise<void>;
  /**
   * Lists the runs, newest first, with their client counts.
   *
   * @returns The runs.
   */
  listRuns(): Promise<RunRecord[]>;
  /**
   * Loads one run with its clients, events and samples.
   *
   * @param runId The run.
   * @returns The run, or null when there is no such run.
   */
  loadRun(runId: number): Promise<LoadedRun | null>;
  /** Writes pending heartbeats and closes the database. */
  close(): Promise<void>;
}

/** Options of both run stores. */
export interface RunStoreOptions {
  /**
   * The longest time noted heartbeats wait before they are written, ms.
   *
   * @default {1000}
   */
  heartbeatFlushMs?: number;
  /**
   * Open for reading only (`stress disk report`): nothing is created or changed, and a database
   * without the runs tables (an empty file, another program's file) is refused.
   *
   * @default {false}
   */
  readOnly?: boolean;
}
