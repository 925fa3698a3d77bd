/**
 * Where the Worker entry of cassandra-stress runs is, for `runWorkload`'s `workerUrl`.
 *
 * @module
 */

import { workerEntryUrl } from "../engine/worker_entry_url.ts";

/** The URL of `lib/cql/driver/stress_worker.ts` (from the bundle: `dist/stress_worker.js`). */
export const STRESS_WORKER_URL: string = workerEntryUrl(
  "./driver/stress_worker.ts",
  import.meta.url,
);
