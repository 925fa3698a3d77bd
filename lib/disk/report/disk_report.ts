/**
 * Builds the report of a `stress disk` run from its stored records, as a JSON-able object
 * (`format_disk_report.ts` turns it into text lines).
 *
 * @module
 */

import { LatencyHistogram } from "../../stats/latency_histogram.ts";
import type { DiskClientReport, LatencySummaryMs } from "./disk_client_report.ts";
import { clientReport } from "./_client_report.ts";
import type { DiskReportInput, DiskRunRecord } from "./disk_report_input.ts";
import { summarizeLatency } from "./_summarize_latency.ts";

/** The report of one run: the result of {@linkcode createDiskReport}, JSON-able. */
export interface DiskReport {
  /** The run. */
  readonly run: DiskRunRecord & { readonly durationMs: number | null };
  /** Totals over all clients. */
  readonly totals: {
    /** Clients that connected. */
    readonly clients: number;
    /** Clients that finished. */
    readonly finished: number;
    /** Clients that went away. */
    readonly gone: number;
    /** Clients still running. */
    readonly running: number;
    /** Bytes written by all clients. */
    readonly bytesWritten: number;
    /** Chunks written by all clients. */
    readonly chunks: number;
    /** Rollovers of all clients. */
    readonly rollovers: number;
    /** Error events of all clients. */
    readonly errors: number;
    /**
     * All bytes over the span the clients wrote in (bytes/s), or null: from the first write
     * (a client's stop less its writing time) to the last stop.
     */
    readonly throughputBytesPerSec: number | null;
    /** Chunk-write latency of all clients merged, or null. */
    readonly latencyMs: LatencySummaryMs | null;
  };
  /** Connections refused (events of kind `rejected`). */
  readonly rejectedConnections: number;
  /** One report per client, by client id. */
  readonly clients: readonly DiskClientReport[];
}

/**
 * Builds the report of a run from its stored records. Latency percentiles come from the
 * merged histograms of the samples (never from averaging percentiles); a sample whose
 * histogram cannot be decoded is counted in `badHistograms` and left out.
 *
 * @param input The run, its clients, events and samples as stored.
 * @returns The report, a plain JSON-able object.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDiskReport } from "./disk_report.ts";
 * import { LatencyHistogram } from "../../stats/latency_histogram.ts";
 * import { encodeCompressedBase64 } from "../../stats/hdr_codec.ts";
 *
 * const histogram = new LatencyHistogram();
 * histogram.recordValue(2_000_000); // one 2 ms chunk write
 * const config = {
 *   chunkBytes: 10_000_000, fileBytes: 20_000_000, runTimeMs: 10_000, path: "/tmp/d",
 *   fsync: "file" as const, heartbeatMs: 5000, statsEveryMs: 10_000,
 *   minFreeBytes: null, minFreePercent: null,
 * };
 * const report = createDiskReport({
 *   run: { id: 1, startedAtMs: 0, endedAtMs: 12_000, status: "done" },
 *   clients: [{
 *     clientId: "c1", host: "h", pid: 7, config, connectedAtMs: 100, finishedAtMs: 11_000,
 *     state: "finished", heartbeats: 2, lastHeartbeatMs: 10_000,
 *   }],
 *   events: [
 *     { clientId: "c1", seq: 1, atMs: 1000, kind: "start", detail: { speedBytesPerSec: 1e8 } },
 *     {
 *       clientId: "c1", seq: 3, atMs: 11_000, kind: "stop",
 *       detail: { reason: "done", bytesWritten: 100_000_000, chunks: 10, rollovers: 5 },
 *     },
 *   ],
 *   samples: [{
 *     clientId: "c1", seq: 2, atMs: 11_000, cpuPercent: 20, userMs: 500, sysMs: 1500,
 *     rssBytes: 40e6, bytesWritten: 100_000_000, chunks: 10, intervalMs: 10_000,
 *     histogram: encodeCompressedBase64(histogram),
 *   }],
 * });
 * assert.equal(report.clients[0].throughputBytesPerSec, 10_000_000);
 * assert.equal(report.clients[0].latencyMs?.count, 1);
 * assert.equal(report.totals.bytesWritten, 100_000_000);
 * ```
 */
export function createDiskReport(input: DiskReportInput): DiskReport {
  const merged = new LatencyHistogram();
  const clients = [...input.clients]
    .sort((a, b) => a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0)
    .map((client) =>
      clientReport(client, { events: input.events, samples: input.samples, merged })
    );
  const sum = (pick: (client: DiskClientReport) => number) =>
    clients.reduce((total, client) => total + pick(client), 0);
  // A client that never wrote (refused, interrupted before its start) widens no span. One that
  // did wrote for its writingMs up to its stop: not from its start event, which comes before its
  // writer process is up (a lone client's total rate is its own rate).
  const writers = clients.filter((client) =>
    client.stoppedAtMs !== null && client.writingMs !== null
  );
  const firstStartMs = Math.min(
    ...writers.map((client) => (client.stoppedAtMs ?? 0) - (client.writingMs ?? 0)),
  );
  const lastStopMs = Math.max(...writers.map((client) => client.stoppedAtMs ?? 0));
  const bytesWritten = sum((client) => client.bytesWritten);
  const spanMs = writers.length === 0 ? 0 : lastStopMs - firstStartMs;
  const { run } = input;
  return {
    run: {
      id: run.id,
      startedAtMs: run.startedAtMs,
      endedAtMs: run.endedAtMs,
      status: run.status,
      durationMs: run.endedAtMs === null ? null : run.endedAtMs - run.startedAtMs,
    },
    totals: {
      clients: clients.length,
      finished: clients.filter((client) => client.state === "finished").length,
      gone: clients.filter((client) => client.state === "gone").length,
      running: clients.filter((client) => client.state === "running").length,
      bytesWritten,
      chunks: sum((client) => client.chunks),
      rollovers: sum((client) => client.rollovers.count),
      errors: sum((client) => client.errors.length),
      throughputBytesPerSec: spanMs > 0 ? bytesWritten / (spanMs / 1000) : null,
      latencyMs: summarizeLatency(merged),
    },
    rejectedConnections: input.events.filter((event) => event.kind === "rejected").length,
    clients,
  };
}
