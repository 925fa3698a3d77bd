import assert from "node:assert/strict";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { OpRecorder } from "../../lib/stats/op_recorder.ts";

function histogramOfExport(data: ReturnType<LatencyHistogram["exportCounts"]>): LatencyHistogram {
  const histogram = new LatencyHistogram();
  histogram.addExport(data);
  return histogram;
}

Deno.test("OpRecorder.recordOp() records service, response and wait time when scheduled", () => {
  const recorder = new OpRecorder({ scheduled: true });
  recorder.recordOp(1_000_000, 3_000_000, 8_000_000, 2, 20);
  const sample = recorder.sample();
  assert.equal(sample.ops, 1);
  assert.equal(sample.partitions, 2);
  assert.equal(sample.rows, 20);
  assert.equal(sample.errors, 0);
  // Lowest values of the 3-digit buckets that hold 5 ms, 7 ms and 2 ms.
  assert.equal(histogramOfExport(sample.service).minNs, 4_997_120);
  assert.equal(histogramOfExport(sample.response!).minNs, 6_995_968);
  assert.equal(histogramOfExport(sample.wait!).minNs, 1_999_872);
});

Deno.test("OpRecorder.recordOp() clamps a negative wait to 0 (recorded as 1 ns)", () => {
  const recorder = new OpRecorder({ scheduled: true });
  recorder.recordOp(5_000, 4_000, 6_000, 1, 1); // started before it was due
  const sample = recorder.sample();
  assert.equal(histogramOfExport(sample.wait!).maxNs, 1);
  assert.equal(histogramOfExport(sample.response!).maxNs, 1_000);
  assert.equal(histogramOfExport(sample.service).maxNs, 2_000);
});

Deno.test("OpRecorder.sample() has no response or wait time without a schedule", () => {
  const recorder = new OpRecorder({ scheduled: false });
  recorder.recordOp(0, 100, 300, 1, 1);
  const sample = recorder.sample();
  assert.equal(sample.response, null);
  assert.equal(sample.wait, null);
  assert.equal(sample.service.totalCount, 1);
  assert.deepEqual(OpRecorder.transferables(sample), [sample.service.counts.buffer]);
});

Deno.test("OpRecorder.sample() starts a fresh interval on the swapped buffers", () => {
  const recorder = new OpRecorder({ scheduled: true });
  for (let round = 1; round <= 4; round++) {
    for (let i = 0; i < round; i++) recorder.recordOp(0, 0, round * 1_000, 1, 1);
    recorder.recordError();
    const sample = recorder.sample();
    assert.equal(sample.ops, round);
    assert.equal(sample.errors, 1);
    const service = histogramOfExport(sample.service);
    assert.equal(service.totalCount, round);
    assert.equal(service.minNs, round * 1_000); // nothing left over from earlier rounds
    assert.equal(sample.response!.totalCount, round);
    assert.equal(sample.wait!.totalCount, round);
  }
});

Deno.test("OpRecorder.transferables() lists buffers that postMessage can move", () => {
  const recorder = new OpRecorder({ scheduled: true });
  recorder.recordOp(0, 10, 20, 1, 1);
  const sample = recorder.sample();
  const transfer = OpRecorder.transferables(sample);
  assert.equal(transfer.length, 3);
  const moved = structuredClone(sample, { transfer });
  assert.equal(sample.service.counts.byteLength, 0);
  assert.equal(moved.service.totalCount, 1);
  assert.equal(moved.wait!.counts.length, 1);
});
