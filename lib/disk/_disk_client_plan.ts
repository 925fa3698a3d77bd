/**
 * Private helper of `disk_client.ts`: the run's rollover plan at the measured speed, refused when
 * it cannot roll the file over twice, with a warning when the disk may fill up first.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { feasibilityMessage, rolloverPlan } from "./rollover_plan.ts";
import { freeSpace } from "./driver/free_space.ts";
import { formatSize } from "../units/parse_size.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";
import type { ProbeResult } from "./_disk_client_probe.ts";

/** What the client tells the server in its start event. */
export interface RunPlan {
  /** The measured speed in bytes per second (0 when the probe wrote nothing). */
  readonly speed: number;
  /** The rollovers expected in the run time (0 when the disk is full already). */
  readonly expectedRollovers: number;
}

function decimal(bytes: number): string {
  return formatSize(bytes, { system: "decimal" });
}

/**
 * Plans the run at the measured speed and logs the plan (and a warning when the run may write
 * more than the free space). When the probe found the disk full (at `--min-free`, or ENOSPC)
 * the run is not refused: it starts, and stops there as `disk_full`.
 *
 * @param settings The run's sizes, run time, fsync policy and directory.
 * @param measured What the probe measured, and the log.
 * @returns The speed and the expected rollovers.
 * @throws {UsageError} When the run cannot roll the data file over `--min-rollovers` times.
 */
export function planRun(
  settings: ClientSettings,
  measured: { probe: ProbeResult; log: (text: string) => void },
): RunPlan {
  const { probe, log } = measured;
  if (probe.diskFull || probe.speed === null) {
    log(
      `warning: the disk reached --min-free (or was full) after the speed probe wrote ${
        decimal(probe.bytesWritten)
      }: the run will stop there, as disk_full`,
    );
    return { speed: probe.speed ?? 0, expectedRollovers: 0 };
  }
  const speed = probe.speed;
  const plan = rolloverPlan({
    speedBytesPerSec: speed,
    chunkBytes: settings.chunkBytes,
    fileBytes: settings.fileBytes,
    runTimeMs: settings.runTimeMs,
    // --min-rollovers 0 refuses no run (a plan needs at least one).
    minRollovers: Math.max(1, settings.minRollovers),
  });
  if (!plan.feasible && settings.minRollovers > 0) {
    throw new UsageError(feasibilityMessage(plan, settings));
  }
  log(
    `measured ${decimal(speed)}/s with fsync ${settings.fsync}; ${
      settings.runTimeMs / 1000
    } s should give about ${plan.expectedRollovers} rollovers of ${
      decimal(plan.actualFileBytes)
    } files`,
  );
  const free = freeSpace(settings.path);
  if (plan.expectedBytes > free.bytes) {
    log(
      `warning: the run may write ${decimal(plan.expectedBytes)}, more than the ${
        decimal(free.bytes)
      } free: it will stop at --min-free`,
    );
  }
  return { speed, expectedRollovers: plan.expectedRollovers };
}
