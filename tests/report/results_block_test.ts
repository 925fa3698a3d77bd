import assert from "node:assert/strict";
import { formatResults, formatRunEnd } from "../../lib/report/results_block.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";
import { cumulativeWindows, INTERVALS } from "./_fixture.ts";

const LAST = INTERVALS.length - 1;

Deno.test("formatResults() prints the block for one op type", async (t) => {
  await t.assertSnapshot(
    formatResults({
      windows: cumulativeWindows(LAST, { names: ["WRITE"], scheduled: false }),
      elapsedSec: 3,
      useResponseTime: false,
    }),
  );
});

Deno.test("formatResults() prints sorted brackets for two op types", async (t) => {
  await t.assertSnapshot(
    formatResults({
      windows: cumulativeWindows(LAST, { scheduled: true }).reverse(),
      elapsedSec: 3,
      useResponseTime: true,
      gc: { count: 3, bytes: 3 * 2 ** 30 + 2 ** 29, sumMs: 1234.5, sdvMs: 12.25 },
    }),
  );
});

Deno.test("formatResults() reproduces the reference sample lines", () => {
  const write = new OpWindow("WRITE", { scheduled: false });
  write.ops = write.partitions = write.rows = 1_000_000;
  write.service.recordValueWithCount(4_300_000, 1_000_000);
  const lines = formatResults({ windows: [write], elapsedSec: 21.39, useResponseTime: false })
    .split("\n");
  assert.deepEqual(lines, [
    "",
    "",
    "Results:",
    "Op rate                   :   46,751 op/s  [WRITE: 46,751 op/s]",
    "Partition rate            :   46,751 pk/s  [WRITE: 46,751 pk/s]",
    "Row rate                  :   46,751 row/s [WRITE: 46,751 row/s]",
    "Latency mean              :    4.3 ms [WRITE: 4.3 ms]",
    "Latency median            :    4.3 ms [WRITE: 4.3 ms]",
    "Latency 95th percentile   :    4.3 ms [WRITE: 4.3 ms]",
    "Latency 99th percentile   :    4.3 ms [WRITE: 4.3 ms]",
    "Latency 99.9th percentile :    4.3 ms [WRITE: 4.3 ms]",
    "Latency max               :    4.3 ms [WRITE: 4.3 ms]",
    "Total partitions          :  1,000,000 [WRITE: 1,000,000]",
    "Total errors              :          0 [WRITE: 0]",
    "Total GC count            : 0",
    "Total GC memory           : 0.000 KiB",
    "Total GC time             :    0.0 seconds",
    "Avg GC time               :    NaN ms",
    "StdDev GC time            :    0.0 ms",
    "Total operation time      : 00:00:21",
    "",
    "",
  ]);
});

Deno.test("formatResults() prints [] brackets and hours past a day", () => {
  const text = formatResults({ windows: [], elapsedSec: 90_061.9, useResponseTime: false });
  assert.match(text, /^Op rate {19}: {8}0 op\/s {2}\[\]$/m);
  assert.match(text, /^Total operation time {6}: 25:01:01$/m);
  assert.match(
    formatResults({ windows: [], elapsedSec: 0, useResponseTime: false }),
    /: +NaN op\/s {2}\[\]$/m,
  );
});

Deno.test("formatRunEnd() says END or FAILURE", () => {
  assert.equal(formatRunEnd(false), "END");
  assert.equal(formatRunEnd(true), "FAILURE");
});
