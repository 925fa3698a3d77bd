import assert from "node:assert/strict";
import { OpWindow } from "../../../lib/stats/op_window.ts";
import { ranOpWindows } from "../../../lib/cql/report/ran_op_windows.ts";

function window(name: string, ops: number, errors = 0): OpWindow {
  const w = new OpWindow(name, { scheduled: false });
  w.ops = w.partitions = w.rows = ops;
  w.errors = errors;
  return w;
}

Deno.test("ranOpWindows() keeps only the op types that completed or failed an op", () => {
  const names = (list: readonly OpWindow[]) => list.map((w) => w.name);
  assert.deepEqual(names(ranOpWindows([window("READ", 0), window("WRITE", 3)])), ["WRITE"]);
  assert.deepEqual(names(ranOpWindows([window("READ", 0, 2), window("WRITE", 0)])), ["READ"]);
  assert.deepEqual(ranOpWindows([window("READ", 0), window("WRITE", 0)]), []);
});

Deno.test("ranOpWindows() keeps an interval's idle op type once the run's totals show it ran", () => {
  // WRITE ran in an earlier interval, READ has not run yet: WRITE keeps its (zero) row.
  const interval = [window("READ", 0), window("WRITE", 0), window("COUNTER_READ", 4)];
  const totals = [window("READ", 0), window("WRITE", 7), window("COUNTER_READ", 4)];
  assert.deepEqual(ranOpWindows(interval, totals).map((w) => w.name), ["WRITE", "COUNTER_READ"]);
});
