/**
 * Private helper of `disk_client.ts`: one run of the client, step by step: measure the disk,
 * plan, join the server, start the heartbeat, the writer and the monitor, follow the writer to
 * its end, and report the end.
 *
 * @module
 */

import type { StopReason } from "./protocol/disk_message.ts";
import { formatSize } from "../units/parse_size.ts";
import type { LiveEndpoints } from "../live/live_endpoints.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";
import { measureSpeed } from "./_disk_client_probe.ts";
import { planRun } from "./_disk_client_plan.ts";
import { joinServer } from "./_disk_client_join.ts";
import { ClientHeartbeat } from "./_disk_client_heartbeat.ts";
import { WriterProcess } from "./_disk_client_writer.ts";
import { WriterMonitor } from "./_disk_client_monitor.ts";
import { followWriter } from "./_disk_client_follow.ts";
import { finishClientRun } from "./_disk_client_finish.ts";
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
 * Runs the client: measures the disk, then runs and reports the measured run. The probe's files
 * are removed at the end.
 *
 * @param settings The client's settings.
 * @param options The log, the abort signal and the live endpoints.
 * @returns 0 when the run completed and every record was acknowledged, else 1.
 * @throws {UsageError} When the run is infeasible at the measured speed.
 * @throws {TargetError} When the server cannot be reached or refuses the client.
 * @throws {InterruptedError} When interrupted (after a clean stop).
 */
export async function runClient(
  settings: ClientSettings,
  options: ClientRunOptions,
): Promise<number> {
  await Deno.mkdir(settings.path, { recursive: true });
  const probe = await measureSpeed(settings);
  try {
    return await runMeasured(settings, { ...options, speed: probe.speed });
  } finally {
    for (const file of probe.files) await Deno.remove(file).catch(() => {});
  }
}

async function runMeasured(
  settings: ClientSettings,
  options: ClientRunOptions & { speed: number },
): Promise<number> {
  const { log, signal, live, speed } = options;
  const plan = planRun(settings, { speed, log });
  const stop: { reason: StopReason } = { reason: "done" };
  const link = await joinServer(settings, log);
  const record = link.messenger.record.bind(link.messenger);
  const heartbeat = ClientHeartbeat.start(settings);
  const writer = WriterProcess.spawn(settings);
  const onAbort = () => {
    stop.reason = "signal";
    writer.stop();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  // Ctrl-C while the disk was measured or the client joined stops the writer at once.
  if (signal?.aborted) onAbort();
  await record({
    type: "event",
    kind: "start",
    detail: { speedBytesPerSec: speed, expectedRollovers: plan.expectedRollovers },
  });
  log(
    `start: ${formatSize(settings.chunkBytes, { system: "decimal" })} chunks, ${
      formatSize(settings.fileBytes, { system: "decimal" })
    } files, fsync ${settings.fsync}, ${
      settings.runTimeMs / 1000
    } s, in ${settings.path} (writer pid ${writer.pid})`,
  );
  const monitor = new WriterMonitor(writer.pid, { live, log, record });
  monitor.start(settings.statsEveryMs);
  const report = await followWriter(writer, { monitor, record, log, stop });
  writer.release();
  const status = await writer.status;
  heartbeat.state = "stopping";
  monitor.stop();
  signal?.removeEventListener("abort", onAbort);
  await monitor.finish();
  const loader = judgeLoader(monitor.loaderFigures());
  live?.loaderVerdict(loader);
  return await finishClientRun(
    { settings, log, link, heartbeat, writer, stop },
    { ...report, status, loader },
  );
}
