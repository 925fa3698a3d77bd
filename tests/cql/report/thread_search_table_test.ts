import assert from "node:assert/strict";
import {
  formatThreadImprovement,
  formatThreadSearchTable,
  formatThreadStepStart,
  type ThreadSearchTableStep,
} from "../../../lib/cql/report/thread_search_table.ts";
import { formatIntervalHeader, formatIntervalRows } from "../../../lib/report/interval_rows.ts";
import { OpWindow } from "../../../lib/stats/op_window.ts";
import { cumulativeWindows } from "../../report/_fixture.ts";

/** Three steps built from the fixture: the cumulative windows after intervals 0, 1 and 2. */
function fixtureSteps(
  names: readonly string[] | undefined,
  scheduled: boolean,
  threads = [4, 104, 204],
): ThreadSearchTableStep[] {
  return threads.map((count, i) => ({
    threads: count,
    windows: cumulativeWindows(i, { names, scheduled }),
    elapsedSec: i + 1,
    stderr: 0.0125 * i,
  }));
}

Deno.test("formatThreadStepStart() prints an empty line then the thread count", () => {
  assert.equal(formatThreadStepStart(4), "\nRunning with 4 threadCount\n");
});

Deno.test("formatThreadImprovement() rounds half up as Java's %.0f and prints NaN", () => {
  const cases: [number, string][] = [
    [0.125, "13"],
    [0.1249, "12"],
    [-0.125, "-13"],
    [-0.001, "-0"],
    [0, "0"],
    [25, "2500"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
  ];
  for (const [improvement, text] of cases) {
    assert.equal(
      formatThreadImprovement(204, improvement),
      `Improvement over 204 threadCount: ${text}%\n`,
    );
  }
});

Deno.test("formatThreadSearchTable() prefixes the interval header and rows with the step id", () => {
  const steps = fixtureSteps(["WRITE"], false);
  const lines = formatThreadSearchTable({ steps, useResponseTime: false }).split("\n");
  assert.equal(lines.pop(), "");
  assert.equal(lines[0], `             id, ${formatIntervalHeader()}`);
  // Per step: the op's row (named, even when it is the only op type), then `total`.
  assert.deepEqual(lines.slice(1).map((line) => line.slice(0, 23)), [
    "  4 threadCount, WRITE,",
    "  4 threadCount, total,",
    "104 threadCount, WRITE,",
    "104 threadCount, total,",
    "204 threadCount, WRITE,",
    "204 threadCount, total,",
  ]);
  // The figures are the step's whole-run ones, as an interval row over the step would show.
  const [last] = formatIntervalRows({
    windows: steps[2].windows,
    totalOpsByName: { WRITE: steps[2].windows[0].ops },
    elapsedSec: 3,
    intervalSec: 3,
    stderr: 0.025,
    useResponseTime: false,
  });
  assert.equal(lines[6], `204 threadCount, ${last}`);
  assert.equal(lines[5].slice(23), lines[6].slice(23));
});

Deno.test("formatThreadSearchTable() leaves out op types and steps without ops", () => {
  const idle = new OpWindow("READ", { scheduled: false });
  const [write] = cumulativeWindows(0, { names: ["WRITE"], scheduled: false });
  const lines = formatThreadSearchTable({
    steps: [
      { threads: 4, windows: [idle, write], elapsedSec: 1, stderr: 0 },
      { threads: 1000, windows: [idle], elapsedSec: 1, stderr: 0 },
    ],
    useResponseTime: false,
  }).split("\n");
  assert.deepEqual(lines.map((line) => line.slice(0, 24)), [
    "              id, type  ",
    "   4 threadCount, WRITE,",
    "   4 threadCount, total,",
    "",
  ]);
});

Deno.test("formatThreadSearchTable() matches the snapshots", async (t) => {
  await t.step("one op type, service time", async () => {
    await t.assertSnapshot(
      formatThreadSearchTable({ steps: fixtureSteps(["WRITE"], false), useResponseTime: false }),
    );
  });
  await t.step("mixed, response time, wider ids", async () => {
    await t.assertSnapshot(
      formatThreadSearchTable({
        steps: fixtureSteps(undefined, true, [504, 604, 1041]),
        useResponseTime: true,
      }),
    );
  });
  await t.step("no steps", async () => {
    await t.assertSnapshot(formatThreadSearchTable({ steps: [], useResponseTime: false }));
  });
});
