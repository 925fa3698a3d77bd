import assert from "node:assert/strict";
import { GraphSeries } from "../../lib/report/graph_series.ts";
import { OpRecorder } from "../../lib/stats/op_recorder.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";

/** One interval's window of an op type: `ops` ops of `latencyMs` each. */
function windowOf(name: string, ops: number, latencyMs: number): OpWindow {
  const recorder = new OpRecorder({ scheduled: false });
  for (let i = 0; i < ops; i++) recorder.recordOp(0, 0, latencyMs * 1e6, 1, 1);
  const window = new OpWindow(name, { scheduled: false });
  window.addSample(recorder.sample());
  return window;
}

function seriesOf(names: readonly string[], intervals: number): GraphSeries {
  const series = new GraphSeries();
  for (let i = 1; i <= intervals; i++) {
    series.add(names.map((name, k) => windowOf(name, 10 * (k + 1), k + 1)), {
      timeSec: i,
      lengthSec: 1,
      useResponseTime: false,
    });
  }
  return series;
}

Deno.test("GraphSeries.add() keeps one point per interval for each op type and the total", () => {
  const { series } = seriesOf(["READ", "WRITE"], 3);
  assert.deepEqual(Object.keys(series), ["READ", "WRITE", "total"]);
  for (const points of Object.values(series)) {
    assert.deepEqual(points.map((p) => p.timeSec), [1, 2, 3]);
  }
  assert.deepEqual(series.READ.map((p) => p.opsPerSec), [10, 10, 10]);
  assert.deepEqual(series.WRITE.map((p) => p.opsPerSec), [20, 20, 20]);
  assert.deepEqual(series.total.map((p) => p.opsPerSec), [30, 30, 30]);
});

Deno.test("GraphSeries.add() keeps an op type named total apart from the total of all of them", () => {
  // A user profile may name a query "total": its points must not mix into the total series.
  const { series } = seriesOf(["insert", "total"], 2);
  assert.deepEqual(Object.keys(series).sort(), ["insert", "total", "total (op)"]);
  assert.deepEqual(series.total.map((p) => [p.timeSec, p.opsPerSec]), [[1, 30], [2, 30]]);
  assert.deepEqual(series["total (op)"].map((p) => [p.timeSec, p.opsPerSec]), [[1, 20], [2, 20]]);
});

Deno.test("GraphSeries.add() takes op types named as Object.prototype members", () => {
  const names = ["constructor", "toString", "hasOwnProperty", "valueOf"];
  const { series } = seriesOf(names, 2);
  assert.deepEqual(Object.keys(series), [...names, "total"]);
  for (const name of names) assert.equal(series[name].length, 2, name);
  assert.deepEqual(series.total.map((p) => p.opsPerSec), [100, 100]);
});
