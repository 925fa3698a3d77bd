/**
 * `stress checkout load --init`: the official init_orders.py step.
 *
 * @module
 */

import { TargetError } from "../errors.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";
import { SetupRequests } from "./driver/setup_requests.ts";
import type { LoadSettings } from "./checkout_load_settings.ts";
import type { CommandIo } from "../cli/command_io.ts";

/**
 * Runs the official init_orders.py step: three batch_init calls, on one connection per service
 * with a long time limit (they are big), then prints what was created and how long it took. A
 * call whose connection failed before anything was sent is sent again after a back-off, with a
 * progress line.
 *
 * @param settings The services' URLs, the request time limit and the sizes.
 * @param io Where the line goes.
 * @throws {TargetError} When a call does not answer 2xx.
 *
 * @example Usage
 * ```ts ignore
 * await initialiseLoad(settings, io);
 * ```
 */
export async function initialiseLoad(settings: LoadSettings, io: CommandIo): Promise<void> {
  const { items, users, orders, stock, credit, price } = settings.initSizes;
  const services = new CheckoutServices(settings.services.urls, {
    connections: 1,
    timeoutMs: Math.max(settings.timeoutMs, 120_000),
    connectTimeoutMs: settings.connectTimeoutMs,
  });
  const setup = new SetupRequests({ phase: "init", progress: (line) => io.out(line) });
  const startMs = performance.now();
  try {
    const calls: [keyof typeof services.urls, string][] = [
      ["payment", `/payment/batch_init/${users}/${credit}`],
      ["stock", `/stock/batch_init/${items}/${stock}/${price}`],
      ["order", `/orders/batch_init/${orders}/${items}/${users}/${price}`],
    ];
    for (const [service, path] of calls) {
      const result = await setup.request(services[service], "POST", path);
      if (!result.ok || result.status < 200 || result.status >= 300) {
        throw new TargetError(
          `Cannot initialise: POST ${path} answered ${CheckoutServices.describeAnswer(result)}`,
        );
      }
    }
  } finally {
    setup.stop();
    await services.close();
  }
  io.out(
    `init: ${users} users (credit ${credit}), ${items} items (stock ${stock}, price ${price}), ${orders} orders in ${
      ((performance.now() - startMs) / 1000).toFixed(2)
    } s${setup.summary()}`,
  );
}
