/**
 * `stress analyze N [-- STRESS-ARGS]`: starts N stress processes side by side, each
 * writing an HDR interval log, then prints the seed tool's summary: throughput from
 * every process's intervals, latency from the processes' merged histograms.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { formatAnalyzeSummary } from "../report/analyze_summary.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";
import { type CommandIo, printText } from "./command_io.ts";
import { parsePositive } from "./parse_flags.ts";
import { type HdrLogInterval, readHdrLog } from "./read_hdr_log.ts";

/** The help text of `stress analyze`. */
export const ANALYZE_HELP: string = `Usage: stress analyze N [--keep DIR] [-- STRESS-ARGS...]

Starts N stress processes side by side and prints one summary of them all: average,
max, min and 95th percentile of throughput (per interval of every process) and of
latency (from the processes' merged HDR histograms), the process count, and each
process's pid with its start, finish and duration.

Without STRESS-ARGS, process i (1..N) runs "stress simulate <i+1>": simulate runs of
different lengths against the synthetic target. With STRESS-ARGS every process runs
that command; each gets its own HDR log (-log hdrfile=, or --hdrfile for simulate).

Options:
  --keep DIR   keep the processes' HDR logs in DIR (default: a temporary directory,
               removed afterwards)
  -h, --help   this help

Examples:
  stress analyze 3
  stress analyze 2 -- write n=100000 -rate threads=16 -node synthetic:uniform(500..2000)`;

/** Adds an HDR log path to a child's arguments, the way its command takes it. */
function withHdrFile(args: readonly string[], path: string): string[] {
  if (args[0] === "simulate") return [...args, "--hdrfile", path];
  const log = args.findIndex((a) => a.toLowerCase() === "-log");
  if (log < 0) return [...args, "-log", `hdrfile=${path}`];
  return [...args.slice(0, log + 1), `hdrfile=${path}`, ...args.slice(log + 1)];
}

/** The command that starts this tool again: `deno run` of main.ts, or the compiled binary. */
function selfCommand(): string[] {
  const main = new URL("../../main.ts", import.meta.url);
  if (main.protocol === "file:") {
    const config = new URL("../../deno.json", import.meta.url);
    return [Deno.execPath(), "run", "-A", "--config", config.pathname, main.pathname];
  }
  return [Deno.execPath()];
}

interface ChildRun {
  pid: number;
  startMs: number;
  endMs: number;
  code: number;
  stderr: string;
  hdrPath: string;
}

async function runChild(command: string[], args: string[], hdrPath: string): Promise<ChildRun> {
  const child = new Deno.Command(command[0], {
    args: [...command.slice(1), ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const startMs = Date.now();
  const output = await child.output();
  return {
    pid: child.pid,
    startMs,
    endMs: Date.now(),
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
    hdrPath,
  };
}

/**
 * Runs `stress analyze`.
 *
 * @param args The arguments after `analyze`.
 * @param io Where output goes.
 * @param options An abort signal (SIGINT) that kills the children.
 * @returns The exit code: 0, or 1 when a process failed.
 * @throws {UsageError} On bad arguments.
 *
 * @example Usage
 * ```ts ignore
 * const code = await analyzeCommand(["3"], io);
 * ```
 */
export async function analyzeCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const dash = args.indexOf("--");
  const own = dash < 0 ? [...args] : args.slice(0, dash);
  const childArgs = dash < 0 ? [] : args.slice(dash + 1);
  if (own.includes("-h") || own.includes("--help")) {
    printText(io, ANALYZE_HELP);
    return 0;
  }
  let keep: string | null = null;
  const keepAt = own.indexOf("--keep");
  if (keepAt >= 0) {
    keep = own[keepAt + 1] ?? null;
    if (keep === null) throw new UsageError('Cannot parse "--keep": it needs a directory');
    own.splice(keepAt, 2);
  }
  if (own.length !== 1) {
    throw new UsageError(
      `Cannot parse the arguments of "analyze": "${
        own.join(" ")
      }" is invalid, expected N [--keep DIR] [-- STRESS-ARGS]`,
    );
  }
  const count = parsePositive("N", own[0], { integer: true });
  if (childArgs.length > 0 && ["analyze", "help", "version"].includes(childArgs[0])) {
    throw new UsageError(`Cannot analyze "${childArgs[0]}": it is not a load command`);
  }
  const dir = keep ?? await Deno.makeTempDir({ prefix: "stress-analyze-" });
  if (keep !== null) await Deno.mkdir(keep, { recursive: true });
  const self = selfCommand();
  try {
    const runs = await Promise.all(Array.from({ length: count }, (_, i) => {
      const base = childArgs.length > 0 ? childArgs : ["simulate", String(i + 2)];
      const hdrPath = `${dir}/process-${i + 1}.hdr`;
      return runChild(self, withHdrFile(base, hdrPath), hdrPath);
    }));
    if (options.signal?.aborted) return 130;
    const throughputOpsPerSec: number[] = [];
    const latency = new LatencyHistogram();
    let failed = 0;
    for (const run of runs) {
      if (run.code !== 0) {
        failed++;
        io.err(`error: process ${run.pid} exited with code ${run.code}`);
        for (const line of run.stderr.trim().split("\n").slice(-5)) io.err(`  ${line}`);
      }
      let text = "";
      try {
        text = await Deno.readTextFile(run.hdrPath);
      } catch {
        continue;
      }
      addLog(readHdrLog(text, run.hdrPath).intervals, throughputOpsPerSec, latency);
    }
    printText(
      io,
      formatAnalyzeSummary({
        throughputsOpsPerSec: throughputOpsPerSec,
        latency,
        processes: runs.map((r) => ({ pid: r.pid, startTimeMs: r.startMs, endTimeMs: r.endMs })),
        utcOffsetMinutes: -new Date().getTimezoneOffset(),
      }),
    );
    return failed > 0 ? 1 : 0;
  } finally {
    if (keep === null) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Adds one process's intervals: ops per interval to `throughput`, latencies to `latency`. */
function addLog(
  intervals: readonly HdrLogInterval[],
  throughput: number[],
  latency: LatencyHistogram,
): void {
  // Response time (-rt) is the reported latency when a schedule existed, else service time.
  const kind = intervals.some((i) => i.tag.endsWith("-rt")) ? "-rt" : "-st";
  const opsByStart = new Map<number, { ops: number; lengthSec: number }>();
  for (const interval of intervals) {
    if (!interval.tag.endsWith(kind) && interval.tag !== "") continue;
    latency.add(interval.histogram);
    const slot = opsByStart.get(interval.startSec) ?? { ops: 0, lengthSec: interval.lengthSec };
    slot.ops += interval.histogram.totalCount;
    opsByStart.set(interval.startSec, slot);
  }
  for (const slot of opsByStart.values()) {
    if (slot.lengthSec > 0) throughput.push(slot.ops / slot.lengthSec);
  }
}
