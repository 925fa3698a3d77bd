/**
 * Private helper of `disk_client.ts`: one run of the client, step by step: check the data
 * directory, join the server, start the heartbeat, measure the disk, plan, start the writer and
 * the monitor, follow the writer to its end, and report the end.
 *
 * @module
 */

import { InterruptedError } from "../errors.ts";
import type { StopReason } from "./protocol/disk_message.ts";
import { formatSize } from "../units/parse_size.ts";
import type { LiveEndpoints } from "../live/live_endpoints.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";
import { measureSpeed, type ProbeResult } from "./_disk_client_probe.ts";
import { planRun, type RunPlan } from "./_disk_client_plan.ts";
import { joinServer, type ServerLink } from "./_disk_client_join.ts";
import { preparePath } from "./_disk_client_path.ts";
import { ClientHeartbeat } from "./_disk_client_heartbeat.ts";
import { WriterProcess } from "./_disk_client_writer.ts";
import { WriterMonitor } from "./_disk_client_monitor.ts";
import { followWriter } from "./_disk_client_follow.ts";
import {
  abandonClientRun,
  ACK_WAIT_MS,
  finishClientRun,
  INTERRUPTED_WAIT,
} from "./_disk_client_finish.ts";
import { judgeLoader } from "../stats/loader_verdict.ts";

/** What a client run reports to, and what stops it. */
export interface ClientRunOptions {
  /** Writes one log line. */
  readonly log: (text: string) => void;
  /** Stops the run (SIGINT, or the live page's Stop). */
  readonly signal: AbortSignal | undefined;
  /** The live endpoints, or null. */
  readonly live: LiveEndpoints | null;
}

/**
 * Runs the client: checks `--path` and `--interface`, joins the server, starts the heartbeat,
 * measures the disk (the probe's files are removed before the run), then runs and reports the
 * measured run. A run refused after joining is reported to the server as an error and a stop
 * before the bye; one interrupted before it started, as a stop.
 *
 * @param settings The client's settings.
 * @param options The log, the abort signal and the live endpoints.
 * @returns 0 when the run completed and every record was acknowledged, else 1.
 * @throws {UsageError} When `--path` cannot be written, `--interface` is not an address of this
 * machine, or the run is infeasible at the measured speed.
 * @throws {TargetError} When the server cannot be reached or refuses the client.
 * @throws {InterruptedError} When interrupted (after a clean stop; during the speed probe, the
 * run does not start and the server gets a stop with reason `signal` and nothing written).
 */
export async function runClient(
  settings: ClientSettings,
  options: ClientRunOptions,
): Promise<number> {
  preparePath(settings.path);
  const heartbeat = ClientHeartbeat.open(settings);
  let link: ServerLink;
  try {
    link = await joinServer(settings, options);
  } catch (error) {
    heartbeat.stop();
    throw error;
  }
  heartbeat.start();
  let plan: RunPlan;
  try {
    const probe = await measureSpeed(settings, { signal: options.signal });
    if (options.signal?.aborted) throw interruptedProbe(probe, options.log);
    plan = planRun(settings, { probe, log: options.log });
  } catch (error) {
    await abandonClientRun({ link, heartbeat, log: options.log }, error);
    throw error;
  }
  return await runMeasured(settings, { ...options, link, heartbeat, plan });
}

/**
 * Logs what a probe stopped by Ctrl-C measured (it is no measurement of the run: nothing is
 * sent but the stop), and returns the error the client ends with.
 */
function interruptedProbe(probe: ProbeResult, log: (text: string) => void): InterruptedError {
  const speed = probe.speed === null
    ? "nothing"
    : `${formatSize(probe.speed, { system: "decimal" })}/s`;
  log(
    `stop: signal during the speed probe (it measured ${speed}); the run did not start, nothing was written`,
  );
  return new InterruptedError("Client interrupted during the speed probe: the server was told");
}

async function runMeasured(
  settings: ClientSettings,
  options: ClientRunOptions & { link: ServerLink; heartbeat: ClientHeartbeat; plan: RunPlan },
): Promise<number> {
  const { log, signal, live, link, heartbeat, plan } = options;
  const stop: { reason: StopReason } = { reason: "done" };
  const record = link.messenger.record.bind(link.messenger);
  const writer = WriterProcess.spawn(settings);
  heartbeat.state = "writing";
  const onAbort = () => {
    stop.reason = "signal";
    writer.stop();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  // Ctrl-C while the client joined or the disk was measured stops the writer at once.
  if (signal?.aborted) onAbort();
  // Sent, not waited for: a server that hangs never holds the run (records keep their order).
  void record({
    type: "event",
    kind: "start",
    detail: { speedBytesPerSec: plan.speed, expectedRollovers: plan.expectedRollovers },
  });
  // A file holds whole chunks, at most --file-size.
  const chunksPerFile = Math.floor(settings.fileBytes / settings.chunkBytes);
  log(
    `start: ${formatSize(settings.chunkBytes, { system: "decimal" })} chunks, ${
      formatSize(chunksPerFile * settings.chunkBytes, { system: "decimal" })
    } files (${chunksPerFile} chunks), fsync ${settings.fsync}, ${
      settings.runTimeMs / 1000
    } s, in ${settings.path} (writer pid ${writer.pid})`,
  );
  const monitor = new WriterMonitor(writer.pid, { live, log, record });
  monitor.start(settings.statsEveryMs);
  const report = await followWriter(writer, { monitor, record, log, stop });
  // A server that hangs from here on holds the end for at most ACK_WAIT_MS, and Ctrl-C less.
  link.messenger.giveUpWhenSilent(ACK_WAIT_MS);
  signal?.removeEventListener("abort", onAbort);
  const onLateAbort = () => {
    stop.reason = "signal";
    link.messenger.giveUp(INTERRUPTED_WAIT);
  };
  signal?.addEventListener("abort", onLateAbort, { once: true });
  try {
    writer.release();
    const status = await writer.status;
    heartbeat.state = "stopping";
    monitor.stop();
    await monitor.finish();
    const loader = judgeLoader(monitor.loaderFigures());
    live?.loaderVerdict(loader);
    return await finishClientRun(
      { settings, log, link, heartbeat, writer, stop },
      { ...report, status, loader },
    );
  } finally {
    signal?.removeEventListener("abort", onLateAbort);
  }
}
