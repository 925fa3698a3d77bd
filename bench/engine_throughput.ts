// Engine overhead on a zero-latency synthetic target: ops/s with one Worker and with two,
// and their ratio. Run: deno run -A bench/engine_throughput.ts [OPS]
// Targets (issue 2): >= 1,000,000 ops/s with one Worker; two Workers >= 1.6x one Worker.
import { runWorkload } from "../lib/engine/run_workload.ts";

const totalOps = Number(Deno.args[0] ?? 10_000_000);
const rounds = 3;

async function measure(workers: number): Promise<number> {
  const result = await runWorkload({
    opNames: ["WRITE"],
    threads: 64,
    workers,
    totalOps,
    durationMs: -1,
    uncertainty: null,
    schedule: null,
    mix: null,
    population: { kind: "seq", lo: 1, hi: totalOps },
    target: { kind: "synthetic", latencyUs: null, errorRate: 0 },
    errors: { tries: 1, ignore: false },
    seed: 1,
    intervalMs: 1000,
    stopGraceMs: 5000,
    startTimeoutMs: 30_000,
  });
  return result.totals[0].ops / result.elapsedSec;
}

const best: Record<number, number> = {};
for (let round = 0; round < rounds; round++) {
  for (const workers of [1, 2]) {
    const opsPerSec = await measure(workers);
    best[workers] = Math.max(best[workers] ?? 0, opsPerSec);
    // deno-lint-ignore no-console
    console.log(`round ${round + 1}: ${workers} Worker(s): ${Math.round(opsPerSec)} ops/s`);
  }
}
// deno-lint-ignore no-console
console.log(
  `best of ${rounds}, ${totalOps} ops, 64 threads: 1 Worker ${Math.round(best[1])} ops/s, ` +
    `2 Workers ${Math.round(best[2])} ops/s, ratio ${(best[2] / best[1]).toFixed(2)}`,
);
