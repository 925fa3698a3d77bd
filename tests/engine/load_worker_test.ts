// startLoadWorker(): a Worker from a local file runs with its young generation bounded, where a
// web Worker's grows with the allocations of a long run (the cause of a run's RSS growing with n).
import assert from "node:assert/strict";
import { LOAD_WORKER_YOUNG_GENERATION_MB, startLoadWorker } from "../../lib/engine/load_worker.ts";
import { runWorkload } from "../../lib/engine/run_workload.ts";

const ENTRY = new URL("./_young_generation_worker.ts", import.meta.url).href;

function newSpaceBytes(
  start: () => { onmessage: ((event: MessageEvent) => void) | null; terminate(): void },
): Promise<number> {
  const worker = start();
  return new Promise((resolve) => {
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(event.data as number);
    };
  });
}

Deno.test("startLoadWorker() bounds a file Worker's young generation; a web Worker's grows", async () => {
  const bounded = await newSpaceBytes(() => startLoadWorker(ENTRY));
  const web = await newSpaceBytes(() => new Worker(ENTRY, { type: "module" }));
  assert.ok(bounded > 0 && bounded <= LOAD_WORKER_YOUNG_GENERATION_MB * 2 ** 20, `${bounded}`);
  assert.ok(web > bounded, `web Worker ${web} bytes, bounded ${bounded}`);
});

Deno.test("runWorkload() runs its Workers as web Workers when their entry is not a local file", async () => {
  // A blob: entry (as a jsr: one would be) starts as a web Worker: serveTargetWorker answers
  // through the Worker's own scope there, not through parentPort.
  const synthetic = new URL("../../lib/engine/synthetic_worker.ts", import.meta.url).href;
  const source = `import ${JSON.stringify(synthetic)};`;
  const workerUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    const result = await runWorkload({
      opNames: ["WRITE"],
      threads: 4,
      workers: 2,
      totalOps: 2_000,
      durationMs: -1,
      uncertainty: null,
      schedule: null,
      mix: null,
      population: { kind: "seq", lo: 1, hi: 1_000_000 },
      target: { kind: "synthetic", latencyUs: null, errorRate: 0 },
      errors: { tries: 1, ignore: false },
      seed: 1,
      intervalMs: 1000,
      stopGraceMs: 5000,
      startTimeoutMs: 10_000,
    }, { workerUrl });
    assert.equal(result.failure, null);
    assert.equal(result.totals[0].ops, 2_000);
  } finally {
    URL.revokeObjectURL(workerUrl);
  }
});
