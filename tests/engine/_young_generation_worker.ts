// Test Worker entry for load_worker_test.ts: churns short-lived objects (as a load Worker does,
// op after op), then posts the size of its isolate's new space, in bytes. Runs as a web Worker
// or under node:worker_threads.
import v8 from "node:v8";

let kept: unknown[] = [];
for (let i = 0; i < 20_000_000; i++) {
  const op = { seed: i, values: [i, i + 1] };
  if (i % 1000 === 0) kept.push(op);
  if (kept.length > 1000) kept = [];
}
const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
const size = newSpace?.space_size ?? -1;
if (typeof self !== "undefined") {
  (self as unknown as { postMessage(message: unknown): void }).postMessage(size);
} else {
  const { parentPort } = await import("node:worker_threads");
  parentPort?.postMessage(size);
}
