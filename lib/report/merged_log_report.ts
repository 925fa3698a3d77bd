/**
 * Turns the output intervals of {@linkcode mergeHdrLogs} into what one loader would have
 * printed and written: the HDR log, the interval rows, the `Results:` block and a JSON summary.
 *
 * @module
 */

import { Uncertainty } from "../core/uncertainty.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";
import { OpWindow } from "../stats/op_window.ts";
import { formatHdrLogHeader, formatHdrLogInterval, type HdrLogWindow } from "./hdr_log.ts";
import { formatIntervalHeader, formatIntervalRows } from "./interval_rows.ts";
import {
  createJsonIntervalPoint,
  createJsonSummary,
  type JsonIntervalPoint,
  type JsonLatencyMs,
  jsonLatencyMsOf,
  type JsonSummary,
} from "./json_summary.ts";
import type { MergedHdrLog, MergedInterval, MergedLoader } from "./merge_hdr_logs.ts";
import { formatResults } from "./results_block.ts";

/** One tag's latency in one output interval, ms. */
export interface MergedTagPoint {
  /** Values in the interval. */
  count: number;
  /** Percentiles and max, ms. */
  p50: number;
  /** 90th percentile, ms. */
  p90: number;
  /** 99th percentile, ms. */
  p99: number;
  /** 99.9th percentile, ms. */
  p999: number;
  /** 99.99th percentile, ms. */
  p9999: number;
  /** Max, ms. */
  max: number;
}

/** The `merge` part of the JSON summary. */
export interface MergedJson {
  /** The merged BaseTime, epoch ms. */
  baseTimeMs: number;
  /** The output interval length, seconds. */
  intervalSec: number;
  /** Each input log with its interval lines and values by tag. */
  loaders: MergedLoader[];
  /** The whole run per tag: count and latency in ms. */
  tags: Record<string, JsonLatencyMs & { count: number }>;
  /** Each output interval: start and length (s since BaseTime) and each tag's figures. */
  intervals: { startSec: number; lengthSec: number; tags: Record<string, MergedTagPoint> }[];
}

/** What {@linkcode MergedLogReport.finish} returns. */
export interface MergedLogOutput {
  /** The merged HDR log text. */
  hdrLog: string;
  /** The stdout lines: interval header, rows, then the `Results:` block. */
  lines: string[];
  /** The JSON summary: a run summary (as `-log json=`) plus `merge`. */
  json: JsonSummary & { merge: MergedJson };
}

const KINDS = ["st", "rt", "wt"] as const;

function splitTag(tag: string): { stem: string; kind: "st" | "rt" | "wt" | "" } {
  const match = /^(.*)-(st|rt|wt)$/.exec(tag);
  return match === null ? { stem: tag, kind: "" } : {
    stem: match[1],
    kind: match[2] as "st" | "rt" | "wt",
  };
}

function toMs(valueNs: number): number {
  return Math.round(valueNs) / 1e6;
}

/**
 * Collects the merged intervals one by one (use it as `mergeHdrLogs`'s `onInterval`) and
 * formats them as one loader's output. Ops per interval are the `-st` histogram's count;
 * with `-rt` tags the latency shown is response time, as with `fixed=`. HDR logs carry no
 * partition, row or error counts: partitions and rows are shown equal to ops, errors as 0.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram } from "../stats/latency_histogram.ts";
 * import { mergeHdrLogs } from "./merge_hdr_logs.ts";
 * import { MergedLogReport } from "./merged_log_report.ts";
 * const histogram = new LatencyHistogram();
 * histogram.recordValueWithCount(2_000_000, 10);
 * const log = {
 *   name: "a.hdr",
 *   baseTimeMs: 1_700_000_000_000,
 *   intervals: [{ tag: "WRITE-st", startSec: 0, lengthSec: 1, histogram }],
 * };
 * const report = new MergedLogReport(["WRITE-st"]);
 * const merged = mergeHdrLogs([log], { onInterval: (i) => report.addInterval(i) });
 * const output = report.finish(merged, { command: "merge a.hdr" });
 * assert.ok(output.lines[1].startsWith("total,            10,      10,"));
 * assert.equal(output.json.merge.tags["WRITE-st"].count, 10);
 * ```
 */
export class MergedLogReport {
  #stems: { name: string; plain: boolean; scheduled: boolean }[] = [];
  #windows: OpWindow[];
  #totalOps = new Map<string, number>();
  #useResponseTime: boolean;
  #uncertainty = new Uncertainty();
  #rows: string[] = [];
  #hdrLines: string[] = [];
  #points: JsonIntervalPoint[] = [];
  #jsonIntervals: MergedJson["intervals"] = [];
  #firstStartSec = -1;
  #empty = new LatencyHistogram();

  /**
   * Prepares one op window per tag stem (`WRITE` for `WRITE-st`, `-rt`, `-wt`).
   *
   * @param tags Every tag of the merge.
   */
  constructor(tags: readonly string[]) {
    const stems = new Map<string, { name: string; plain: boolean; scheduled: boolean }>();
    for (const tag of tags) {
      const { stem, kind } = splitTag(tag);
      const key = kind === "" ? `plain:${tag}` : stem;
      const entry = stems.get(key) ?? { name: stem, plain: kind === "", scheduled: false };
      if (kind === "rt" || kind === "wt") entry.scheduled = true;
      stems.set(key, entry);
    }
    this.#stems = [...stems.values()];
    this.#windows = this.#stems.map((s) =>
      new OpWindow(s.name === "" ? "ALL" : s.name, { scheduled: s.scheduled })
    );
    this.#useResponseTime = tags.some((tag) => tag.endsWith("-rt"));
  }

  #tagOf(stem: { name: string; plain: boolean }, kind: string): string {
    return stem.plain ? stem.name : `${stem.name}-${kind}`;
  }

  /**
   * Adds one output interval: its HDR lines, its rows and its JSON figures.
   *
   * @param interval The merged interval (its histograms are read, not kept).
   */
  addInterval(interval: MergedInterval): void {
    if (this.#firstStartSec < 0) this.#firstStartSec = interval.startSec;
    const hdrWindows: HdrLogWindow[] = [];
    this.#stems.forEach((stem, i) => {
      const window = this.#windows[i];
      window.reset();
      const get = (kind: string) => interval.histograms.get(this.#tagOf(stem, kind)) ?? null;
      const service = get("st");
      if (service !== null) window.service.add(service);
      if (!stem.plain) {
        const response = get("rt");
        const wait = get("wt");
        if (response !== null) window.response?.add(response);
        if (wait !== null) window.wait?.add(wait);
        hdrWindows.push({ name: stem.name, service: service ?? this.#empty, response, wait });
      }
      window.ops = window.partitions = window.rows = window.service.totalCount;
      this.#totalOps.set(window.name, (this.#totalOps.get(window.name) ?? 0) + window.ops);
    });
    let text = formatHdrLogInterval({
      windows: hdrWindows,
      startSec: interval.startSec,
      lengthSec: interval.lengthSec,
    });
    for (const stem of this.#stems.filter((s) => s.plain)) {
      const histogram = interval.histograms.get(stem.name);
      if (histogram === undefined) continue;
      const line = formatHdrLogInterval({
        windows: [{ name: "", service: histogram, response: null, wait: null }],
        startSec: interval.startSec,
        lengthSec: interval.lengthSec,
      });
      text += stem.name === ""
        ? line.slice("Tag=-st,".length)
        : `Tag=${stem.name},${line.slice(8)}`;
    }
    this.#hdrLines.push(text);
    const elapsedSec = interval.startSec + interval.lengthSec - this.#firstStartSec;
    const rows = this.#windows.reduce((sum, w) => sum + w.rows, 0);
    this.#uncertainty.add(rows / interval.lengthSec);
    this.#rows.push(...formatIntervalRows({
      windows: this.#windows,
      totalOpsByName: Object.fromEntries(this.#totalOps),
      elapsedSec,
      intervalSec: interval.lengthSec,
      stderr: this.#uncertainty.stderr,
      useResponseTime: this.#useResponseTime,
    }));
    this.#points.push(createJsonIntervalPoint(this.#windows, {
      elapsedSec,
      intervalSec: interval.lengthSec,
      useResponseTime: this.#useResponseTime,
    }));
    const tags: Record<string, MergedTagPoint> = {};
    for (const [tag, h] of [...interval.histograms].sort(([a], [b]) => (a < b ? -1 : 1))) {
      tags[tag] = {
        count: h.totalCount,
        p50: toMs(h.valueAtPercentile(50)),
        p90: toMs(h.valueAtPercentile(90)),
        p99: toMs(h.valueAtPercentile(99)),
        p999: toMs(h.valueAtPercentile(99.9)),
        p9999: toMs(h.valueAtPercentile(99.99)),
        max: toMs(h.maxNs),
      };
    }
    this.#jsonIntervals.push({ startSec: interval.startSec, lengthSec: interval.lengthSec, tags });
  }

  /**
   * Formats everything after the last interval.
   *
   * @param merged What `mergeHdrLogs` returned (totals, loaders, times).
   * @param options The command line for the JSON summary and the start date's UTC offset.
   * @returns The HDR log text, the stdout lines and the JSON summary.
   */
  finish(
    merged: MergedHdrLog,
    options: { command: string; utcOffsetMinutes?: number },
  ): MergedLogOutput {
    const totals = this.#stems.map((stem, i) => {
      const window = new OpWindow(this.#windows[i].name, { scheduled: stem.scheduled });
      for (const kind of KINDS) {
        const histogram = merged.totals.get(this.#tagOf(stem, kind));
        if (histogram === undefined) continue;
        const target = kind === "st"
          ? window.service
          : kind === "rt"
          ? window.response
          : window.wait;
        target?.add(histogram);
        if (stem.plain) break;
      }
      window.ops = window.partitions = window.rows = window.service.totalCount;
      return window;
    });
    const elapsedSec = merged.endSec - merged.firstStartSec;
    const results = formatResults({
      windows: totals,
      elapsedSec,
      useResponseTime: this.#useResponseTime,
    });
    const resultLines = results.split("\n");
    resultLines.pop();
    const tags: MergedJson["tags"] = {};
    for (const tag of merged.tags) {
      const histogram = merged.totals.get(tag)!;
      tags[tag] = { count: histogram.totalCount, ...jsonLatencyMsOf(histogram) };
    }
    const summary = createJsonSummary({
      command: options.command,
      settings: { logs: merged.loaders.map((l) => l.name), intervalSec: merged.intervalSec },
      startTimeMs: merged.baseTimeMs + merged.firstStartSec * 1000,
      endTimeMs: merged.baseTimeMs + merged.endSec * 1000,
      elapsedSec,
      windows: totals,
      useResponseTime: this.#useResponseTime,
      intervals: this.#points,
    });
    return {
      hdrLog: formatHdrLogHeader({
        startTimeMs: merged.baseTimeMs,
        utcOffsetMinutes: options.utcOffsetMinutes,
      }) + this.#hdrLines.join(""),
      lines: [formatIntervalHeader(), ...this.#rows, ...resultLines],
      json: {
        ...summary,
        merge: {
          baseTimeMs: merged.baseTimeMs,
          intervalSec: merged.intervalSec,
          loaders: [...merged.loaders],
          tags,
          intervals: this.#jsonIntervals,
        },
      },
    };
  }
}
