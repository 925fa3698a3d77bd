/**
 * The Worker entry of a cassandra-stress run: builds a CQL target or a `user` profile target
 * (`kind: "cql-user"`), each on the native path or (`-mode client=driver`) on cassandra-driver,
 * or, for `-node synthetic:...`, a synthetic one, then serves the engine's op loop. Not part of
 * the library API; {@linkcode STRESS_WORKER_URL} names it to `runWorkload`.
 *
 * @module
 */

import { serveTargetWorker } from "../../engine/serve_target_worker.ts";
import { SyntheticTarget } from "../../engine/synthetic_target.ts";
import type { SyntheticTargetSpec } from "../../engine/target.ts";
import type { CqlTargetSpec } from "../cql_target_spec.ts";
import type { UserTargetSpec } from "../user/user_target_spec.ts";
import type { Target } from "../../engine/target.ts";
import type { WorkerShare } from "../../engine/serve_target_worker.ts";

/**
 * The target a spec asks for. Each is imported when first needed, so that a Worker of the native
 * path never loads npm:cassandra-driver (about 25 MB of memory per Worker).
 */
async function targetOf(spec: CqlTargetSpec | UserTargetSpec, share: WorkerShare): Promise<Target> {
  if (spec.kind === "cql") {
    if (spec.client === "driver") return (await import("./cql_target.ts")).CqlTarget.connect(spec);
    return (await import("./native_cql_target.ts")).NativeCqlTarget.connect(spec);
  }
  if (spec.client === "driver") {
    return (await import("./user_target.ts")).UserTarget.connect(spec, share);
  }
  return (await import("./native_user_target.ts")).NativeUserTarget.connect(spec, share);
}

serveTargetWorker((spec, seed, share) => {
  const typed = spec as CqlTargetSpec | UserTargetSpec | SyntheticTargetSpec;
  if (typed.kind === "synthetic") return Promise.resolve(new SyntheticTarget(typed, seed));
  return targetOf(typed, share);
});
