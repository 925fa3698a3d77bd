// A `simulate --hdrfile` that cannot be written (a full disk; /dev/full here) stops the run, which
// still prints what it measured (its rows and the Loader line), then ends with one `error:` line
// naming the option and the file, exit 2 (as `checkout load` and `query run` report their files):
// not an internal error with a stack trace, exit 70.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { SIMULATE_HELP } from "../../lib/tools/simulate.ts";

const FULL = (() => {
  try {
    return Deno.statSync("/dev/full").isCharDevice;
  } catch {
    return false;
  }
})();

const ERROR = 'error: Cannot write the file of --hdrfile "/dev/full": ' +
  "No space left on device (os error 28)";

async function simulate(args: readonly string[]) {
  const io = new BufferedIo();
  const code = await main(["simulate", ...args, "--threads", "2", "--workers", "1"], {
    io,
    signal: new AbortController().signal,
    env: {},
  });
  assert.ok(!io.stderr.some((line) => /^\s+at /.test(line)), io.stderr.join("\n"));
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test({
  name: "simulateCommand(): a --hdrfile on a full disk stops the run, then one error line, exit 2",
  ignore: !FULL,
  async fn() {
    const started = performance.now();
    const run = await simulate(["20", "--interval", "200", "--hdrfile", "/dev/full"]);
    assert.equal(run.code, 2, run.err.join("\n"));
    assert.ok(performance.now() - started < 10_000, "the write error stopped the run");
    // What was measured: the header and at least the row whose log line failed.
    assert.equal(run.out[0], "Throughput (ops/s),Latency (ms)");
    assert.ok(run.out.length >= 2, run.out.join("\n"));
    assert.deepEqual(run.err.filter((line) => line.startsWith("error:")), [ERROR]);
    assert.equal(run.err.at(-1), ERROR);
  },
});

Deno.test({
  name: "simulateCommand(): a --hdrfile that fails at the run's only (last) interval, exit 2",
  ignore: !FULL,
  async fn() {
    const run = await simulate(["0.3", "--interval", "60000", "--hdrfile", "/dev/full"]);
    assert.equal(run.code, 2, run.err.join("\n"));
    assert.equal(run.out.length, 2, run.out.join("\n"));
    assert.deepEqual(run.err.filter((line) => line.startsWith("error:")), [ERROR]);
  },
});

Deno.test("SIMULATE_HELP says a row is printed per --interval, not per second", () => {
  assert.match(SIMULATE_HELP, /one CSV row\nper --interval \(1 s\), then a last, shorter row/);
  assert.doesNotMatch(SIMULATE_HELP, /row\s+per second/);
});
