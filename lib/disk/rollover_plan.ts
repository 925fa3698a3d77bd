/**
 * Decides before a `stress disk` client starts whether its run time can produce the required
 * number of data-file rollovers at the measured write speed.
 *
 * @module
 */

import { formatSize } from "../units/parse_size.ts";

/** The input of {@linkcode rolloverPlan}. */
export interface RolloverPlanInput {
  /** The measured write speed, in bytes per second. */
  readonly speedBytesPerSec: number;
  /** The size of one write, in bytes. */
  readonly chunkBytes: number;
  /** The configured file size at which a file is rolled over, in bytes. */
  readonly fileBytes: number;
  /** The configured run time, in milliseconds. */
  readonly runTimeMs: number;
  /**
   * The number of rollovers required.
   *
   * @default {2}
   */
  readonly minRollovers?: number;
  /**
   * The safety factor applied to the suggested run time and file size (1.2 is 20 % margin).
   *
   * @default {1.2}
   */
  readonly margin?: number;
}

/** The result of {@linkcode rolloverPlan}. */
export interface RolloverPlan {
  /** The measured write speed the plan was made for, in bytes per second. */
  readonly speedBytesPerSec: number;
  /** The run time the plan was made for, in milliseconds. */
  readonly runTimeMs: number;
  /** The number of rollovers required. */
  readonly minRollovers: number;
  /** Bytes written in the run time at the measured speed. */
  readonly expectedBytes: number;
  /** The real size of a data file: the most whole chunks that fit in `fileBytes`. */
  readonly actualFileBytes: number;
  /** Rollovers expected in the run time: whole files written. */
  readonly expectedRollovers: number;
  /** True when `expectedRollovers` reaches the required number. */
  readonly feasible: boolean;
  /** The run time that gives the required rollovers at that speed, with the margin (ms). */
  readonly minRunTimeMs: number;
  /**
   * The largest file size (a whole number of chunks) that gives the required rollovers in the
   * run time, with the margin; 0 when even one-chunk files are too large.
   */
  readonly maxFileBytes: number;
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `Cannot plan rollovers: ${name} "${value}" is invalid, expected a positive number`,
    );
  }
}

/**
 * Computes how many rollovers a run will make and what would make it feasible.
 *
 * Chunks are written whole and a file never grows past `fileBytes`, so a file holds
 * `floor(fileBytes / chunkBytes)` chunks and its real size is that many chunks
 * (`--chunk 3M --file-size 10M` makes 9 MB files). A rollover happens each time a file reaches
 * that size, so the expected rollovers are the whole files written in the run time.
 *
 * @param input The measured speed, chunk size, file size, run time, and the requirement.
 * @returns The plan.
 * @throws {RangeError} When a number is not positive and finite, or the chunk is larger than
 * the file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { rolloverPlan } from "./rollover_plan.ts";
 * const plan = rolloverPlan({
 *   speedBytesPerSec: 212_400_000,
 *   chunkBytes: 50_000_000,
 *   fileBytes: 2_000_000_000,
 *   runTimeMs: 10_000,
 * });
 * assert.equal(plan.expectedBytes, 2_124_000_000);
 * assert.equal(plan.expectedRollovers, 1);
 * assert.equal(plan.feasible, false);
 * assert.equal(plan.minRunTimeMs, 22_599);
 * assert.equal(plan.maxFileBytes, 850_000_000);
 * ```
 */
export function rolloverPlan(input: RolloverPlanInput): RolloverPlan {
  const minRollovers = input.minRollovers ?? 2;
  const margin = input.margin ?? 1.2;
  checkPositive("speedBytesPerSec", input.speedBytesPerSec);
  checkPositive("chunkBytes", input.chunkBytes);
  checkPositive("fileBytes", input.fileBytes);
  checkPositive("runTimeMs", input.runTimeMs);
  checkPositive("minRollovers", minRollovers);
  checkPositive("margin", margin);
  const { speedBytesPerSec, chunkBytes, runTimeMs } = input;
  if (chunkBytes > input.fileBytes) {
    throw new RangeError(
      `Cannot plan rollovers: chunkBytes "${chunkBytes}" is larger than fileBytes ` +
        `"${input.fileBytes}", expected at most fileBytes`,
    );
  }
  const actualFileBytes = Math.floor(input.fileBytes / chunkBytes) * chunkBytes;
  const expectedBytes = Math.floor(speedBytesPerSec * runTimeMs / 1000);
  const expectedRollovers = Math.floor(expectedBytes / actualFileBytes);
  const minRunTimeMs = Math.ceil(
    minRollovers * actualFileBytes * margin * 1000 / speedBytesPerSec,
  );
  const maxFileBytes = Math.floor(expectedBytes / (minRollovers * margin) / chunkBytes) *
    chunkBytes;
  return {
    speedBytesPerSec,
    runTimeMs,
    minRollovers,
    expectedBytes,
    actualFileBytes,
    expectedRollovers,
    feasible: expectedRollovers >= minRollovers,
    minRunTimeMs,
    maxFileBytes,
  };
}

function formatRunTime(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const SIZE_ARGUMENT_UNITS: readonly [string, number][] = [
  ["T", 1e12],
  ["TiB", 2 ** 40],
  ["G", 1e9],
  ["GiB", 2 ** 30],
  ["M", 1e6],
  ["MiB", 2 ** 20],
  ["K", 1e3],
  ["KiB", 2 ** 10],
];

/** The shortest exact command-line form of a size: `850M`, `3MiB`, `1234`. */
function formatSizeArgument(bytes: number): string {
  for (const [unit, unitBytes] of SIZE_ARGUMENT_UNITS) {
    if (bytes >= unitBytes && bytes % unitBytes === 0) return `${bytes / unitBytes}${unit}`;
  }
  return String(bytes);
}

/** The settings {@linkcode feasibilityMessage} reads (a client's settings fit). */
export interface FeasibilitySettings {
  /** The configured run time, in milliseconds (as given, for the message). */
  readonly runTimeMs: number;
}

/**
 * Writes the one line a client prints about its plan: the refusal when the run cannot make
 * the required rollovers (with the run time or file size that would), else the plan.
 *
 * @param plan The plan from {@linkcode rolloverPlan}.
 * @param settings The configured run time (the plan holds the speed and sizes).
 * @returns One line, starting with `Cannot run:` when the plan is not feasible.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { feasibilityMessage, rolloverPlan } from "./rollover_plan.ts";
 * const settings = {
 *   speedBytesPerSec: 212_400_000,
 *   chunkBytes: 50_000_000,
 *   fileBytes: 2_000_000_000,
 *   runTimeMs: 10_000,
 * };
 * assert.equal(
 *   feasibilityMessage(rolloverPlan(settings), settings),
 *   "Cannot run: at 212.4 MB/s measured, 10s writes about 2.12 GB, 1 rollover of 2.00 GB files, " +
 *     "expected at least 2 (give --run-time 23s or more, or --file-size 850M or less)",
 * );
 * ```
 */
export function feasibilityMessage(plan: RolloverPlan, settings: FeasibilitySettings): string {
  const minRollovers = plan.minRollovers;
  const speed = `${formatSize(plan.speedBytesPerSec, { system: "decimal", digits: 1 })}/s`;
  const rollovers = `${plan.expectedRollovers} rollover${plan.expectedRollovers === 1 ? "" : "s"}`;
  const facts = `at ${speed} measured, ${formatRunTime(settings.runTimeMs)} writes about ` +
    `${formatSize(plan.expectedBytes, { system: "decimal" })}, ${rollovers} of ` +
    `${formatSize(plan.actualFileBytes, { system: "decimal" })} files, ` +
    `expected at least ${minRollovers}`;
  if (plan.feasible) return `Can run: ${facts}`;
  const runTime = `--run-time ${Math.ceil(plan.minRunTimeMs / 1000)}s or more`;
  const fileSize = plan.maxFileBytes > 0
    ? `, or --file-size ${formatSizeArgument(plan.maxFileBytes)} or less`
    : `, or a smaller --chunk and --file-size`;
  return `Cannot run: ${facts} (give ${runTime}${fileSize})`;
}
