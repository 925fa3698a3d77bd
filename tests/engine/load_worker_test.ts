// startLoadWorker(): a Worker from a local file runs with its young generation bounded, where a
// web Worker's grows with the allocations of a long run (the cause of a run's RSS growing with n).
import assert from "node:assert/strict";
import { LOAD_WORKER_YOUNG_GENERATION_MB, startLoadWorker } from "../../lib/engine/load_worker.ts";

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
