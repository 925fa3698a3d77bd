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

/** The `time` column of every interval row. */
function timeColumn(out: readonly string[]): number[] {
  return out.filter((line) => line.startsWith("total,"))
    .map((line) => Number(line.split(",")[11]));
}

/**
 * The median step of the time column: the interval the rows were cut at. A stalled timer
 * lengthens one step, not the median (with `interval=1s` it would read 1.0).
 */
function medianStepSec(times: readonly number[]): number {
  const steps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
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
  // Intervals are 100 ms long (the time column counts from the start of the second the run
  // started in, as cassandra-stress's).
  const times = timeColumn(out);
  assert.ok(Math.abs(medianStepSec(times) - 0.1) < 0.05, `times ${times}`);
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
  const times = timeColumn(out);
  assert.ok(Math.abs(medianStepSec(times) - 0.1) < 0.05, `times ${times}`);
  assert.equal(out[out.length - 1], "END");
});
