/**
 * The first step of `stress checkout consistency`: creates the items and the users, as the
 * official test's populate.py does, but checks every answer.
 *
 * @module
 */

import { all, create, inSetupPhase, must } from "./checkout_consistency_requests.ts";
import type { ConsistencyRun } from "./checkout_consistency_settings.ts";
import { formatElapsed } from "./format_elapsed.ts";
import type { SetupRequests } from "./driver/setup_requests.ts";

/** The ids of the items and users created. */
export interface Population {
  /** The item ids. */
  readonly itemIds: readonly string[];
  /** The user ids. */
  readonly userIds: readonly string[];
}

/**
 * Creates `settings.items` items with their stock, then `settings.users` users with their credit,
 * and prints how long it took. A request whose connection failed before anything was sent is sent
 * again after a back-off, with a progress line.
 *
 * @param run The settings, the services and the output.
 * @returns The ids created.
 * @throws {TargetError} When a service refuses to create an item or a user, or to add to it.
 *
 * @example Usage
 * ```ts ignore
 * const { itemIds, userIds } = await populate({ settings, services, io });
 * ```
 */
export function populate(run: ConsistencyRun): Promise<Population> {
  return inSetupPhase("populate", run.io, (setup) => populateWith(run, setup));
}

async function populateWith(run: ConsistencyRun, setup: SetupRequests): Promise<Population> {
  const { settings, services, io } = run;
  const startMs = performance.now();
  const itemIds = await all(settings.items, async () => {
    const id = await create(setup, services.stock, `/stock/item/create/${settings.price}`, {
      field: "item_id",
      what: "an item",
    });
    if (settings.stock > 0) {
      await must(setup, services.stock, `/stock/add/${id}/${settings.stock}`, {
        what: "add stock",
      });
    }
    return id;
  });
  const userIds = await all(settings.users, async () => {
    const id = await create(setup, services.payment, "/payment/create_user", {
      field: "user_id",
      what: "a user",
    });
    if (settings.credit > 0) {
      await must(setup, services.payment, `/payment/add_funds/${id}/${settings.credit}`, {
        what: "add funds",
      });
    }
    return id;
  });
  io.out(
    `populate: ${itemIds.length} item${
      itemIds.length === 1 ? "" : "s"
    } and ${userIds.length} users in ${
      formatElapsed(performance.now() - startMs)
    }${setup.summary()}`,
  );
  return { itemIds, userIds };
}
