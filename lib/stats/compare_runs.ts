/**
 * Compares two runs' summaries metric by metric: throughput and latency percentiles side by
 * side, each per-interval metric with a significance test that accounts for autocorrelation.
 *
 * @module
 */

import { OptionError } from "../errors.ts";
import { type AutocorrelatedMean, autocorrelatedMean } from "./autocorrelated_mean.ts";
import { welchTTest } from "./welch_t.ts";

/** A metric with a per-interval series, which {@linkcode compareRuns} can test. */
export type TestedMetric = "throughput" | "p50" | "p99" | "mean";

/** "better" or "worse" when the difference is significant, else "same". */
export type Verdict = "same" | "better" | "worse";

/** One point of a run's per-interval series (a `JsonIntervalPoint` fits). */
export interface ComparableInterval {
  /** Seconds since the start of the measured run, at the end of the interval. */
  timeSec: number;
  /** Completed operations in the interval. */
  ops: number;
  /** Operations per second in the interval. */
  opsPerSec: number;
  /** Median latency, ms. */
  p50Ms: number;
  /** 99th percentile latency, ms. */
  p99Ms: number;
  /** Mean latency, ms, when the summary has it. */
  meanMs?: number;
}

/** The parts of a run's summary that are compared (a `JsonSummary` fits). */
export interface ComparableRun {
  /** All op types together, over the whole run. */
  total: {
    /** Operations per second over the whole run. */
    opsPerSec: number;
    /** Whole-run latency figures, ms. */
    latencyMs: { mean: number; p50: number; p95: number; p99: number; p999: number };
    /**
     * A scheduled run's service, response and wait time (ms), shown side by side when both
     * runs have them.
     */
    scheduled?: {
      serviceMs: { p50: number; p99: number };
      responseMs: { p50: number; p99: number };
      waitMs: { p50: number; p99: number };
    };
  };
  /** The per-interval series, oldest first. */
  intervals: readonly ComparableInterval[];
}

/** The statistics behind a tested metric. */
export interface MetricTest {
  /** The Welch t statistic (positive when B is higher). */
  t: number;
  /** The Welch–Satterthwaite degrees of freedom, from the effective sizes. */
  df: number;
  /** The intervals of A behind the mean. */
  intervalsA: number;
  /** The intervals of B behind the mean. */
  intervalsB: number;
  /** A's effective number of independent intervals, n (1 - ρ) / (1 + ρ). */
  effectiveNA: number;
  /** B's effective number of independent intervals. */
  effectiveNB: number;
  /** A's lag-1 autocorrelation, clamped to [0, 0.99]. */
  lag1AutocorrelationA: number;
  /** B's lag-1 autocorrelation. */
  lag1AutocorrelationB: number;
  /** A's standard error of the mean, inflated for autocorrelation. */
  stdErrA: number;
  /** B's standard error of the mean. */
  stdErrB: number;
}

/** One row of the comparison. */
export interface MetricComparison {
  /**
   * `throughput`, `p50`, `p99`, `mean` (tested, means of the interval series), or
   * `total p50`, `total p95`, `total p99`, `total p99.9` (whole-run values, never tested).
   */
  name: string;
  /** `op/s` or `ms`. */
  unit: "op/s" | "ms";
  /** True for throughput (down is a regression), false for latency (up is a regression). */
  higherIsBetter: boolean;
  /** A's value: the mean of its interval series when tested, else the whole-run value. */
  a: number;
  /** B's value, likewise. */
  b: number;
  /** The relative change (b - a) / a; null when a is 0. */
  change: number | null;
  /** The two-sided p-value of the difference; null when not tested. */
  pValue: number | null;
  /** Whether `pValue < alpha`. */
  significant: boolean;
  /** The verdict for B against A; null when not tested. */
  verdict: Verdict | null;
  /** The test's statistics; null when not tested. */
  test: MetricTest | null;
  /** Why a metric that is normally tested was not (too few intervals, no series); else null. */
  untested: string | null;
}

/** The outcome of {@linkcode compareRuns}. */
export interface RunComparison {
  /** The significance level used. */
  alpha: number;
  /** The rows: throughput, p50, p99, mean, then the whole-run percentiles. */
  metrics: MetricComparison[];
}

/** Options of {@linkcode compareRuns}. */
export interface CompareRunsOptions {
  /**
   * The significance level: a difference is significant when its p-value is below it.
   *
   * @default {0.05}
   */
  alpha?: number;
  /**
   * The fewest usable intervals each run needs for a metric to be tested.
   *
   * @default {3}
   */
  minIntervals?: number;
  /**
   * The names of the two runs in messages (file names, say).
   *
   * @default {["A", "B"]}
   */
  names?: readonly [string, string];
}

/** The tested metrics: how to read each from an interval and from the whole-run totals. */
const TESTED: readonly {
  name: TestedMetric;
  unit: "op/s" | "ms";
  higherIsBetter: boolean;
  latency: boolean;
  field: string;
  ofInterval(point: ComparableInterval): number | undefined;
  ofTotal(run: ComparableRun): number;
}[] = [
  {
    name: "throughput",
    field: "opsPerSec",
    unit: "op/s",
    higherIsBetter: true,
    latency: false,
    ofInterval: (p) => p.opsPerSec,
    ofTotal: (r) => r.total.opsPerSec,
  },
  {
    name: "p50",
    field: "p50Ms",
    unit: "ms",
    higherIsBetter: false,
    latency: true,
    ofInterval: (p) => p.p50Ms,
    ofTotal: (r) => r.total.latencyMs.p50,
  },
  {
    name: "p99",
    field: "p99Ms",
    unit: "ms",
    higherIsBetter: false,
    latency: true,
    ofInterval: (p) => p.p99Ms,
    ofTotal: (r) => r.total.latencyMs.p99,
  },
  {
    name: "mean",
    field: "meanMs",
    unit: "ms",
    higherIsBetter: false,
    latency: true,
    ofInterval: (p) => p.meanMs,
    ofTotal: (r) => r.total.latencyMs.mean,
  },
];

/** The whole-run percentiles shown side by side without a test. */
const TOTALS: readonly { name: string; ofTotal(run: ComparableRun): number }[] = [
  { name: "total p50", ofTotal: (r) => r.total.latencyMs.p50 },
  { name: "total p95", ofTotal: (r) => r.total.latencyMs.p95 },
  { name: "total p99", ofTotal: (r) => r.total.latencyMs.p99 },
  { name: "total p99.9", ofTotal: (r) => r.total.latencyMs.p999 },
];

/**
 * The intervals worth comparing: drops those shorter than half the median interval (the
 * partial first and last intervals, whose rates and percentiles rest on a few operations).
 */
function usableIntervals(run: ComparableRun): readonly ComparableInterval[] {
  const points = run.intervals;
  if (points.length < 3) return points;
  const lengths = points.map((p, i) => p.timeSec - (i === 0 ? 0 : points[i - 1].timeSec));
  const sorted = [...lengths].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)];
  return points.filter((_, i) => lengths[i] >= median / 2);
}

function relativeChange(a: number, b: number): number | null {
  if (a === 0) return b === 0 ? 0 : null;
  return (b - a) / a;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** One tested metric: how to read it and what is better. */
type TestedSpec = (typeof TESTED)[number];

/** Checks `alpha` and `minIntervals`, filling in their defaults. */
function checkedOptions(options: CompareRunsOptions): { alpha: number; minIntervals: number } {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) {
    throw new OptionError({
      option: "alpha",
      value: String(alpha),
      expected: "a number between 0 and 1",
    });
  }
  const minIntervals = options.minIntervals ?? 3;
  if (!(Number.isInteger(minIntervals) && minIntervals >= 2)) {
    throw new OptionError({
      option: "minIntervals",
      value: String(minIntervals),
      expected: "an integer of at least 2",
    });
  }
  return { alpha, minIntervals };
}

/** Why a metric cannot be tested on the two series, or null when it can. */
function untestedReason(
  metric: TestedSpec,
  series: readonly [readonly (number | undefined)[], readonly (number | undefined)[]],
  options: { minIntervals: number; names: readonly [string, string] },
): string | null {
  const [seriesA, seriesB] = series;
  const { minIntervals, names: [nameA, nameB] } = options;
  const complete = [...seriesA, ...seriesB].every((v) => typeof v === "number" && isFinite(v));
  if (!complete) return `the intervals have no "${metric.field}" values`;
  if (seriesA.length < minIntervals || seriesB.length < minIntervals) {
    const [name, count] = seriesA.length < minIntervals
      ? [nameA, seriesA.length]
      : [nameB, seriesB.length];
    return `"${name}" has ${
      plural(count, "usable interval")
    }, expected at least ${minIntervals} (run longer or set a shorter interval: -log interval=, or --interval)`;
  }
  return null;
}

/** A row of two whole-run values side by side, without a test. */
function untestedRow(
  metric: { name: string; unit: "op/s" | "ms"; higherIsBetter: boolean },
  valueA: number,
  valueB: number,
  untested: string | null,
): MetricComparison {
  return {
    name: metric.name,
    unit: metric.unit,
    higherIsBetter: metric.higherIsBetter,
    a: valueA,
    b: valueB,
    change: relativeChange(valueA, valueB),
    pValue: null,
    significant: false,
    verdict: null,
    test: null,
    untested,
  };
}

/** The row of a tested metric: Welch's t-test of the two series' autocorrelated means. */
function testedRow(
  metric: TestedSpec,
  seriesA: number[],
  seriesB: number[],
  alpha: number,
): MetricComparison {
  const meanA: AutocorrelatedMean = autocorrelatedMean(seriesA);
  const meanB: AutocorrelatedMean = autocorrelatedMean(seriesB);
  const result = welchTTest(meanA, meanB);
  const significant = result.pValue < alpha;
  const higher = meanB.mean > meanA.mean;
  const verdict: Verdict = !significant
    ? "same"
    : higher === metric.higherIsBetter
    ? "better"
    : "worse";
  return {
    name: metric.name,
    unit: metric.unit,
    higherIsBetter: metric.higherIsBetter,
    a: meanA.mean,
    b: meanB.mean,
    change: relativeChange(meanA.mean, meanB.mean),
    pValue: result.pValue,
    significant,
    verdict,
    test: {
      t: result.t,
      df: result.df,
      intervalsA: meanA.n,
      intervalsB: meanB.n,
      effectiveNA: meanA.effectiveN,
      effectiveNB: meanB.effectiveN,
      lag1AutocorrelationA: meanA.lag1Autocorrelation,
      lag1AutocorrelationB: meanB.lag1Autocorrelation,
      stdErrA: meanA.stdErr,
      stdErrB: meanB.stdErr,
    },
    untested: null,
  };
}

/**
 * Compares run B against run A. Per-interval metrics (throughput from `opsPerSec`, p50 and p99
 * latency, and mean latency when the intervals carry `meanMs`) compare the means of the two
 * interval series with Welch's t-test, each standard error inflated for the lag-1
 * autocorrelation of its series (see `autocorrelatedMean`), as latte does; the whole-run
 * percentiles p50, p95, p99 and p99.9 are shown side by side without a test, since one value
 * per run has no variance to test against. Intervals shorter than half the median interval
 * (partial first and last ones) are left out, as are intervals without operations for the
 * latency metrics. A metric with fewer than `minIntervals` usable intervals in either run is
 * not tested (its row says why) and shows the whole-run values instead.
 *
 * A regression is throughput down or latency up: such a significant change gets the verdict
 * "worse", the opposite one "better", an insignificant one "same".
 *
 * @param a The baseline run.
 * @param b The run compared with it.
 * @param options The significance level, the fewest intervals and the runs' names.
 * @returns One row per metric.
 * @throws {OptionError} When `alpha` is not between 0 and 1 or `minIntervals` is below 2.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareRuns } from "./compare_runs.ts";
 * function run(opsPerSec: number[], p99Ms: number) {
 *   return {
 *     total: {
 *       opsPerSec: 1000,
 *       latencyMs: { mean: 1, p50: 1, p95: 2, p99: p99Ms, p999: 9 },
 *     },
 *     intervals: opsPerSec.map((rate, i) => ({
 *       timeSec: i + 1,
 *       ops: rate,
 *       opsPerSec: rate,
 *       p50Ms: 1,
 *       p99Ms: p99Ms + (i % 2) / 10,
 *     })),
 *   };
 * }
 * const a = run([1000, 1010, 990, 1005, 995, 1000], 3);
 * const b = run([800, 810, 790, 805, 795, 800], 3);
 * const { metrics } = compareRuns(a, b);
 * const throughput = metrics.find((m) => m.name === "throughput")!;
 * assert.equal(throughput.verdict, "worse");
 * assert.ok(Math.abs(throughput.change! - -0.2) < 1e-9);
 * assert.equal(metrics.find((m) => m.name === "p99")!.verdict, "same");
 * // No interval has meanMs: the whole-run means are shown, untested.
 * assert.equal(metrics.find((m) => m.name === "mean")!.pValue, null);
 * ```
 */
export function compareRuns(
  a: ComparableRun,
  b: ComparableRun,
  options: CompareRunsOptions = {},
): RunComparison {
  const { alpha, minIntervals } = checkedOptions(options);
  const names = options.names ?? ["A", "B"];
  const intervalsA = usableIntervals(a);
  const intervalsB = usableIntervals(b);
  const metrics: MetricComparison[] = [];
  for (const metric of TESTED) {
    const pointsA = metric.latency ? intervalsA.filter((p) => p.ops > 0) : intervalsA;
    const pointsB = metric.latency ? intervalsB.filter((p) => p.ops > 0) : intervalsB;
    const seriesA = pointsA.map(metric.ofInterval);
    const seriesB = pointsB.map(metric.ofInterval);
    const untested = untestedReason(metric, [seriesA, seriesB], { minIntervals, names });
    if (untested !== null) {
      metrics.push(untestedRow(metric, metric.ofTotal(a), metric.ofTotal(b), untested));
    } else {
      metrics.push(testedRow(metric, seriesA as number[], seriesB as number[], alpha));
    }
  }
  for (const total of TOTALS) {
    const row = { name: total.name, unit: "ms", higherIsBetter: false } as const;
    metrics.push(untestedRow(row, total.ofTotal(a), total.ofTotal(b), null));
  }
  metrics.push(...scheduledRows(a, b));
  return { alpha, metrics };
}

/**
 * Raw and corrected side by side: service time (from the actual start), response time (from
 * the intended start) and wait time (between the two) when both runs were on a schedule; when
 * one was, service time alone, an unscheduled run's latency being its service time.
 */
function scheduledRows(a: ComparableRun, b: ComparableRun): MetricComparison[] {
  const [scheduledA, scheduledB] = [a.total.scheduled, b.total.scheduled];
  if (scheduledA === undefined && scheduledB === undefined) return [];
  const serviceOf = (run: ComparableRun) =>
    run.total.scheduled?.serviceMs ??
      { p50: run.total.latencyMs.p50, p99: run.total.latencyMs.p99 };
  const kinds = scheduledA !== undefined && scheduledB !== undefined
    ? (["service", "response", "wait"] as const)
    : (["service"] as const);
  const rows: MetricComparison[] = [];
  for (const kind of kinds) {
    for (const percentile of ["p50", "p99"] as const) {
      const row = { name: `${kind} ${percentile}`, unit: "ms", higherIsBetter: false } as const;
      const valueOf = (run: ComparableRun) =>
        kind === "service"
          ? serviceOf(run)[percentile]
          : run.total.scheduled![`${kind}Ms`][percentile];
      rows.push(untestedRow(row, valueOf(a), valueOf(b), null));
    }
  }
  return rows;
}
