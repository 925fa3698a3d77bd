import assert from "node:assert/strict";
import { hdrTagOf, LoadTally } from "../../lib/checkout/load_tally.ts";

const ENDPOINTS = [
  { method: "POST" as const, name: "/orders/checkout/[order_id]" },
  { method: "GET" as const, name: "/stock/find/[item_id]" },
];

Deno.test("LoadTally records response and wait time from the intended start when scheduled", () => {
  const tally = new LoadTally(ENDPOINTS, { scheduled: true });
  // Due at 1 ms, sent at 4 ms, answered at 6 ms: service 2 ms, wait 3 ms, response 5 ms.
  tally.record(1, { intendedNs: 1e6, sentNs: 4e6, doneNs: 6e6, failure: null });
  const { windows } = tally.takeInterval();
  assert.equal(windows[0].ops, 0);
  const find = windows[1];
  assert.equal(find.name, "GET /stock/find/[item_id]");
  assert.ok(Math.abs(find.service.maxNs - 2e6) < 2e6 * 0.001);
  assert.ok(Math.abs(find.wait!.maxNs - 3e6) < 3e6 * 0.001);
  assert.ok(Math.abs(find.response!.maxNs - 5e6) < 5e6 * 0.001);
  assert.equal(find.reported(true), find.response);
});

Deno.test("LoadTally without a schedule keeps service time only", () => {
  const tally = new LoadTally(ENDPOINTS, { scheduled: false });
  tally.record(0, { intendedNs: 0, sentNs: 5, doneNs: 2, failure: null }); // clock went back
  const { windows } = tally.takeInterval();
  assert.equal(windows[0].response, null);
  assert.equal(windows[0].service.totalCount, 1);
  assert.equal(windows[0].service.maxNs, 1); // recorded as 0, stored as 1 ns
});

Deno.test("LoadTally adds intervals into totals and sums failures by endpoint and kind", () => {
  const tally = new LoadTally(ENDPOINTS, { scheduled: false });
  const record = (endpoint: number, failure: string | null) =>
    tally.record(endpoint, { intendedNs: 0, sentNs: 0, doneNs: 1000, failure });
  record(0, "HTTP 500");
  record(0, null);
  record(1, "timeout");
  const first = tally.takeInterval();
  assert.deepEqual(first.failures, [
    { endpoint: 0, kind: "HTTP 500", count: 1 },
    { endpoint: 1, kind: "timeout", count: 1 },
  ]);
  record(0, "HTTP 500");
  record(0, "HTTP 500");
  record(1, "connection reset");
  const second = tally.takeInterval();
  assert.deepEqual(second.failures.map((f) => f.count), [2, 1]);
  assert.deepEqual(tally.failures(), [
    { endpoint: 0, kind: "HTTP 500", count: 3 },
    { endpoint: 1, kind: "connection reset", count: 1 },
    { endpoint: 1, kind: "timeout", count: 1 },
  ]);
  assert.deepEqual(tally.totals.map((w) => [w.ops, w.errors]), [[4, 3], [2, 2]]);
  // The first interval's windows are reused by the second take after it, reset.
  assert.equal(first.windows[0].ops, 0);
  assert.equal(second.windows[0].ops, 2);
  assert.equal(tally.takeInterval().windows, first.windows);
  assert.deepEqual(tally.totals.map((w) => w.ops), [4, 2]);
});

Deno.test("hdrTagOf() leaves no space or comma in a tag", () => {
  assert.equal(hdrTagOf("POST /orders/checkout/[order_id]"), "POST_/orders/checkout/[order_id]");
  assert.equal(hdrTagOf("GET  /a,,b\tc"), "GET_/a_b_c");
});
