/**
 * The body of a load Worker entry: receives one {@linkcode WorkerInit}, builds its target with
 * the factory its entry file passes, answers `ready`, and on `start` runs
 * {@linkcode WorkerRunner}, which posts samples back. A wing's Worker entry is one call of
 * {@linkcode serveTargetWorker} with the factory of its targets; `runWorkload` starts the entry
 * named by `workerUrl`.
 *
 * @module
 */

import type { MainMessage, WorkerInit, WorkerMessage } from "./protocol.ts";
import type { Target, TargetSpec } from "./target.ts";
import { WorkerRunner } from "./worker_runner.ts";

/** Which share of a run a Worker has: its index and the number of Workers. */
export interface WorkerShare {
  /** This Worker's index, 0-based. */
  readonly workerIndex: number;
  /** The number of Workers of the run. */
  readonly workers: number;
}

/** Builds the target a spec describes, seeded for this Worker, knowing its share of the run. */
export type TargetFactory = (spec: TargetSpec, seed: number, share: WorkerShare) => Promise<Target>;

interface WorkerScope {
  onmessage: ((event: MessageEvent<MainMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
  close(): void;
}

/**
 * Serves the load Worker this code runs in: call it once, at the top level of a Worker entry.
 *
 * @param createTarget Builds the Worker's target from the run's spec.
 *
 * @example Usage
 * ```ts ignore
 * // my_worker.ts, started with runWorkload(plan, { workerUrl: new URL("./my_worker.ts", import.meta.url).href })
 * import { serveTargetWorker } from "./serve_target_worker.ts";
 * serveTargetWorker((spec, seed) => Promise.resolve(new MyTarget(spec, seed)));
 * ```
 */
export function serveTargetWorker(createTarget: TargetFactory): void {
  void hostScope().then((scope) => serve(scope, createTarget));
}

/**
 * The way back to the thread that started this Worker: the web Worker's own scope, or, in a
 * Worker started through `node:worker_threads` (`load_worker.ts`), its `parentPort`.
 */
async function hostScope(): Promise<WorkerScope> {
  if (typeof self !== "undefined") return self as unknown as WorkerScope;
  const { parentPort } = await import("node:worker_threads");
  if (parentPort === null) throw new Error("serveTargetWorker() runs in a Worker only");
  const early: MainMessage[] = [];
  let handler: ((event: MessageEvent<MainMessage>) => void) | null = null;
  parentPort.on("message", (data: MainMessage) => {
    if (handler === null) early.push(data);
    else handler(new MessageEvent("message", { data }));
  });
  return {
    get onmessage() {
      return handler;
    },
    set onmessage(next) {
      handler = next;
      for (const data of early.splice(0)) next?.(new MessageEvent("message", { data }));
    },
    postMessage: (message, transfer) => parentPort.postMessage(message, transfer as never),
    // Deno's parentPort has neither close() nor removeAllListeners(): stop handling; the main
    // thread terminates the Worker.
    close: () => {
      handler = () => {};
    },
  };
}

function serve(scope: WorkerScope, createTarget: TargetFactory): void {
  let init: WorkerInit<TargetSpec> | null = null;
  let target: Target | null = null;
  const post = (message: WorkerMessage, transfer: Transferable[]) =>
    scope.postMessage(message, transfer);
  const fatal = (workerIndex: number, error: unknown) =>
    post({
      type: "fatal",
      workerIndex,
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack ?? "" : "",
    }, []);

  scope.onmessage = async (event: MessageEvent<MainMessage>) => {
    const message = event.data;
    if (message.type === "init") {
      init = message;
      try {
        target = await createTarget(message.target, message.seed + message.workerIndex * 7919, {
          workerIndex: message.workerIndex,
          workers: message.workers ?? 1,
        });
        post({ type: "ready", workerIndex: message.workerIndex }, []);
      } catch (error) {
        fatal(message.workerIndex, error);
        scope.close();
      }
      return;
    }
    if (init === null || target === null) return;
    try {
      // Time 0 of this Worker's clock is when "start" arrives, on its monotonic clock. The main
      // thread's base (its process start on the wall clock, plus its monotonic time) would put
      // this Worker ahead of it by however much the system clock was slewed between the two
      // threads' starts: 4 ms on a machine whose wall clock ran 0.5% fast, enough to run a
      // throttled run's ops before their slots by the main thread's clock. Counting from the
      // message's arrival, the Worker is behind by the message's transit instead, never ahead.
      const arrivedEpochMs = performance.timeOrigin + performance.now();
      await new WorkerRunner({ ...init, baseEpochMs: arrivedEpochMs }, target, post).run();
    } catch (error) {
      fatal(init.workerIndex, error);
    } finally {
      await target.close();
    }
    scope.close();
  };
}
