// Peak RSS of whole `stress write` runs on the native CQL path, for growing n, against the
// embedded node in its own process (`stress serve --port 0`, so its memory is not counted): it
// must not grow with n. Keys cycle over 1..1,000,000 (`-pop seq=`), so that the node holds at
// most a million rows whatever n is. Prints n, peak RSS (VmHWM of the client process, from
// /usr/bin/time), client CPU per op and op/s.
//
// `--v8-flags=F` runs the client with those V8 flags: `--max-semi-space-size=2` keeps each
// isolate's young generation at 2 MB, where V8 otherwise grows it (up to 16 MB per semi-space,
// in every Worker) the longer a run lasts, which is what made the peak RSS grow with n.
//
//   deno run -A bench/cql_write_rss.ts [--v8-flags=F] [N...]   (default 1000000 10000000)
// deno-lint-ignore-file no-console
import { startServeNode, timeDeno } from "./_serve_node.ts";

const v8Flags = Deno.args.filter((arg) => arg.startsWith("--v8-flags="));
const numbers = Deno.args.filter((arg) => !arg.startsWith("--"));
const counts = numbers.length > 0 ? numbers.map(Number) : [1_000_000, 10_000_000];
const main = new URL("../main.ts", import.meta.url).pathname;

const node = await startServeNode();
try {
  const target = ["-node", "127.0.0.1", "-port", `native=${node.port}`];
  console.log("| n | peak RSS MB | client CPU µs/op | op/s |");
  console.log("|--:|--:|--:|--:|");
  for (const n of counts) {
    const run = await timeDeno([
      ...["run", "-A", ...v8Flags, main, "write", `n=${n}`, "no-warmup", "-pop", "seq=1..1000000"],
      ...["-rate", "threads=64", ...target],
    ]);
    const rate = /^Op rate\s*:\s*([\d,]+)/m.exec(run.stdout)?.[1] ?? "?";
    const cpu = ((run.cpuSec * 1e6) / n).toFixed(2);
    console.log(
      `| ${n.toLocaleString("en-US")} | ${run.peakRssMb.toFixed(1)} | ${cpu} | ${rate} |`,
    );
  }
} finally {
  node.process.kill("SIGTERM");
  await node.process.status;
}
