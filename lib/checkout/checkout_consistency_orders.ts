/**
 * The second step of `stress checkout consistency`: creates the orders as the official test's
 * stress.py does, each for a random user with one random item of quantity 1.
 *
 * @module
 */

import { Prng } from "../core/prng.ts";
import { all, create, inSetupPhase, must } from "./checkout_consistency_requests.ts";
import type { Population } from "./checkout_consistency_populate.ts";
import type { ConsistencyRun } from "./checkout_consistency_settings.ts";
import { formatElapsed } from "./format_elapsed.ts";
import type { SetupRequests } from "./driver/setup_requests.ts";

/** An order created for the test. */
export interface PlannedOrder {
  /** The order id. */
  readonly orderId: string;
  /** Its user. */
  readonly userId: string;
  /** Its one item (quantity 1). */
  readonly itemId: string;
}

/**
 * Picks a random user and item for each of `settings.checkouts` orders (seeded by
 * `settings.seed`), creates the orders, adds their items, and prints how long it took. A request
 * whose connection failed before anything was sent is sent again after a back-off.
 *
 * @param run The settings, the services and the output.
 * @param population The items and users to pick from.
 * @returns The orders, in plan order.
 * @throws {TargetError} When the order service refuses to create an order or add its item.
 *
 * @example Usage
 * ```ts ignore
 * const orders = await createOrders({ settings, services, io }, await populate(run));
 * ```
 */
export function createOrders(
  run: ConsistencyRun,
  population: Population,
): Promise<PlannedOrder[]> {
  return inSetupPhase("orders", run.io, (setup) => createOrdersWith(run, population, setup));
}

async function createOrdersWith(
  run: ConsistencyRun,
  population: Population,
  setup: SetupRequests,
): Promise<PlannedOrder[]> {
  const { settings, services, io } = run;
  const { itemIds, userIds } = population;
  const prng = new Prng(settings.seed);
  const pick = (n: number) => Math.floor(prng.nextDouble() * n);
  const startMs = performance.now();
  const plan = Array.from({ length: settings.checkouts }, () => ({
    userId: userIds[pick(userIds.length)],
    itemId: itemIds[pick(itemIds.length)],
  }));
  const orders = await all(plan.length, async (i) => {
    const id = await create(setup, services.order, `/orders/create/${plan[i].userId}`, {
      field: "order_id",
      what: "an order",
    });
    await must(setup, services.order, `/orders/addItem/${id}/${plan[i].itemId}/1`, {
      what: "add an item to an order",
    });
    return { orderId: id, ...plan[i] };
  });
  io.out(
    `orders: ${orders.length} created in ${
      formatElapsed(performance.now() - startMs)
    }${setup.summary()}`,
  );
  return orders;
}
