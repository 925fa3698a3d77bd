// A `checkout load --json` or `--hdr-log` that cannot be written (a full disk; /dev/full here)
// ends the run with one `error:` line naming the option and the file, exit 2, after the summary
// (as `query run` reports its own files): not an internal error with a stack trace, nor an
// uncaught error thrown by the interval timer. A failed HDR log write stops the run as Ctrl-C
// does, and the JSON file says so.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { startCheckoutService } from "./_checkout_service.ts";

const FULL = (() => {
  try {
    return Deno.statSync("/dev/full").isCharDevice;
  } catch {
    return false;
  }
})();

const NO_SPACE = "No space left on device (os error 28)";

async function load(gateway: string, args: readonly string[]) {
  const io = new BufferedIo();
  const code = await main([
    "checkout",
    "load",
    "--gateway",
    gateway,
    "--users=2",
    "--wait-time=constant(0.05)",
    "--interval=200ms",
    ...args,
  ], { io, signal: new AbortController().signal, env: {} });
  assert.ok(!io.stderr.some((line) => /^\s+at /.test(line)), io.stderr.join("\n"));
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test({
  name: "checkout load: a --json or --hdr-log on a full disk is one error line, exit 2",
  ignore: !FULL,
  async fn() {
    const service = await startCheckoutService({ seed: 3 });
    const dir = await Deno.makeTempDir({ prefix: "checkout_full_" });
    try {
      const json = await load(service.url, ["--duration=600ms", "--json", "/dev/full"]);
      assert.equal(json.code, 2, json.err.join("\n"));
      assert.deepEqual(json.err, [
        `error: Cannot write the file of --json "/dev/full": ${NO_SPACE}`,
      ]);
      assert.ok(json.out.some((line) => line.startsWith("Results (")), json.out.join("\n"));

      const started = performance.now();
      const hdr = await load(service.url, [
        "--duration=20s",
        "--hdr-log",
        "/dev/full",
        "--json",
        `${dir}/run.json`,
      ]);
      assert.equal(hdr.code, 2, hdr.err.join("\n"));
      assert.deepEqual(hdr.err, [
        `error: Cannot write the file of --hdr-log "/dev/full": ${NO_SPACE}`,
      ]);
      assert.ok(performance.now() - started < 10_000, "the write error stopped the run");
      const summary = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
      assert.equal(summary.aborted, "an output file could not be written during the measured run");
    } finally {
      await Deno.remove(dir, { recursive: true });
      await service.close();
    }
  },
});

Deno.test({
  name: "checkout load --web: a --json on a full disk is one error line, exit 2 (not 1)",
  ignore: !FULL,
  async fn() {
    const service = await startCheckoutService({ seed: 3 });
    try {
      const run = await load(service.url, [
        "--duration=400ms",
        "--json",
        "/dev/full",
        "--web=127.0.0.1:0",
        "--autostart",
        "--autoquit=50ms",
      ]);
      assert.equal(run.code, 2, run.err.join("\n"));
      assert.deepEqual(run.err, [
        `error: Cannot write the file of --json "/dev/full": ${NO_SPACE}`,
      ]);
      assert.ok(run.out.some((line) => line.startsWith("Results (")), run.out.join("\n"));
    } finally {
      await service.close();
    }
  },
});
