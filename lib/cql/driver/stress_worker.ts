/**
 * The Worker entry of a cassandra-stress run: builds a CQL target (one driver client per
 * Worker) or, for `-node synthetic:...`, a synthetic one, then serves the engine's op loop.
 * Not part of the library API; {@linkcode STRESS_WORKER_URL} names it to `runWorkload`.
 *
 * @module
 */

import { serveTargetWorker } from "../../engine/serve_target_worker.ts";
import { SyntheticTarget } from "../../engine/synthetic_target.ts";
import type { SyntheticTargetSpec } from "../../engine/target.ts";
import type { CqlTargetSpec } from "../cql_target_spec.ts";
import { CqlTarget } from "./cql_target.ts";

serveTargetWorker((spec, seed) => {
  const typed = spec as CqlTargetSpec | SyntheticTargetSpec;
  switch (typed.kind) {
    case "synthetic":
      return Promise.resolve(new SyntheticTarget(typed, seed));
    case "cql":
      return CqlTarget.connect(typed);
  }
});
