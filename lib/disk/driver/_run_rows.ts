/**
 * How the SQLite and PostgreSQL run stores read their rows: the runs query's columns and the
 * mapping of rows to records. Internal to `lib/disk/driver/`.
 *
 * @module
 */

import type {
  ClientRecord,
  ClientState,
  EventRecord,
  RunRecord,
  RunStatus,
  SampleRecord,
} from "./run_store_types.ts";

/** A row as a driver returns it. */
export type Row = Record<string, unknown>;

/** The columns of a `runs` row with its client count (the table is aliased `r`). */
export const RUN_COLUMNS =
  `r.id, r.started_at_ms, r.ended_at_ms, r.tcp_port, r.hb_address, r.hb_port,
  r.status, r.report_json, (SELECT count(*) FROM clients c WHERE c.run_id = r.id) AS client_count`;

function num(value: unknown): number {
  return Number(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * Maps a row of {@linkcode RUN_COLUMNS} to a run record.
 *
 * @param row The row.
 * @returns The record.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { toRun } from "./_run_rows.ts";
 * const run = toRun({
 *   id: 1n, started_at_ms: 5, ended_at_ms: null, tcp_port: 42000, hb_address: "239.0.0.1",
 *   hb_port: 10001, status: "running", report_json: null, client_count: "2",
 * });
 * assert.deepEqual([run.id, run.endedAtMs, run.clientCount], [1, null, 2]);
 * ```
 */
export function toRun(row: Row): RunRecord {
  return {
    id: num(row.id),
    startedAtMs: num(row.started_at_ms),
    endedAtMs: numOrNull(row.ended_at_ms),
    tcpPort: num(row.tcp_port),
    hbAddress: String(row.hb_address),
    hbPort: num(row.hb_port),
    status: row.status as RunStatus,
    reportJson: row.report_json === null ? null : String(row.report_json),
    clientCount: num(row.client_count),
  };
}

/**
 * Maps a `clients` row to a client record (its config parsed from JSON).
 *
 * @param row The row.
 * @returns The record.
 * @throws {SyntaxError} When the stored config is not JSON.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { toClient } from "./_run_rows.ts";
 * const client = toClient({
 *   client_id: "c1", host: "h", pid: 7, config_json: '{"chunkBytes":1}', connected_at_ms: 1,
 *   finished_at_ms: null, last_heartbeat_ms: null, heartbeats: 0, state: "running",
 * });
 * assert.deepEqual(client.config, { chunkBytes: 1 });
 * ```
 */
export function toClient(row: Row): ClientRecord {
  return {
    clientId: String(row.client_id),
    host: String(row.host),
    pid: num(row.pid),
    config: JSON.parse(String(row.config_json)),
    connectedAtMs: num(row.connected_at_ms),
    finishedAtMs: numOrNull(row.finished_at_ms),
    lastHeartbeatMs: numOrNull(row.last_heartbeat_ms),
    heartbeats: num(row.heartbeats),
    state: row.state as ClientState,
  };
}

/**
 * Maps an `events` row to an event record (its detail parsed from JSON).
 *
 * @param row The row.
 * @returns The record.
 * @throws {SyntaxError} When the stored detail is not JSON.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { toEvent } from "./_run_rows.ts";
 * const event = toEvent({
 *   client_id: null, seq: null, at_ms: 1, received_at_ms: 2, kind: "rejected", detail_json: "{}",
 * });
 * assert.deepEqual([event.clientId, event.seq, event.kind], [null, null, "rejected"]);
 * ```
 */
export function toEvent(row: Row): EventRecord {
  return {
    clientId: row.client_id === null ? null : String(row.client_id),
    seq: numOrNull(row.seq),
    atMs: num(row.at_ms),
    receivedAtMs: num(row.received_at_ms),
    kind: String(row.kind),
    detail: JSON.parse(String(row.detail_json)),
  };
}

/**
 * Maps a `samples` row to a sample record.
 *
 * @param row The row.
 * @returns The record.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { toSample } from "./_run_rows.ts";
 * const sample = toSample({
 *   client_id: "c1", seq: 3, at_ms: 1, received_at_ms: 2, cpu_percent: 50, user_ms: 1,
 *   sys_ms: 1, rss_bytes: 10, bytes_written: 100, chunks: 1, interval_ms: 1000, histogram: "H",
 * });
 * assert.deepEqual([sample.seq, sample.cpuPercent, sample.histogram], [3, 50, "H"]);
 * ```
 */
export function toSample(row: Row): SampleRecord {
  return {
    clientId: String(row.client_id),
    seq: num(row.seq),
    atMs: num(row.at_ms),
    receivedAtMs: num(row.received_at_ms),
    cpuPercent: num(row.cpu_percent),
    userMs: num(row.user_ms),
    sysMs: num(row.sys_ms),
    rssBytes: num(row.rss_bytes),
    bytesWritten: num(row.bytes_written),
    chunks: num(row.chunks),
    intervalMs: num(row.interval_ms),
    histogram: String(row.histogram),
  };
}
