import assert from "node:assert/strict";
import { OpRecorder } from "../../lib/stats/op_recorder.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";

function recorderWith(latenciesNs: number[], scheduled: boolean): OpRecorder {
  const recorder = new OpRecorder({ scheduled });
  for (const latencyNs of latenciesNs) recorder.recordOp(0, 1_000_000, 1_000_000 + latencyNs, 1, 3);
  return recorder;
}

Deno.test("OpWindow.addSample() merges the samples of several Workers", () => {
  const window = new OpWindow("WRITE", { scheduled: true });
  window.addSample(recorderWith([1_000, 2_000], true).sample());
  const failing = recorderWith([3_000], true);
  failing.recordError();
  window.addSample(failing.sample());
  assert.equal(window.name, "WRITE");
  assert.equal(window.ops, 3);
  assert.equal(window.partitions, 3);
  assert.equal(window.rows, 9);
  assert.equal(window.errors, 1);
  assert.equal(window.service.totalCount, 3);
  assert.equal(window.service.maxNs, 3_001); // 3 µs bucket is 2 ns wide
  assert.equal(window.response!.maxNs, 1_003_007); // 1 ms late start + 3 µs, 512 ns bucket
  assert.equal(window.wait!.totalCount, 3);
});

Deno.test("OpWindow.addSample() ignores response time when the window is unscheduled", () => {
  const window = new OpWindow("READ", { scheduled: false });
  window.addSample(recorderWith([5_000], true).sample());
  assert.equal(window.response, null);
  assert.equal(window.service.totalCount, 1);
});

Deno.test("OpWindow.add() accumulates intervals and reset() empties the window", () => {
  const cumulative = new OpWindow("READ", { scheduled: true });
  const interval = new OpWindow("READ", { scheduled: true });
  for (let i = 1; i <= 3; i++) {
    interval.reset();
    interval.addSample(recorderWith([i * 1_000], true).sample());
    cumulative.add(interval);
  }
  assert.equal(interval.ops, 1);
  assert.equal(interval.service.minNs, 3_000);
  assert.equal(cumulative.ops, 3);
  assert.equal(cumulative.rows, 9);
  assert.equal(cumulative.service.minNs, 1_000);
  assert.equal(cumulative.response!.totalCount, 3);
  cumulative.reset();
  assert.equal(cumulative.ops, 0);
  assert.equal(cumulative.response!.totalCount, 0);
});

Deno.test("OpWindow.reported() picks response time only with fixed rate and a schedule", () => {
  const scheduled = new OpWindow("WRITE", { scheduled: true });
  assert.equal(scheduled.reported(true), scheduled.response);
  assert.equal(scheduled.reported(false), scheduled.service);
  const closed = new OpWindow("WRITE", { scheduled: false });
  assert.equal(closed.reported(true), closed.service);
});
