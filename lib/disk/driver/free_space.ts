/**
 * The free space of a file system, as the disk writer's `--min-free` floor reads it, and how a
 * full one shows in an error.
 *
 * @module
 */

import { statfsSync } from "node:fs";

/**
 * Free space left at `dir`, in bytes and as a percentage of the file system.
 *
 * @param dir A directory on the file system.
 * @returns Bytes available to unprivileged users, and that share of the total.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { freeSpace } from "./free_space.ts";
 * const free = freeSpace(Deno.cwd());
 * assert.ok(free.bytes > 0 && free.percent > 0 && free.percent <= 100);
 * ```
 */
export function freeSpace(dir: string): { bytes: number; percent: number } {
  const stats = statfsSync(dir);
  const bytes = stats.bavail * stats.bsize;
  return { bytes, percent: stats.blocks > 0 ? (100 * stats.bavail) / stats.blocks : 0 };
}

/**
 * Whether an error says the file system is full: `ENOSPC` (no space left on device) or `EDQUOT`
 * (disk quota exceeded), as Deno reports them in `code`.
 *
 * @param error What was thrown.
 * @returns True for a full disk.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isDiskFull } from "./free_space.ts";
 * const full = Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
 * assert.equal(isDiskFull(full), true);
 * assert.equal(isDiskFull(new Deno.errors.NotFound("gone")), false);
 * ```
 */
export function isDiskFull(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === "ENOSPC" || code === "EDQUOT";
}
