import assert from "node:assert/strict";
import { failureKind } from "../../lib/checkout/failure_kind.ts";
import {
  createLoadJson,
  formatLoadIntervalRows,
  formatLoadSummary,
  LOAD_INTERVAL_HEADER,
} from "../../lib/checkout/load_report.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";

function window(name: string, ops: number, errors: number, valueNs: number): OpWindow {
  const w = new OpWindow(name, { scheduled: false });
  w.ops = ops;
  w.errors = errors;
  if (ops > 0) w.service.recordValueWithCount(valueNs, ops);
  return w;
}

function totalOf(windows: OpWindow[]): OpWindow {
  const total = new OpWindow("total", { scheduled: false });
  for (const w of windows) total.add(w);
  return total;
}

Deno.test("formatLoadIntervalRows() shows endpoints with requests and always a total row", () => {
  const windows = [window("POST /a", 0, 0, 0), window("GET /b", 30, 3, 4_000_000)];
  const lines = formatLoadIntervalRows({
    windows,
    total: totalOf(windows),
    elapsedSec: 3,
    lengthSec: 1.5,
    users: 12,
    responseTime: false,
  });
  assert.deepEqual(lines.map((l) => l.split(/ +/).slice(1)), [
    ["3.0", "12", "20.0", "2.0", "4.00", "4.00", "4.00", "4.00", "GET", "/b"],
    ["3.0", "12", "20.0", "2.0", "4.00", "4.00", "4.00", "4.00", "total"],
  ]);
  // The columns line up under the header.
  assert.equal(lines[1].indexOf("total"), LOAD_INTERVAL_HEADER.indexOf("endpoint"));
  const silent = [window("POST /a", 0, 0, 0)];
  assert.deepEqual(
    formatLoadIntervalRows({
      windows: silent,
      total: totalOf(silent),
      elapsedSec: 1,
      lengthSec: 1,
      users: 0,
      responseTime: false,
    }).map((l) => l.split(/ +/).slice(1)),
    [["1.0", "0", "0.0", "0.0", "0.00", "0.00", "0.00", "0.00", "total"]],
  );
});

Deno.test("formatLoadSummary() and createLoadJson() agree on counts, rates and failures", () => {
  const windows = [window("POST /a", 100, 10, 2_000_000), window("GET /b", 50, 0, 1_000_000)];
  const input = {
    windows,
    total: totalOf(windows),
    failures: [
      { endpoint: 0, kind: "HTTP 500", count: 7 },
      { endpoint: 0, kind: "connection reset", count: 3 },
    ],
    elapsedSec: 10,
    completedIterations: 140,
    abortedIterations: 10,
    responseTime: false,
  };
  const lines = formatLoadSummary(input);
  assert.equal(lines[0], "Results (10.0 s, latency is service time):");
  const rows = lines.slice(2, 5).map((l) => l.trim().split(/ +/));
  assert.deepEqual(rows.map((r) => r.slice(0, 4)), [
    ["100", "10", "10.0", "1.0"],
    ["50", "0", "5.0", "0.0"],
    ["150", "10", "15.0", "1.0"],
  ]);
  assert.deepEqual(lines.slice(5), [
    "Failures by kind:",
    "     count  kind              endpoint",
    "         7  HTTP 500          POST /a",
    "         3  connection reset  POST /a",
    "Iterations: 140 completed, 10 ended by a failed step",
  ]);
  const json = createLoadJson(input);
  assert.deepEqual(
    [json.total.requests, json.total.failures, json.total.requestsPerSec],
    [150, 10, 15],
  );
  assert.deepEqual(json.failures[1], { endpoint: "POST /a", kind: "connection reset", count: 3 });
  assert.equal(json.endpoints[1].latencyMs.p50, 1.000447);
  assert.equal(json.total.serviceLatencyMs, undefined);
});

Deno.test("failureKind() names every outcome", () => {
  assert.equal(failureKind("ok", 204), null);
  assert.equal(failureKind("server_error", 500), "HTTP 500");
  assert.equal(failureKind("client_error", 404), "HTTP 404");
  assert.equal(failureKind("unexpected_status", 302), "HTTP 302");
  assert.equal(failureKind("unexpected_success", 200), "HTTP 200, expected 4xx");
  assert.equal(failureKind("capture", 200), "HTTP 200 without a captured field");
  assert.equal(failureKind("transport", 0, "connect"), "connection error");
  assert.equal(failureKind("transport", 0, "timeout"), "timeout");
  assert.equal(failureKind("transport", 0, "bad_response"), "bad response");
  assert.equal(failureKind("transport", 0, "queue_full"), "queue full");
  assert.equal(failureKind("transport", 0), "no answer");
});
