// `stress user` with a key-value profile of write's row shape (ops(insert=1)) against
// `stress write` with the same row, same node, same concurrency, in one run. Starts
// `stress serve --port 0` pinned to core 1 (a separate process, so its CPU is not counted), runs
// each command once to create its schema and warm the node, then each as its own process pinned
// to core 0 (`taskset -c 0`, so that the node does not share its core) under /usr/bin/time,
// and prints throughput, client CPU per op (user+sys of the whole process, start-up included),
// peak RSS and the ratio user/write, for each of ROUNDS rounds (each runs write then user), and
// the median ratio: one pair of runs on a shared 2-core machine varies by 10 to 20%.
// Target (issue 19): client CPU per op of user <= 1.2 x write's.
//
//   deno run -A bench/user_vs_write.ts [N=200000] [THREADS=128] [ROUNDS=3]
// deno-lint-ignore-file no-console
import { startServeNode } from "./_serve_node.ts";
import { timedRun } from "./_timed_run.ts";
const total = Number(Deno.args[0] ?? 200_000);
const threads = Number(Deno.args[1] ?? 128);
const rounds = Number(Deno.args[2] ?? 3);
const CLIENT_CPUS = "0";
const NODE_CPUS = "1";
const main = new URL("../main.ts", import.meta.url).pathname;
const profile = new URL("./profiles/write_shaped.yaml", import.meta.url).pathname;

interface Measured {
  opsPerSec: number;
  cpuUsPerOp: number;
  peakRssMb: number;
  wallSec: number;
}

async function timed(args: string[]): Promise<Measured> {
  const run = await timedRun([Deno.execPath(), "run", "-A", main, ...args], {
    cpus: CLIENT_CPUS,
    timeoutMs: 600_000,
  });
  if (run.code !== 0) throw new Error(`${args.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
  const rate = /^Op rate\s+:\s+([\d,]+) op\/s/m.exec(run.stdout);
  return {
    opsPerSec: rate === null ? 0 : Number(rate[1].replaceAll(",", "")),
    cpuUsPerOp: (run.cpuSec * 1e6) / total,
    peakRssMb: run.peakRssMb,
    wallSec: run.wallSec,
  };
}

const node = await startServeNode(NODE_CPUS);
try {
  const target = ["-node", "127.0.0.1", "-port", `native=${node.port}`];
  const common = ["no-warmup", "-rate", `threads=${threads}`, "-log", "no-settings", ...target];
  const write = (n: number) => ["write", `n=${n}`, ...common];
  const user = (n: number) => ["user", `profile=${profile}`, "ops(insert=1)", `n=${n}`, ...common];
  // Schemas, and the node's JIT, with short runs of each.
  await timed(write(20_000));
  await timed(user(20_000));
  const row = (name: string, m: Measured) =>
    `${name.padEnd(14)} ${Math.round(m.opsPerSec).toString().padStart(8)} op/s  ${
      m.cpuUsPerOp.toFixed(1).padStart(6)
    } µs CPU/op  ${m.peakRssMb.toFixed(1).padStart(7)} MB peak RSS  ${m.wallSec.toFixed(1)} s`;
  console.log(
    `${total} writes of a 10-byte key and five 34-byte values, ${threads} threads; ` +
      `clients on core ${CLIENT_CPUS}, the node on core ${NODE_CPUS}`,
  );
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const ours = { write: await timed(write(total)), user: await timed(user(total)) };
    console.log(`round ${round}`);
    console.log(row("stress write", ours.write));
    console.log(row("stress user", ours.user));
    ratios.push(ours.user.cpuUsPerOp / ours.write.cpuUsPerOp);
    console.log(`CPU/op ratio (user/write): ${ratios[ratios.length - 1].toFixed(2)}`);
  }
  const median = ratios.toSorted((a, b) => a - b)[Math.floor(ratios.length / 2)];
  console.log(
    `median CPU/op ratio (user/write) of ${rounds} rounds: ${median.toFixed(2)} ` +
      `(target <= 1.20: ${median <= 1.2 ? "PASS" : "FAIL"})`,
  );
} finally {
  node.process.kill("SIGTERM");
  await node.process.status;
}
