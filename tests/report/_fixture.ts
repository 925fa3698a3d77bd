/** Builds OpWindows from the checked-in fixture tests/testdata/report_summary_fixture.json. */

import fixture from "../testdata/report_summary_fixture.json" with { type: "json" };
import { OpWindow } from "../../lib/stats/op_window.ts";

type Pairs = number[][];

interface FixtureOp {
  ops: number;
  partitions: number;
  rows: number;
  errors: number;
  serviceNs: Pairs;
  responseNs: Pairs;
  waitNs: Pairs;
}

interface FixtureInterval {
  startSec: number;
  lengthSec: number;
  ops: Record<string, FixtureOp>;
}

/** The fixture's start time, epoch ms. */
export const START_TIME_MS: number = fixture.startTimeMs;
/** Seconds between the log's BaseTime and the start of the measured run. */
export const RUN_START_SEC: number = fixture.runStartSec;
/** The fixture's intervals. */
export const INTERVALS: readonly FixtureInterval[] = fixture.intervals as FixtureInterval[];

/** Options that select what to build from the fixture. */
export interface BuildOptions {
  /** Op names to keep (all by default). */
  names?: readonly string[];
  /** Whether to keep response and wait times. */
  scheduled: boolean;
}

function record(target: { recordValueWithCount(v: number, c: number): void }, pairs: Pairs) {
  for (const [valueNs, count] of pairs) target.recordValueWithCount(valueNs, count);
}

/** The windows of one interval. */
export function intervalWindows(index: number, options: BuildOptions): OpWindow[] {
  const interval = INTERVALS[index];
  const windows: OpWindow[] = [];
  for (const [name, op] of Object.entries(interval.ops)) {
    if (options.names !== undefined && !options.names.includes(name)) continue;
    const window = new OpWindow(name, { scheduled: options.scheduled });
    window.ops = op.ops;
    window.partitions = op.partitions;
    window.rows = op.rows;
    window.errors = op.errors;
    record(window.service, op.serviceNs);
    if (window.response !== null) record(window.response, op.responseNs);
    if (window.wait !== null) record(window.wait, op.waitNs);
    windows.push(window);
  }
  return windows;
}

/** The cumulative windows of the intervals 0..last (inclusive). */
export function cumulativeWindows(last: number, options: BuildOptions): OpWindow[] {
  const byName = new Map<string, OpWindow>();
  for (let i = 0; i <= last; i++) {
    for (const window of intervalWindows(i, options)) {
      let total = byName.get(window.name);
      if (total === undefined) {
        total = new OpWindow(window.name, { scheduled: options.scheduled });
        byName.set(window.name, total);
      }
      total.add(window);
    }
  }
  return [...byName.values()];
}

/** Cumulative op counts by name after interval `last`. */
export function totalOpsByName(last: number, options: BuildOptions): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const window of cumulativeWindows(last, options)) totals[window.name] = window.ops;
  return totals;
}
