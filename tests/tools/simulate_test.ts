import assert from "node:assert/strict";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { simulateCommand } from "../../lib/tools/simulate.ts";

Deno.test("simulateCommand() says why a run failed", async () => {
  // Each op takes 100 s: the Workers cannot stop within the 5 s grace of a 0.1 s run.
  const io = new BufferedIo();
  const code = await simulateCommand([
    "0.1",
    "--threads",
    "1",
    "--workers",
    "1",
    "--latency",
    "fixed(100000000)",
  ], io);
  assert.equal(code, 1);
  assert.deepEqual(io.stdout, ["Throughput (ops/s),Latency (ms)"]);
  assert.equal(io.stderr.at(-1), "error: Workers did not stop within 5000 ms");
});
