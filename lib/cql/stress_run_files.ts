/**
 * The files of a cassandra-stress run (`-log file=`, `hdrfile=`, `json=`, `-graph`) and its live
 * endpoints: opened before the run so a bad path fails first, written at the end, and left
 * valid when the run ends early.
 *
 * @module
 */

import type { LoaderVerdict } from "../stats/loader_verdict.ts";
import { UsageError } from "../errors.ts";
import { type CommandIo, teeIo } from "../cli/command_io.ts";
import { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import { TextFile } from "../cli/text_file.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";
import { isDescriptorPath } from "../cli/descriptor_path.ts";
import { type FileOption, refuseSharedFiles } from "../cli/distinct_files.ts";
import { redactCommandLine } from "../cli/redact_command_line.ts";
import { LiveEndpoints } from "../live/live_endpoints.ts";
import { appendGraphRevision, readGraphRevisions } from "../report/graph_html.ts";
import { summaryOf } from "../report/graph_series.ts";
import { formatResults } from "../report/results_block.ts";
import { ranOpWindows } from "./report/ran_op_windows.ts";
import { createJsonSummary, type JsonIntervalPoint } from "../report/json_summary.ts";
import { OpWindow } from "../stats/op_window.ts";
import { FileWriteGuard } from "../cli/file_write_guard.ts";
import type { Shard } from "../units/shard.ts";
import type { StressSettings } from "./options/stress_settings.ts";
import type { StepOutcome } from "./_stress_steps.ts";

/** What a run has open; each is null until opened (or when its option was not given). */
export interface RunFiles {
  /** The live page and /metrics. */
  live: LiveEndpoints | null;
  /** `-log file=`. */
  tee: TextFile | null;
  /** `-log hdrfile=`. */
  hdr: HdrLogWriter | null;
  /** `-log json=`. */
  json: TextFile | null;
  /** Whether the JSON summary of the measured run was written. */
  jsonWritten: boolean;
  /** The writes to each open file, by option (`-log file`, `-log hdrfile`, `-log json`). */
  guards: Map<string, FileWriteGuard>;
  /** The first write to a file that failed, as one error line, or null. */
  failure: UsageError | null;
  /**
   * Aborted at the first write to `-log file=` or `hdrfile=` that fails while the run goes on
   * (a full disk): the run stops as Ctrl-C stops it, prints what it measured, and ends on the
   * error line.
   */
  readonly stop: AbortController;
}

/** Nothing open yet. */
export function noRunFiles(): RunFiles {
  return {
    live: null,
    tee: null,
    hdr: null,
    json: null,
    jsonWritten: false,
    guards: new Map(),
    failure: null,
    stop: new AbortController(),
  };
}

/**
 * Runs a write to a run's output file: its failure (a full disk) is one error line naming the
 * option and the file, and later writes to that file are skipped.
 *
 * @param files The run's files.
 * @param option The option of the file (`-log file`, `-log hdrfile`, `-log json`).
 * @param write The write.
 * @throws {UsageError} When the write fails.
 */
export function writeRunFile(files: RunFiles, option: string, write: () => void): void {
  const error = guardedWrite(files, option, write);
  if (error !== null) throw error;
}

/**
 * Runs a write to a file the run appends to as it goes (`-log file`, `-log hdrfile`): its failure
 * (a full disk) stops the run (`files.stop`) instead of throwing, so that the run still prints and
 * stores what it measured; the error is `files.failure`, reported after that.
 *
 * @param files The run's files.
 * @param option The option of the file.
 * @param write The write.
 */
export function writeDuringRun(files: RunFiles, option: string, write: () => void): void {
  if (guardedWrite(files, option, write) !== null) files.stop.abort();
}

/** Runs a write through its file's guard; returns its error line when it failed (the first). */
function guardedWrite(files: RunFiles, option: string, write: () => void): UsageError | null {
  const guard = files.guards.get(option);
  if (guard === undefined) {
    write();
    return null;
  }
  const error = guard.write(write);
  files.failure ??= error;
  return error;
}

/**
 * Opens the endpoints and files of a run, filling `files` as it goes (so a failure half-way
 * leaves what was opened for {@linkcode closeRunFiles}). The `-graph` file is checked and the
 * endpoints bind first: a graph file that is not ours or a taken port fails before any file is
 * created or truncated.
 *
 * @returns Where the run prints: `baseIo`, teed to `-log file=`.
 */
export async function openRunFiles(
  files: RunFiles,
  settings: StressSettings,
  baseIo: CommandIo,
  onStop: () => void,
): Promise<CommandIo> {
  const log = settings.log;
  const command = settings.command.type;
  refuseSharedFiles(fileOptionsOf(settings));
  // A graph file that is not ours is refused before any file is truncated or created.
  if (settings.graph.file !== null) readGraphFile(settings.graph.file);
  files.live = await LiveEndpoints.start({
    command,
    title: `stress ${command}`,
    prometheus: log.prometheus,
    web: log.web,
    names: { prometheus: "-log prometheus", web: "-log web" },
    onStop,
  }, baseIo);
  for (const [option, path] of [["-log file", log.file], ["-log hdrfile", log.hdrFile]] as const) {
    if (path !== null) files.guards.set(option, new FileWriteGuard(option, path));
  }
  if (log.jsonFile !== null) {
    files.guards.set("-log json", new FileWriteGuard("-log json", log.jsonFile));
  }
  files.tee = log.file === null ? null : TextFile.create(log.file, "-log file");
  const tee = files.tee;
  files.hdr = log.hdrFile === null
    ? null
    : new HdrLogWriter(log.hdrFile, { purpose: "-log hdrfile" });
  files.json = log.jsonFile === null ? null : TextFile.create(log.jsonFile, "-log json");
  return tee === null
    ? baseIo
    : teeIo(baseIo, (line) => writeDuringRun(files, "-log file", () => tee.writeLine(line)));
}

/** The file a `profile=` names: a path, or a `file://` URI's path; null for other URIs. */
function localPathOf(profile: string): string | null {
  if (/^file:/i.test(profile)) {
    try {
      return decodeURIComponent(new URL(profile).pathname);
    } catch {
      return null;
    }
  }
  return /^[a-z][a-z0-9+.-]+:/i.test(profile) ? null : profile;
}

/**
 * The run's outputs and the local files it reads, compared as files (the parser compares the
 * strings): `-graph file=g.html -log hdrfile=../d/g.html` or `-log hdrfile=` on the profile
 * would overwrite one with the other.
 */
function fileOptionsOf(settings: StressSettings): FileOption[] {
  const { log, transport } = settings;
  const inputs = [
    ...settings.command.profiles.map((path) => ({ option: "profile=", path: localPathOf(path) })),
    { option: "-node file", path: settings.node.file },
    { option: "-transport truststore", path: transport.truststore },
    { option: "-transport keystore", path: transport.keystore },
  ];
  return [
    ...inputs.map((input) => ({ ...input, input: true })),
    { option: "-log file", path: log.file },
    { option: "-log hdrfile", path: log.hdrFile },
    { option: "-log json", path: log.jsonFile },
    { option: "-graph file", path: settings.graph.file },
  ];
}

/** Ends the live endpoints and closes every file that is open. */
export async function closeRunFiles(files: RunFiles): Promise<void> {
  files.live?.runEnded();
  await files.live?.close();
  // Every file is closed; the first that fails to (an HDR header on a full disk) is reported.
  let failure: unknown = null;
  const close = (option: string, file: { close(): void } | null): void => {
    if (file === null) return;
    const guard = files.guards.get(option);
    try {
      if (guard === undefined) file.close();
      else failure ??= guard.close(() => file.close());
    } catch (error) {
      failure ??= error;
    }
  };
  close("-log json", files.json);
  close("-log hdrfile", files.hdr);
  close("-log file", files.tee);
  if (failure !== null) throw failure;
}

/** What the end of a measured run writes to its JSON summary and graph. */
export interface RunEnd {
  /** The measured steps (one, or every step of a thread-count search). */
  readonly steps: readonly StepOutcome[];
  /** The command line. */
  readonly commandLine: readonly string[];
  /** This loader's shard, or null. */
  readonly shard: Shard | null;
  /** Whether the Results use response time (`fixed=`). */
  readonly useResponseTime: boolean;
  /** Every interval, for the JSON summary. */
  readonly intervals: readonly JsonIntervalPoint[];
  /** Why the run ended early, or null. */
  readonly aborted: string | null;
  /** Whether the loader itself was a limit, or null where it was not judged. */
  readonly loader: LoaderVerdict | null;
}

/**
 * Writes the JSON summary and the `-graph` revision of a measured run: a file that cannot be
 * written does not keep the other from being written.
 *
 * @returns The graph's write error, or null (the JSON summary's is `files.failure`).
 */
export function writeRunEnd(files: RunFiles, settings: StressSettings, end: RunEnd): unknown {
  const json = files.json;
  if (json !== null) {
    try {
      writeRunFile(files, "-log json", () => writeRunSummary(json, settings, end));
    } catch {
      // It is `files.failure`, reported by the caller once the graph is written.
    }
    files.jsonWritten = true;
  }
  if (settings.graph.file === null) return null;
  try {
    writeGraphFile(settings, end);
    return null;
  } catch (error) {
    return error;
  }
}

/** Writes the JSON summary of a measured run. */
export function writeRunSummary(json: TextFile, settings: StressSettings, end: RunEnd): void {
  const { steps } = end;
  const last = steps[steps.length - 1].result;
  const summary = createJsonSummary({
    command: redactCommandLine(end.commandLine),
    shard: end.shard,
    settings: withoutSecrets(settings),
    startTimeMs: steps[0].result.startEpochMs,
    endTimeMs: last.endEpochMs,
    elapsedSec: totalSeconds(steps),
    windows: steps.length === 1 ? last.totals : mergedTotals(steps),
    useResponseTime: end.useResponseTime,
    intervals: end.intervals,
    aborted: end.aborted ?? (last.failure === null ? null : `FAILURE: ${last.failure}`),
    loader: end.loader,
  });
  json.write(JSON.stringify(summary, null, 2) + "\n");
}

/** The seconds every step took, added up. */
export function totalSeconds(steps: readonly StepOutcome[]): number {
  return steps.reduce((sum, step) => sum + step.result.elapsedSec, 0);
}

/** The password as the JSON summary shows it: never the password itself. */
export function redacted(settings: StressSettings): string | null {
  return settings.mode.password === null ? null : "*suppressed*";
}

/** The settings as the JSON summary shows them: the passwords as `*suppressed*`. */
function withoutSecrets(settings: StressSettings): StressSettings {
  const { transport } = settings;
  const hidden = (password: string | null) => password === null ? null : "*suppressed*";
  return {
    ...settings,
    mode: { ...settings.mode, password: redacted(settings) },
    transport: {
      ...transport,
      truststorePassword: hidden(transport.truststorePassword),
      keystorePassword: hidden(transport.keystorePassword),
    },
  };
}

/**
 * What a `-graph` file holds: empty when it does not exist yet, or is not a regular file (a
 * device, a pipe, `/dev/stdout`: the revision is written after what it holds, so it is never
 * read, which would wait on a pipe forever or read `/dev/zero` until memory runs out).
 */
function storedGraphText(file: string): string {
  try {
    if (isDescriptorPath(file) || !Deno.statSync(file).isFile) return "";
    return Deno.readTextFileSync(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw new UsageError(
      `Cannot read -graph file "${file}": ${error instanceof Error ? error.message : error}`,
    );
  }
}

/**
 * The current text of the `-graph` file (empty when it does not exist yet); checked now, with
 * its folder (a run must not end on a graph it cannot write).
 */
function readGraphFile(file: string): { text: string } {
  const text = storedGraphText(file);
  if (text.trim() !== "") readGraphRevisions(text, { fileName: file });
  // The folder must take the sibling the revision is written to at the end.
  checkReplaceable(file, "-graph");
  return { text };
}

/**
 * Appends this run to the `-graph` file (cassandra-stress's graph.html), read again now: another
 * run that appended its revision while this one ran keeps it. A run is one revision; each step
 * of a thread-count search is one, `<revision> - N threads` with that step's intervals timed
 * from its own start and its own Results, as cassandra-stress's graph has them.
 */
export function writeGraphFile(
  settings: StressSettings,
  run: {
    steps: readonly StepOutcome[];
    commandLine: readonly string[];
    useResponseTime: boolean;
  },
): void {
  const graph = settings.graph;
  const file = graph.file!;
  const existing = readGraphFile(file).text;
  const search = settings.rate.kind === "auto";
  let html = existing === "" ? null : existing;
  for (const step of run.steps) {
    const results = formatResults({
      windows: ranOpWindows(step.result.totals),
      elapsedSec: step.result.elapsedSec,
      useResponseTime: run.useResponseTime,
    });
    html = appendGraphRevision(html, {
      revision: search ? `${graph.revision} - ${step.threads} threads` : graph.revision,
      title: graph.title,
      operation: graph.operation,
      commandLine: redactCommandLine(run.commandLine).join(" "),
      startTime: new Date(step.result.startEpochMs).toISOString(),
      series: step.graph?.series ?? {},
      summary: summaryOf(results),
    }, { fileName: file });
  }
  // Through a sibling renamed over it, so the revisions already stored survive a crash.
  if (html !== null) replaceFile(file, "-graph", html);
}

/** Every step's cumulative windows merged by op name. */
export function mergedTotals(steps: readonly StepOutcome[]): OpWindow[] {
  const first = steps[0].result.totals;
  return first.map((window, i) => {
    const merged = new OpWindow(window.name, { scheduled: window.response !== null });
    for (const step of steps) merged.add(step.result.totals[i]);
    return merged;
  });
}

/**
 * The JSON summary of a run that ended before it could summarize what it measured (interrupted
 * in the warm-up, a failed connect, `n=0`): valid JSON with no op in it, and `aborted` saying why
 * and in which phase.
 */
export function writeUnmeasuredSummary(
  json: TextFile,
  settings: StressSettings,
  run: { command?: readonly string[]; shard: Shard | null; aborted: string },
): void {
  const nowMs = Date.now();
  const summary = createJsonSummary({
    command: redactCommandLine(run.command ?? []),
    shard: run.shard,
    settings: withoutSecrets(settings),
    startTimeMs: nowMs,
    endTimeMs: nowMs,
    elapsedSec: 0,
    windows: [],
    useResponseTime: false,
    intervals: [],
    aborted: run.aborted,
  });
  json.write(JSON.stringify(summary, null, 2) + "\n");
}
