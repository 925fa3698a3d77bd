// Test Worker entry for run_workload_test.ts: a target whose ops take about 1 ms, until its 51st,
// which never settles (a server that never answers, a driver that lost the request). The
// Worker's event loop stays alive: it still answers the interval samples, never the stop.
import { serveTargetWorker } from "../../lib/engine/serve_target_worker.ts";
import type { Target } from "../../lib/engine/target.ts";

/** The ops that settle before the one that never does (run_workload_test.ts counts on 50). */
const OPS_BEFORE_HANG = 50;

serveTargetWorker(() => {
  let ops = 0;
  const target: Target = {
    op: () =>
      ++ops > OPS_BEFORE_HANG
        ? new Promise<void>(() => {})
        : new Promise<void>((resolve) => setTimeout(resolve, 1)),
    close: () => Promise.resolve(),
  };
  return Promise.resolve(target);
});
