// `deno task demo`: the CQL path the tool is for, in under 30 seconds on 2 cores. Starts the
// embedded CQL node (`stress serve --port 0`, in memory, on 127.0.0.1), runs cassandra-stress's
// `write` into it and then `read`, which reads the same keys back and validates every row, and
// prints each command with its output (both Results blocks). Stops the node at the end, or when
// interrupted.
//
//   deno task demo            (deno run -A scripts/demo.ts [N=100000] [THREADS=32])
// deno-lint-ignore-file no-console
import { startServeNode } from "../bench/_serve_node.ts";

const main = new URL("../main.ts", import.meta.url).pathname;
const total = Number(Deno.args[0] ?? 100_000);
const threads = Number(Deno.args[1] ?? 32);

/** Runs one stress command with its output on this terminal; its exit code. */
async function run(args: string[]): Promise<number> {
  console.log(`\n$ stress ${args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code;
}

if (!(Number.isSafeInteger(total) && total > 0 && Number.isSafeInteger(threads) && threads > 0)) {
  console.error(`error: Cannot run the demo: expected N and THREADS as positive integers`);
  Deno.exit(2);
}
const node = await startServeNode();
console.log(`stress serve: the embedded CQL node (in memory) on 127.0.0.1:${node.port}`);
const stop = () => {
  try {
    node.process.kill("SIGTERM");
  } catch {
    // already gone
  }
};
Deno.addSignalListener("SIGINT", stop);
let code = 0;
try {
  const target = ["-node", "127.0.0.1", "-port", `native=${node.port}`];
  const common = ["-rate", `threads=${threads}`, ...target, "-log", "no-settings"];
  code = await run(["write", `n=${total}`, ...common]);
  if (code === 0) code = await run(["read", `n=${total}`, ...common]);
} finally {
  stop();
  await node.process.status;
  Deno.removeSignalListener("SIGINT", stop);
}
Deno.exit(code);
