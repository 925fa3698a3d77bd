/**
 * Reads a process's CPU times and resident memory from `/proc` (Linux).
 *
 * @module
 */

/** A process's CPU times since it started and its resident memory. */
export interface ProcessUsage {
  /** User CPU time, ms. */
  readonly userMs: number;
  /** System CPU time, ms. */
  readonly sysMs: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
}

/**
 * Reads a process's CPU times (ms) and resident memory (bytes) from `/proc/PID/stat` and
 * `/proc/PID/status` (Linux).
 *
 * @param pid The process.
 * @returns The reading, or null when the process is gone, has exited (a zombie has no memory to
 * report) or `/proc` cannot be read.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { processUsage } from "./process_usage.ts";
 * const usage = await processUsage(Deno.pid);
 * if (Deno.build.os === "linux") assert.ok(usage !== null && usage.rssBytes > 0);
 * ```
 */
export async function processUsage(pid: number): Promise<ProcessUsage | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) in clock ticks; Linux's USER_HZ is 100.
    const userMs = Number(fields[11]) * 10;
    const sysMs = Number(fields[12]) * 10;
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    if (rss === null) return null; // exited: a zombie has no memory to report
    const rssKb = Number(rss[1]);
    return { userMs, sysMs, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}
