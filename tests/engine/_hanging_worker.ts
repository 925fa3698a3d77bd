// Test Worker entry for run_workload_test.ts: a target whose first 50 ops settle at once and whose
// 51st never settles (a server that never answers, a driver that lost the request), so the Worker
// hangs as soon as it starts, before any stop. (With ops of 1 ms timers, a busy machine let a
// 300 ms run end before the 51st op, and nothing hung.) The Worker's event loop stays alive: it
// still answers the interval samples, never the stop.
import { serveTargetWorker } from "../../lib/engine/serve_target_worker.ts";
import type { Target } from "../../lib/engine/target.ts";

/** The ops that settle before the one that never does (run_workload_test.ts counts on 50). */
const OPS_BEFORE_HANG = 50;

serveTargetWorker(() => {
  let ops = 0;
  const target: Target = {
    op: () => ++ops > OPS_BEFORE_HANG ? new Promise<void>(() => {}) : Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return Promise.resolve(target);
});
