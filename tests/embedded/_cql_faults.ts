// Test fixture: run cassandra-stress command lines against an embedded node that injects faults
// (error responses, dropped connections, stalls), and read numbers back from the output.
//
// Injected errors spare a client's set-up (USE, schema changes, TRUNCATE, PREPARE, system reads),
// but dropped connections and stalls do not, and a run's warm-up is part of its workload: faults
// are armed only once every Worker has connected and prepared its statement, so that what a test
// counts (executed statements at arming, at the first reconnect) is the measured run's.
import assert from "node:assert/strict";
import type { CqlServer, FaultOptions } from "../../lib/cql_node/driver/cql_server.ts";
import { runAgainst, type RunOutput } from "./_cql_run.ts";

/** A run, and what the node looked like when the faults were armed. */
export interface FaultedRun extends RunOutput {
  /** Connections the node had accepted when the faults were armed. */
  acceptedAtArm: number;
  /** Workload statements executed before the run started. */
  executedBefore: number;
  /** Workload statements executed when the faults were armed. */
  executedAtArm: number;
  /** Workload statements executed when the node first accepted a connection after arming. */
  executedAtReconnect: number | null;
}

/** Workload statements the node executed (prepared UPDATE/SELECT on the stress tables). */
export function executed(node: CqlServer): number {
  return node.statementLog()
    .filter((s) => s.kind === "execute" && /^(UPDATE|SELECT)/.test(s.text))
    .reduce((sum, s) => sum + s.count, 0);
}

/** Workload statements the node prepared (one per Worker's driver client). */
export function prepared(node: CqlServer): number {
  return node.statementLog()
    .filter((s) => s.kind === "prepare" && /^(UPDATE|SELECT)/.test(s.text))
    .reduce((sum, s) => sum + s.count, 0);
}

/**
 * Runs `args` and turns `faults` on once `workers` driver clients have prepared the workload
 * statement, so that connecting is not itself faulted.
 */
export async function runWithFaults(
  node: CqlServer,
  args: readonly string[],
  faults: Partial<FaultOptions>,
  options: { threads: number },
): Promise<FaultedRun> {
  const workers = Math.min(navigator.hardwareConcurrency, options.threads);
  const preparedBefore = prepared(node);
  const executedBefore = executed(node);
  let done = false;
  const running = runAgainst(node, args).finally(() => done = true);
  let armed: { acceptedAtArm: number; executedAtArm: number } | null = null;
  let executedAtReconnect: number | null = null;
  while (!done) {
    if (armed === null && prepared(node) - preparedBefore >= workers) {
      node.setFaults(faults);
      armed = { acceptedAtArm: node.connectionsAccepted, executedAtArm: executed(node) };
    }
    if (
      armed !== null && executedAtReconnect === null &&
      node.connectionsAccepted > armed.acceptedAtArm
    ) {
      executedAtReconnect = executed(node);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const run = await running;
  assert.ok(armed !== null, `faults never armed:\n${run.out.join("\n")}\n${run.err.join("\n")}`);
  return { ...run, ...armed, executedBefore, executedAtReconnect };
}

/** The number after `label :` in the Results block (`Total errors : 415 [WRITE: 415]` -> 415). */
export function result(out: readonly string[], label: string): number {
  const results = out.slice(out.indexOf("Results:"));
  const line = results.find((l) => l.startsWith(label));
  assert.ok(line !== undefined, `no "${label}" in\n${results.join("\n")}`);
  return Number(/:\s+([\d,.]+)/.exec(line)![1].replaceAll(",", ""));
}
