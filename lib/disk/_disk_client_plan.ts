/**
 * Private helper of `disk_client.ts`: the run's rollover plan at the measured speed, refused when
 * it cannot roll the file over twice, with a warning when the disk may fill up first.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { feasibilityMessage, type RolloverPlan, rolloverPlan } from "./rollover_plan.ts";
import { freeSpace } from "./driver/disk_writer.ts";
import { formatSize } from "../units/parse_size.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";

/**
 * Plans the run at the measured speed and logs the plan (and a warning when the run may write
 * more than the free space).
 *
 * @param settings The run's sizes, run time, fsync policy and directory.
 * @param measured The measured speed in bytes per second, and the log.
 * @returns The plan, which is feasible.
 * @throws {UsageError} When the run cannot roll the data file over at least twice.
 */
export function planRun(
  settings: ClientSettings,
  measured: { speed: number; log: (text: string) => void },
): RolloverPlan {
  const { speed, log } = measured;
  const plan = rolloverPlan({
    speedBytesPerSec: speed,
    chunkBytes: settings.chunkBytes,
    fileBytes: settings.fileBytes,
    runTimeMs: settings.runTimeMs,
  });
  if (!plan.feasible) {
    throw new UsageError(feasibilityMessage(plan, settings));
  }
  log(
    `measured ${formatSize(speed, { system: "decimal" })}/s with fsync ${settings.fsync}; ${
      settings.runTimeMs / 1000
    } s should give about ${plan.expectedRollovers} rollovers`,
  );
  const free = freeSpace(settings.path);
  if (plan.expectedBytes > free.bytes) {
    log(
      `warning: the run may write ${
        formatSize(plan.expectedBytes, { system: "decimal" })
      }, more than the ${
        formatSize(free.bytes, { system: "decimal" })
      } free: it will stop at --min-free`,
    );
  }
  return plan;
}
