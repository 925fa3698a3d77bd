/**
 * The requests of `stress checkout consistency`'s setup: started 16,384 at a time, in index order,
 * each answer checked, every refusal a {@linkcode TargetError}; a request whose connection failed
 * before anything was sent is sent again (`SetupRequests`).
 *
 * @module
 */

import type { HttpPool } from "./driver/http_pool.ts";
import { SetupRequests } from "./driver/setup_requests.ts";
import type { CommandIo } from "../cli/command_io.ts";
import type { HttpResult } from "./driver/http_result.ts";
import { TargetError } from "../errors.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";

const decoder = new TextDecoder();

/**
 * Reads the JSON object of a 200 answer.
 *
 * @param result The answer.
 * @returns The object, or null when the answer is not a 200 with a JSON object.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonOf } from "./checkout_consistency_requests.ts";
 * const body = new TextEncoder().encode('{"stock":3}');
 * assert.deepEqual(jsonOf({ ok: true, status: 200, body }), { stock: 3 });
 * assert.equal(jsonOf({ ok: true, status: 400, body }), null);
 * ```
 */
export function jsonOf(result: HttpResult): Record<string, unknown> | null {
  if (!result.ok || result.status !== 200) return null;
  try {
    const value = JSON.parse(decoder.decode(result.body));
    return typeof value === "object" && value !== null ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * The most jobs of one {@linkcode all} started at a time. The verify phase runs three at once on
 * one pool (with `--gateway`), whose queue refuses requests past 65,536 waiting (`queue_full`):
 * all at once, 35,000 users and orders were read back as unreadable from a correct service.
 */
const STARTED_AT_ONCE = 16_384;

/**
 * Runs `count` jobs, at most 16,384 started at a time (the next starts when one ends); the pools
 * bound the requests in flight. After a job throws, no other job starts.
 *
 * @typeParam T What a job returns.
 * @param count How many jobs.
 * @param job The job, given its index.
 * @returns Every job's result, in index order.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { all } from "./checkout_consistency_requests.ts";
 * assert.deepEqual(await all(3, (i) => Promise.resolve(i * 2)), [0, 2, 4]);
 * ```
 */
export async function all<T>(count: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < count && !failed) {
      const index = next++;
      try {
        results[index] = await job(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, STARTED_AT_ONCE) }, worker));
  return results;
}

/**
 * Runs one setup phase with its own {@linkcode SetupRequests}, whose progress lines go to `io`,
 * and stops its retries when the phase ends (a failed phase leaves no request waiting to be sent
 * again).
 *
 * @typeParam T What the phase returns.
 * @param phase The phase's name, which starts its progress lines, e.g. `populate`.
 * @param io Where the progress lines go.
 * @param job The phase, given its sender.
 * @returns What the phase returns.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { inSetupPhase } from "./checkout_consistency_requests.ts";
 * const io = { out: () => {}, err: () => {} };
 * assert.equal(await inSetupPhase("populate", io, (setup) => Promise.resolve(setup.retried)), 0);
 * ```
 */
export async function inSetupPhase<T>(
  phase: string,
  io: CommandIo,
  job: (setup: SetupRequests) => Promise<T>,
): Promise<T> {
  const setup = new SetupRequests({ phase, progress: (line) => io.out(line) });
  try {
    return await job(setup);
  } finally {
    setup.stop();
  }
}

/**
 * Creates something with a POST and returns the id field of its JSON answer.
 *
 * @param setup The phase's sender, which sends again a request that could not connect.
 * @param pool The service's pool.
 * @param path The path to POST.
 * @param options The id field of the answer and what is created, for the error message.
 * @returns The id.
 * @throws {TargetError} When the answer is not a 200 with a non-empty string id.
 *
 * @example Usage
 * ```ts ignore
 * const id = await create(setup, services.payment, "/payment/create_user", {
 *   field: "user_id",
 *   what: "a user",
 * });
 * ```
 */
export async function create(
  setup: SetupRequests,
  pool: HttpPool,
  path: string,
  options: { readonly field: string; readonly what: string },
): Promise<string> {
  const result = await setup.request(pool, "POST", path);
  const id = jsonOf(result)?.[options.field];
  if (typeof id !== "string" || id === "") {
    throw new TargetError(
      `Cannot create ${options.what}: POST ${path} answered ${
        CheckoutServices.describeAnswer(result)
      }`,
    );
  }
  return id;
}

/**
 * Sends a POST that must answer 200.
 *
 * @param setup The phase's sender, which sends again a request that could not connect.
 * @param pool The service's pool.
 * @param path The path to POST.
 * @param options What the POST does, for the error message, e.g. `"add stock"`.
 * @throws {TargetError} When the answer is not a 200.
 *
 * @example Usage
 * ```ts ignore
 * await must(setup, services.stock, `/stock/add/${id}/100`, { what: "add stock" });
 * ```
 */
export async function must(
  setup: SetupRequests,
  pool: HttpPool,
  path: string,
  options: { readonly what: string },
): Promise<void> {
  const result = await setup.request(pool, "POST", path);
  if (!result.ok || result.status !== 200) {
    throw new TargetError(
      `Cannot ${options.what}: POST ${path} answered ${CheckoutServices.describeAnswer(result)}`,
    );
  }
}
