/**
 * The Worker entry of a load run: receives one {@linkcode WorkerInit}, builds its
 * target, runs {@linkcode WorkerRunner} and posts samples back. Not part of the
 * library API; started by `lib/run/run_workload.ts`.
 *
 * @module
 */

import { SyntheticTarget } from "../drivers/simulated/synthetic_target.ts";
import type { Target, TargetSpec } from "../drivers/target.ts";
import type { MainMessage, WorkerMessage } from "./protocol.ts";
import { WorkerRunner } from "./worker_runner.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<MainMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
  close(): void;
}

function createTarget(spec: TargetSpec, seed: number): Target {
  switch (spec.kind) {
    case "synthetic":
      return new SyntheticTarget(spec, seed);
  }
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (event: MessageEvent<MainMessage>) => {
  const init = event.data;
  const post = (message: WorkerMessage, transfer: Transferable[]) =>
    scope.postMessage(message, transfer);
  try {
    const target = createTarget(init.target, init.seed + init.workerIndex * 7919);
    try {
      await new WorkerRunner(init, target, post).run();
    } finally {
      await target.close();
    }
  } catch (error) {
    post({
      type: "fatal",
      workerIndex: init.workerIndex,
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack ?? "" : "",
    }, []);
  }
  scope.close();
};
