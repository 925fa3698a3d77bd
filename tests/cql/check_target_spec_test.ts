import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";

async function run(args: string[]) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("checkTargetSpec() refuses a mixed clustering= that never gives a run of 1, before the run", async () => {
  // cassandra-stress loops for ever drawing run lengths of 0; a Worker here refused it only
  // once the schema was made, with FAILURE, exit 1 and the message in every Worker.
  const { code, out, err } = await run([
    "mixed",
    "ratio(write=1,read=3)",
    "clustering=fixed(0)",
    "n=100",
    "-node",
    "synthetic:fixed(100)",
  ]);
  assert.equal(code, 2, [...out, ...err].join("\n"));
  assert.deepEqual(out, []);
  assert.equal(err.length, 1, err.join("\n"));
  assert.match(err[0], /^error: Cannot parse option "clustering": "0\.\.0" never gives a run/);
});

Deno.test("checkTargetSpec() lets clustering=fixed(0) pass when the mix has one op", async () => {
  // With one op there is no picker, so the run length is never drawn.
  const { code, err } = await run([
    "mixed",
    "ratio(write=1)",
    "clustering=fixed(0)",
    "n=100",
    "no-warmup",
    "-rate",
    "threads=2",
    "-node",
    "synthetic:fixed(100)",
  ]);
  assert.equal(code, 0, err.join("\n"));
});

Deno.test("--dry-run refuses what a run would refuse before it connects, with one error line", async () => {
  const lines = [
    ["write", "-pop", "dist=extreme(1..10,0)", "-node", "127.9.9.9"],
    ["mixed", "ratio(write=1,read=3)", "clustering=fixed(0)", "-node", "127.9.9.9"],
    ["write", "-col", "size=uniform(5..1)", "-node", "127.9.9.9"],
  ];
  for (const line of lines) {
    const { code, out, err } = await run(["--dry-run", ...line]);
    assert.equal(code, 2, [...out, ...err].join("\n"));
    assert.deepEqual(out, [], "no settings dump of a line that cannot run");
    assert.equal(err.length, 1, err.join("\n"));
    assert.match(err[0], /^error: Cannot parse option /);
  }
  // A line that can run still prints its settings and exits 0.
  assert.equal((await run(["--dry-run", "write", "n=10", "-node", "127.9.9.9"])).code, 0);
});
