/**
 * Private helper of the disk report: builds the report of one client from the run's stored
 * records.
 *
 * @module
 */

import { LatencyHistogram } from "../../stats/latency_histogram.ts";
import type {
  DiskClientReport,
  DiskNote,
  DiskRolloverEntry,
  DiskUsage,
} from "./disk_client_report.ts";
import type { DiskClientRecord, DiskEventRecord, DiskSampleRecord } from "./disk_report_input.ts";
import { summarizeLatency } from "./_summarize_latency.ts";
import { decodeCompressedBase64 } from "../../stats/hdr_codec.ts";

function fieldsOf(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

function numberIn(source: unknown, key: string): number | null {
  const value = fieldsOf(source)[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function textIn(source: unknown, key: string): string | null {
  const value = fieldsOf(source)[key];
  return typeof value === "string" ? value : null;
}

function note(event: DiskEventRecord): DiskNote {
  return {
    atMs: event.atMs,
    kind: event.kind,
    message: textIn(event.detail, "message") ?? JSON.stringify(event.detail) ?? "",
  };
}

function usageOf(samples: readonly DiskSampleRecord[]): DiskUsage {
  const points = samples.map((sample) => ({
    atMs: sample.atMs,
    cpuPercent: sample.cpuPercent,
    rssBytes: sample.rssBytes,
    bytesWritten: sample.bytesWritten,
  }));
  if (samples.length === 0) {
    return {
      samples: points,
      cpuMeanPercent: null,
      cpuMaxPercent: null,
      rssMeanBytes: null,
      rssMaxBytes: null,
    };
  }
  const totalMs = samples.reduce((sum, sample) => sum + sample.intervalMs, 0);
  const cpuMeanPercent = totalMs > 0
    ? samples.reduce((sum, sample) => sum + sample.cpuPercent * sample.intervalMs, 0) / totalMs
    : samples.reduce((sum, sample) => sum + sample.cpuPercent, 0) / samples.length;
  return {
    samples: points,
    cpuMeanPercent,
    cpuMaxPercent: Math.max(...samples.map((sample) => sample.cpuPercent)),
    rssMeanBytes: samples.reduce((sum, sample) => sum + sample.rssBytes, 0) / samples.length,
    rssMaxBytes: Math.max(...samples.map((sample) => sample.rssBytes)),
  };
}

function byTimeThenSeq(
  a: { atMs: number; seq: number | null },
  b: { atMs: number; seq: number | null },
): number {
  return a.atMs - b.atMs || (a.seq ?? 0) - (b.seq ?? 0);
}

/** The client's samples' histograms merged; a sample whose histogram cannot be decoded is counted. */
function mergeSamples(
  samples: readonly DiskSampleRecord[],
): { histogram: LatencyHistogram; badHistograms: number } {
  const histogram = new LatencyHistogram();
  let badHistograms = 0;
  for (const sample of samples) {
    try {
      histogram.add(decodeCompressedBase64(sample.histogram));
    } catch {
      badHistograms++;
    }
  }
  return { histogram, badHistograms };
}

function rolloverOf(event: DiskEventRecord): DiskRolloverEntry {
  return {
    atMs: event.atMs,
    file: textIn(event.detail, "file") ?? "",
    index: numberIn(event.detail, "index") ?? 0,
    bytes: numberIn(event.detail, "bytes") ?? 0,
    durationMs: numberIn(event.detail, "durationMs") ?? 0,
  };
}

/** What a client wrote, all from one source, and the span it wrote it in. */
interface Written {
  readonly bytesWritten: number;
  readonly chunks: number;
  /** The writing time the bytes were written in, ms, or null when unknown. */
  readonly writingMs: number | null;
}

/** What {@linkcode writtenOf} reads. */
interface WrittenSources {
  readonly stop: DiskEventRecord | undefined;
  readonly lastSample: DiskSampleRecord | undefined;
  readonly rollovers: readonly DiskRolloverEntry[];
  readonly chunkBytes: number | null;
  readonly startedAtMs: number;
  /** Whether the client sent a start event (a run refused or interrupted before it has none). */
  readonly started: boolean;
}

/**
 * What a client wrote: its stop event (the writer's own run time, or up to the stop), else the
 * larger of its last sample (up to that sample) and its rolled-over files (up to the last
 * rollover; a file holds whole chunks, so its chunks are its bytes over the chunk size). Bytes,
 * chunks and time always come from the same source. A client that stopped before its start
 * event had no writing time (its rate is unknown, not 0).
 */
function writtenOf(sources: WrittenSources): Written {
  const { stop, lastSample, rollovers, chunkBytes, startedAtMs, started } = sources;
  const since = (atMs: number) => atMs - startedAtMs;
  const stopBytes = stop === undefined ? null : numberIn(stop.detail, "bytesWritten");
  if (stop !== undefined && stopBytes !== null) {
    return {
      bytesWritten: stopBytes,
      chunks: numberIn(stop.detail, "chunks") ?? 0,
      writingMs: numberIn(stop.detail, "elapsedMs") ?? (started ? since(stop.atMs) : null),
    };
  }
  const rolledBytes = rollovers.reduce((sum, rollover) => sum + rollover.bytes, 0);
  const lastRollover = rollovers.at(-1);
  if (
    lastRollover !== undefined && chunkBytes !== null && chunkBytes > 0 &&
    rolledBytes > (lastSample?.bytesWritten ?? 0)
  ) {
    return {
      bytesWritten: rolledBytes,
      chunks: rollovers.reduce((sum, rollover) => sum + Math.ceil(rollover.bytes / chunkBytes), 0),
      writingMs: since(lastRollover.atMs),
    };
  }
  if (lastSample === undefined) return { bytesWritten: 0, chunks: 0, writingMs: null };
  return {
    bytesWritten: lastSample.bytesWritten,
    chunks: lastSample.chunks,
    writingMs: since(lastSample.atMs),
  };
}

/** Options of {@linkcode clientReport}. */
export interface ClientReportOptions {
  /** The run's events (every client's; the client's own are picked out). */
  readonly events: readonly DiskEventRecord[];
  /** The run's samples (every client's; the client's own are picked out). */
  readonly samples: readonly DiskSampleRecord[];
  /** The run's histogram: the client's chunk-write latencies are added to it. */
  readonly merged: LatencyHistogram;
}

/**
 * Builds the report of one client from the run's stored records, and adds its chunk-write
 * latencies to the run's merged histogram.
 *
 * @param client The client.
 * @param options The run's events and samples, and its merged histogram.
 * @returns The client's report.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientReport } from "./_client_report.ts";
 * import { LatencyHistogram } from "../../stats/latency_histogram.ts";
 * const client = {
 *   clientId: "c1", host: "h", pid: 7, config: {}, connectedAtMs: 100, finishedAtMs: null,
 *   state: "running", heartbeats: 0, lastHeartbeatMs: null,
 * };
 * const events = [{ clientId: "c1", seq: 1, atMs: 1000, kind: "start", detail: {} }];
 * const report = clientReport(client, {
 *   events,
 *   samples: [],
 *   merged: new LatencyHistogram(),
 * });
 * assert.equal(report.startedAtMs, 1000);
 * assert.equal(report.latencyMs, null);
 * ```
 */
export function clientReport(
  client: DiskClientRecord,
  options: ClientReportOptions,
): DiskClientReport {
  const { events, samples, merged } = options;
  const own = events.filter((event) => event.clientId === client.clientId).sort(byTimeThenSeq);
  const clientEvents = own.filter((event) => event.seq !== null);
  const ownSamples = samples.filter((sample) => sample.clientId === client.clientId)
    .sort((a, b) => a.seq - b.seq);
  const start = clientEvents.find((event) => event.kind === "start");
  const stop = clientEvents.findLast((event) => event.kind === "stop");
  const lastSample = ownSamples.at(-1);

  const { histogram, badHistograms } = mergeSamples(ownSamples);
  merged.add(histogram);

  const startedAtMs = start?.atMs ?? client.connectedAtMs;
  const lastRecordMs = Math.max(
    lastSample?.atMs ?? -Infinity,
    clientEvents.at(-1)?.atMs ?? -Infinity,
  );
  const stoppedAtMs = stop?.atMs ??
    (Number.isFinite(lastRecordMs) ? lastRecordMs : client.lastHeartbeatMs ?? null);
  const rollovers = clientEvents.filter((event) => event.kind === "rollover").map(rolloverOf);
  const config = client.config;
  const written = writtenOf({
    stop,
    lastSample,
    rollovers,
    chunkBytes: numberIn(config, "chunkBytes"),
    startedAtMs,
    started: start !== undefined,
  });
  const { bytesWritten, chunks, writingMs } = written;
  const goneEvent = own.find((event) => event.seq === null && event.kind === "gone");
  return {
    clientId: client.clientId,
    host: client.host,
    pid: client.pid,
    chunkBytes: numberIn(config, "chunkBytes"),
    fileBytes: numberIn(config, "fileBytes"),
    fsync: textIn(config, "fsync"),
    path: textIn(config, "path"),
    runTimeMs: numberIn(config, "runTimeMs"),
    state: client.state,
    // A probe that wrote nothing (a full disk) sends 0: no speed was measured.
    measuredBytesPerSec: start ? numberIn(start.detail, "speedBytesPerSec") || null : null,
    expectedRollovers: start ? numberIn(start.detail, "expectedRollovers") : null,
    startedAtMs,
    stoppedAtMs,
    bytesWritten,
    chunks,
    writingMs,
    throughputBytesPerSec: writingMs !== null && writingMs > 0
      ? bytesWritten / (writingMs / 1000)
      : null,
    latencyMs: summarizeLatency(histogram),
    badHistograms,
    rollovers: { count: rollovers.length, list: rollovers },
    usage: usageOf(ownSamples),
    stopReason: stop ? textIn(stop.detail, "reason") : null,
    gone: client.state === "gone"
      ? { lastHeartbeatMs: client.lastHeartbeatMs, goneAtMs: goneEvent?.atMs ?? null }
      : null,
    heartbeats: client.heartbeats,
    lastHeartbeatMs: client.lastHeartbeatMs,
    errors: clientEvents.filter((event) => event.kind === "error").map(note),
    serverEvents: own.filter((event) => event.seq === null).map(note),
  };
}
