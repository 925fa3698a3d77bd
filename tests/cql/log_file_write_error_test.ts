// A `-log file=`, `hdrfile=` or `json=` that cannot be written (a full disk; /dev/full here)
// ends the run with one `error:` line naming the option and the file, exit 2 (as `query run`
// reports its own files): not an internal error with a stack trace. The other files stay valid.
import assert from "node:assert/strict";
import { runAgainst } from "../embedded/_cql_run.ts";
import { EXIT_CODES } from "../../lib/errors.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { readGraphRevisions } from "../../lib/report/graph_html.ts";
import { SMALL_DISK, withSmallDisk } from "../cli/_small_disk.ts";

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

/** A short run with 100 ms intervals, so that its files are written while it runs. */
const TIMED = [
  "write",
  "duration=10s",
  "no-warmup",
  "-rate",
  "threads=1",
  "-node",
  "synthetic:fixed(200)",
];

/** The lines of `out` from `Results:` on. */
function resultsOf(out: readonly string[]): string[] {
  return out.slice(out.indexOf("Results:"));
}

/** Checks a run stopped by a file it could not write: what it measured printed and stored. */
async function assertStoppedByWrite(
  output: { code: number; out: string[]; err: string[] },
  option: string,
  json: string,
): Promise<void> {
  const { code, out, err } = output;
  assert.equal(code, EXIT_CODES.usage, err.join("\n"));
  // The Results block of what was measured, FAILURE (cut short), then the one error line.
  assert.ok(out.includes("Results:"), out.join("\n"));
  assert.equal(out.at(-1), "FAILURE", out.join("\n"));
  assert.deepEqual(err.filter((line) => line.startsWith("error: ")).length, 1, err.join("\n"));
  assert.match(err.at(-1)!, new RegExp(`^error: Cannot write the file of -log ${option} `));
  const summary = JSON.parse(await Deno.readTextFile(json));
  assert.match(summary.aborted, /Cannot write the file of .* during the measured run$/);
  const ops = Number(/Total partitions\s+:\s+([\d,]+)/.exec(resultsOf(out).join("\n"))![1]
    .replaceAll(",", ""));
  assert.ok(ops > 0);
  assert.equal(summary.total.ops, ops, "the JSON summary holds what the Results block shows");
  assert.ok(summary.intervals.length > 0);
  // Stopped at the failed write, not at the end of its 10 s.
  assert.ok(summary.elapsedSec < 8, `${summary.elapsedSec} s`);
}

// Regression: a write to -log hdrfile= that failed while the run went on (the HDR log is written
// at each interval) threw out of the run: no Results block, no END or FAILURE, and a JSON
// summary with nothing in it; now it stops the run as Ctrl-C does.
Deno.test({
  name: "a -log hdrfile= that fails during the run prints and stores what was measured",
  ignore: !FULL,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const json = `${dir}/run.json`;
      const output = await run([
        ...TIMED,
        "-log",
        "hdrfile=/dev/full",
        `json=${json}`,
        "interval=100ms",
        "no-settings",
      ]);
      await assertStoppedByWrite(output, "hdrfile", json);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// Regression: as above, for -log file= (the console's copy): the run ended with the line it
// could not write, and the log on the full disk ended half-way through a line.
Deno.test({
  name: "a -log file= on a disk that fills during the run keeps whole lines, and the Results",
  ignore: !SMALL_DISK,
  async fn() {
    await withSmallDisk(4096, async (diskDir) => {
      const dir = await Deno.makeTempDir();
      try {
        const json = `${dir}/run.json`;
        const hdr = `${dir}/run.hdr`;
        const log = `${diskDir}/run.log`;
        const output = await run([
          ...TIMED,
          "-log",
          `file=${log}`,
          `hdrfile=${hdr}`,
          `json=${json}`,
          "interval=100ms",
        ]);
        await assertStoppedByWrite(output, "file", json);
        const text = await Deno.readTextFile(log);
        assert.ok(text.endsWith("\n"), JSON.stringify(text.slice(-80)));
        const lines = text.slice(0, -1).split("\n");
        assert.deepEqual(lines, output.out.slice(0, lines.length));
        assert.ok(readHdrLog(await Deno.readTextFile(hdr), hdr).intervals.length > 0);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

// Regression: the HDR log on a disk that filled up ended half-way through an interval's line,
// which no reader takes.
Deno.test({
  name: "a -log hdrfile= on a disk that fills during the run stays a valid HDR log",
  ignore: !SMALL_DISK,
  async fn() {
    await withSmallDisk(4096, async (diskDir) => {
      const dir = await Deno.makeTempDir();
      try {
        const json = `${dir}/run.json`;
        const hdr = `${diskDir}/run.hdr`;
        const output = await run([
          ...TIMED.map((arg) => arg.startsWith("synthetic") ? "synthetic:uniform(100..5000)" : arg),
          "-log",
          `hdrfile=${hdr}`,
          `json=${json}`,
          "interval=100ms",
          "no-settings",
        ]);
        await assertStoppedByWrite(output, "hdrfile", json);
        const text = await Deno.readTextFile(hdr);
        assert.ok(readHdrLog(text, hdr).intervals.length > 0);
        assert.ok(text.endsWith("\n"));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

// Regression: a -log json= that could not be written at the end threw before the -graph file was
// written: the run's revision was lost with it.
Deno.test({
  name: "a -log json= on a full disk still lets the -graph file take the run",
  ignore: !FULL,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const graph = `${dir}/graph.html`;
      const { code, out, err } = await run([
        ...WRITE,
        "-log",
        "json=/dev/full",
        "no-settings",
        "-graph",
        `file=${graph}`,
      ]);
      assert.equal(code, EXIT_CODES.usage, err.join("\n"));
      assertOneWriteError(err, "json");
      assert.equal(out.at(-1), "END");
      assert.equal(readGraphRevisions(await Deno.readTextFile(graph)).length, 1);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
