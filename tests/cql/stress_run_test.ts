import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";

async function run(args: string[]) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

/** A run whose every op fails, with no retry and no `-errors ignore`. */
function failingRun(threads: number): string[] {
  return [
    "write",
    "n=500",
    "no-warmup",
    "-rate",
    `threads=${threads}`,
    "-node",
    "synthetic:fixed(100):errors(1)",
    "-errors",
    "retries=0",
  ];
}

Deno.test("runStress() -log level=minimal still says which op ended the run with FAILURE", async () => {
  const { code, out, err } = await run([...failingRun(4), "-log", "level=minimal"]);
  assert.equal(code, 1);
  assert.equal(out.at(-1), "FAILURE");
  assert.equal(err.length, 1, err.join("\n"));
  assert.match(err[0], /^Operation x1 on key\(s\) \[\d+\]: Error executing: \(SyntheticOpError\)/);
});

Deno.test("runStress() -log level=normal prints a failed op once, as it fails", async () => {
  const { code, err } = await run(failingRun(1));
  assert.equal(code, 1);
  assert.equal(err.length, 1, err.join("\n"));
  assert.match(err[0], /^Operation x1 on key\(s\) \[\d+\]: Error executing: /);
});
