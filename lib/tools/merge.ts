/**
 * `stress merge LOG... [--output FILE] [--json FILE] [--interval DURATION]`: merges the HDR
 * interval logs of many loaders into one, aligned by absolute time per tag, and prints the
 * interval rows and `Results:` block one loader would have printed.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { parseHdrLogMergeInput } from "../report/hdr_log_merge_input.ts";
import { mergeHdrLogs, type MergeInputLog, tagsOfLogs } from "../report/merge_hdr_logs.ts";
import { MergedLogReport } from "../report/merged_log_report.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { parseFlags } from "../cli/parse_flags.ts";
import { fileKeyOf, refuseSharedFiles } from "../cli/distinct_files.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";

/** The help text of `stress merge`. */
export const MERGE_HELP: string =
  `Usage: stress merge LOG... [--output FILE] [--json FILE] [--interval DURATION]
                          [--allow-missing-tags]

Merges the HDR interval logs (-log hdrfile=) that many loaders wrote into one run: every
interval is placed by its absolute time (the log's BaseTime plus its start), per tag, into
output intervals of the common length; histograms are added, so every percentile is that
of all the loaders' values together. Prints the interval rows and the Results: block as one
loader would have. Logs whose tags or units differ are refused, and so is a log given twice;
a log with no intervals (a loader that stopped before its first) is left out with a warning.

Options:
  --output FILE        write the merged HDR log (same format and tags)
  --json FILE          write a JSON summary (per tag, per interval, per loader)
  --interval DURATION  output interval length, e.g. 1s, 10s (default, and at least: the
                       logs' interval length, the longest of each log's median one)
  --allow-missing-tags merge logs whose tags differ (a loader of a mixed run that never ran
                       one op type has no tag for it); a missing tag adds nothing, but
                       an unscheduled log's service times count as its response times
  -h, --help           this help

Example:
  stress merge loader-*.hdr --output merged.hdr --json merged.json`;

async function readLog(path: string): Promise<MergeInputLog> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot read HDR log "${path}": ${reason}`, { cause: error });
  }
  return parseHdrLogMergeInput(text, path);
}

/** Whether a path names something that is there. */
function isThere(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses a log given twice (it would be counted twice), an output file that is one of the
 * logs (the merge would replace a loader's log) and two outputs in one file.
 */
function checkPaths(
  logPaths: readonly string[],
  outputs: readonly [option: string, path: unknown][],
): void {
  const seen = new Map<string, string>();
  for (const path of logPaths) {
    if (!isThere(path)) continue; // readLog says why
    const real = fileKeyOf(path);
    const earlier = seen.get(real);
    if (earlier !== undefined) {
      throw new UsageError(
        `Cannot merge HDR log "${path}": it is "${earlier}" again, expected each loader's log once`,
      );
    }
    seen.set(real, path);
  }
  refuseSharedFiles([
    ...logPaths.map((path) => ({ option: "the logs", path, input: true })),
    ...outputs.map(([option, path]) => ({ option, path: typeof path === "string" ? path : null })),
  ]);
}

/**
 * The warning for a log whose last line was cut short and left out.
 *
 * @param name The log, as the user knows it.
 * @param line The line's number.
 * @returns The line to print on stderr.
 */
export function cutLineWarning(name: string, line: number): string {
  return `warning: HDR log "${name}": its last line (line ${line}) is cut short (its loader stopped while writing it); merged without that line`;
}

/** The warning for values above one hour, which the merged histograms hold as one hour. */
function clampedWarning(tag: string, count: number): string {
  return `warning: ${count} value${count === 1 ? "" : "s"} of "${tag}" above one hour ` +
    "counted as one hour (the histograms' highest value; clampedLatencies in --json)";
}

/** The logs that have intervals; a warning for each one that has none (a loader that ended early). */
function logsWithIntervals(logs: readonly MergeInputLog[], io: CommandIo): MergeInputLog[] {
  const kept = logs.filter((log) => log.intervals.length > 0);
  if (kept.length === 0) return [...logs]; // the merge says why it cannot
  for (const log of logs) {
    if (log.cutLine !== undefined) io.err(cutLineWarning(log.name, log.cutLine));
    if (log.intervals.length === 0) {
      io.err(`warning: HDR log "${log.name}" has no intervals; merged without it`);
    }
  }
  return kept;
}

/**
 * With `--allow-missing-tags`: a log of an unscheduled run (service times only, `OP-st`)
 * merged with scheduled ones (`OP-rt` too) counts its service times as its response times,
 * which they are when nothing is scheduled, so that the merged response time holds every op.
 */
function withResponseTimes(logs: readonly MergeInputLog[]): MergeInputLog[] {
  const scheduled = logs.some((log) => log.intervals.some((i) => i.tag.endsWith("-rt")));
  if (!scheduled) return [...logs];
  return logs.map((log) => {
    const tags = new Set(log.intervals.map((i) => i.tag));
    const copies = log.intervals
      .filter((i) => i.tag.endsWith("-st") && !tags.has(`${i.tag.slice(0, -3)}-rt`))
      .map((i) => ({ ...i, tag: `${i.tag.slice(0, -3)}-rt` }));
    return copies.length === 0 ? log : { ...log, intervals: [...log.intervals, ...copies] };
  });
}

/**
 * Runs `stress merge`.
 *
 * @param args The arguments after `merge`.
 * @param io Where output goes.
 * @returns The exit code, 0.
 * @throws {UsageError} On bad arguments, an unreadable log, logs that cannot be merged or an
 * output file that cannot be written (checked before the logs are read; each output is written
 * to a sibling renamed over it, so a failure never leaves one half written).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo } from "../cli/command_io.ts";
 * import { mergeCommand } from "./merge.ts";
 * const io = new BufferedIo();
 * assert.equal(await mergeCommand(["--help"], io), 0);
 * assert.ok(io.stdout[0].startsWith("Usage: stress merge LOG..."));
 * ```
 */
export async function mergeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseFlags("merge", args, {
    output: { type: "string" },
    json: { type: "string" },
    interval: { type: "string" },
    "allow-missing-tags": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) {
    printText(io, MERGE_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    throw new UsageError(
      'Cannot parse the arguments of "merge": no log given, expected LOG... [--output FILE]',
    );
  }
  const intervalSec = typeof values.interval === "string"
    ? parseDuration(values.interval, "--interval", { bareUnit: "s" }) / 1000
    : undefined;
  const outputs: [option: string, path: unknown][] = [
    ["--output", values.output],
    ["--json", values.json],
  ];
  checkPaths(positionals, outputs);
  // Written only after the merge: a folder that is not there fails now, before any is replaced.
  for (const [option, path] of outputs) {
    if (typeof path === "string") checkReplaceable(path, option);
  }
  const read: MergeInputLog[] = [];
  for (const path of positionals) read.push(await readLog(path));
  const allowMissingTags = values["allow-missing-tags"] === true;
  const present = logsWithIntervals(read, io);
  const logs = allowMissingTags ? withResponseTimes(present) : present;
  const report = new MergedLogReport(tagsOfLogs(logs));
  const merged = mergeHdrLogs(logs, {
    sameTags: !allowMissingTags,
    intervalSec,
    onInterval: (interval) => report.addInterval(interval),
  });
  for (const [tag, total] of merged.totals) {
    if (total.clampedCount > 0) io.err(clampedWarning(tag, total.clampedCount));
  }
  const output = report.finish(merged, {
    command: ["merge", ...args].join(" "),
    utcOffsetMinutes: -new Date(merged.baseTimeMs).getTimezoneOffset(),
  });
  if (typeof values.output === "string") replaceFile(values.output, "--output", output.hdrLog);
  if (typeof values.json === "string") {
    replaceFile(values.json, "--json", JSON.stringify(output.json, null, 2) + "\n");
  }
  for (const line of output.lines) io.out(line);
  return 0;
}
