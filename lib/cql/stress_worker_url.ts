/**
 * Where the Worker entry of cassandra-stress runs is, for `runWorkload`'s `workerUrl`.
 *
 * @module
 */

/** The URL of `lib/cql/driver/stress_worker.ts`. */
export const STRESS_WORKER_URL: string = new URL("./driver/stress_worker.ts", import.meta.url)
  .href;
