/**
 * Private helper of `compare.ts`: reads a JSON summary, checks it field by field, and turns it
 * into what the comparison reads. Three kinds of summary are understood: the cassandra-stress
 * commands' `-log json=`, `query run --json` and `checkout load --json`.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { ComparableInterval, ComparableRun } from "../stats/compare_runs.ts";

/** Which command wrote a summary: its ops are ops, queries or requests. */
export type SummaryKind = "stress" | "query run" | "checkout load";

/** A JSON summary, checked field by field, with its command line for the header. */
export interface LoadedRun {
  /** What the comparison reads. */
  run: ComparableRun;
  /** The command line (or the command's name), for the header. */
  command: string;
  /** The command that wrote it. */
  kind: SummaryKind;
  /** Why its run stopped early (the summary's `aborted`), or null when it completed. */
  aborted: string | null;
}

/** The start of an HDR interval log: its comment and header lines, or a first interval line. */
const HDR_LOG = /^(#|"StartTimestamp"|Tag=)/;

const EXPECTED = "expected the file of -log json=, query run --json or checkout load --json";

function notSummary(path: string, problem: string): UsageError {
  return new UsageError(
    `Cannot read "${path}": it is not a JSON summary (${problem}), ${EXPECTED}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberAt(path: string, record: Record<string, unknown>, key: string, at: string): number {
  const value = record[key];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw notSummary(path, `"${at}${key}" is not a number`);
  }
  return value;
}

function recordAt(path: string, record: Record<string, unknown>, key: string, at: string) {
  const value = record[key];
  if (!isRecord(value)) throw notSummary(path, `it has no "${at}${key}"`);
  return value;
}

/** The names of one kind's fields: where its throughput, latency and series are. */
interface Fields {
  /** The object holding the throughput and `latencyMs` (null: the top level). */
  totals: string | null;
  throughput: string;
  /** In each interval: its end, its count and its rate. */
  time: string;
  count: string;
  rate: string;
}

const FIELDS: Record<SummaryKind, Fields> = {
  "stress": {
    totals: "total",
    throughput: "opsPerSec",
    time: "timeSec",
    count: "ops",
    rate: "opsPerSec",
  },
  "query run": {
    totals: null,
    throughput: "queriesPerSec",
    time: "timeSec",
    count: "ops",
    rate: "opsPerSec",
  },
  "checkout load": {
    totals: "total",
    throughput: "requestsPerSec",
    time: "elapsedSec",
    count: "requests",
    rate: "requestsPerSec",
  },
};

/**
 * The kind of command a summary in the cassandra-stress layout measured: a `merge` or
 * `analyze` summary (it has a `merge` record) of `query run` or `checkout load` runs is one of
 * theirs (its command names it after `--`, or its only op is `QUERY`), so that it compares
 * with a single run's own summary; any other is `stress`.
 */
function mergedKindOf(json: Record<string, unknown>): SummaryKind {
  if (!isRecord(json.merge)) return "stress";
  const command = typeof json.command === "string" ? json.command : "";
  const analyzed = /\s--\s+(query run|checkout load)(?:\s|$)/.exec(command)?.[1];
  if (analyzed === "query run" || analyzed === "checkout load") return analyzed;
  const ops = isRecord(json.ops) ? Object.keys(json.ops) : [];
  return ops.length === 1 && ops[0] === "QUERY" ? "query run" : "stress";
}

/**
 * Checks the parsed JSON of `path` field by field and keeps what the comparison reads.
 *
 * @param path The file's path, for messages.
 * @param json The parsed file.
 * @returns The run, its command line and its kind.
 * @throws {UsageError} When a field the comparison needs is missing or not a number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { toLoadedRun } from "./_compare_input.ts";
 * const latencyMs = { mean: 2, p50: 2, p95: 3, p99: 4, p999: 5 };
 * const loaded = toLoadedRun("q.json", {
 *   command: "query run", queriesPerSec: 10, latencyMs,
 *   intervals: [{ timeSec: 1, ops: 10, opsPerSec: 10, p50Ms: 2, p99Ms: 4 }],
 * });
 * assert.equal(loaded.kind, "query run");
 * assert.equal(loaded.run.total.opsPerSec, 10);
 * ```
 */
export function toLoadedRun(path: string, json: unknown): LoadedRun {
  if (!isRecord(json)) throw notSummary(path, "it is not an object");
  const layout: SummaryKind = json.command === "query run" || json.command === "checkout load"
    ? json.command
    : "stress";
  const fields = FIELDS[layout];
  const kind = layout === "stress" ? mergedKindOf(json) : layout;
  const totals = fields.totals === null ? json : recordAt(path, json, fields.totals, "");
  const at = fields.totals === null ? "" : `${fields.totals}.`;
  const latency = recordAt(path, totals, "latencyMs", at);
  const intervals = json.intervals;
  if (!Array.isArray(intervals)) throw notSummary(path, 'it has no "intervals" list');
  let previousSec = 0;
  const points: ComparableInterval[] = intervals.map((point, i) => {
    const pointAt = `intervals[${i}].`;
    if (!isRecord(point)) throw notSummary(path, `"intervals[${i}]" is not an object`);
    const timeSec = numberAt(path, point, fields.time, pointAt);
    const opsPerSec = numberAt(path, point, fields.rate, pointAt);
    // Checkout summaries from before `requests` was written: the rate times the length.
    const ops = point[fields.count] === undefined && layout === "checkout load"
      ? Math.round(opsPerSec * (timeSec - previousSec))
      : numberAt(path, point, fields.count, pointAt);
    previousSec = timeSec;
    const parsed: ComparableInterval = {
      timeSec,
      ops,
      opsPerSec,
      p50Ms: numberAt(path, point, "p50Ms", pointAt),
      p99Ms: numberAt(path, point, "p99Ms", pointAt),
    };
    if (point.meanMs !== undefined) parsed.meanMs = numberAt(path, point, "meanMs", pointAt);
    return parsed;
  });
  const latencyAt = `${at}latencyMs.`;
  return {
    kind,
    command: typeof json.command === "string" ? json.command : "",
    aborted: typeof json.aborted === "string" ? json.aborted : null,
    run: {
      total: {
        opsPerSec: numberAt(path, totals, fields.throughput, at),
        latencyMs: {
          mean: numberAt(path, latency, "mean", latencyAt),
          p50: numberAt(path, latency, "p50", latencyAt),
          p95: numberAt(path, latency, "p95", latencyAt),
          p99: numberAt(path, latency, "p99", latencyAt),
          p999: numberAt(path, latency, "p999", latencyAt),
        },
        ...scheduledOf(totals),
      },
      intervals: points,
    },
  };
}

/**
 * Reads and checks a JSON summary file.
 *
 * @param path The file.
 * @returns The run, its command line and its kind.
 * @throws {UsageError} When it cannot be read, is not JSON or not a summary.
 *
 * @example Usage
 * ```ts ignore
 * const loaded = await readRun("a.json");
 * ```
 */
export async function readRun(path: string): Promise<LoadedRun> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "it does not exist"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new UsageError(`Cannot read "${path}": ${reason}, ${EXPECTED}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const problem = HDR_LOG.test(text)
      ? `it is an HDR log, not a JSON summary, ${EXPECTED} (stress merge "${path}" --json FILE makes one from the log)`
      : `it is not valid JSON, ${EXPECTED}`;
    throw new UsageError(`Cannot read "${path}": ${problem}`, { cause: error });
  }
  return toLoadedRun(path, json);
}

/** A scheduled run's service, response and wait time of `total.scheduled`, when it has them. */
function scheduledOf(
  totals: Record<string, unknown>,
): Pick<ComparableRun["total"], "scheduled"> {
  const scheduled = totals.scheduled;
  if (!isRecord(scheduled)) return {};
  const pair = (name: string): { p50: number; p99: number } | null => {
    const latency = scheduled[name];
    if (!isRecord(latency)) return null;
    const { p50, p99 } = latency;
    return typeof p50 === "number" && typeof p99 === "number" ? { p50, p99 } : null;
  };
  const [serviceMs, responseMs, waitMs] = [pair("serviceMs"), pair("responseMs"), pair("waitMs")];
  if (serviceMs === null || responseMs === null || waitMs === null) return {};
  return { scheduled: { serviceMs, responseMs, waitMs } };
}
