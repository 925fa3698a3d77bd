/**
 * The Worker entry `runWorkload` starts when its caller names none: it builds synthetic targets
 * only (`stress simulate`, the engine's own tests and benches). Not part of the library API.
 *
 * @module
 */

import { serveTargetWorker } from "./serve_target_worker.ts";
import { SyntheticTarget } from "./synthetic_target.ts";
import type { SyntheticTargetSpec } from "./target.ts";

serveTargetWorker((spec, seed) => {
  if (spec.kind !== "synthetic") {
    return Promise.reject(new Error(`This Worker builds synthetic targets, not "${spec.kind}"`));
  }
  return Promise.resolve(new SyntheticTarget(spec as SyntheticTargetSpec, seed));
});
