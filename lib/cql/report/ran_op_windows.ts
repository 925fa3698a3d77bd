/**
 * The op types cassandra-stress reports: only those that ran. Its metrics keep an op type
 * from its first recorded op on (a `TreeMap` filled as ops complete), so an interval names
 * op types only once two of them have run, and the `Results:` brackets leave out an op type
 * of the mix that never ran (a short run, a long `clustering=`, a zero weight).
 *
 * @module
 */

import type { OpWindow } from "../../stats/op_window.ts";

/**
 * Keeps the windows of the op types that ran so far: that completed or failed an op in
 * `totals`, the run's cumulative windows up to now (by default the windows themselves).
 *
 * @param windows The windows to filter (an interval's, or the run's totals).
 * @param totals The run's cumulative windows, which say which op types ran.
 * @returns The windows of `windows` whose op type ran, in their order.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpWindow } from "../../stats/op_window.ts";
 * import { ranOpWindows } from "./ran_op_windows.ts";
 * const read = new OpWindow("READ", { scheduled: false });
 * const write = new OpWindow("WRITE", { scheduled: false });
 * write.ops = 5;
 * assert.deepEqual(ranOpWindows([read, write]).map((w) => w.name), ["WRITE"]);
 * ```
 */
export function ranOpWindows(
  windows: readonly OpWindow[],
  totals: readonly OpWindow[] = windows,
): OpWindow[] {
  const ran = new Set<string>();
  for (const total of totals) {
    if (total.ops > 0 || total.errors > 0) ran.add(total.name);
  }
  return windows.filter((window) => ran.has(window.name));
}
