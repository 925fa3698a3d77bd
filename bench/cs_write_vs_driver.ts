// `stress write` against a bare cassandra-driver loop, same node, same concurrency, in one run.
// Starts `stress serve --port 0` (a separate process, so its CPU is not counted), creates the
// schema with a short `stress write`, then runs each side as its own process under
// /usr/bin/time and prints throughput, client CPU per op (user+sys of the whole process,
// start-up included) and peak RSS, and the ratios stress/bare. Then the cold start of the
// `no-warmup` runs: the first interval's op/s against the steady rate (the median of the
// intervals between the first and the final partial one), ROUNDS runs of `stress write` with
// node and client sharing both cores, then ROUNDS more against a second node pinned to core 1
// with the client pinned to core 0 (as a client and a node on separate machines: the node's
// single thread is the bottleneck, and on shared cores the client's JIT compilation in its
// first second takes CPU from it). Each series ends with its median ratio and how many runs
// were within 20%.
// Targets: throughput ratio >= 0.9, CPU-per-op ratio <= 1.15, the first interval within 20% of
// the steady rate.
//
//   deno run -A bench/cs_write_vs_driver.ts [N=200000] [C=128] [ROUNDS=1]
// deno-lint-ignore-file no-console
import { startServeNode, timeDeno } from "./_serve_node.ts";
const total = Number(Deno.args[0] ?? 200_000);
const inFlight = Number(Deno.args[1] ?? 128);
const rounds = Number(Deno.args[2] ?? 1);
const main = new URL("../main.ts", import.meta.url).pathname;
const bare = new URL("./_bare_write_loop.ts", import.meta.url).pathname;

interface Measured {
  opsPerSec: number;
  /** The op/s of each interval row (`total,` rows), the final partial one last. */
  intervals: number[];
  cpuUsPerOp: number;
  peakRssMb: number;
  wallSec: number;
}

async function timed(
  args: string[],
  parseRate: (out: string) => number,
  cpus?: string,
): Promise<Measured> {
  const run = await timeDeno(args, cpus);
  return {
    opsPerSec: parseRate(run.stdout),
    intervals: run.stdout.split("\n").filter((line) => line.startsWith("total,")).map((line) =>
      Number(line.split(",")[2])
    ),
    cpuUsPerOp: (run.cpuSec * 1e6) / total,
    peakRssMb: run.peakRssMb,
    wallSec: run.wallSec,
  };
}

const node = await startServeNode();
try {
  const port = String(node.port);
  const target = ["-node", "127.0.0.1", "-port", `native=${port}`];
  // Schema (and JIT of the node) with a short run.
  await timed(["run", "-A", main, "write", "n=20000", "-rate", "threads=64", ...target], () => 0);

  const peer = await timed(
    ["run", "-A", bare, port, String(total), String(inFlight)],
    (out) => {
      const [, ops, seconds] = /ops=(\d+) seconds=(\S+)/.exec(out)!.map(Number);
      return ops / seconds;
    },
  );
  const oursOnce = (at: string[], cpus?: string) =>
    timed(
      [
        "run",
        "-A",
        main,
        "write",
        `n=${total}`,
        "no-warmup",
        "-rate",
        `threads=${inFlight}`,
        "-log",
        "no-settings",
        ...at,
      ],
      (out) => Number(/^Op rate\s+:\s+([\d,]+) op\/s/m.exec(out)![1].replaceAll(",", "")),
      cpus,
    );
  const ours = await oursOnce(target);
  const colds = [ours];
  for (let round = 1; round < rounds; round++) colds.push(await oursOnce(target));
  const pinnedColds = await pinnedColdStarts(rounds, oursOnce);
  const row = (name: string, m: Measured) =>
    `${name.padEnd(18)} ${Math.round(m.opsPerSec).toString().padStart(8)} op/s  ${
      m.cpuUsPerOp.toFixed(1).padStart(6)
    } µs CPU/op  ${m.peakRssMb.toFixed(1).padStart(7)} MB peak RSS  ${m.wallSec.toFixed(1)} s`;
  console.log(`prepared writes: ${total}, ${inFlight} in flight, node in its own process`);
  console.log(row("bare driver loop", peer));
  console.log(row("stress write", ours));
  console.log(`throughput ratio (stress/bare): ${(ours.opsPerSec / peer.opsPerSec).toFixed(2)}`);
  console.log(`CPU/op ratio (stress/bare):     ${(ours.cpuUsPerOp / peer.cpuUsPerOp).toFixed(2)}`);
  printColdStarts("node and client sharing both cores", colds);
  printColdStarts("client on core 0, node on core 1", pinnedColds);
} finally {
  node.process.kill("SIGTERM");
  await node.process.status;
}

/** ROUNDS cold-start runs against a second node pinned to core 1, the client on core 0. */
async function pinnedColdStarts(
  count: number,
  run: (at: string[], cpus?: string) => Promise<Measured>,
): Promise<Measured[]> {
  const pinned = await startServeNode("1");
  try {
    const at = ["-node", "127.0.0.1", "-port", `native=${pinned.port}`];
    // Schema (and JIT of the node) with a short run, as on the first node.
    await timeDeno(["run", "-A", main, "write", "n=20000", "-rate", "threads=64", ...at], "0");
    const runs: Measured[] = [];
    for (let round = 0; round < count; round++) runs.push(await run(at, "0"));
    return runs;
  } finally {
    pinned.process.kill("SIGTERM");
    await pinned.process.status;
  }
}

/** Each run's first interval against its steady rate, then the series' median and hits. */
function printColdStarts(placement: string, runs: Measured[]): void {
  const ratios: number[] = [];
  for (const [i, run] of runs.entries()) {
    const steady = run.intervals.slice(1, -1).sort((a, b) => a - b);
    if (steady.length === 0) {
      console.log(`cold start (${placement}), run ${i + 1}: too few intervals`);
      continue;
    }
    const median = steady[Math.floor(steady.length / 2)];
    const first = run.intervals[0];
    ratios.push(first / median);
    console.log(
      `cold start (${placement}), run ${i + 1}: first interval ${Math.round(first)} op/s, ` +
        `steady ${Math.round(median)} op/s (median of ${steady.length}), ratio ${
          (first / median).toFixed(2)
        }`,
    );
  }
  if (ratios.length === 0) return;
  const sorted = [...ratios].sort((a, b) => a - b);
  const within = ratios.filter((ratio) => ratio >= 0.8 && ratio <= 1.2).length;
  console.log(
    `cold start (${placement}): median ratio ${
      sorted[Math.floor(sorted.length / 2)].toFixed(2)
    }, ${within} of ${ratios.length} runs within 20%`,
  );
}
