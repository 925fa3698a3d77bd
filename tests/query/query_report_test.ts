import assert from "node:assert/strict";
import {
  createQueryJson,
  formatQueryReport,
  type QueryReportInput,
} from "../../lib/query/query_report.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";

function windowOf(valuesNs: number[], errors = 0): OpWindow {
  const window = new OpWindow("QUERY", { scheduled: false });
  for (const value of valuesNs) window.service.recordValue(value);
  window.ops = valuesNs.length;
  window.errors = errors;
  return window;
}

function input(): QueryReportInput {
  const a = windowOf([1_000_000, 2_000_000, 3_000_000]);
  const b = windowOf([10_000_001], 2);
  const total = new OpWindow("QUERY", { scheduled: false });
  total.add(a);
  total.add(b);
  return {
    total,
    exact: { count: 4, sumNs: 16_000_001, minNs: 1_000_000, maxNs: 10_000_001 },
    workers: [
      { window: a, hosts: 2, exact: { count: 3, sumNs: 6e6, minNs: 1e6, maxNs: 3e6 } },
      {
        window: b,
        hosts: 3,
        exact: { count: 1, sumNs: 10_000_001, minNs: 10_000_001, maxNs: 10_000_001 },
      },
    ],
    wallSec: 2,
    errors: [{
      kind: "22012 division_by_zero",
      count: 2,
      firstLine: 9,
      firstHost: "h",
      message: "division by zero",
    }],
    badRows: 1,
    notRun: 0,
  };
}

Deno.test("formatQueryReport() gives the assignment's figures, percentiles, workers and errors", async (t) => {
  await t.assertSnapshot(formatQueryReport(input()));
});

Deno.test("formatQueryReport() keeps percentiles within the exact min and max", () => {
  const lines = formatQueryReport(input());
  const value = (label: string) =>
    Number(lines.find((l) => l.startsWith(label))!.split(":")[1].trim().split(" ")[0]);
  assert.equal(value("Maximum query time"), 10.000);
  // The HDR bucket of 10,000,001 ns reaches 10.006 ms; the report stops at the exact max.
  assert.equal(value("99.9th percentile"), 10.000);
  assert.equal(value("Median query time"), 2.001);
});

Deno.test("createQueryJson() agrees with the text and counts errors", () => {
  const json = createQueryJson(input());
  assert.equal(json.queries, 4);
  assert.equal(json.errors, 2);
  assert.equal(json.queriesPerSec, 2);
  assert.equal(json.queryTimeMs.average, 4.00000025);
  assert.equal(json.latencyMs.max, 10.000001);
  assert.deepEqual(json.workers.map((w) => [w.queries, w.errors, w.hosts]), [[3, 0, 2], [1, 2, 3]]);
});

Deno.test("formatQueryReport() of a run without queries prints no query time, not NaN", () => {
  const empty = new OpWindow("QUERY", { scheduled: false });
  const lines = formatQueryReport({
    total: empty,
    exact: { count: 0, sumNs: 0, minNs: 0, maxNs: 0 },
    workers: [{ window: empty, hosts: 0, exact: { count: 0, sumNs: 0, minNs: 0, maxNs: 0 } }],
    wallSec: 0,
    errors: [],
    badRows: 0,
    notRun: 3,
  });
  assert.ok(lines.every((line) => !line.includes("NaN")), lines.join("\n"));
  assert.ok(lines.includes("Rows not run              : 3"));
  // No query ran: no minimum of 0.000 ms.
  assert.ok(lines.includes("Minimum query time        : -"), lines.join("\n"));
  assert.ok(lines.includes("Median query time         : -"), lines.join("\n"));
  assert.ok(lines.includes("Total processing time     : 0.000 ms"), lines.join("\n"));
});
