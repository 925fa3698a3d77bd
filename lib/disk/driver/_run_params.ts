/**
 * The parameters of the run stores' statements, in the order both back-ends' SQL takes them
 * (`?` in SQLite, `$1`, `$2`, ... in PostgreSQL). Internal to `lib/disk/driver/`.
 *
 * @module
 */

import type { PendingHeartbeat } from "./_heartbeat_batch.ts";
import type {
  ClientState,
  EventRecord,
  NewClient,
  NewRun,
  RunEnd,
  SampleRecord,
} from "./run_store_types.ts";

/** A statement parameter. */
export type Param = string | number | null;

/**
 * The parameters of the insert into `runs`: started_at_ms, tcp_port, hb_address, hb_port.
 *
 * @param run The new run.
 * @returns The parameters.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { runParams } from "./_run_params.ts";
 * const run = { startedAtMs: 5, tcpPort: 42000, hbAddress: "239.0.0.1", hbPort: 10001 };
 * assert.deepEqual(runParams(run), [5, 42000, "239.0.0.1", 10001]);
 * ```
 */
export function runParams(run: NewRun): Param[] {
  return [run.startedAtMs, run.tcpPort, run.hbAddress, run.hbPort];
}

/**
 * The parameters of the insert into `clients`: run_id, client_id, host, pid, config_json,
 * connected_at_ms.
 *
 * @param runId The run.
 * @param client The new client.
 * @returns The parameters.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientParams } from "./_run_params.ts";
 * const client = { clientId: "c1", host: "h", pid: 7, config: { a: 1 }, connectedAtMs: 9 };
 * assert.deepEqual(clientParams(1, client), [1, "c1", "h", 7, '{"a":1}', 9]);
 * ```
 */
export function clientParams(runId: number, client: NewClient): Param[] {
  return [
    runId,
    client.clientId,
    client.host,
    client.pid,
    JSON.stringify(client.config ?? null),
    client.connectedAtMs,
  ];
}

/**
 * The parameters of the insert into `events`: run_id, client_id, seq, at_ms, received_at_ms,
 * kind, detail_json.
 *
 * @param runId The run.
 * @param event The event.
 * @returns The parameters.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventParams } from "./_run_params.ts";
 * const event = { clientId: null, seq: null, atMs: 1, receivedAtMs: 2, kind: "x", detail: {} };
 * assert.deepEqual(eventParams(3, event), [3, null, null, 1, 2, "x", "{}"]);
 * ```
 */
export function eventParams(runId: number, event: EventRecord): Param[] {
  return [
    runId,
    event.clientId,
    event.seq,
    event.atMs,
    event.receivedAtMs,
    event.kind,
    JSON.stringify(event.detail ?? null),
  ];
}

/**
 * The parameters of the insert into `samples`: run_id, client_id, seq, at_ms, received_at_ms,
 * cpu_percent, user_ms, sys_ms, rss_bytes, bytes_written, chunks, interval_ms, histogram.
 *
 * @param runId The run.
 * @param sample The sample.
 * @returns The parameters.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleParams } from "./_run_params.ts";
 * const sample = {
 *   clientId: "c1", seq: 2, atMs: 3, receivedAtMs: 4, cpuPercent: 5, userMs: 6, sysMs: 7,
 *   rssBytes: 8, bytesWritten: 9, chunks: 10, intervalMs: 11, histogram: "H",
 * };
 * assert.deepEqual(sampleParams(1, sample), [1, "c1", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "H"]);
 * ```
 */
export function sampleParams(runId: number, sample: SampleRecord): Param[] {
  return [
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
  ];
}

/**
 * The parameters of the heartbeat update of `clients`: last_heartbeat_ms, the count to add,
 * run_id, client_id.
 *
 * @param beat The heartbeats of one client.
 * @returns The parameters.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { heartbeatParams } from "./_run_params.ts";
 * const beat = { runId: 1, clientId: "c1", atMs: 20, count: 2 };
 * assert.deepEqual(heartbeatParams(beat), [20, 2, 1, "c1"]);
 * ```
 */
export function heartbeatParams(beat: PendingHeartbeat): Param[] {
  return [beat.atMs, beat.count, beat.runId, beat.clientId];
}

/**
 * The parameters of the state update of `clients`: state, finished_at_ms, run_id, client_id.
 *
 * @param runId The run.
 * @param clientId The client.
 * @param options The new state and when.
 * @returns The parameters.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateParams } from "./_run_params.ts";
 * assert.deepEqual(stateParams(1, "c1", { state: "gone", atMs: 5 }), ["gone", 5, 1, "c1"]);
 * ```
 */
export function stateParams(
  runId: number,
  clientId: string,
  options: { state: ClientState; atMs: number },
): Param[] {
  return [options.state, options.atMs, runId, clientId];
}

/**
 * The parameters of the end update of `runs`: ended_at_ms, status, report_json, id.
 *
 * @param runId The run.
 * @param end How it ended.
 * @returns The parameters.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEndParams } from "./_run_params.ts";
 * const end = { endedAtMs: 9, status: "done" as const, reportJson: null };
 * assert.deepEqual(runEndParams(1, end), [9, "done", null, 1]);
 * ```
 */
export function runEndParams(runId: number, end: RunEnd): Param[] {
  return [end.endedAtMs, end.status, end.reportJson, runId];
}
