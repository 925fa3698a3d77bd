/**
 * Private helper of `disk_client.ts`: follows the writer's report lines (chunk stats, rollovers,
 * its stop or failure) until it closes its stdout.
 *
 * @module
 */

import type { StopDetail, StopReason } from "./protocol/disk_message.ts";
import { formatSize } from "../units/parse_size.ts";
import type { RecordBody } from "./_disk_client_messenger.ts";
import type { WriterMonitor } from "./_disk_client_monitor.ts";
import type { WriterProcess } from "./_disk_client_writer.ts";

/** What the writer reported by the end of its output. */
export interface WriterReport {
  /** Its totals from its `stopped` line (zeros without one). */
  readonly totals: Omit<StopDetail, "reason">;
  /** The message of its `failed` line, or null. */
  readonly failure: string | null;
  /** The acknowledgements of the rollover events sent. */
  readonly rolloverAcks: readonly Promise<void>[];
}

/** What {@linkcode followWriter} reports to. */
export interface FollowTargets {
  /** Counts the chunk writes. */
  readonly monitor: WriterMonitor;
  /** Sends a record to the server. */
  readonly record: (fields: RecordBody) => Promise<void>;
  /** Writes one log line. */
  readonly log: (text: string) => void;
  /** Why the client stops: set to `disk_full` when the writer stopped for that. */
  readonly stop: { reason: StopReason };
}

type WriterLine = Record<string, unknown> & { type: string };

/**
 * Reads the writer's report lines until its stdout ends: chunk stats go to the monitor, each
 * rollover is logged and sent, its `stopped` line gives the totals (and closes its stdin after a
 * last reading of its usage), a `failed` line the failure.
 *
 * @param writer The writer process.
 * @param targets The monitor, the server, the log and the stop reason.
 * @returns What the writer reported.
 */
export async function followWriter(
  writer: WriterProcess,
  targets: FollowTargets,
): Promise<WriterReport> {
  const { monitor, record, log, stop } = targets;
  const decoder = new TextDecoderStream();
  let rest = "";
  let failure: string | null = null;
  const rolloverAcks: Promise<void>[] = [];
  let totals: Omit<StopDetail, "reason"> = { bytesWritten: 0, chunks: 0, rollovers: 0 };
  for await (const text of writer.stdout.pipeThrough(decoder)) {
    const lines = (rest + text).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      const message = JSON.parse(line) as WriterLine;
      if (message.type === "stats") {
        monitor.addStats(message.histogram as string, {
          bytes: message.bytes as number,
          chunks: message.chunks as number,
          atMs: message.atMs as number,
        });
      } else if (message.type === "rollover") {
        rolloverAcks.push(sendRollover(message, { record, log }));
      } else if (message.type === "stopped") {
        await monitor.keepFinalUsage();
        writer.release();
        totals = {
          bytesWritten: message.bytesWritten as number,
          chunks: message.chunks as number,
          rollovers: message.rollovers as number,
          elapsedMs: message.elapsedMs as number,
        };
        if (message.reason === "disk_full") stop.reason = "disk_full";
      } else if (message.type === "failed") {
        failure = message.message as string;
      }
    }
  }
  return { totals, failure, rolloverAcks };
}

/** Logs a rollover line and sends it as an event; resolves when acknowledged. */
function sendRollover(
  message: WriterLine,
  targets: Pick<FollowTargets, "record" | "log">,
): Promise<void> {
  const detail = {
    file: message.file as string,
    index: (message.index as number) + 1,
    bytes: message.bytes as number,
    durationMs: message.durationMs as number,
  };
  targets.log(
    `rollover ${detail.index}: ${detail.file}, ${
      formatSize(detail.bytes, { system: "decimal" })
    } in ${detail.durationMs.toFixed(1)} ms`,
  );
  return targets.record({ type: "event", kind: "rollover", detail });
}
