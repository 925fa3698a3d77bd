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
import { CqlTarget } from "./cql_target.ts";
import { NativeCqlTarget } from "./native_cql_target.ts";
import { NativeUserTarget } from "./native_user_target.ts";
import { UserTarget } from "./user_target.ts";

serveTargetWorker((spec, seed, share) => {
  const typed = spec as CqlTargetSpec | UserTargetSpec | SyntheticTargetSpec;
  switch (typed.kind) {
    case "synthetic":
      return Promise.resolve(new SyntheticTarget(typed, seed));
    case "cql":
      return typed.client === "driver" ? CqlTarget.connect(typed) : NativeCqlTarget.connect(typed);
    case "cql-user":
      return typed.client === "driver"
        ? UserTarget.connect(typed, share)
        : NativeUserTarget.connect(typed, share);
  }
});
