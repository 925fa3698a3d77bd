/**
 * The last step of `stress checkout consistency`: reads back every item's stock, every user's
 * credit and every order's state.
 *
 * @module
 */

import type { ConsistencyInput, OrderState } from "./consistency_verdict.ts";
import { all, inSetupPhase, jsonOf } from "./checkout_consistency_requests.ts";
import type { SetupRequests } from "./driver/setup_requests.ts";
import type { ConsistencyRun } from "./checkout_consistency_settings.ts";
import { formatElapsed } from "./format_elapsed.ts";

/** The ids to read back. */
export interface CreatedIds {
  /** The item ids. */
  readonly itemIds: readonly string[];
  /** The user ids. */
  readonly userIds: readonly string[];
  /** The order ids. */
  readonly orderIds: readonly string[];
}

/** What the services hold at the end; a record that could not be read is missing. */
export type FinalState = Pick<ConsistencyInput, "finalStock" | "finalCredit" | "finalOrders">;

/**
 * Reads the state of every item, user and order at once, and prints how long it took. An answer
 * that is not a 200 with the expected fields leaves its record out. A request whose connection
 * failed before anything was sent is sent again after a back-off.
 *
 * @param run The services and the output.
 * @param ids The items, users and orders to read.
 * @returns The final stock, credit and order states.
 *
 * @example Usage
 * ```ts ignore
 * const final = await readBack({ settings, services, io }, { itemIds, userIds, orderIds });
 * ```
 */
export function readBack(run: ConsistencyRun, ids: CreatedIds): Promise<FinalState> {
  return inSetupPhase("verify", run.io, (setup) => readBackWith(run, ids, setup));
}

async function readBackWith(
  run: ConsistencyRun,
  ids: CreatedIds,
  setup: SetupRequests,
): Promise<FinalState> {
  const { services, io } = run;
  const { itemIds, userIds, orderIds } = ids;
  const startMs = performance.now();
  const finalStock = new Map<string, number>();
  const finalCredit = new Map<string, number>();
  const finalOrders = new Map<string, OrderState>();
  await Promise.all([
    all(itemIds.length, async (i) => {
      const stock = jsonOf(await setup.request(services.stock, "GET", `/stock/find/${itemIds[i]}`))
        ?.stock;
      if (typeof stock === "number") finalStock.set(itemIds[i], stock);
    }),
    all(userIds.length, async (i) => {
      const answer = jsonOf(
        await setup.request(services.payment, "GET", `/payment/find_user/${userIds[i]}`),
      );
      if (typeof answer?.credit === "number") finalCredit.set(userIds[i], answer.credit);
    }),
    all(orderIds.length, async (i) => {
      const answer = jsonOf(
        await setup.request(services.order, "GET", `/orders/find/${orderIds[i]}`),
      );
      if (typeof answer?.paid === "boolean" && typeof answer.total_cost === "number") {
        finalOrders.set(orderIds[i], { paid: answer.paid, totalCost: answer.total_cost });
      }
    }),
  ]);
  io.out(
    `verify: state read back in ${formatElapsed(performance.now() - startMs)}${setup.summary()}`,
  );
  return { finalStock, finalCredit, finalOrders };
}
