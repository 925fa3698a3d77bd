/**
 * Formats the report of a `stress disk` run as text lines for people.
 *
 * @module
 */

import { formatSize } from "../../units/parse_size.ts";
import type { DiskClientReport, LatencySummaryMs } from "./disk_client_report.ts";
import type { DiskReport } from "./disk_report.ts";

/** Rollovers listed one by one in the text report (half from the start, half from the end). */
const SHOWN_ROLLOVERS = 10;

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

/** Whether a client stopped (refused, or interrupted) before its writer started. */
function neverWrote(client: DiskClientReport): boolean {
  return client.stopReason !== null && client.writingMs === null && client.chunks === 0;
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
  } else if (client.expectedRollovers !== null) {
    lines.push("  measured nothing before writing: the disk was full (or at --min-free)");
  }
  // The span the rate is computed over, so that the two agree.
  const over = client.writingMs === null ? "" : ` over ${seconds(client.writingMs)}`;
  lines.push(
    neverWrote(client)
      ? "  wrote nothing: it stopped before it started writing"
      : `  wrote ${decimal(client.bytesWritten)} in ${client.chunks} chunks${over}: ` +
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
 * import { createDiskReport } from "./disk_report.ts";
 * import { formatDiskReport } from "./format_disk_report.ts";
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
