// A `-log file=`, `hdrfile=` or `json=` that cannot be written (a full disk; /dev/full here)
// ends the run with one `error:` line naming the option and the file, exit 2 (as `query run`
// reports its own files): not an internal error with a stack trace. The other files stay valid.
import assert from "node:assert/strict";
import { runAgainst } from "../embedded/_cql_run.ts";
import { EXIT_CODES } from "../../lib/errors.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";

const FULL = (() => {
  try {
    return Deno.statSync("/dev/full").isCharDevice;
  } catch {
    return false;
  }
})();

/** Runs a command line through main(), no sleeps. */
const run = (args: readonly string[]) => runAgainst(null, args);

const WRITE = ["write", "n=10", "-rate", "threads=1", "-node", "synthetic"];

function assertOneWriteError(err: readonly string[], option: string): void {
  assert.deepEqual(err.filter((line) => line.startsWith("error: ")), [
    `error: Cannot write the file of -log ${option} "/dev/full": No space left on device (os error 28)`,
  ]);
  assert.ok(!err.some((line) => /^\s+at /.test(line)), err.join("\n"));
}

for (const option of ["file", "hdrfile", "json"]) {
  Deno.test({
    name: `a -log ${option}= on a full disk is one error line, exit 2`,
    ignore: !FULL,
    async fn() {
      const { code, err } = await run([...WRITE, "-log", `${option}=/dev/full`]);
      assert.equal(code, EXIT_CODES.usage, err.join("\n"));
      assertOneWriteError(err, option);
    },
  });
}

Deno.test({
  name: "a -log hdrfile= on a full disk leaves -log json= valid, saying why the run ended",
  ignore: !FULL,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const json = `${dir}/run.json`;
      const { code, err } = await run([...WRITE, "-log", "hdrfile=/dev/full", `json=${json}`]);
      assert.equal(code, EXIT_CODES.usage, err.join("\n"));
      assertOneWriteError(err, "hdrfile");
      const summary = JSON.parse(await Deno.readTextFile(json));
      assert.match(summary.aborted, /Cannot write the file of -log hdrfile "\/dev\/full"/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "n=0 with -log json= on a full disk is one error line; -log hdrfile= stays valid",
  ignore: !FULL,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const hdr = `${dir}/run.hdr`;
      const { code, out, err } = await run([
        "write",
        "n=0",
        "-node",
        "synthetic",
        "-log",
        "json=/dev/full",
        `hdrfile=${hdr}`,
        "no-settings",
      ]);
      assert.equal(code, EXIT_CODES.usage, err.join("\n"));
      assert.deepEqual(out, ["N=0: SCHEMA CREATED, NOTHING ELSE DONE."]);
      assertOneWriteError(err, "json");
      assert.equal(readHdrLog(await Deno.readTextFile(hdr), hdr).intervals.length, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a run that fails on its own keeps its error when -log json= cannot be written either",
  ignore: !FULL,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const { code, err } = await run([
      "write",
      "n=10",
      "-node",
      "127.0.0.1",
      "-port",
      `native=${port}`,
      "-log",
      "json=/dev/full",
      "no-settings",
    ]);
    assert.equal(code, EXIT_CODES.target, err.join("\n"));
    assert.equal(err.length, 1, err.join("\n"));
    assert.match(err[0], /^error: Cannot connect /);
  },
});
