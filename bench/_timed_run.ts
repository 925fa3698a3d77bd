// Runs one client command the way bench/cql_peers.ts and scripts/cross_check.ts need: pinned to
// a CPU list with `taskset -c`, under `/usr/bin/time` (user+sys CPU and peak RSS of the whole
// process tree that it waits for), in its own process group so that a run past its time limit is
// stopped with all its children (SIGTERM to the group, SIGKILL 10 s later).

/** What one run did. */
export interface TimedRun {
  /** The exit code (128 + signal number when killed; 124 when stopped at the time limit). */
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock seconds. */
  wallSec: number;
  /** User + system CPU seconds of the process and the children it waited for. */
  cpuSec: number;
  /** Peak resident set size of the largest process of the tree, MB. */
  peakRssMb: number;
}

/** How to run it. */
export interface TimedRunOptions {
  /** The `taskset -c` CPU list, e.g. `"0"`. */
  cpus: string;
  /** Stop the run after this long. */
  timeoutMs: number;
  /** The working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

const TIME_FORMAT = "TIMED %e %U %S %M";

/** The figures of the `TIMED wall user sys rssKb` line that `/usr/bin/time -o` wrote. */
function timeFigures(text: string): { wallSec: number; cpuSec: number; peakRssMb: number } {
  const match = /TIMED (\S+) (\S+) (\S+) (\S+)/.exec(text);
  if (match === null) return { wallSec: NaN, cpuSec: NaN, peakRssMb: NaN };
  const [wall, user, sys, rssKb] = match.slice(1).map(Number);
  return { wallSec: wall, cpuSec: user + sys, peakRssMb: rssKb / 1024 };
}

function stopGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Runs `argv` pinned and timed; never throws for a failing command (its exit code says so).
 *
 * @param argv The command and its arguments.
 * @param options CPU list, time limit, directory and environment.
 * @returns The exit code, the output and the figures.
 *
 * @example Usage
 * ```ts ignore
 * import { timedRun } from "./_timed_run.ts";
 * const run = await timedRun(["true"], { cpus: "0", timeoutMs: 10_000 });
 * console.log(run.code, run.cpuSec);
 * ```
 */
export async function timedRun(argv: string[], options: TimedRunOptions): Promise<TimedRun> {
  const timeFile = await Deno.makeTempFile({ prefix: "timed_run_" });
  try {
    const child = new Deno.Command("setsid", {
      args: [
        "taskset",
        "-c",
        options.cpus,
        "/usr/bin/time",
        "-o",
        timeFile,
        "-f",
        TIME_FORMAT,
        ...argv,
      ],
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let timedOut = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stopTimer = setTimeout(() => {
      timedOut = true;
      stopGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => stopGroup(child.pid, "SIGKILL"), 10_000);
    }, options.timeoutMs);
    const output = await child.output();
    clearTimeout(stopTimer);
    clearTimeout(killTimer);
    const decoder = new TextDecoder();
    return {
      code: timedOut ? 124 : output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
      ...timeFigures(await Deno.readTextFile(timeFile)),
    };
  } finally {
    await Deno.remove(timeFile);
  }
}
