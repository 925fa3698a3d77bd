import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";

async function run(args: string[]) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

/** The `stderr` column of every interval row (`total,` rows), as printed. */
function stderrColumn(out: readonly string[]): number[] {
  return out.filter((line) => line.startsWith("total,"))
    .map((line) => Number(line.split(",")[12]));
}

/** The `total ops`, `op/s` and `time` columns of every interval row, as printed. */
function intervalRows(
  out: readonly string[],
): { totalOps: number; opRate: number; timeSec: number }[] {
  return out.filter((line) => line.startsWith("total,")).map((line) => {
    const cells = line.split(",").map(Number);
    return { totalOps: cells[1], opRate: cells[2], timeSec: cells[11] };
  });
}

/**
 * Checks that every row's time is the end of the interval its op rate was measured over: the
 * step from the row before is that interval's ops over its rate, and the first row's time is
 * its interval's length plus the fraction of the second the run started in (the time column
 * counts from the start of that second, as cassandra-stress's). The steps are not all 0.1 s:
 * an interval is cut once every Worker has answered the boundary's call, and the next
 * boundary is the next 100 ms of the clock at least 25 ms away, so on a busy machine one
 * interval may last 0.2 or 0.3 s (and its rate is over that time); what holds whatever the
 * scheduling is that the times and the rates describe the same intervals, and that no full
 * interval is cut before a quarter of 100 ms (20 ms allowing for the timer's rounding); only
 * the partial one after the stop may be shorter. Times are printed to 0.1 s (each off by up to
 * 0.05) and rates to 1 op/s (off by up to 0.5).
 *
 * @param out The command's output.
 * @param fullIntervals How many intervals ran to their boundary (the rows before the stop).
 */
function assertTimesAreMeasuredIntervals(out: readonly string[], fullIntervals: number): void {
  const rows = intervalRows(out);
  const eps = 1e-9;
  rows.forEach((row, i) => {
    const ops = row.totalOps - (i === 0 ? 0 : rows[i - 1].totalOps);
    const shortest = ops / (row.opRate + 0.5);
    const longest = row.opRate > 0.5 ? ops / (row.opRate - 0.5) : Infinity;
    if (i < fullIntervals) {
      assert.ok(longest >= 0.02, `row ${i}: ${ops} ops at ${row.opRate} op/s, under 20 ms`);
    }
    const [low, high] = i === 0
      ? [shortest - 0.05 - eps, longest + 1 + 0.05 + eps]
      : [shortest - 0.1 - eps, longest + 0.1 + eps];
    const step = row.timeSec - (i === 0 ? 0 : rows[i - 1].timeSec);
    assert.ok(
      step >= low && step <= high,
      `row ${i}: ${ops} ops at ${row.opRate} op/s last ${shortest.toFixed(4)}..${
        longest.toFixed(4)
      } s, but the time column moved ${step.toFixed(2)} s:\n${out.join("\n")}`,
    );
  });
}

Deno.test("main() in uncertainty mode stops once stderr of the mean is below err<", async () => {
  const { code, out, err } = await run([
    "write",
    "err<0.05",
    "n>5",
    "n<20",
    "no-warmup",
    "-rate",
    "threads=50",
    "-node",
    "synthetic:fixed(5000)",
    "-log",
    "interval=100ms",
  ]);
  assert.equal(code, 0, err.join("\n"));
  assert.ok(out.includes("  Target Uncertainty: 0.050"), "the settings dump shows err<");
  assert.ok(out.includes("Running WRITE with 50 threads until stderr of mean < 0.05"));
  const stderrs = stderrColumn(out);
  // The rule is checked after each full interval, from the 5th on (`n>5`), and stops at the
  // first row below err< or at the 20th (`n<20`); one partial interval may follow the stop.
  const stopAt = stderrs.findIndex((s, i) => i + 1 >= 5 && s < 0.05) + 1;
  const intervals = stopAt === 0 ? 20 : stopAt;
  assert.ok(intervals >= 5 && intervals <= 20, `stopped after ${intervals} intervals`);
  assert.ok(
    stderrs.length === intervals || stderrs.length === intervals + 1,
    `${stderrs.length} rows after ${intervals} intervals: ${stderrs}`,
  );
  assertTimesAreMeasuredIntervals(out, intervals);
  assert.equal(out[out.length - 1], "END");
});

Deno.test("main() in uncertainty mode stops at n< when stderr stays above err<", async () => {
  const { code, out, err } = await run([
    "read",
    "err<0.000001",
    "n>2",
    "n<4",
    "no-warmup",
    "-rate",
    "threads=4",
    "-node",
    "synthetic:uniform(100..2000)",
    "-log",
    "interval=100ms",
    "no-settings",
  ]);
  assert.equal(code, 0, err.join("\n"));
  assert.equal(out[0], "Running READ with 4 threads until stderr of mean < 1.0E-6");
  const stderrs = stderrColumn(out);
  assert.ok(stderrs.length === 4 || stderrs.length === 5, `${stderrs.length} rows`);
  assert.ok(stderrs.slice(1, 4).every((s) => s > 0.000001), `stderr ${stderrs}`);
  assertTimesAreMeasuredIntervals(out, 4);
  assert.equal(out[out.length - 1], "END");
});
