import assert from "node:assert/strict";
import { formatIntervalHeader, formatIntervalRows } from "../../lib/report/interval_rows.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";
import { INTERVALS, intervalWindows, totalOpsByName } from "./_fixture.ts";

function rowsFor(
  names: readonly string[] | undefined,
  scheduled: boolean,
  useResponseTime: boolean,
) {
  const lines = [formatIntervalHeader()];
  let elapsedSec = 0;
  for (let i = 0; i < INTERVALS.length; i++) {
    elapsedSec += INTERVALS[i].lengthSec;
    lines.push(
      ...formatIntervalRows({
        windows: intervalWindows(i, { names, scheduled }),
        totalOpsByName: totalOpsByName(i, { names, scheduled }),
        elapsedSec,
        intervalSec: INTERVALS[i].lengthSec,
        stderr: i === 0 ? 0 : 0.01234 * i,
        useResponseTime,
      }),
    );
  }
  return lines.join("\n");
}

Deno.test("formatIntervalHeader() matches the cassandra-stress header line", () => {
  // The reference sample (section 2.3), and the Java HEADFORMAT applied to HEADMETRICS.
  assert.equal(
    formatIntervalHeader(),
    "type       total ops,    op/s,    pk/s,   row/s,    mean,     med,     .95,     .99,    .999,     max,   time,   stderr, errors,  gc: #,  max ms,  sum ms,  sdv ms,      mb",
  );
  const widths = [10, 8, 8, 8, 8, 8, 8, 8, 8, 8, 7, 9, 7, 7, 8, 8, 8, 8];
  const names = [
    "total ops",
    "op/s",
    "pk/s",
    "row/s",
    "mean",
    "med",
    ".95",
    ".99",
    ".999",
    "max",
    "time",
    "stderr",
    "errors",
    "gc: #",
    "max ms",
    "sum ms",
    "sdv ms",
    "mb",
  ];
  assert.equal(
    formatIntervalHeader(),
    "type".padEnd(10) + names.map((name, i) => name.padStart(widths[i])).join(","),
  );
});

Deno.test("formatIntervalRows() prints only the total row for one op type", async (t) => {
  await t.assertSnapshot(rowsFor(["WRITE"], false, false));
});

Deno.test("formatIntervalRows() prints sorted op rows before total for two op types", async (t) => {
  await t.assertSnapshot(rowsFor(undefined, true, false));
});

Deno.test("formatIntervalRows() reports response time with fixed rate", async (t) => {
  const service = rowsFor(undefined, true, false);
  const response = rowsFor(undefined, true, true);
  assert.notEqual(service, response);
  await t.assertSnapshot(response);
});

Deno.test("formatIntervalRows() lays out the reference sample row", () => {
  const window = new OpWindow("WRITE", { scheduled: false });
  window.ops = window.partitions = window.rows = 42991;
  window.service.recordValueWithCount(255_400_000, 42991);
  const [row] = formatIntervalRows({
    windows: [window],
    totalOpsByName: { WRITE: 43148 },
    elapsedSec: 1,
    intervalSec: 1,
    stderr: 0,
    useResponseTime: false,
    gc: { count: 1, maxMs: 49, sumMs: 49, sdvMs: 0, mb: 612 },
  });
  assert.equal(
    row,
    "total,         43148,   42991,   42991,   42991,   255.4,   255.5,   255.5,   255.5,   255.5,   255.5,    1.0,  0.00000,      0,      1,      49,      49,       0,     612",
  );
});

Deno.test("formatIntervalRows() prints nothing for an interval without ops", () => {
  const windows = [
    new OpWindow("READ", { scheduled: false }),
    new OpWindow("WRITE", { scheduled: false }),
  ];
  assert.deepEqual(
    formatIntervalRows({
      windows,
      totalOpsByName: { READ: 5, WRITE: 5 },
      elapsedSec: 3,
      intervalSec: 1,
      stderr: 0,
      useResponseTime: false,
    }),
    [],
  );
});

Deno.test("formatIntervalRows() pads a long op name without cutting it", () => {
  const write = new OpWindow("COUNTER_WRITE", { scheduled: false });
  write.ops = 1;
  write.service.recordValue(1_000);
  const read = new OpWindow("COUNTER_READ", { scheduled: false });
  const rows = formatIntervalRows({
    windows: [write, read],
    totalOpsByName: { COUNTER_WRITE: 1, COUNTER_READ: 0 },
    elapsedSec: 1,
    intervalSec: 1,
    stderr: 0,
    useResponseTime: false,
  });
  assert.deepEqual(rows.map((row) => row.split(",").slice(0, 2).join(",")), [
    "COUNTER_READ,         0",
    "COUNTER_WRITE,         1",
    "total,             1",
  ]);
});
