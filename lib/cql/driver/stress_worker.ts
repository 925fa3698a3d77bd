/**
 * The Worker entry of a load run: receives one {@linkcode WorkerInit}, builds its
 * target, answers `ready`, and on `start` runs {@linkcode WorkerRunner}, which posts
 * samples back. Not part of the
 * library API; started by `lib/engine/run_workload.ts`.
 *
 * @module
 */

import { CqlTarget } from "./cql_target.ts";
import { SyntheticTarget } from "../../engine/synthetic_target.ts";
import type { Target, TargetSpec } from "../../engine/target.ts";
import type { MainMessage, WorkerInit, WorkerMessage } from "../../engine/protocol.ts";
import { WorkerRunner } from "../../engine/worker_runner.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<MainMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
  close(): void;
}

function createTarget(spec: TargetSpec, seed: number): Promise<Target> {
  switch (spec.kind) {
    case "synthetic":
      return Promise.resolve(new SyntheticTarget(spec, seed));
    case "cql":
      return CqlTarget.connect(spec);
  }
}

const scope = self as unknown as WorkerScope;
let init: WorkerInit | null = null;
let target: Target | null = null;

function post(message: WorkerMessage, transfer: Transferable[]): void {
  scope.postMessage(message, transfer);
}

function fatal(workerIndex: number, error: unknown): void {
  post({
    type: "fatal",
    workerIndex,
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack ?? "" : "",
  }, []);
}

scope.onmessage = async (event: MessageEvent<MainMessage>) => {
  const message = event.data;
  if (message.type === "init") {
    init = message;
    try {
      target = await createTarget(message.target, message.seed + message.workerIndex * 7919);
      post({ type: "ready", workerIndex: message.workerIndex }, []);
    } catch (error) {
      fatal(message.workerIndex, error);
      scope.close();
    }
    return;
  }
  if (init === null || target === null) return;
  try {
    await new WorkerRunner({ ...init, baseEpochMs: message.baseEpochMs }, target, post).run();
  } catch (error) {
    fatal(init.workerIndex, error);
  } finally {
    await target.close();
  }
  scope.close();
};
