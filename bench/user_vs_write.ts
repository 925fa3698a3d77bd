// `stress user` with a key-value profile of write's row shape (ops(insert=1)) against
// `stress write` with the same row, same node, same concurrency, in one run. Starts
// `stress serve --port 0` (a separate process, so its CPU is not counted), runs each command
// once to create its schema and warm the node, then each as its own process under /usr/bin/time,
// and prints throughput, client CPU per op (user+sys of the whole process, start-up included),
// peak RSS and the ratio user/write.
// Target (issue 19): client CPU per op of user <= 1.2 x write's.
//
//   deno run -A bench/user_vs_write.ts [N=200000] [THREADS=128]
// deno-lint-ignore-file no-console
import { startServeNode, timeDeno } from "./_serve_node.ts";
const total = Number(Deno.args[0] ?? 200_000);
const threads = Number(Deno.args[1] ?? 128);
const main = new URL("../main.ts", import.meta.url).pathname;
const profile = new URL("./profiles/write_shaped.yaml", import.meta.url).pathname;

interface Measured {
  opsPerSec: number;
  cpuUsPerOp: number;
  peakRssMb: number;
  wallSec: number;
}

async function timed(args: string[]): Promise<Measured> {
  const run = await timeDeno(["run", "-A", main, ...args]);
  const rate = /^Op rate\s+:\s+([\d,]+) op\/s/m.exec(run.stdout);
  return {
    opsPerSec: rate === null ? 0 : Number(rate[1].replaceAll(",", "")),
    cpuUsPerOp: (run.cpuSec * 1e6) / total,
    peakRssMb: run.peakRssMb,
    wallSec: run.wallSec,
  };
}

const node = await startServeNode();
try {
  const target = ["-node", "127.0.0.1", "-port", `native=${node.port}`];
  const common = ["no-warmup", "-rate", `threads=${threads}`, "-log", "no-settings", ...target];
  const write = (n: number) => ["write", `n=${n}`, ...common];
  const user = (n: number) => ["user", `profile=${profile}`, "ops(insert=1)", `n=${n}`, ...common];
  // Schemas, and the node's JIT, with short runs of each.
  await timed(write(20_000));
  await timed(user(20_000));
  const ours = { write: await timed(write(total)), user: await timed(user(total)) };
  const row = (name: string, m: Measured) =>
    `${name.padEnd(14)} ${Math.round(m.opsPerSec).toString().padStart(8)} op/s  ${
      m.cpuUsPerOp.toFixed(1).padStart(6)
    } µs CPU/op  ${m.peakRssMb.toFixed(1).padStart(7)} MB peak RSS  ${m.wallSec.toFixed(1)} s`;
  console.log(`${total} writes of a 10-byte key and five 34-byte values, ${threads} threads`);
  console.log(row("stress write", ours.write));
  console.log(row("stress user", ours.user));
  const ratio = ours.user.cpuUsPerOp / ours.write.cpuUsPerOp;
  console.log(
    `CPU/op ratio (user/write): ${ratio.toFixed(2)} (target <= 1.20: ${
      ratio <= 1.2 ? "PASS" : "FAIL"
    })`,
  );
} finally {
  node.process.kill("SIGTERM");
  await node.process.status;
}
