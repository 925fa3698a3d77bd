/**
 * The third step of `stress checkout consistency`: every checkout at once, each timed and
 * classified by its answer.
 *
 * @module
 */

import type { CheckoutRecord } from "./consistency_verdict.ts";
import { all, inSetupPhase } from "./checkout_consistency_requests.ts";
import type { PlannedOrder } from "./checkout_consistency_orders.ts";
import type { ConsistencyRun } from "./checkout_consistency_settings.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";
import { formatElapsed } from "./format_elapsed.ts";

/** The checkouts and how long they took. */
export interface CheckoutPhase {
  /** Every order and how its checkout ended, in order. */
  readonly checkouts: CheckoutRecord[];
  /** The time from the first checkout sent to the last answer, in ms. */
  readonly checkoutMs: number;
  /** The checkouts' latency: p50 and p99 (rounded to 0.01 ms) and max, in ms. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/**
 * Checks out every order at once (the pools bound the requests in flight): 2xx is acknowledged,
 * 4xx refused, anything else unknown. Prints the count, the time and the latency.
 *
 * @param run The settings (the price of an order), the services and the output.
 * @param orders The orders to check out.
 * @returns The checkouts, their total time and their latency.
 *
 * @example Usage
 * ```ts ignore
 * const { checkouts, checkoutMs } = await checkOutAll({ settings, services, io }, orders);
 * ```
 */
export async function checkOutAll(
  run: ConsistencyRun,
  orders: readonly PlannedOrder[],
): Promise<CheckoutPhase> {
  const { settings, services, io } = run;
  const startMs = performance.now();
  const latency = new LatencyHistogram();
  // A checkout whose connection failed before anything was sent did not reach the service: it
  // is sent again (with back-off, counted on the phase's last line), not left unknown. Its
  // latency runs from when it is written to its connection, not from when it was queued for one
  // (every checkout is queued at once), to its answer; one never sent has none.
  let resent = "";
  const checkouts: CheckoutRecord[] = await inSetupPhase("checkout", io, async (setup) => {
    const records = await all(orders.length, async (i): Promise<CheckoutRecord> => {
      let sentMs = -1;
      const onSend = () => {
        sentMs = performance.now();
      };
      const path = `/orders/checkout/${orders[i].orderId}`;
      const result = await setup.request(services.order, "POST", path, { onSend });
      if (sentMs >= 0) {
        latency.recordValue(Math.max(1, Math.round((performance.now() - sentMs) * 1e6)));
      }
      const status = result.ok ? result.status : 0;
      const outcome = status >= 200 && status < 300
        ? "acknowledged"
        : status >= 400 && status < 500
        ? "refused"
        : "unknown";
      return {
        orderId: orders[i].orderId,
        userId: orders[i].userId,
        items: [[orders[i].itemId, 1]],
        totalCost: settings.price,
        outcome,
        status,
        ...(outcome === "unknown" ? { detail: CheckoutServices.describeAnswer(result) } : {}),
      };
    });
    resent = setup.summary();
    return records;
  });
  const checkoutMs = performance.now() - startMs;
  const ms = (percentile: number) => (latency.valueAtPercentile(percentile) / 1e6).toFixed(2);
  io.out(
    `checkout: ${checkouts.length} in ${formatElapsed(checkoutMs)}; latency p50 ${ms(50)} ms, p99 ${
      ms(99)
    } ms, max ${(latency.maxNs / 1e6).toFixed(2)} ms${resent}`,
  );
  return {
    checkouts,
    checkoutMs,
    latencyMs: { p50: Number(ms(50)), p99: Number(ms(99)), max: latency.maxNs / 1e6 },
  };
}
