/**
 * `stress analyze N [--keep DIR] [--json FILE] [-- STRESS-ARGS]`: starts N stress processes
 * side by side, each writing an HDR interval log; a command whose work splits gets
 * `--shard I/N` in process I, so the N processes run the one workload it describes, as N
 * loaders would. Then prints the seed tool's summary (throughput from every process's
 * intervals, latency from the processes' merged histograms) and the merged run: the interval
 * rows and `Results:` block one loader would have printed, as `stress merge` does.
 *
 * @module
 */

import type { JsonOpStats } from "../report/json_summary.ts";
import { UsageError } from "../errors.ts";
import { formatAnalyzeSummary } from "./analyze_summary.ts";
import { parseHdrLogMergeInput } from "../report/hdr_log_merge_input.ts";
import { cutLineWarning } from "./merge.ts";
import { mergeHdrLogs, type MergeInputLog, tagsOfLogs } from "../report/merge_hdr_logs.ts";
import { type MergedLogOutput, MergedLogReport } from "../report/merged_log_report.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";
import {
  childArgs,
  type ChildRun,
  filesNamedIn,
  refuseOwnFlags,
  runChildren,
  selfCommand,
} from "./_analyze_children.ts";
import { splitsWork } from "../units/shard.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";

export type { CommandIo } from "../cli/command_io.ts";
import { parsePositive } from "../cli/parse_flags.ts";
import { redactCommandLine } from "../cli/redact_command_line.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";
import { refuseSharedFiles } from "../cli/distinct_files.ts";

/** The help text of `stress analyze`. */
export const ANALYZE_HELP: string =
  `Usage: stress analyze N [--keep DIR] [--json FILE] [-- STRESS-ARGS...]

Starts N (at most 64) stress processes side by side, as N loaders on one host, and prints one summary
of them all: average, max, min and 95th percentile of throughput (per interval of every
process) and of latency (from the processes' merged HDR histograms), the process count,
and each process's pid with its start, finish and duration. Then the merged run: the
processes' HDR logs merged by absolute time, printed as the interval rows and Results:
block one loader would have printed (as stress merge does).

Without STRESS-ARGS, process i (1..N) runs "stress simulate <i+1>": simulate runs of
different lengths against the synthetic target. With STRESS-ARGS every process runs that
command with its own HDR log (-log hdrfile=, --hdrfile for simulate, --hdr-log for query
run and checkout load). A command whose work splits between loaders (write, read, mixed,
counter_write, counter_read, user, query run, checkout load) also gets "--shard I/N" in
process I+1 (I from 0): the processes share its population, count and rate, so together
they run exactly the one workload it describes, and each one's "Shard I/N: ..." line is
printed. STRESS-ARGS must not have --shard, --shards, an HDR log of their own, nor another
file every process would write (-log json= or file=, -graph file=, --json, --results).

The exit code is 1 when a process failed (its exit code and first error line are
printed; the merge still uses the logs that exist) or the logs cannot be merged.

Options:
  --keep DIR   keep the processes' HDR logs (process-1.hdr ... process-N.hdr) and the
               merged log (merged.hdr) in DIR (default: a temporary directory, removed
               afterwards); a DIR that holds an earlier analyze's logs is refused
  --json FILE  write the merged run's JSON summary (as stress merge --json)
  -h, --help   this help

Examples:
  stress analyze 3
  stress analyze 2 -- write n=100000 -rate threads=16 -node synthetic:uniform(500..2000)
  stress analyze 3 --keep logs -- write n=3000 -node 127.0.0.1 -port native=9042`;

/** The merged log's name in the `--keep` directory. */
const MERGED_LOG = "merged.hdr";

interface AnalyzeOptions {
  count: number;
  keep: string | null;
  json: string | null;
  childArgs: string[];
}

/** The most processes `analyze` starts: a typo (`analyze 1000000`) must not exhaust the host. */
const MAX_PROCESSES = 64;

/**
 * Makes the `--keep` directory, or refuses one that holds an earlier analyze's logs (they
 * would be mixed with this run's) or a path that is not a directory.
 */
async function prepareKeepDir(keep: string): Promise<void> {
  try {
    await Deno.mkdir(keep, { recursive: true });
    for await (const entry of Deno.readDir(keep)) {
      if (entry.name === MERGED_LOG || /^process-\d+\.hdr$/.test(entry.name)) {
        throw new UsageError(
          `Cannot keep the logs in "${keep}": it holds "${entry.name}" of an earlier analyze, ` +
            "expected a directory without them (another --keep DIR, or remove them)",
        );
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot keep the logs in "${keep}": ${reason}`, { cause: error });
  }
}

/**
 * Takes `--keep DIR` or `--keep=DIR` (likewise `--json`) out of `own`: its value, or null when
 * the flag is absent. A flag as the value (`--keep --json f`) is refused, not taken for a name.
 */
function takePathFlag(own: string[], flag: "--keep" | "--json"): string | null {
  const at = own.findIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
  if (at < 0) return null;
  const inline = own[at] !== flag;
  const value = inline ? own[at].slice(flag.length + 1) : own[at + 1];
  if (value === undefined || value === "" || (!inline && value.startsWith("-"))) {
    const got = value === undefined ? "" : `, got "${value}"`;
    throw new UsageError(
      `Cannot parse "${flag}": it needs a ${flag === "--keep" ? "directory" : "file"}${got}`,
    );
  }
  own.splice(at, inline ? 1 : 2);
  return value;
}

/**
 * Checks the `--json` file before any process starts (it is written at the end): its folder
 * must take it, and it must not be a log the `--keep` directory will hold, nor a file the
 * processes' command reads (`query run --file`, a profile), which it would replace.
 */
function checkJsonPath(json: string, parsed: AnalyzeOptions): void {
  const { keep, count } = parsed;
  const kept = keep === null
    ? []
    : [MERGED_LOG, ...Array.from({ length: count }, (_, i) => `process-${i + 1}.hdr`)];
  refuseSharedFiles([
    ...filesNamedIn(parsed.childArgs).map((path) => ({
      option: "the processes' command line",
      path,
      input: true,
    })),
    ...kept.map((name) => ({ option: "--keep", path: `${keep}/${name}` })),
    { option: "--json", path: json },
  ]);
  checkReplaceable(json, "--json");
}

function parseAnalyzeArgs(args: readonly string[]): AnalyzeOptions | null {
  const dash = args.indexOf("--");
  const own = dash < 0 ? [...args] : args.slice(0, dash);
  const command = dash < 0 ? [] : args.slice(dash + 1);
  if (own.includes("-h") || own.includes("--help")) return null;
  const keep = takePathFlag(own, "--keep");
  const json = takePathFlag(own, "--json");
  if (own.length !== 1) {
    throw new UsageError(
      `Cannot parse the arguments of "analyze": "${
        own.join(" ")
      }" is invalid, expected N [--keep DIR] [--json FILE] [-- STRESS-ARGS]`,
    );
  }
  const count = parsePositive("N", own[0], { integer: true });
  if (count > MAX_PROCESSES) {
    throw new UsageError(
      `Cannot parse "N": ${count} processes are too many for one host (each is a Deno ` +
        `process of about 100 MB), expected 1 to ${MAX_PROCESSES}`,
    );
  }
  if (
    command.length > 0 && ["analyze", "merge", "compare", "help", "version"].includes(command[0])
  ) {
    throw new UsageError(`Cannot analyze "${command[0]}": it is not a load command`);
  }
  refuseOwnFlags(command);
  return { count, keep, json, childArgs: command };
}

/**
 * Runs `stress analyze`.
 *
 * @param args The arguments after `analyze`.
 * @param io Where output goes.
 * @param options An abort signal (SIGINT) that interrupts the children.
 * @returns The exit code: 0; 1 when a process failed or the logs could not be merged; 130
 * when interrupted.
 * @throws {UsageError} On bad arguments, or a `--json` file that cannot be written.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { analyzeCommand } from "./analyze.ts";
 * import { BufferedIo } from "../cli/command_io.ts";
 * const io = new BufferedIo();
 * assert.equal(await analyzeCommand(["--help"], io), 0);
 * assert.ok(io.stdout[0].startsWith("Usage: stress analyze N"));
 * await assert.rejects(analyzeCommand(["2", "--", "write", "--shard", "0/2"], io));
 * ```
 */
export async function analyzeCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const parsed = parseAnalyzeArgs(args);
  if (parsed === null) {
    printText(io, ANALYZE_HELP);
    return 0;
  }
  const { count, keep } = parsed;
  if (keep !== null) await prepareKeepDir(keep);
  if (parsed.json !== null) checkJsonPath(parsed.json, parsed);
  const dir = keep ?? await Deno.makeTempDir({ prefix: "stress-analyze-" });
  await checkChildLine(parsed.childArgs);
  const sharded = splitsWork(parsed.childArgs);
  try {
    const runs = await runChildren(
      selfCommand(),
      Array.from({ length: count }, (_, i) => {
        const base = parsed.childArgs.length > 0 ? parsed.childArgs : ["simulate", String(i + 2)];
        const hdrPath = `${dir}/process-${i + 1}.hdr`;
        const shard = sharded ? { index: i, count } : null;
        return { args: childArgs(base, { hdrPath, shard }), hdrPath };
      }),
      { signal: options.signal },
    );
    let failed = reportFailures(runs, io);
    const logs = await readLogs(runs, io);
    printText(io, summaryOf(runs, logs));
    for (const run of runs) {
      for (const line of run.shardLines) io.out(`process ${run.index + 1}: ${line}`);
    }
    const merged = mergeLogs(logs, {
      command: redactCommandLine(["analyze", ...args]).join(" "),
      io,
    });
    if (merged === null) {
      failed++;
    } else {
      io.out("");
      for (const line of merged.lines) io.out(line);
      const scheduled = merged.json.total.scheduled;
      if (scheduled !== undefined) io.out(scheduledLine(scheduled));
      if (keep !== null) replaceFile(`${keep}/${MERGED_LOG}`, "--keep", merged.hdrLog);
      if (parsed.json !== null) {
        replaceFile(parsed.json, "--json", JSON.stringify(merged.json, null, 2) + "\n");
      }
    }
    if (options.signal?.aborted) return 130;
    return failed > 0 ? 1 : 0;
  } finally {
    if (keep === null) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The load commands of our own that analyze runs as they are (they have no `--dry-run`). */
const OWN_LOAD_COMMANDS = new Set(["simulate", "serve", "disk", "query", "checkout"]);

/**
 * Parses the processes' cassandra-stress command line once (`--dry-run`, which touches no
 * target) before N processes start, so that a bad line is one error line, not N.
 */
async function checkChildLine(childArgs: readonly string[]): Promise<void> {
  if (childArgs.length === 0 || OWN_LOAD_COMMANDS.has(childArgs[0])) return;
  const [command, ...first] = selfCommand();
  const output = await new Deno.Command(command, {
    args: [...first, ...childArgs, "--dry-run"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (output.code === 0) return;
  const line = new TextDecoder().decode(output.stderr).split("\n").find((l) => l.trim() !== "");
  throw new UsageError(
    `Cannot analyze "${childArgs.join(" ")}": ${
      line?.replace(/^error: /, "") ?? `exit ${output.code}`
    }`,
  );
}

/** Prints one line per failed process; returns how many failed. */
function reportFailures(runs: readonly ChildRun[], io: CommandIo): number {
  let failed = 0;
  for (const run of runs) {
    if (run.code === 0) continue;
    failed++;
    const reason = run.firstErrorLine === null ? "" : `: ${run.firstErrorLine}`;
    io.err(
      `error: process ${run.index + 1} (pid ${run.pid}) exited with code ${run.code}${reason}`,
    );
  }
  return failed;
}

/** Reads every process's HDR log that exists and has intervals. */
async function readLogs(runs: readonly ChildRun[], io: CommandIo): Promise<MergeInputLog[]> {
  const logs: MergeInputLog[] = [];
  for (const run of runs) {
    let text: string;
    try {
      text = await Deno.readTextFile(run.hdrPath);
    } catch {
      io.err(`warning: process ${run.index + 1} (pid ${run.pid}) wrote no HDR log`);
      continue;
    }
    try {
      const log = parseHdrLogMergeInput(text, run.hdrPath.split("/").pop()!);
      if (log.cutLine !== undefined) io.err(cutLineWarning(log.name, log.cutLine));
      if (log.intervals.length > 0) logs.push(log);
      else io.err(`warning: process ${run.index + 1} (pid ${run.pid}) logged no interval`);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.err(`warning: process ${run.index + 1} (pid ${run.pid}): ${error.message}`);
    }
  }
  return logs;
}

/** The seed's summary: throughput per interval of each process, latency merged. */
function summaryOf(runs: readonly ChildRun[], logs: readonly MergeInputLog[]): string {
  const throughputsOpsPerSec: number[] = [];
  const latency = new LatencyHistogram();
  for (const log of logs) {
    // Response time (-rt) is the reported latency when a schedule existed, else service time.
    const kind = log.intervals.some((i) => i.tag.endsWith("-rt")) ? "-rt" : "-st";
    const opsByStart = new Map<number, { ops: number; lengthSec: number }>();
    for (const interval of log.intervals) {
      if (!interval.tag.endsWith(kind) && interval.tag !== "") continue;
      const histogram = interval.histogram;
      if (histogram instanceof LatencyHistogram) latency.add(histogram);
      else latency.addExport(histogram);
      const slot = opsByStart.get(interval.startSec) ??
        { ops: 0, lengthSec: interval.lengthSec };
      slot.ops += histogram.totalCount;
      opsByStart.set(interval.startSec, slot);
    }
    for (const slot of opsByStart.values()) {
      if (slot.lengthSec > 0) throughputsOpsPerSec.push(slot.ops / slot.lengthSec);
    }
  }
  return formatAnalyzeSummary({
    throughputsOpsPerSec,
    latency,
    processes: runs.map((r) => ({ pid: r.pid, startTimeMs: r.startMs, endTimeMs: r.endMs })),
    utcOffsetMinutes: -new Date().getTimezoneOffset(),
  });
}

/** Merges the logs as `stress merge` does; null (with an error line) when it cannot. */
function mergeLogs(
  logs: readonly MergeInputLog[],
  options: { command: string; io: CommandIo },
): MergedLogOutput | null {
  if (logs.length === 0) {
    options.io.err("error: Cannot merge the HDR logs: no process logged an interval");
    return null;
  }
  try {
    // The processes ran one command: one that never ran an op type simply has no tag for it.
    const report = new MergedLogReport(tagsOfLogs(logs));
    const merged = mergeHdrLogs(logs, {
      sameTags: false,
      onInterval: (interval) => report.addInterval(interval),
    });
    return report.finish(merged, {
      command: options.command,
      utcOffsetMinutes: -new Date(merged.baseTimeMs).getTimezoneOffset(),
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    options.io.err(`error: ${error.message}`);
    return null;
  }
}

/**
 * A scheduled run's three latencies side by side, after the merged Results block: service time
 * (from the actual start), response time (from the intended start) and wait time.
 */
function scheduledLine(scheduled: NonNullable<JsonOpStats["scheduled"]>): string {
  const pair = (latency: { p50: number; p99: number }) =>
    `${latency.p50.toFixed(2)} / ${latency.p99.toFixed(2)}`;
  return `Latency p50 / p99 (ms): service ${pair(scheduled.serviceMs)}, response ${
    pair(scheduled.responseMs)
  }, wait ${pair(scheduled.waitMs)}`;
}
