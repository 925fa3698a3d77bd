/**
 * Builds the report of a `stress disk` run from its stored records, as a JSON-able object and
 * as text lines.
 *
 * @module
 */

import { formatSize } from "../../units/parse_size.ts";
import { LatencyHistogram } from "../../stats/latency_histogram.ts";

export type { DiskClientConfig, FsyncPolicy } from "../disk_protocol.ts";

/** Rollovers listed one by one in the text report (half from the start, half from the end). */
const SHOWN_ROLLOVERS = 10;
/** A stored run. */
export interface DiskRunRecord {
  /** The run id. */
  readonly id: number;
  /** When the server started the run (epoch ms). */
  readonly startedAtMs: number;
  /** When the run ended (epoch ms), or null while it runs. */
  readonly endedAtMs: number | null;
  /** `running`, `done`, `idle` or `interrupted`. */
  readonly status: string;
}

/** A stored client of a run. */
export interface DiskClientRecord {
  /** The client id. */
  readonly clientId: string;
  /** The client's host name. */
  readonly host: string;
  /** The client's process id. */
  readonly pid: number;
  /**
   * The configuration from its `hello`, as stored (a {@linkcode DiskClientConfig} in JSON);
   * read defensively, so a missing or odd field shows as unknown.
   */
  readonly config: unknown;
  /** When it connected (server clock, epoch ms). */
  readonly connectedAtMs: number;
  /** When it said `bye`, or null. */
  readonly finishedAtMs: number | null;
  /** `running`, `finished` or `gone`. */
  readonly state: string;
  /** Heartbeats received. */
  readonly heartbeats: number;
  /** When the last heartbeat arrived, or null. */
  readonly lastHeartbeatMs: number | null;
}

/** A stored event; server-made events (`gone`, `disconnected`, `rejected`) have a null seq. */
export interface DiskEventRecord {
  /** The client, or null for run-wide events such as `rejected`. */
  readonly clientId: string | null;
  /** The client's sequence number, or null for server-made events. */
  readonly seq: number | null;
  /** When it happened (epoch ms). */
  readonly atMs: number;
  /** `start`, `stop`, `rollover`, `error`, `log`, `gone`, `disconnected`, `rejected`, ... */
  readonly kind: string;
  /** The event's detail, as stored (any JSON value; read defensively). */
  readonly detail: unknown;
}

/** A stored sample of a client's writer. */
export interface DiskSampleRecord {
  /** The client id. */
  readonly clientId: string;
  /** The client's sequence number. */
  readonly seq: number;
  /** When it was taken (client clock, epoch ms). */
  readonly atMs: number;
  /** Writer CPU over the interval; 100 is one core. */
  readonly cpuPercent: number;
  /** Writer user CPU time over the interval (ms). */
  readonly userMs: number;
  /** Writer system CPU time over the interval (ms). */
  readonly sysMs: number;
  /** Writer resident set size (bytes). */
  readonly rssBytes: number;
  /** Bytes written since the start. */
  readonly bytesWritten: number;
  /** Chunks written since the start. */
  readonly chunks: number;
  /** Length of the interval (ms). */
  readonly intervalMs: number;
  /** Chunk-write latencies of the interval (ns), HDR V2 compressed base64. */
  readonly histogram: string;
}

/** Everything stored about one run: the input of {@linkcode createDiskReport}. */
export interface DiskReportInput {
  /** The run. */
  readonly run: DiskRunRecord;
  /** Its clients. */
  readonly clients: readonly DiskClientRecord[];
  /** Its events. */
  readonly events: readonly DiskEventRecord[];
  /** Its samples. */
  readonly samples: readonly DiskSampleRecord[];
}

/** Latency percentiles in milliseconds, from merged histograms. */
export interface LatencySummaryMs {
  /** The number of chunk writes measured. */
  readonly count: number;
  /** Median. */
  readonly p50: number;
  /** 90th percentile. */
  readonly p90: number;
  /** 99th percentile. */
  readonly p99: number;
  /** 99.9th percentile. */
  readonly p999: number;
  /** Maximum. */
  readonly max: number;
}

/** One rollover of a client. */
export interface DiskRolloverEntry {
  /** When it happened (epoch ms). */
  readonly atMs: number;
  /** The completed file. */
  readonly file: string;
  /** The file's number. */
  readonly index: number;
  /** The file's size (bytes). */
  readonly bytes: number;
  /** How long the file took (ms). */
  readonly durationMs: number;
}

/** One point of a client's CPU and memory series. */
export interface DiskUsagePoint {
  /** When the sample was taken (epoch ms). */
  readonly atMs: number;
  /** Writer CPU over the interval; 100 is one core. */
  readonly cpuPercent: number;
  /** Writer resident set size (bytes). */
  readonly rssBytes: number;
  /** Bytes written by then. */
  readonly bytesWritten: number;
}

/** A client's CPU and memory over time. */
export interface DiskUsage {
  /** The samples, in order. */
  readonly samples: readonly DiskUsagePoint[];
  /** Mean CPU, weighted by interval length, or null without samples. */
  readonly cpuMeanPercent: number | null;
  /** Highest CPU, or null. */
  readonly cpuMaxPercent: number | null;
  /** Mean RSS, or null. */
  readonly rssMeanBytes: number | null;
  /** Highest RSS, or null. */
  readonly rssMaxBytes: number | null;
}

/** A message attached to a client: one of its `error` events or a server-made event. */
export interface DiskNote {
  /** When (epoch ms). */
  readonly atMs: number;
  /** The event kind. */
  readonly kind: string;
  /** The message, or the detail as JSON. */
  readonly message: string;
}

/** The report of one client. */
export interface DiskClientReport {
  /** The client id. */
  readonly clientId: string;
  /** Its host. */
  readonly host: string;
  /** Its process id. */
  readonly pid: number;
  /** Chunk size (bytes), or null when its config lacks it. */
  readonly chunkBytes: number | null;
  /** Configured file size (bytes), or null. */
  readonly fileBytes: number | null;
  /** Fsync policy, or null. */
  readonly fsync: string | null;
  /** Directory written, or null. */
  readonly path: string | null;
  /** Configured run time (ms), or null. */
  readonly runTimeMs: number | null;
  /** `running`, `finished` or `gone`. */
  readonly state: string;
  /** Write speed measured before the run (bytes/s), from its start event, or null. */
  readonly measuredBytesPerSec: number | null;
  /** Rollovers it expected, from its start event, or null. */
  readonly expectedRollovers: number | null;
  /** When writing started: its start event, else its connection (epoch ms). */
  readonly startedAtMs: number;
  /** When writing ended: its stop event, else its last record (sample or event), else its last heartbeat, or null. */
  readonly stoppedAtMs: number | null;
  /** Bytes written: from its stop event, else its last sample or its rollovers, the larger. */
  readonly bytesWritten: number;
  /** Chunks written: from its stop event, else its last sample. */
  readonly chunks: number;
  /**
   * Bytes written per second of the writer's run time (`elapsedMs` of its stop event; without
   * it, from its start event to its last record), or null when unknown.
   */
  readonly throughputBytesPerSec: number | null;
  /** Chunk-write latency from all its samples' histograms merged, or null without any. */
  readonly latencyMs: LatencySummaryMs | null;
  /** Samples whose histogram could not be decoded. */
  readonly badHistograms: number;
  /** Its rollovers. */
  readonly rollovers: { readonly count: number; readonly list: readonly DiskRolloverEntry[] };
  /** CPU and memory of its writer. */
  readonly usage: DiskUsage;
  /** The reason from its stop event, or null when it never sent one. */
  readonly stopReason: string | null;
  /** Set when the client went away: its last heartbeat and when it was marked gone. */
  readonly gone:
    | { readonly lastHeartbeatMs: number | null; readonly goneAtMs: number | null }
    | null;
  /** Heartbeats received. */
  readonly heartbeats: number;
  /** The last heartbeat (epoch ms), or null. */
  readonly lastHeartbeatMs: number | null;
  /** Its error events. */
  readonly errors: readonly DiskNote[];
  /** Server-made events about it (`gone`, `disconnected`, ...). */
  readonly serverEvents: readonly DiskNote[];
}

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
    /** All bytes over the span from the first start to the last stop (bytes/s), or null. */
    readonly throughputBytesPerSec: number | null;
    /** Chunk-write latency of all clients merged, or null. */
    readonly latencyMs: LatencySummaryMs | null;
  };
  /** Connections refused (events of kind `rejected`). */
  readonly rejectedConnections: number;
  /** One report per client, by client id. */
  readonly clients: readonly DiskClientReport[];
}

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

function summarize(histogram: LatencyHistogram): LatencySummaryMs | null {
  if (histogram.totalCount === 0) return null;
  const ms = (percentile: number) => histogram.valueAtPercentile(percentile) / 1e6;
  return {
    count: histogram.totalCount,
    p50: ms(50),
    p90: ms(90),
    p99: ms(99),
    p999: ms(99.9),
    max: histogram.maxNs / 1e6,
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

function clientReport(
  client: DiskClientRecord,
  events: readonly DiskEventRecord[],
  samples: readonly DiskSampleRecord[],
  merged: LatencyHistogram,
): DiskClientReport {
  const own = events.filter((event) => event.clientId === client.clientId).sort(byTimeThenSeq);
  const clientEvents = own.filter((event) => event.seq !== null);
  const ownSamples = samples.filter((sample) => sample.clientId === client.clientId)
    .sort((a, b) => a.seq - b.seq);
  const start = clientEvents.find((event) => event.kind === "start");
  const stop = clientEvents.findLast((event) => event.kind === "stop");
  const lastSample = ownSamples.at(-1);

  const histogram = new LatencyHistogram();
  let badHistograms = 0;
  for (const sample of ownSamples) {
    try {
      histogram.add(LatencyHistogram.fromCompressedBase64(sample.histogram));
    } catch {
      badHistograms++;
    }
  }
  merged.add(histogram);

  const startedAtMs = start?.atMs ?? client.connectedAtMs;
  const lastRecordMs = Math.max(
    lastSample?.atMs ?? -Infinity,
    clientEvents.at(-1)?.atMs ?? -Infinity,
  );
  const stoppedAtMs = stop?.atMs ??
    (Number.isFinite(lastRecordMs) ? lastRecordMs : client.lastHeartbeatMs ?? null);
  const rollovers = clientEvents.filter((event) => event.kind === "rollover").map((event) => ({
    atMs: event.atMs,
    file: textIn(event.detail, "file") ?? "",
    index: numberIn(event.detail, "index") ?? 0,
    bytes: numberIn(event.detail, "bytes") ?? 0,
    durationMs: numberIn(event.detail, "durationMs") ?? 0,
  }));
  // Without a stop event, what is known: its last sample, or the files it rolled over if more.
  const bytesWritten = (stop && numberIn(stop.detail, "bytesWritten")) ??
    Math.max(lastSample?.bytesWritten ?? 0, rollovers.reduce((sum, r) => sum + r.bytes, 0));
  const chunks = (stop && numberIn(stop.detail, "chunks")) ?? lastSample?.chunks ?? 0;
  // The writer's own run time when the stop event has it, else from start to the last record.
  const writingMs = (stop && numberIn(stop.detail, "elapsedMs")) ??
    (stoppedAtMs === null ? 0 : stoppedAtMs - startedAtMs);

  const config = client.config;
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
    measuredBytesPerSec: start ? numberIn(start.detail, "speedBytesPerSec") : null,
    expectedRollovers: start ? numberIn(start.detail, "expectedRollovers") : null,
    startedAtMs,
    stoppedAtMs,
    bytesWritten,
    chunks,
    throughputBytesPerSec: writingMs > 0 ? bytesWritten / (writingMs / 1000) : null,
    latencyMs: summarize(histogram),
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
 *     histogram: histogram.encodeCompressedBase64(),
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
    .map((client) => clientReport(client, input.events, input.samples, merged));
  const sum = (pick: (client: DiskClientReport) => number) =>
    clients.reduce((total, client) => total + pick(client), 0);
  const writers = clients.filter((client) => client.stoppedAtMs !== null);
  const firstStartMs = Math.min(...writers.map((client) => client.startedAtMs));
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
      latencyMs: summarize(merged),
    },
    rejectedConnections: input.events.filter((event) => event.kind === "rejected").length,
    clients,
  };
}

function decimal(bytes: number | null): string {
  return bytes === null ? "unknown" : formatSize(bytes, { system: "decimal" });
}

function rate(bytesPerSec: number | null): string {
  return bytesPerSec === null
    ? "unknown"
    : `${formatSize(bytesPerSec, { system: "decimal", digits: 1 })}/s`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function latencyLine(latency: LatencySummaryMs | null): string {
  if (latency === null) return "no chunk writes measured";
  const ms = (value: number) => value.toFixed(3);
  return `p50 ${ms(latency.p50)}, p90 ${ms(latency.p90)}, p99 ${ms(latency.p99)}, ` +
    `p99.9 ${ms(latency.p999)}, max ${ms(latency.max)} (${latency.count} chunks)`;
}

function formatClient(client: DiskClientReport, runStartMs: number): string[] {
  const at = (ms: number) => `+${seconds(ms - runStartMs)}`;
  const lines = [
    `Client ${client.clientId} on ${client.host} (pid ${client.pid}): ${client.state}, ` +
    `stop reason ${client.stopReason ?? "none"}`,
    `  config: chunk ${decimal(client.chunkBytes)}, file ${decimal(client.fileBytes)}, ` +
    `fsync ${client.fsync ?? "unknown"}, run time ` +
    `${client.runTimeMs === null ? "unknown" : seconds(client.runTimeMs)}, ` +
    `path ${client.path ?? "unknown"}`,
  ];
  if (client.measuredBytesPerSec !== null) {
    lines.push(
      `  measured ${rate(client.measuredBytesPerSec)} before writing, expected ` +
        `${client.expectedRollovers ?? "?"} rollovers`,
    );
  }
  const over = client.stoppedAtMs === null
    ? ""
    : ` over ${seconds(client.stoppedAtMs - client.startedAtMs)}`;
  lines.push(
    `  wrote ${decimal(client.bytesWritten)} in ${client.chunks} chunks${over}: ` +
      rate(client.throughputBytesPerSec),
    `  chunk write latency (ms): ${latencyLine(client.latencyMs)}`,
  );
  if (client.badHistograms > 0) {
    lines.push(`  ${client.badHistograms} samples had a histogram that could not be decoded`);
  }
  lines.push(`  rollovers: ${client.rollovers.count}`);
  // The text shows the first and last few; the JSON report keeps every rollover.
  const list = client.rollovers.list;
  const shown = list.length <= SHOWN_ROLLOVERS
    ? list
    : [...list.slice(0, SHOWN_ROLLOVERS / 2), null, ...list.slice(-SHOWN_ROLLOVERS / 2)];
  for (const rollover of shown) {
    if (rollover === null) {
      lines.push(`    ... ${list.length - SHOWN_ROLLOVERS} more (all are in the JSON report)`);
      continue;
    }
    lines.push(
      `    #${rollover.index} at ${at(rollover.atMs)}: ${rollover.file} ` +
        `(${decimal(rollover.bytes)} in ${seconds(rollover.durationMs)})`,
    );
  }
  const usage = client.usage;
  if (usage.samples.length === 0) {
    lines.push("  writer CPU and memory: no samples");
  } else {
    lines.push(
      `  writer CPU: mean ${usage.cpuMeanPercent?.toFixed(1)}%, max ` +
        `${usage.cpuMaxPercent?.toFixed(1)}%; RSS: mean ${formatSize(usage.rssMeanBytes ?? 0)}, ` +
        `max ${formatSize(usage.rssMaxBytes ?? 0)}`,
    );
    for (const point of usage.samples) {
      lines.push(
        `    ${at(point.atMs)}: CPU ${point.cpuPercent.toFixed(1)}%, RSS ` +
          `${formatSize(point.rssBytes)}, written ${decimal(point.bytesWritten)}`,
      );
    }
  }
  lines.push(
    `  heartbeats: ${client.heartbeats}, last at ` +
      (client.lastHeartbeatMs === null ? "never" : at(client.lastHeartbeatMs)),
  );
  if (client.gone !== null) {
    const last = client.gone.lastHeartbeatMs;
    const goneAt = client.gone.goneAtMs;
    lines.push(
      `  WENT AWAY: last heartbeat ${last === null ? "never" : `at ${at(last)}`}` +
        (goneAt === null ? "" : `, marked gone at ${at(goneAt)}`),
    );
  }
  lines.push(`  errors: ${client.errors.length === 0 ? "none" : client.errors.length}`);
  for (const error of client.errors) lines.push(`    ${at(error.atMs)}: ${error.message}`);
  for (const event of client.serverEvents) {
    lines.push(`  server: ${event.kind} at ${at(event.atMs)}: ${event.message}`);
  }
  return lines;
}

/**
 * Formats a run report as text lines for people.
 *
 * @param report The report from {@linkcode createDiskReport}.
 * @returns The lines, without newlines; times are relative to the run start.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDiskReport, formatDiskReport } from "./disk_report.ts";
 * const report = createDiskReport({
 *   run: { id: 4, startedAtMs: 0, endedAtMs: 30_000, status: "idle" },
 *   clients: [],
 *   events: [],
 *   samples: [],
 * });
 * const lines = formatDiskReport(report);
 * assert.equal(lines[0], "Run 4 (idle): started 1970-01-01T00:00:00.000Z, lasted 30.0s");
 * assert.equal(lines[1], "Clients: 0 (0 finished, 0 gone, 0 running), rejected connections: 0");
 * ```
 */
export function formatDiskReport(report: DiskReport): string[] {
  const { run, totals } = report;
  const lines = [
    `Run ${run.id} (${run.status}): started ${new Date(run.startedAtMs).toISOString()}, ` +
    (run.durationMs === null ? "still running" : `lasted ${seconds(run.durationMs)}`),
    `Clients: ${totals.clients} (${totals.finished} finished, ${totals.gone} gone, ` +
    `${totals.running} running), rejected connections: ${report.rejectedConnections}`,
  ];
  if (totals.clients > 0) {
    lines.push(
      `Total: ${decimal(totals.bytesWritten)} in ${totals.chunks} chunks, ` +
        `${totals.rollovers} rollovers, ${totals.errors} error${totals.errors === 1 ? "" : "s"}, ` +
        `${rate(totals.throughputBytesPerSec)} together`,
      `Chunk write latency (ms), all clients: ${latencyLine(totals.latencyMs)}`,
    );
  }
  for (const client of report.clients) lines.push("", ...formatClient(client, run.startedAtMs));
  return lines;
}
