// A run that ends before its measured run still leaves every file it names valid: Ctrl-C in the
// warm-up, a node that cannot be reached, and n=0 leave an HDR log with its header (and no
// interval) and a JSON summary that parses and says why and when the run ended. They used to be
// left empty (0 bytes).
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import type { CommandIo } from "../../lib/cli/command_io.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";

interface Ended {
  code: number;
  out: string[];
  err: string[];
  hdr: ReturnType<typeof readHdrLog>;
  summary: { aborted: string | null; total: { ops?: number } };
}

async function runWithFiles(
  args: string[],
  options: { abortOn?: RegExp; sleep?: (ms: number) => Promise<void> } = {},
): Promise<Ended> {
  const dir = await Deno.makeTempDir();
  try {
    const controller = new AbortController();
    const out: string[] = [];
    const err: string[] = [];
    const io: CommandIo = {
      out(line) {
        out.push(line);
        if (options.abortOn?.test(line)) controller.abort();
      },
      err: (line) => err.push(line),
    };
    const code = await main([
      ...args,
      "-log",
      `hdrfile=${dir}/run.hdr`,
      `json=${dir}/run.json`,
      "no-settings",
    ], { io, signal: controller.signal, sleep: options.sleep ?? (() => Promise.resolve()) });
    const hdr = readHdrLog(await Deno.readTextFile(`${dir}/run.hdr`), "run.hdr");
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    return { code, out, err, hdr, summary };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Ctrl-C in the warm-up leaves a valid HDR log and a summary that says so, exit 130", async () => {
  const run = await runWithFiles([
    "write",
    "duration=30s",
    "-rate",
    "threads=2",
    "-node",
    "synthetic:fixed(1000)",
  ], { abortOn: /^Warming up WRITE/ });
  assert.equal(run.code, 130, run.err.join("\n"));
  assert.ok(run.hdr.baseTimeMs > 0);
  assert.deepEqual(run.hdr.intervals, []);
  assert.equal(run.summary.aborted, "interrupted during the warm-up");
});

Deno.test("Ctrl-C in the pause before the warm-up ends the run there, and says nothing was measured", async () => {
  // A pause of 3 s (the test ends it when the run is over): the interruption must not wait
  // for it, and the run must not go on to the warm-up.
  let pauses = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pause = new Promise<void>((resolve) => timer = setTimeout(resolve, 3000));
  const run = await runWithFiles(["write", "duration=30s", "-node", "embedded"], {
    abortOn: /^Sleeping 2s\.\.\.$/,
    sleep: (ms) => ms === 2000 && ++pauses === 1 ? pause : Promise.resolve(),
  }).finally(() => clearTimeout(timer));
  assert.equal(run.code, 130, run.err.join("\n"));
  assert.deepEqual(run.err, [
    "error: Run interrupted by SIGINT during the pause before the warm-up: nothing was measured",
  ]);
  assert.ok(!run.out.some((line) => line.startsWith("Warming up")), run.out.join("\n"));
  assert.deepEqual(run.hdr.intervals, []);
  assert.equal(run.summary.aborted, "interrupted during the pause before the warm-up");
});

Deno.test("a node that cannot be reached leaves valid files that say why, exit 3", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const run = await runWithFiles([
    "write",
    "n=10",
    "-node",
    "127.0.0.1",
    "-port",
    `native=${port}`,
  ]);
  assert.equal(run.code, 3, run.err.join("\n"));
  assert.deepEqual(run.hdr.intervals, []);
  assert.match(run.summary.aborted ?? "", /^Cannot connect .* during the connection and schema/);
});

Deno.test("n=0 leaves valid files that say the schema was created and nothing else done", async () => {
  const run = await runWithFiles(["write", "n=0", "-node", "embedded"]);
  assert.equal(run.code, 0, run.err.join("\n"));
  assert.ok(run.out.includes("N=0: SCHEMA CREATED, NOTHING ELSE DONE."));
  assert.deepEqual(run.hdr.intervals, []);
  assert.equal(run.summary.aborted, "n=0: schema created, nothing else done");
});
