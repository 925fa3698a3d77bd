/**
 * Private helper of `disk_client.ts`: the end of a run once the writer has exited: its failure
 * (if any), the stop event, the bye, and the exit code.
 *
 * @module
 */

import { firstLineOf, InterruptedError } from "../errors.ts";
import {
  formatLoaderVerdict,
  loaderExitCode,
  type LoaderVerdict,
} from "../stats/loader_verdict.ts";
import type { StopReason } from "./protocol/disk_message.ts";
import { formatSize } from "../units/parse_size.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";
import type { ServerLink } from "./_disk_client_join.ts";
import type { ClientHeartbeat } from "./_disk_client_heartbeat.ts";
import type { WriterProcess } from "./_disk_client_writer.ts";
import type { WriterReport } from "./_disk_client_follow.ts";
import { dataPrefixOf, removeFilesOf } from "./_disk_client_files.ts";

/** How long to wait for the server's acknowledgements at the end. */
export const ACK_WAIT_MS = 10_000;

/** Why the server was given up when Ctrl-C ended the wait for its acknowledgements. */
export const INTERRUPTED_WAIT = "Ctrl-C ended the wait for them";

/** The parts of a client run that its end reports through and closes. */
export interface ClientRunParts {
  /** The run's settings (`--path`, `--cleanup`). */
  readonly settings: ClientSettings;
  /** Writes one log line. */
  readonly log: (text: string) => void;
  /** The server. */
  readonly link: ServerLink;
  /** The heartbeat, stopped after the bye. */
  readonly heartbeat: ClientHeartbeat;
  /** The writer, which has exited. */
  readonly writer: WriterProcess;
  /** Why the client stops: set to `error` when the writer failed. */
  readonly stop: { reason: StopReason };
}

/** How the writer ended: what it reported and its exit status. */
export interface WriterEnd extends WriterReport {
  /** How it exited. */
  readonly status: Deno.CommandStatus;
  /** Whether the loader (the writer, the client's event loop) was a limit of the run. */
  readonly loader: LoaderVerdict;
}

/**
 * Ends a run after the writer exited: sends its failure (if any), the stop event and the bye,
 * waits for the acknowledgements, closes the connection and the heartbeat, and removes the data
 * files with `--cleanup`.
 *
 * @param parts The run.
 * @param end How the writer ended.
 * @returns 0 when the run completed and every record was acknowledged, 1 when the writer failed
 * or the server was lost with records unacknowledged.
 * @throws {InterruptedError} When the run was stopped by a signal (after it was reported).
 */
export async function finishClientRun(parts: ClientRunParts, end: WriterEnd): Promise<number> {
  const { settings, log, link, heartbeat, stop } = parts;
  const { messenger } = link;
  await reportWriterFailure(parts, end);
  const totals = end.totals;
  // Said before the wait for the server's acknowledgements, which a hung server makes long.
  log(stopLine(stop.reason, totals));
  log(formatLoaderVerdict(end.loader));
  await Promise.all(end.rolloverAcks);
  await messenger.record({
    type: "event",
    kind: "stop",
    detail: { reason: stop.reason, ...totals },
  });
  link.sayingBye();
  const bye = messenger.record({ type: "bye" });
  await Promise.race([bye, messenger.drain(ACK_WAIT_MS)]);
  heartbeat.stop();
  const lost = messenger.lost;
  const unacknowledged = messenger.unacknowledged + messenger.unsent;
  await messenger.close();
  if (settings.cleanup) await removeFilesOf(settings.path, dataPrefixOf(settings.id));
  if (stop.reason === "signal") {
    if (unacknowledged > 0) {
      log(
        `warning: ${unacknowledged} records were not acknowledged by the server (${
          lost ?? "the wait for them ended"
        })`,
      );
    }
    throw new InterruptedError("Client interrupted: the run was stopped and reported");
  }
  if (unacknowledged > 0 && lost !== null) {
    log(`error: ${unacknowledged} records were not acknowledged by the server (${lost})`);
    return 1;
  }
  if (stop.reason === "error") return 1;
  return loaderExitCode(end.loader, settings.failIfLimited);
}

/** The `stop:` line: why, and what the writer wrote. */
function stopLine(reason: StopReason, totals: WriterReport["totals"]): string {
  const rate = totals.elapsedMs === undefined || totals.elapsedMs <= 0
    ? ""
    : ` (${formatSize(totals.bytesWritten / (totals.elapsedMs / 1000), { system: "decimal" })}/s)`;
  return `stop: ${reason}, ${
    formatSize(totals.bytesWritten, { system: "decimal" })
  } in ${totals.chunks} chunks${rate}, ${totals.rollovers} rollovers`;
}

/** The parts of a client run that {@linkcode abandonClientRun} reports through and closes. */
export interface JoinedParts {
  /** Writes one log line. */
  readonly log: (text: string) => void;
  /** The server. */
  readonly link: ServerLink;
  /** The heartbeat, stopped after the bye. */
  readonly heartbeat: ClientHeartbeat;
}

/**
 * Ends a run refused or interrupted after the client joined (before its writer started): sends
 * the reason as an error event and a stop event with reason `error` (an interruption: only a
 * stop with reason `signal`), nothing written, and the bye, so the server marks the client
 * finished at once; then closes the connection and the heartbeat.
 *
 * @param parts The log, the server and the heartbeat.
 * @param error Why the run was refused (its first line is sent), or an `InterruptedError`.
 * @returns When the server acknowledged the bye, or was lost, or after 10 s.
 */
export async function abandonClientRun(parts: JoinedParts, error: unknown): Promise<void> {
  const { link, heartbeat } = parts;
  const { messenger } = link;
  const interrupted = error instanceof InterruptedError;
  heartbeat.state = "stopping";
  if (!interrupted) {
    messenger.record({ type: "event", kind: "error", detail: { message: firstLineOf(error) } });
  }
  messenger.record({
    type: "event",
    kind: "stop",
    detail: { reason: interrupted ? "signal" : "error", bytesWritten: 0, chunks: 0, rollovers: 0 },
  });
  link.sayingBye();
  await Promise.race([messenger.record({ type: "bye" }), messenger.drain(ACK_WAIT_MS)]);
  heartbeat.stop();
  await messenger.close();
}

/** Logs and sends the writer's failure, if it failed (not when stopped by a signal). */
async function reportWriterFailure(parts: ClientRunParts, end: WriterEnd): Promise<void> {
  const { writer, stop, log, link } = parts;
  if (end.failure === null && (end.status.success || stop.reason === "signal")) {
    await writer.discardStderr();
    return;
  }
  stop.reason = "error";
  const fromStderr = await writer.failure(end.status);
  const why = end.failure ?? fromStderr;
  log(`error: the writer failed: ${why}`);
  await link.messenger.record({
    type: "event",
    kind: "error",
    detail: { message: `writer: ${why}` },
  });
}
