/**
 * `stress compare A.json B.json`: throughput and latency of two runs' JSON summaries
 * (`-log json=FILE`) side by side, each per-interval difference with a significance test that
 * accounts for autocorrelation between intervals; exits 1 when the chosen metric regressed
 * significantly beyond a threshold, for CI.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import {
  compareRuns,
  type MetricComparison,
  type RunComparison,
  type TestedMetric,
} from "../stats/compare_runs.ts";
import { type LoadedRun, readRun } from "./_compare_input.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";

export type { CommandIo } from "../cli/command_io.ts";
import { parseFlags } from "../cli/parse_flags.ts";
import { refuseSharedFiles } from "../cli/distinct_files.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";

/** The help text of `stress compare`. */
export const COMPARE_HELP: string =
  `Usage: stress compare A.json B.json [--metric throughput|p50|p99|mean] [--threshold 5%]
                      [--alpha 0.05] [--json FILE]

Compares run B with run A from their JSON summaries (-log json=FILE, merge --json, query run
--json or checkout load --json; both of the same kind): throughput and p50, p99 and mean
latency as means of the per-interval series, each with Welch's t-test whose standard errors
are inflated for the autocorrelation between neighbouring intervals (as latte does), and the
whole-run p50, p95, p99 and p99.9 side by side. A significant change is "worse" when
throughput went down or latency up, "better" the other way, else "same".

Exits 1 when the chosen metric got worse by more than the threshold and the change is
significant (p-value below alpha), 0 otherwise, 2 on bad input. Each run needs at least 3
intervals for the chosen metric: run longer or set a shorter interval (-log interval=, or
--interval for query run and checkout load).

Options:
  --metric NAME       throughput (default), p50, p99 or mean (mean needs intervals with meanMs)
  --threshold PCT     the largest tolerated regression, e.g. 5% (default) or 0.5%
  --alpha P           the significance level, between 0 and 1 (default 0.05)
  --json FILE         also write the comparison as JSON
  -h, --help          this help

Example:
  stress write duration=60s -node synthetic:uniform(500..2000) -log json=a.json
  stress write duration=60s -node synthetic:uniform(500..2500) -log json=b.json
  stress compare a.json b.json --metric p99 --threshold 10%`;

const METRICS: readonly TestedMetric[] = ["throughput", "p50", "p99", "mean"];

/** The fewest intervals a run needs for the chosen metric. */
const MIN_INTERVALS = 3;

/** Parses `--threshold`: a percentage, `5%` or `5`, at least 0. Returns a fraction. */
function parseThreshold(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%?\s*$/.exec(text);
  if (match === null) {
    throw new UsageError(
      `Cannot parse --threshold: "${text}" is invalid, expected a percentage such as 5% or 0.5%`,
    );
  }
  return Number(match[1]) / 100;
}

function parseAlpha(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !(value > 0 && value < 1)) {
    throw new UsageError(
      `Cannot parse --alpha: "${text}" is invalid, expected a number between 0 and 1 such as 0.05`,
    );
  }
  return value;
}

function parseMetric(text: string): TestedMetric {
  const metric = METRICS.find((m) => m === text.toLowerCase());
  if (metric === undefined) {
    throw new UsageError(
      `Cannot parse --metric: "${text}" is invalid, expected one of ${METRICS.join(", ")}`,
    );
  }
  return metric;
}

function formatValue(value: number, unit: "op/s" | "ms"): string {
  if (unit === "ms") return value.toFixed(3);
  if (Math.abs(value) < 100) return value.toFixed(2);
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function formatChange(change: number | null): string {
  if (change === null) return "n/a";
  const text = formatPercent(change);
  return change > 0 ? `+${text}` : text;
}

function formatPValue(pValue: number): string {
  return pValue < 0.0001 ? "<0.0001" : pValue.toFixed(4);
}

/**
 * The p-value of the `Result:` line, with the digits that keep it on its side of alpha: never
 * `p < 0.0001 < alpha 0.00001` nor `p = 0.0500 < alpha 0.05`.
 */
function formatPClause(pValue: number, alpha: number): string {
  const text = formatPValue(pValue);
  const below = pValue < alpha;
  if (text.startsWith("<") && alpha > 0.0001) return `p < ${text.slice(1)}`;
  if (!text.startsWith("<") && (Number(text) < alpha) === below) return `p = ${text}`;
  for (let digits = 2; digits < 17; digits++) {
    const precise = pValue.toPrecision(digits);
    if ((Number(precise) < alpha) === below) return `p = ${precise}`;
  }
  return `p = ${pValue}`;
}

/** The side-by-side table, one line per metric, then a note per untested metric. */
function formatTable(comparison: RunComparison): string[] {
  const header = ["metric", "A", "B", "change", "p-value", "verdict"];
  const rows = comparison.metrics.map((m) => [
    `${m.name} (${m.unit})`,
    formatValue(m.a, m.unit),
    formatValue(m.b, m.unit),
    formatChange(m.change),
    m.pValue === null ? "-" : formatPValue(m.pValue),
    m.verdict ?? "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) =>
      i === 0 ? cell.padEnd(widths[i]) : i === 5 ? cell : cell.padStart(widths[i])
    ).join("  ");
  const lines = [line(header), ...rows.map(line)];
  for (const m of comparison.metrics) {
    if (m.untested !== null) lines.push(`${m.name} not tested: ${m.untested}`);
  }
  return lines;
}

/** The decision on the chosen metric. */
interface Decision {
  regressed: boolean;
  line: string;
}

function decide(metric: MetricComparison, thresholdRatio: number, alpha: number): Decision {
  const change = metric.change;
  // Positive when B is worse: throughput down or latency up.
  const regression = change === null
    ? (metric.b > metric.a) === metric.higherIsBetter ? -Infinity : Infinity
    : metric.higherIsBetter
    ? -change
    : change;
  const pText = metric.pValue === null ? "p = -" : formatPClause(metric.pValue, alpha);
  const by = Number.isFinite(regression) ? ` by ${formatPercent(Math.abs(regression))}` : "";
  const threshold = formatPercent(thresholdRatio);
  if (metric.verdict === "worse" && regression > thresholdRatio) {
    return {
      regressed: true,
      line:
        `Result: ${metric.name} regressed${by} (${pText} < alpha ${alpha}), beyond the threshold of ${threshold}`,
    };
  }
  if (metric.verdict === "worse") {
    return {
      regressed: false,
      line:
        `Result: ${metric.name} is worse${by} (${pText} < alpha ${alpha}), within the threshold of ${threshold}`,
    };
  }
  if (metric.verdict === "better") {
    return {
      regressed: false,
      line: `Result: ${metric.name} improved${by} (${pText} < alpha ${alpha})`,
    };
  }
  return {
    regressed: false,
    line: `Result: no significant change in ${metric.name} (${pText} >= alpha ${alpha})`,
  };
}

/** Writes the `--json` file (checked before the runs were read) through a sibling renamed over it. */
function writeJson(path: string, value: unknown): void {
  replaceFile(path, "--json", JSON.stringify(value, null, 2) + "\n");
}

function describe(label: string, path: string, loaded: LoadedRun): string {
  const count = loaded.run.intervals.length;
  const command = loaded.command === "" ? "" : `: ${loaded.command}`;
  const stopped = loaded.aborted === null ? "" : `, stopped early: ${loaded.aborted}`;
  return `${label}: ${path} (${count} interval${count === 1 ? "" : "s"}${stopped})${command}`;
}

/**
 * Runs `stress compare A.json B.json`: prints the side-by-side table (metric, A, B, change,
 * p-value, verdict) and a `Result:` line on the chosen metric.
 *
 * @param args The arguments after `compare`.
 * @param io Where output goes.
 * @returns 1 when the chosen metric got significantly worse by more than the threshold, else 0.
 * @throws {UsageError} On bad options, a missing or malformed summary, fewer than 3 intervals
 * for the chosen metric, or a `--json` file that is A or B or cannot be written.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo } from "../cli/command_io.ts";
 * import { compareCommand } from "./compare.ts";
 * const io = new BufferedIo();
 * assert.equal(await compareCommand(["--help"], io), 0);
 * assert.ok(io.stdout[0].startsWith("Usage: stress compare A.json B.json"));
 * ```
 */
export async function compareCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseFlags("compare", args, {
    metric: { type: "string", default: "throughput" },
    threshold: { type: "string", default: "5%" },
    alpha: { type: "string", default: "0.05" },
    json: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) {
    printText(io, COMPARE_HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `Cannot parse the arguments of "compare": ${positionals.length} ${
        positionals.length === 1 ? "file" : "files"
      } given, expected two, A.json B.json`,
    );
  }
  const metricName = parseMetric(values.metric as string);
  const thresholdRatio = parseThreshold(values.threshold as string);
  const alpha = parseAlpha(values.alpha as string);
  const [pathA, pathB] = positionals;
  const jsonPath = typeof values.json === "string" ? values.json : null;
  // --json naming A or B would replace a run's only summary with the comparison.
  refuseSharedFiles([
    { option: "run A", path: pathA, input: true },
    { option: "run B", path: pathB, input: true },
    { option: "--json", path: jsonPath },
  ]);
  // A folder that is not there fails now, before anything is printed.
  if (jsonPath !== null) checkReplaceable(jsonPath, "--json");
  const loadedA = await readRun(pathA);
  const loadedB = await readRun(pathB);
  if (loadedA.kind !== loadedB.kind) {
    throw new UsageError(
      `Cannot compare "${pathA}" with "${pathB}": one is a ${loadedA.kind} summary, the other a ${loadedB.kind} summary, expected two runs of the same kind of command`,
    );
  }
  const comparison = compareRuns(loadedA.run, loadedB.run, {
    alpha,
    minIntervals: MIN_INTERVALS,
    names: [pathA, pathB],
  });
  const chosen = comparison.metrics.find((m) => m.name === metricName);
  if (chosen === undefined) throw new Error(`compareRuns() has no row "${metricName}"`);
  if (chosen.untested !== null) {
    const stopped = [[pathA, loadedA], [pathB, loadedB]] as const;
    const notes = stopped.filter(([, loaded]) => loaded.aborted !== null)
      .map(([path, loaded]) => `; "${path}" stopped early: ${loaded.aborted}`);
    throw new UsageError(`Cannot compare "${metricName}": ${chosen.untested}${notes.join("")}`);
  }
  const decision = decide(chosen, thresholdRatio, alpha);
  io.out(describe("A", pathA, loadedA));
  io.out(describe("B", pathB, loadedB));
  io.out("");
  for (const line of formatTable(comparison)) io.out(line);
  io.out("");
  io.out(decision.line);
  if (jsonPath !== null) {
    writeJson(jsonPath, {
      a: pathA,
      b: pathB,
      metric: metricName,
      thresholdRatio,
      alpha,
      regressed: decision.regressed,
      metrics: comparison.metrics,
    });
  }
  return decision.regressed ? 1 : 0;
}
