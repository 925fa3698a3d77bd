/**
 * The `-graph file=x.html` report: one self-contained HTML file with charts of throughput
 * and latency over time, per op type, where each run is appended as a named revision.
 *
 * The runs are kept as JSON in a `<script type="application/json">` element; each append
 * reads them back and writes the whole page again, with the charting library (uPlot,
 * vendored from npm in `_graph_vendor.ts`) inlined, so the file opens with no network.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { UPLOT_CSS, UPLOT_JS, UPLOT_LICENSE, UPLOT_VERSION } from "./_graph_vendor.ts";

/** One interval of one op type (or of all of them, `total`). */
export interface GraphPoint {
  /** Seconds since the start of the measured run, at the end of the interval. */
  timeSec: number;
  /** Operations per second in the interval. */
  opsPerSec: number;
  /** Failed operations per second in the interval. */
  errorsPerSec: number;
  /** Mean latency, ms. */
  meanMs: number;
  /** Median latency, ms. */
  p50Ms: number;
  /** 95th percentile latency, ms. */
  p95Ms: number;
  /** 99th percentile latency, ms. */
  p99Ms: number;
  /** 99.9th percentile latency, ms. */
  p999Ms: number;
  /** Maximum latency, ms. */
  maxMs: number;
}

/** One run, as stored in and shown by the graph file. */
export interface GraphRevision {
  /** The revision name (`-graph revision=`, `unknown` by default). */
  revision: string;
  /** The title (`-graph title=`); `null` shows `<revision> (<operation>)`. */
  title: string | null;
  /** The operation (`-graph op=`, the command name by default). */
  operation: string;
  /** The command line, as given. */
  commandLine: string;
  /** Start of the measured run, ISO 8601. */
  startTime: string;
  /** The interval series by op name (`WRITE`, `READ`, ..., and `total`), oldest first. */
  series: Record<string, GraphPoint[]>;
  /** The fields of the Results block (label to value), in display order. */
  summary: Record<string, string | number>;
}

/** Options of {@linkcode appendGraphRevision} and {@linkcode readGraphRevisions}. */
export interface GraphFileOptions {
  /**
   * The file name, for error messages.
   *
   * @default {"graph file"}
   */
  fileName?: string;
}

const DATA_ID = "stress-graph-data";
const DATA_OPEN = `<script type="application/json" id="${DATA_ID}">`;
const FORMAT = "stress-graph";
const FORMAT_VERSION = 1;
const COLUMNS = [
  "timeSec",
  "opsPerSec",
  "errorsPerSec",
  "meanMs",
  "p50Ms",
  "p95Ms",
  "p99Ms",
  "p999Ms",
  "maxMs",
] as const;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"];

type Column = typeof COLUMNS[number];
type StoredSeries = Record<Column, (number | null)[]>;
interface StoredRevision {
  revision: string;
  title: string | null;
  operation: string;
  commandLine: string;
  startTime: string;
  summary: Record<string, string | number | null>;
  series: Record<string, StoredSeries>;
}
interface StoredFile {
  format: typeof FORMAT;
  formatVersion: typeof FORMAT_VERSION;
  revisions: StoredRevision[];
}

// The page's own script: it draws one chart per metric for the chosen op type, with one
// line per checked revision. The tables and controls are rendered in HTML already.
const PAGE_SCRIPT = `"use strict";
(() => {
  const METRICS = [
    ["opsPerSec", "Throughput", "op/s"],
    ["errorsPerSec", "Errors", "errors/s"],
    ["meanMs", "Latency mean", "ms"],
    ["p50Ms", "Latency median", "ms"],
    ["p95Ms", "Latency 95th percentile", "ms"],
    ["p99Ms", "Latency 99th percentile", "ms"],
    ["p999Ms", "Latency 99.9th percentile", "ms"],
    ["maxMs", "Latency max", "ms"],
  ];
  const store = JSON.parse(document.getElementById("${DATA_ID}").textContent);
  const charts = document.getElementById("charts");
  const opSelect = document.getElementById("op");
  const boxes = Array.from(document.querySelectorAll("input.revision"));
  function draw() {
    charts.textContent = "";
    const op = opSelect.value;
    const shown = boxes
      .filter((box) => box.checked)
      .map((box) => ({ rev: store.revisions[Number(box.value)], color: box.dataset.color }))
      .filter((s) => Object.hasOwn(s.rev.series, op));
    if (shown.length === 0) {
      charts.textContent = "No data for " + op + " in the checked revisions.";
      return;
    }
    const width = Math.max(320, Math.min(1100, charts.clientWidth || 900));
    for (const [key, title, unit] of METRICS) {
      const data = uPlot.join(shown.map((s) => [s.rev.series[op].timeSec, s.rev.series[op][key]]));
      const series = [{ label: "time (s)" }].concat(
        shown.map((s) => ({ label: s.rev.revision, stroke: s.color, width: 1.5 })),
      );
      const div = document.createElement("div");
      div.className = "chart";
      charts.appendChild(div);
      new uPlot({
        title: title + " (" + unit + ")",
        width,
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: "seconds" }, { label: unit }],
        series,
      }, data, div);
    }
  }
  opSelect.addEventListener("change", draw);
  for (const box of boxes) box.addEventListener("change", draw);
  draw();
})();
`;

const PAGE_CSS = `body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
.controls { margin: 1em 0; display: flex; flex-wrap: wrap; gap: 1em; align-items: center; }
.controls label { white-space: nowrap; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; }
.chart { margin-bottom: 1.5em; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
td.value { text-align: right; font-variant-numeric: tabular-nums; }
code { white-space: pre-wrap; word-break: break-all; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function displayTitle(revision: StoredRevision): string {
  return revision.title ?? `${revision.revision} (${revision.operation})`;
}

function toStoredNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function toStored(revision: GraphRevision): StoredRevision {
  // Object.fromEntries, not assignment, so that a key such as "__proto__" stays a plain key.
  const series: Record<string, StoredSeries> = Object.fromEntries(
    Object.entries(revision.series).map(([op, points]) => {
      const columns = {} as StoredSeries;
      for (const column of COLUMNS) {
        columns[column] = points.map((p) => toStoredNumber(p[column]));
      }
      return [op, columns];
    }),
  );
  const summary: Record<string, string | number | null> = Object.fromEntries(
    Object.entries(revision.summary).map((
      [key, value],
    ) => [key, typeof value === "number" ? toStoredNumber(value) : value]),
  );
  return {
    revision: revision.revision,
    title: revision.title,
    operation: revision.operation,
    commandLine: revision.commandLine,
    startTime: revision.startTime,
    summary,
    series,
  };
}

function fromStored(stored: StoredRevision): GraphRevision {
  const series: Record<string, GraphPoint[]> = Object.fromEntries(
    Object.entries(stored.series).map(([op, columns]) => [
      op,
      columns.timeSec.map((_, i) => {
        const point = {} as GraphPoint;
        for (const column of COLUMNS) point[column] = columns[column][i] ?? NaN;
        return point;
      }),
    ]),
  );
  const summary: Record<string, string | number> = Object.fromEntries(
    Object.entries(stored.summary).map(([key, value]) => [key, value ?? NaN]),
  );
  return {
    revision: stored.revision,
    title: stored.title,
    operation: stored.operation,
    commandLine: stored.commandLine,
    startTime: stored.startTime,
    series,
    summary,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The name of the first malformed field of a stored revision, or null when it is valid. */
function malformedField(value: unknown): string | null {
  if (!isRecord(value)) return "revision";
  for (const key of ["revision", "operation", "commandLine", "startTime"]) {
    if (typeof value[key] !== "string") return key;
  }
  if (value.title !== null && typeof value.title !== "string") return "title";
  if (!isRecord(value.summary)) return "summary";
  for (const field of Object.values(value.summary)) {
    if (field !== null && typeof field !== "string" && typeof field !== "number") return "summary";
  }
  if (!isRecord(value.series)) return "series";
  for (const [op, columns] of Object.entries(value.series)) {
    if (!isRecord(columns) || !Array.isArray(columns.timeSec)) return `series.${op}`;
    const length = columns.timeSec.length;
    for (const column of COLUMNS) {
      const values = columns[column];
      if (
        !Array.isArray(values) || values.length !== length ||
        !values.every((v) => v === null || typeof v === "number")
      ) return `series.${op}.${column}`;
    }
  }
  return null;
}

function readStore(html: string, action: string, fileName: string | undefined): StoredFile {
  const target = fileName === undefined ? "graph file" : `"${fileName}"`;
  const fail = (problem: string, cause?: unknown): UsageError =>
    new UsageError(
      `Cannot ${action} ${target}: ${problem}, expected a file written by -graph`,
      { cause },
    );
  const start = html.indexOf(DATA_OPEN);
  const end = start === -1 ? -1 : html.indexOf("</script>", start);
  if (end === -1) throw fail("it has no stress graph data");
  let parsed: unknown;
  try {
    parsed = JSON.parse(html.slice(start + DATA_OPEN.length, end));
  } catch (error) {
    throw fail("its graph data is not valid JSON", error);
  }
  if (
    !isRecord(parsed) || parsed.format !== FORMAT || parsed.formatVersion !== FORMAT_VERSION ||
    !Array.isArray(parsed.revisions)
  ) {
    throw fail(`its graph data is not format "${FORMAT}" version ${FORMAT_VERSION}`);
  }
  parsed.revisions.forEach((revision: unknown, i: number) => {
    const field = malformedField(revision);
    if (field !== null) throw fail(`revision ${i + 1} has a malformed "${field}"`);
  });
  return parsed as unknown as StoredFile;
}

function formatValue(value: string | number | null): string {
  return value === null ? "NaN" : String(value);
}

function renderRevisionSection(revision: StoredRevision, index: number): string {
  const color = COLORS[index % COLORS.length];
  const rows = [
    ["Operation", revision.operation],
    ["Start time", revision.startTime],
    ["Op types", opNames([revision]).join(", ")],
  ].map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  for (const [key, value] of Object.entries(revision.summary)) {
    rows.push(
      `<tr><th>${escapeHtml(key)}</th><td class="value">${
        escapeHtml(formatValue(value))
      }</td></tr>`,
    );
  }
  return [
    `<section class="revision">`,
    `<h3><span class="swatch" style="background:${color}"></span>${
      escapeHtml(revision.revision)
    }: ${escapeHtml(displayTitle(revision))}</h3>`,
    `<p><code>${escapeHtml(revision.commandLine)}</code></p>`,
    `<table>`,
    ...rows,
    `</table>`,
    `</section>`,
  ].join("\n");
}

function opNames(revisions: readonly StoredRevision[]): string[] {
  const names = new Set<string>();
  for (const revision of revisions) for (const op of Object.keys(revision.series)) names.add(op);
  const sorted = [...names].filter((n) => n !== "total").sort();
  return names.has("total") ? ["total", ...sorted] : sorted;
}

function renderPage(store: StoredFile): string {
  const revisions = store.revisions;
  const latest = revisions[revisions.length - 1];
  const title = displayTitle(latest);
  const options = opNames(revisions).map((op) =>
    `<option value="${escapeHtml(op)}">${escapeHtml(op)}</option>`
  );
  const checkboxes = revisions.map((revision, i) => {
    const color = COLORS[i % COLORS.length];
    return `<label><input type="checkbox" class="revision" value="${i}" data-color="${color}" ` +
      `checked><span class="swatch" style="background:${color}"></span>${
        escapeHtml(revision.revision)
      }</label>`;
  });
  const data = JSON.stringify(store).replace(/</g, "\\u003c");
  return [
    `<!DOCTYPE html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="stress -graph (uPlot ${UPLOT_VERSION})">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${UPLOT_CSS}</style>`,
    `<style>${PAGE_CSS}</style>`,
    `</head>`,
    `<body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<div class="controls">`,
    `<label>Op type <select id="op">${options.join("")}</select></label>`,
    `<span>Revisions:</span>`,
    ...checkboxes,
    `</div>`,
    `<noscript>The charts need JavaScript; the tables below do not.</noscript>`,
    `<div id="charts"></div>`,
    `<h2>Revisions</h2>`,
    ...revisions.map(renderRevisionSection),
    `<details><summary>uPlot ${UPLOT_VERSION} license</summary><pre>${
      escapeHtml(UPLOT_LICENSE)
    }</pre></details>`,
    `${DATA_OPEN}${data}</script>`,
    `<script>${UPLOT_JS}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}

/**
 * Reads the revisions stored in a graph file, oldest first. Non-finite numbers are stored
 * as JSON `null` (a gap in the charts) and read back as `NaN`.
 *
 * @param html The file's text.
 * @param options The file name, for error messages.
 * @returns The revisions.
 * @throws {UsageError} When the text was not written by {@linkcode appendGraphRevision}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendGraphRevision, readGraphRevisions } from "./graph_html.ts";
 * const html = appendGraphRevision(null, {
 *   revision: "r1",
 *   title: null,
 *   operation: "WRITE",
 *   commandLine: "write n=10",
 *   startTime: "2024-01-01T00:00:00.000Z",
 *   series: {},
 *   summary: { "Op rate": "10 op/s" },
 * });
 * assert.equal(readGraphRevisions(html)[0].summary["Op rate"], "10 op/s");
 * assert.throws(() => readGraphRevisions("<html></html>", { fileName: "x.html" }), {
 *   message: 'Cannot read "x.html": it has no stress graph data, expected a file written by -graph',
 * });
 * ```
 */
export function readGraphRevisions(html: string, options: GraphFileOptions = {}): GraphRevision[] {
  return readStore(html, "read", options.fileName).revisions.map(fromStored);
}

/**
 * Returns the HTML of a graph file with one more revision: the page is written again from
 * the stored revisions and the new one, so earlier revisions are kept as they were.
 *
 * @param existing The file's current text, or `null` (or a blank text) for a new file.
 * @param revision The run to append.
 * @param options The file name, for error messages.
 * @returns The whole new HTML file.
 * @throws {UsageError} When `existing` was not written by `-graph`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendGraphRevision, readGraphRevisions } from "./graph_html.ts";
 * const point = {
 *   timeSec: 1,
 *   opsPerSec: 1000,
 *   errorsPerSec: 0,
 *   meanMs: 1.2,
 *   p50Ms: 1,
 *   p95Ms: 2,
 *   p99Ms: 3,
 *   p999Ms: 4,
 *   maxMs: 5,
 * };
 * const run = {
 *   revision: "before",
 *   title: "My cluster",
 *   operation: "WRITE",
 *   commandLine: "write n=1000",
 *   startTime: "2024-01-01T00:00:00.000Z",
 *   series: { WRITE: [point], total: [point] },
 *   summary: { "Op rate": "1,000 op/s" },
 * };
 * const first = appendGraphRevision(null, run);
 * const second = appendGraphRevision(first, { ...run, revision: "after" });
 * assert.deepEqual(readGraphRevisions(second).map((r) => r.revision), ["before", "after"]);
 * assert.throws(() => appendGraphRevision("<p>notes</p>", run), {
 *   name: "UsageError",
 *   message:
 *     "Cannot append to graph file: it has no stress graph data, expected a file written by -graph",
 * });
 * ```
 */
export function appendGraphRevision(
  existing: string | null,
  revision: GraphRevision,
  options: GraphFileOptions = {},
): string {
  const revisions = existing === null || existing.trim() === ""
    ? []
    : readStore(existing, "append to", options.fileName).revisions;
  return renderPage({
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    revisions: [...revisions, toStored(revision)],
  });
}
