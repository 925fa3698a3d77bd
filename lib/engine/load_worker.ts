/**
 * Starts a load Worker with a bounded young generation. V8 grows an isolate's young generation
 * (its semi-spaces, up to 16 MB each) the longer a run lasts, so a Worker's memory grew with the
 * number of ops: `write n=30000000` peaked at 236.5 MB where n=1,000,000 peaked at 136.9 MB.
 * Deno applies `resourceLimits` to Workers started through `node:worker_threads`, not to web
 * Workers, so a Worker whose entry is a local file starts that way, with its young generation
 * capped; an entry elsewhere (a remote URL) starts as a web Worker, unbounded as before. The
 * Worker side of the same choice is in `serve_target_worker.ts`.
 *
 * @module
 */

import { Worker as NodeWorker } from "node:worker_threads";

/** The young generation of a load Worker, in MB (semi-spaces of about 2 MB). */
export const LOAD_WORKER_YOUNG_GENERATION_MB = 6;

/** The part of the Worker API `runWorkload` uses, whichever way the Worker started. */
export interface LoadWorker {
  /** Receives each message the Worker posts. */
  onmessage: ((event: MessageEvent) => void) | null;
  /** Receives an error the Worker did not handle (call `preventDefault()` to keep running). */
  onerror: ((event: ErrorEvent) => void) | null;
  /** Posts a message, transferring `transfer`. */
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Stops the Worker. */
  terminate(): void;
}

/**
 * Starts a load Worker: through `node:worker_threads`, with its young generation bounded,
 * when its entry is a `file:` URL; as a web Worker otherwise.
 *
 * @param url The Worker entry module.
 * @returns The Worker.
 *
 * @example Usage
 * ```ts ignore
 * const worker = startLoadWorker(new URL("./synthetic_worker.ts", import.meta.url).href);
 * worker.onmessage = (event) => console.log(event.data);
 * worker.postMessage(init, []);
 * ```
 */
export function startLoadWorker(url: string): LoadWorker {
  if (!url.startsWith("file:")) return new Worker(url, { type: "module" });
  const worker = new NodeWorker(new URL(url), {
    resourceLimits: { maxYoungGenerationSizeMb: LOAD_WORKER_YOUNG_GENERATION_MB },
  });
  const adapter: LoadWorker = {
    onmessage: null,
    onerror: null,
    postMessage: (message, transfer = []) => worker.postMessage(message, transfer as never),
    terminate: () => void worker.terminate(),
  };
  worker.on(
    "message",
    (data: unknown) => adapter.onmessage?.(new MessageEvent("message", { data })),
  );
  worker.on("error", (error: Error) => {
    adapter.onerror?.(new ErrorEvent("error", { message: error.message, error }));
  });
  return adapter;
}
