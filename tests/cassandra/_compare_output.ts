/**
 * Compares our cassandra-stress console output with a recorded run of the real tool (the
 * ScyllaDB fork 3.19.0 against Cassandra 5.0.6, in `tests/testdata/cassandra-stress-real/`).
 *
 * An output is split into parts, and each part is compared on what the tool decides, with
 * what the run decides (times, rates, latencies, counts, addresses, ports, the cluster name)
 * masked out:
 *
 * - the settings dump: every section and key in order, and every value;
 * - the events: every other line in order (banners such as `Connected to cluster`,
 *   `Sleeping 2s...`, `Warming up ...`, `Running ...`, `END`), with the interval header,
 *   a run of interval rows, a `Results:` block and the thread-search table each standing
 *   as one marker line, so their places in the flow are compared too;
 * - the interval header, text for text;
 * - the interval rows: the op types of each interval in order, and each column's width and
 *   decimals; the `time` column must count whole intervals (1.0, 2.0, ...) on every row but
 *   a run's last;
 * - each `Results:` block: its labels in order and each value's shape (numbers masked, their
 *   alignment kept).
 *
 * Lines that are not the tool's own output are dropped from both sides before comparing: the
 * Java driver's log lines, `Failed to connect over JMX...`, stack traces, the per-op error
 * lines (`Operation x1 on key(s) ...`, `com.datastax...`), cut markers of the recordings, and
 * blank lines.
 *
 * Usage, for the embedded node or a real one:
 *
 * ```ts
 * const args = recordedArgs("01-write", { node: ["-node", host, "-port", `native=${port}`] });
 * const io = new BufferedIo();
 * await main(args, { io, sleep: () => Promise.resolve() });
 * const differences = compareWithRecorded("01-write", io.stdout);
 * assert.deepEqual(differences.map((d) => d.where), []); // or the documented known ones
 * ```
 *
 * The parsing and comparing functions are pure; only {@linkcode readRecorded} (and the two
 * functions built on it) read the recorded file.
 *
 * @module
 */

/** The folder of the recorded runs, next to the tests. */
export const RECORDED_DIR = new URL("../testdata/cassandra-stress-real/", import.meta.url);

/** One `  Key: value` line of a settings section (the Transport line is split per pair). */
export interface SettingsEntry {
  /** The key (`Count`, `Thread Count`, `truststore`, or the whole line when it has no key). */
  readonly key: string;
  /** The value, as printed. */
  readonly value: string;
}

/** One section of the settings dump (`Command:`, `Rate:` ...). */
export interface SettingsSection {
  /** The section name without its colon. */
  readonly name: string;
  /** Its entries, in order. */
  readonly entries: readonly SettingsEntry[];
}

/** The shape of one interval row: its type and each column's width and decimals. */
export interface RowShape {
  /** The thread-search id of a summary-table row (`4 threadCount`), or null. */
  readonly id: string | null;
  /** The op type (`total`, `READ`, `WRITE`). */
  readonly type: string;
  /** Per column after the type: `W:D` (width, decimals), `*:D` when the value fills it. */
  readonly columns: readonly string[];
  /** The value of the `time` column, in seconds. */
  readonly timeSec: number;
}

/** One line of a `Results:` block, its numbers masked. */
export interface ResultsLine {
  /** The label before the colon (`Op rate`). */
  readonly label: string;
  /** The value with each number replaced by `N` (or `N.D` for D decimals). */
  readonly shape: string;
  /** The column where the first number ends (its right alignment). */
  readonly alignedAt: number;
}

/** An output split into its parts. */
export interface SplitOutput {
  /** The command line of a recorded run (`cassandra-stress write ...`), or null. */
  readonly command: string | null;
  /** The exit status of a recorded run, or null. */
  readonly exitStatus: number | null;
  /** The settings dump's sections, empty when it was not printed. */
  readonly settings: readonly SettingsSection[];
  /** Every other line in order, with markers (`<interval header>`, `<rows>`, ...). */
  readonly events: readonly string[];
  /** The interval header lines, in order. */
  readonly headers: readonly string[];
  /** Every interval row (measured runs only), in order. */
  readonly rows: readonly RowShape[];
  /** The rows of each measured run, in order (a thread search has one run per step). */
  readonly runs: readonly (readonly RowShape[])[];
  /** Every `Results:` block, in order. */
  readonly results: readonly (readonly ResultsLine[])[];
  /** The thread-search summary table's rows. */
  readonly summaryRows: readonly RowShape[];
}

/** A replacement applied to each line of both outputs before they are split. */
export type Mask = readonly [pattern: RegExp, replacement: string];

/**
 * What a run decides itself, masked on both sides by default: the cluster name, host
 * addresses and racks in the banner, the native port, and the percentage of an
 * `Improvement over` line.
 */
export const DEFAULT_MASKS: readonly Mask[] = [
  [/^(Connected to cluster: ).*?(, max pending)/, "$1<cluster>$2"],
  [/^Datatacenter: .*$/, "Datatacenter: <dc>; Host: <host>; Rack: <rack>"],
  [/^( {2}Native Port: )\d+$/, "$1<port>"],
  [/^(Improvement over \d+ threadCount: )-?\d+%$/, "$1<n>%"],
];

/** One difference between a recorded output and ours. */
export interface Difference {
  /** Which part differs: `settings`, `events`, `header`, `rows`, `results`. */
  readonly part: "settings" | "events" | "header" | "rows" | "results";
  /**
   * Where, stable across runs so tests can list known differences: `Mode/Protocol Version`,
   * `Errors/<keys>` (section key order), `events`, `rows/time`, `results/1/Op rate`.
   */
  readonly where: string;
  /** The recorded text, or null when ours has something the recording has not. */
  readonly recorded: string | null;
  /** Our text, or null when ours lacks it. */
  readonly ours: string | null;
}

/** Options of {@linkcode compareOutputs}. */
export interface CompareOptions {
  /**
   * Replacements applied to both outputs' lines before splitting, after
   * {@linkcode DEFAULT_MASKS} (e.g. our temporary folder to the recording's `OUT`).
   *
   * @default {[]}
   */
  readonly masks?: readonly Mask[];
  /**
   * The `-log interval=` of the run in milliseconds: the `time` column of every row but a
   * run's last must be a multiple of it.
   *
   * @default {1000}
   */
  readonly intervalMs?: number;
  /**
   * Check that our rows end on whole intervals (false when the process was stalled during the
   * run for longer than the check allows: a tick late for that reason says nothing of ours).
   *
   * @default {true}
   */
  readonly timeGrid?: boolean;
  /**
   * Compare the interval rows' op types per interval, and the number of Results blocks.
   *
   * @default {true}
   */
  readonly rows?: boolean;
  /**
   * The recording ends early (the real tool failed or was killed where ours goes on): its
   * events must be the start of ours, and the counts of interval runs and Results blocks are
   * not compared.
   *
   * @default {false}
   */
  readonly prefix?: boolean;
}

const STACK_OR_LOG = [
  /^(INFO|WARN|ERROR|DEBUG|TRACE) +\[/, // the Java driver's log lines
  /^Failed to connect over JMX/,
  /^\s+at /, // stack frames
  /^\s*\.\.\. \d+ more$/,
  /^Caused by: /,
  /^(java|javax|com\.datastax|org\.apache)\.[\w.$]+(Exception|Error)\b/,
  /^Operation x\d+ on key\(s\) /,
];

/** The marker of a recording cut in the middle: any lines may be missing there. */
const CUT = /^\[\.\.\. .* cut .*\]$/;

const SETTINGS_BANNER = "******************** Stress Settings ********************";
const ROW = /^(?:(\s*\d+ threadCount), )?(\w+),\s+\d+,/;
const SUMMARY_HEADER = /^\s*id, type\s/;

function isNoise(line: string): boolean {
  return line.trim() === "" || STACK_OR_LOG.some((pattern) => pattern.test(line));
}

function masked(line: string, masks: readonly Mask[]): string {
  let text = line;
  for (const [pattern, replacement] of masks) text = text.replace(pattern, replacement);
  return text;
}

/** Splits one settings line into entries (the Transport line gives one per `k=v; ` pair). */
function settingsEntries(line: string): SettingsEntry[] {
  const body = line.slice(2);
  if (/^[\w-]+=.*; $/.test(body)) {
    return body.slice(0, -2).split("; ").map((pair) => {
      const at = pair.indexOf("=");
      return { key: pair.slice(0, at), value: pair.slice(at + 1) };
    });
  }
  const at = body.indexOf(": ");
  if (at < 0) return [{ key: body.endsWith(":") ? body.slice(0, -1) : body, value: "" }];
  return [{ key: body.slice(0, at), value: body.slice(at + 2) }];
}

/** Settings lines of ours that cassandra-stress does not print (`  Data Path:` says which client sends the ops). */
const OURS_ONLY = /^ {2}Data Path: /;

/** Reads the settings dump starting at `lines[start]` (the banner); returns it and its end. */
function readSettings(
  lines: readonly string[],
  start: number,
): { sections: SettingsSection[]; end: number } {
  const sections: { name: string; entries: SettingsEntry[] }[] = [];
  let i = start + 1;
  for (; i < lines.length && lines[i].trim() !== ""; i++) {
    const line = lines[i];
    if (!line.startsWith(" ")) {
      sections.push({ name: line.replace(/:$/, ""), entries: [] });
    } else if (sections.length > 0 && !OURS_ONLY.test(line)) {
      sections[sections.length - 1].entries.push(...settingsEntries(line));
    }
  }
  return { sections, end: i };
}

function columnShape(field: string): string {
  const decimals = /\.(\d+)\s*$/.exec(field)?.[1].length ?? 0;
  return `${field.startsWith(" ") ? field.length : "*"}:${decimals}`;
}

function rowShape(line: string): RowShape {
  const match = ROW.exec(line)!;
  const id = match[1]?.trim() ?? null;
  const fields = line.slice(match[1] === undefined ? 0 : match[1].length + 2).split(",");
  const columns = fields.slice(1).map(columnShape);
  return { id, type: match[2], columns, timeSec: Number(fields[11]) };
}

function resultsLine(line: string): ResultsLine {
  const at = line.indexOf(":");
  const label = line.slice(0, at).trim();
  const number = /\d[\d,]*(?:\.\d+)?|NaN/g;
  const first = number.exec(line);
  const shape = line.slice(at + 1).replace(number, (n) => {
    const decimals = /\.(\d+)$/.exec(n)?.[1].length;
    return decimals === undefined ? "N" : `N.${decimals}`;
  }).replace(/\s+/g, " ").trim();
  return { label, shape, alignedAt: first === null ? -1 : first.index + first[0].length };
}

/**
 * Splits one output (a recorded file's text, or our stdout) into its parts.
 *
 * @param text The output; a recorded file starts with `# cassandra-stress ...` and
 *   `# exit status: N`.
 * @param masks Replacements applied to every line first (see {@linkcode DEFAULT_MASKS}).
 * @returns The parts.
 */
export function splitOutput(
  text: string | readonly string[],
  masks: readonly Mask[] = [],
): SplitOutput {
  const raw = typeof text === "string" ? text.split(/\r?\n/) : text.flatMap((l) => l.split("\n"));
  let command: string | null = null;
  let exitStatus: number | null = null;
  const lines: string[] = [];
  for (const line of raw) {
    const commandMatch = /^# (cassandra-stress .*)$/.exec(line);
    const exitMatch = /^# exit status: (\d+)$/.exec(line);
    if (commandMatch !== null && command === null) command = commandMatch[1];
    else if (exitMatch !== null && exitStatus === null) exitStatus = Number(exitMatch[1]);
    else lines.push(masked(line, [...DEFAULT_MASKS, ...masks]));
  }
  let settings: SettingsSection[] = [];
  const events: string[] = [];
  const headers: string[] = [];
  const rows: RowShape[] = [];
  const runs: RowShape[][] = [];
  const results: ResultsLine[][] = [];
  const summaryRows: RowShape[] = [];
  const mark = (marker: string) => {
    if (events[events.length - 1] !== marker) events.push(marker);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === SETTINGS_BANNER) {
      const read = readSettings(lines, i);
      settings = read.sections;
      events.push("<settings>");
      i = read.end;
    } else if (line.startsWith("type ") && line.includes("total ops")) {
      headers.push(line);
      runs.push([]);
      events.push("<interval header>");
    } else if (SUMMARY_HEADER.test(line)) {
      headers.push(line);
      events.push("<summary table>");
    } else if (ROW.test(line)) {
      const shape = rowShape(line);
      if (shape.id !== null) {
        summaryRows.push(shape);
      } else {
        rows.push(shape);
        runs[runs.length - 1]?.push(shape);
        // Rows on both sides of a cut are one run of rows.
        const cutInRows = events.at(-1) === "<cut>" && events.at(-2) === "<rows>";
        if (!cutInRows) mark("<rows>");
      }
    } else if (line === "Results:") {
      const block: ResultsLine[] = [];
      for (i++; i < lines.length && lines[i].includes(" : "); i++) {
        block.push(resultsLine(lines[i]));
      }
      i--;
      results.push(block);
      events.push("<results>");
    } else if (CUT.test(line)) {
      mark("<cut>");
    } else if (!isNoise(line)) {
      events.push(line);
    }
  }
  return { command, exitStatus, settings, events, headers, rows, runs, results, summaryRows };
}

function compareSettings(
  recorded: readonly SettingsSection[],
  ours: readonly SettingsSection[],
): Difference[] {
  const differences: Difference[] = [];
  const names = (s: readonly SettingsSection[]) => s.map((section) => section.name).join(", ");
  if (names(recorded) !== names(ours)) {
    differences.push({
      part: "settings",
      where: "<sections>",
      recorded: names(recorded),
      ours: names(ours),
    });
  }
  for (const section of recorded) {
    const mine = ours.find((s) => s.name === section.name);
    if (mine === undefined) continue;
    const keys = (s: SettingsSection) => s.entries.map((e) => e.key).join(", ");
    if (keys(section) !== keys(mine)) {
      differences.push({
        part: "settings",
        where: `${section.name}/<keys>`,
        recorded: keys(section),
        ours: keys(mine),
      });
    }
    for (const entry of section.entries) {
      const other = mine.entries.find((e) => e.key === entry.key);
      if (other !== undefined && other.value !== entry.value) {
        differences.push({
          part: "settings",
          where: `${section.name}/${entry.key}`,
          recorded: entry.value,
          ours: other.value,
        });
      }
    }
  }
  return differences;
}

/** A line's stable name: its text before the first number or colon (`Connected to cluster`). */
function eventName(line: string): string {
  return line.replace(/[:\d].*$/, "").trim() || line;
}

/** Finds `part` in `lines` at or after `from`; returns its index or -1. */
function indexOfRun(lines: readonly string[], part: readonly string[], from: number): number {
  for (let i = from; i + part.length <= lines.length; i++) {
    if (part.every((line, j) => lines[i + j] === line)) return i;
  }
  return -1;
}

/** Each line of `recorded` that differs from the line of `ours` at the same place. */
function lineDifferences(recorded: readonly string[], ours: readonly string[]): Difference[] {
  return recorded.flatMap((line, i) =>
    line === ours[i] ? [] : [{
      part: "events" as const,
      where: `events/${eventName(line)}`,
      recorded: line,
      ours: ours[i] ?? null,
    }]
  );
}

/** The first place where the two differ, with the rest of each for context. */
function flowDifference(recorded: readonly string[], ours: readonly string[]): Difference {
  let at = 0;
  while (at < recorded.length && at < ours.length && recorded[at] === ours[at]) at++;
  return {
    part: "events",
    where: "events",
    recorded: recorded.slice(at).join("\n"),
    ours: ours.slice(at).join("\n"),
  };
}

/**
 * Compares events where `<cut>` in `recorded` stands for any lines (and, with `prefix`, the
 * recording's end too): the part before the first cut must start ours, line for line (each
 * differing line is reported); the others must follow in order, the last one ending ours
 * unless `prefix`.
 */
function compareCutEvents(
  recorded: readonly string[],
  ours: readonly string[],
  prefix: boolean,
): Difference[] {
  const parts: string[][] = [[]];
  for (const line of recorded) {
    if (line === "<cut>") parts.push([]);
    else parts[parts.length - 1].push(line);
  }
  if (prefix) parts.push([]);
  const [first, ...rest] = parts;
  if (ours.length < first.length) return [flowDifference(recorded, ours)];
  const differences = lineDifferences(first, ours.slice(0, first.length));
  let at = first.length;
  for (const part of rest.slice(0, -1)) {
    const found = indexOfRun(ours, part, at);
    if (found < 0) return [...differences, flowDifference(part, ours.slice(at))];
    at = found + part.length;
  }
  const last = rest[rest.length - 1];
  const end = ours.length - last.length;
  if (end < at || indexOfRun(ours, last, end) !== end) {
    differences.push(flowDifference(last, ours.slice(at)));
  }
  return differences;
}

function compareEvents(
  recorded: readonly string[],
  ours: readonly string[],
  prefix: boolean,
): Difference[] {
  if (prefix || recorded.includes("<cut>")) return compareCutEvents(recorded, ours, prefix);
  if (recorded.join("\n") === ours.join("\n")) return [];
  const sorted = (lines: readonly string[]) => [...lines].sort().join("\n");
  // The same lines in another order is a flow difference; otherwise name each line.
  if (recorded.length === ours.length && sorted(recorded) !== sorted(ours)) {
    return lineDifferences(recorded, ours);
  }
  return [flowDifference(recorded, ours)];
}

/** Whether the recording lacks part of the run: it ends early (`prefix`) or was cut. */
function partial(recorded: SplitOutput, options: CompareOptions): boolean {
  return (options.prefix ?? false) || recorded.events.includes("<cut>");
}

/** Whether two column shapes agree: same decimals, same width unless a value fills one. */
function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((column, i) => {
    const [widthA, decimalsA] = column.split(":");
    const [widthB, decimalsB] = b[i].split(":");
    return decimalsA === decimalsB && (widthA === widthB || widthA === "*" || widthB === "*");
  });
}

/** Every row of ours has the shape of the recording's rows of its type. */
function compareRowShapes(
  recorded: readonly RowShape[],
  ours: readonly RowShape[],
  where: string,
): Difference[] {
  const differences: Difference[] = [];
  const reported = new Set<string>();
  for (const row of ours) {
    const model = recorded.find((r) => r.type === row.type);
    if (model === undefined || reported.has(row.type)) continue;
    if (!sameColumns(model.columns, row.columns)) {
      reported.add(row.type);
      differences.push({
        part: "rows",
        where: `${where}/${row.type}`,
        recorded: model.columns.join(" "),
        ours: row.columns.join(" "),
      });
    }
  }
  return differences;
}

/** The op types of each interval of a run (`READ WRITE total`), joined. */
function intervalTypes(rows: readonly RowShape[]): string {
  const intervals: string[] = [];
  let current: string[] = [];
  for (const row of rows) {
    current.push(row.type);
    if (row.type === "total") {
      intervals.push(current.join(" "));
      current = [];
    }
  }
  return [...new Set(intervals)].join(" | ");
}

/** Rows (not a run's last interval) whose time is not a whole number of intervals. */
/**
 * How late past a whole interval a row may end: 30% of the interval (a late timer on a loaded
 * machine) and the column's rounding.
 *
 * @param intervalMs The `-log interval=`.
 * @returns The limit in ms.
 */
export function lateTickLimitMs(intervalMs: number): number {
  return 0.3 * intervalMs + 50;
}

function offGridTimes(runs: readonly (readonly RowShape[])[], intervalMs: number): string[] {
  const off: string[] = [];
  for (const run of runs) {
    const totals = run.filter((row) => row.type === "total");
    for (const row of totals.slice(0, -1)) {
      // Past a whole interval by at most 30% of it (a late timer on a loaded machine; the
      // column's rounding), never before one by more than the rounding.
      const pastMs = (row.timeSec * 1000) % intervalMs;
      if (pastMs > lateTickLimitMs(intervalMs) && pastMs < intervalMs - 50) {
        off.push(row.timeSec.toFixed(1));
      }
    }
  }
  return off;
}

function compareRows(
  recorded: SplitOutput,
  ours: SplitOutput,
  options: CompareOptions,
): Difference[] {
  const differences = [
    ...compareRowShapes(recorded.rows, ours.rows, "rows"),
    ...compareRowShapes(recorded.summaryRows, ours.summaryRows, "summary rows"),
  ];
  if ((options.rows ?? true) && !partial(recorded, options)) {
    const types = (s: SplitOutput) => s.runs.map(intervalTypes).join(" || ");
    if (types(recorded) !== types(ours)) {
      differences.push({
        part: "rows",
        where: "rows/types",
        recorded: types(recorded),
        ours: types(ours),
      });
    }
  }
  const intervalMs = options.intervalMs ?? 1000;
  for (const [name, split] of [["recorded", recorded], ["ours", ours]] as const) {
    if (name === "ours" && options.timeGrid === false) continue;
    const off = offGridTimes(split.runs, intervalMs);
    if (off.length > 0) {
      differences.push({
        part: "rows",
        where: "rows/time",
        recorded: name === "recorded" ? off.join(", ") : null,
        ours: name === "ours" ? off.join(", ") : null,
      });
    }
  }
  return differences;
}

function compareResults(
  recorded: SplitOutput,
  ours: SplitOutput,
  options: CompareOptions,
): Difference[] {
  const differences: Difference[] = [];
  const counted = (options.rows ?? true) && !partial(recorded, options);
  if (counted && recorded.results.length !== ours.results.length) {
    differences.push({
      part: "results",
      where: "results/<count>",
      recorded: String(recorded.results.length),
      ours: String(ours.results.length),
    });
  }
  const count = Math.min(recorded.results.length, ours.results.length);
  for (let b = 0; b < count; b++) {
    const labels = (block: readonly ResultsLine[]) => block.map((l) => l.label).join(", ");
    if (labels(recorded.results[b]) !== labels(ours.results[b])) {
      differences.push({
        part: "results",
        where: `results/${b + 1}/<labels>`,
        recorded: labels(recorded.results[b]),
        ours: labels(ours.results[b]),
      });
    }
    for (const line of recorded.results[b]) {
      const other = ours.results[b].find((l) => l.label === line.label);
      if (other === undefined) continue;
      if (other.shape !== line.shape || other.alignedAt !== line.alignedAt) {
        differences.push({
          part: "results",
          where: `results/${b + 1}/${line.label}`,
          recorded: `${line.shape} @${line.alignedAt}`,
          ours: `${other.shape} @${other.alignedAt}`,
        });
      }
    }
  }
  return differences;
}

/**
 * Compares two split outputs part by part.
 *
 * @param recorded The recorded run.
 * @param ours Our output.
 * @param options The interval and whether row types are compared.
 * @returns Every difference, settings first, then events, header, rows and results.
 */
export function compareSplit(
  recorded: SplitOutput,
  ours: SplitOutput,
  options: CompareOptions = {},
): Difference[] {
  const differences = [
    ...compareSettings(recorded.settings, ours.settings),
    ...compareEvents(recorded.events, ours.events, options.prefix ?? false),
  ];
  const header = (s: SplitOutput) => [...new Set(s.headers)].join("\n");
  const cut = partial(recorded, options) && recorded.headers.length === 0;
  if (!cut && header(recorded) !== header(ours)) {
    differences.push({
      part: "header",
      where: "header",
      recorded: header(recorded),
      ours: header(ours),
    });
  }
  differences.push(...compareRows(recorded, ours, options));
  differences.push(...compareResults(recorded, ours, options));
  return differences;
}

/**
 * Compares a recorded output's text with ours.
 *
 * @param recordedText The recorded file's text.
 * @param ours Our stdout (text or lines).
 * @param options Extra masks, the interval, row checks.
 * @returns Every difference.
 */
export function compareOutputs(
  recordedText: string,
  ours: string | readonly string[],
  options: CompareOptions = {},
): Difference[] {
  const masks = options.masks ?? [];
  return compareSplit(splitOutput(recordedText, masks), splitOutput(ours, masks), options);
}

/**
 * Reads a recorded run's file.
 *
 * @param name The file name without `.txt` (`01-write`).
 * @returns Its text.
 */
export function readRecorded(name: string): string {
  return Deno.readTextFileSync(new URL(`${name}.txt`, RECORDED_DIR));
}

/**
 * The recorded command line of a run as our arguments: `cassandra-stress` dropped, the
 * recording's `-node 127.0.0.1 -port native=PORT` replaced by `node`, and its `OUT/` folder
 * by `out`.
 *
 * @param name The file name without `.txt` (`01-write`).
 * @param options The `-node`/`-port` arguments to use, and the folder for `OUT/`.
 * @returns The arguments.
 */
export function recordedArgs(
  name: string,
  options: { node: readonly string[]; out?: string },
): string[] {
  const command = splitOutput(readRecorded(name)).command;
  if (command === null) throw new Error(`${name}.txt has no "# cassandra-stress" line`);
  const words = command.split(/\s+/).slice(1);
  const at = words.indexOf("-node");
  const kept = at < 0 ? words : [...words.slice(0, at), ...words.slice(at + 4)];
  const out = options.out;
  return [
    ...kept.map((w) => out === undefined ? w : w.replaceAll("OUT/", `${out}/`)),
    ...options.node,
  ];
}

/**
 * Compares our output with a recorded run, masking what a run decides itself.
 *
 * @param recordedName The file name without `.txt` (`01-write`).
 * @param ours Our stdout (text or lines).
 * @param options Extra masks (e.g. `[/\/tmp\/x/g, "OUT"]`), the interval, row checks.
 * @returns Every difference; `where` names each one stably.
 */
export function compareWithRecorded(
  recordedName: string,
  ours: string | readonly string[],
  options: CompareOptions = {},
): Difference[] {
  return compareOutputs(readRecorded(recordedName), ours, options);
}

/**
 * Formats differences for an assertion message.
 *
 * @param differences The differences.
 * @returns One block per difference.
 */
export function formatDifferences(differences: readonly Difference[]): string {
  return differences.map((d) => `${d.where}:\n  recorded: ${d.recorded}\n  ours:     ${d.ours}`)
    .join("\n");
}
