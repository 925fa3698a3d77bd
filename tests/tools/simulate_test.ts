import assert from "node:assert/strict";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { simulateCommand } from "../../lib/tools/simulate.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { main } from "../../main.ts";

Deno.test("simulateCommand() lets the ops in flight at the end take the latency they drew", async () => {
  // Each op takes 6.5 s, past the 5 s the Workers had to stop in once a 0.1 s run ended: the run
  // failed with "Workers did not stop within 5000 ms". They get the longest latency and 5 s.
  const io = new BufferedIo();
  const code = await simulateCommand(
    ["0.1", "--threads", "1", "--workers", "1", "--latency", "fixed(6500000)"],
    io,
  );
  assert.equal(code, 0, io.stderr.join("\n"));
  // The one op's mean is the middle of its HDR bucket, at 3 significant digits 4.2 ms wide
  // here: 6.5 s itself reads 6499.074. It took at least its 6.5 s, and less than the 5 s more
  // the run gives it.
  const [ops, meanMs] = io.stdout.at(-1)!.split(",").map(Number);
  const drawn = new LatencyHistogram();
  drawn.recordValue(6_500_000_000);
  assert.equal(ops, 0);
  // Both as printed, to 3 decimals (6499.0744 prints as 6499.074).
  const least = Number((drawn.meanNs / 1e6).toFixed(3));
  assert.ok(meanMs >= least && meanMs < 11_500, `${io.stdout.at(-1)} against ${least}`);
});

Deno.test("simulateCommand(): the longest --interval reports once, whatever the wall-clock time", async () => {
  // The first boundary is skipped when it is less than a quarter interval away: at 2^31 - 1 ms
  // that made 1.25 intervals, beyond what a timer can wait, and a timer that cannot wait fires
  // at once (a row every millisecond). Put the wall clock where that happens.
  const intervalMs = 2_147_483_647;
  const realNow = Date.now;
  const shiftMs = intervalMs - (realNow() % intervalMs) - intervalMs / 10;
  Date.now = () => realNow() + shiftMs;
  const io = new BufferedIo();
  try {
    const code = await simulateCommand([
      "0.3",
      "--threads",
      "2",
      "--workers",
      "1",
      "--interval",
      String(intervalMs),
    ], io);
    assert.equal(code, 0);
  } finally {
    Date.now = realNow;
  }
  // The header and the run's one (last) interval.
  assert.ok(io.stdout.length <= 2, `${io.stdout.length - 1} rows in 0.3 s`);
});

Deno.test("simulate stopped by Ctrl-C prints its rows, then one error line, exit 130", async () => {
  const io = new BufferedIo();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1500);
  try {
    const code = await main(["simulate", "5", "--threads", "1", "--workers", "1"], {
      io,
      signal: controller.signal,
    });
    assert.equal(code, 130, io.stderr.join("\n"));
  } finally {
    clearTimeout(timer);
  }
  assert.equal(io.stdout[0], "Throughput (ops/s),Latency (ms)");
  assert.ok(io.stdout.length >= 2, io.stdout.join("\n"));
  assert.match(io.stderr[0], /^Loader: /);
  assert.deepEqual(io.stderr.slice(1), [
    "error: Run interrupted by SIGINT: printed what was measured",
  ]);
});
