/**
 * `stress checkout consistency`: the official consistency test of the checkout services, done
 * as it does it, then checked far more strictly.
 *
 * @module
 */

import {
  type CheckoutRecord,
  type ConsistencyVerdict,
  consistencyVerdict,
  type OrderState,
} from "./consistency_verdict.ts";
import type { CheckoutUrls } from "./checkout_urls.ts";
import { Prng } from "../core/prng.ts";
import type { HttpPool, HttpResult } from "./driver/http_pool.ts";
import { TargetError } from "../errors.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { parseFlags, parseInteger, parsePositive, rejectPositionals } from "../cli/parse_flags.ts";

const HELP = `Usage: stress checkout consistency (--urls urls.json | --gateway URL) [options]

The consistency test of the order/stock/payment checkout services (the 2024 course template's
API). Like the official test it creates the items and users, creates one order of one item per
checkout for a random user, fires every checkout at once (--concurrency in flight), and reads the
services' state back. It prints the official test's four figures, then stricter verdicts:
conservation of stock and of money over the acknowledged checkouts (which catches overselling that
the official stock check reads as 0), each user's charges, each order's paid flag against its
checkout's answer, and every 5xx or transport error (the official test counts them as successes).

Options:
  --urls FILE          the official tests' urls.json (ORDER_URL, PAYMENT_URL, STOCK_URL)
  --gateway URL        one URL for all three services, e.g. http://127.0.0.1:8000
  --items N            items to create (default 1)
  --stock N            starting stock of each item (default 100)
  --price N            price of each item (default 1)
  --users N            users to create (default 1000)
  --credit N           starting credit of each user (default 1)
  --checkouts N        orders to create and check out (default 1000)
  --concurrency N      requests in flight, and connections per service (default 100)
  --timeout DURATION   time limit of one request (default 10s)
  --seed N             the seed of the random users and items of the orders (default: random)
  --json FILE          write the figures, tallies and violations as JSON
  -h, --help           this help

Exit: 0 consistent, 1 a violation was found, 2 bad options, 3 the services cannot be set up
(unreachable, or they refused to create items, users or orders).
`;

interface Settings {
  readonly urls: CheckoutUrls;
  readonly items: number;
  readonly stock: number;
  readonly price: number;
  readonly users: number;
  readonly credit: number;
  readonly checkouts: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly seed: number;
  readonly jsonPath: string | null;
}

async function settingsOf(values: Record<string, string | boolean | undefined>): Promise<Settings> {
  const urls = await CheckoutServices.urlsFromFlags(values, "run the consistency test");
  return {
    urls,
    items: parseInteger("--items", values.items as string, { min: 1 }),
    stock: parseInteger("--stock", values.stock as string, { min: 0 }),
    price: parseInteger("--price", values.price as string, { min: 0 }),
    users: parseInteger("--users", values.users as string, { min: 1 }),
    credit: parseInteger("--credit", values.credit as string, { min: 0 }),
    checkouts: parseInteger("--checkouts", values.checkouts as string, { min: 1 }),
    concurrency: parsePositive("--concurrency", values.concurrency as string, { integer: true }),
    timeoutMs: parseDuration(values.timeout as string, "--timeout"),
    seed: values.seed === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : parseInteger("--seed", values.seed as string, { min: 0 }),
    jsonPath: (values.json as string | undefined) ?? null,
  };
}

const decoder = new TextDecoder();

/** The JSON object of a 200 answer, or null. */
function jsonOf(result: HttpResult): Record<string, unknown> | null {
  if (!result.ok || result.status !== 200) return null;
  try {
    const value = JSON.parse(decoder.decode(result.body));
    return typeof value === "object" && value !== null ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/** Starts `count` jobs at once; the pools bound the requests in flight. */
async function all<T>(count: number, job: (index: number) => Promise<T>): Promise<T[]> {
  return await Promise.all(Array.from({ length: count }, (_, i) => job(i)));
}

/** Creates something and returns the id field of its JSON answer, or throws a TargetError. */
async function create(
  pool: HttpPool,
  path: string,
  field: string,
  what: string,
): Promise<string> {
  const result = await pool.request("POST", path);
  const id = jsonOf(result)?.[field];
  if (typeof id !== "string" || id === "") {
    throw new TargetError(
      `Cannot create ${what}: POST ${path} answered ${CheckoutServices.describeAnswer(result)}`,
    );
  }
  return id;
}

/** Sends a POST that must answer 200, or throws a TargetError. */
async function must(pool: HttpPool, path: string, what: string): Promise<void> {
  const result = await pool.request("POST", path);
  if (!result.ok || result.status !== 200) {
    throw new TargetError(
      `Cannot ${what}: POST ${path} answered ${CheckoutServices.describeAnswer(result)}`,
    );
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatVerdict(verdict: ConsistencyVerdict): string[] {
  const lines = [
    "",
    "Official figures (as the official consistency test computes them):",
    `  Stock service inconsistencies in the logs: ${verdict.official.stockLogs}`,
    `  Stock service inconsistencies in the database: ${verdict.official.stockDatabase}`,
    `  Payment service inconsistencies in the logs: ${verdict.official.paymentLogs}`,
    `  Payment service inconsistencies in the database: ${verdict.official.paymentDatabase}`,
    "",
    "Our checks:",
  ];
  for (const row of verdict.stock) {
    lines.push(
      `  stock of item ${row.itemId}: ${row.initial} at the start, ${
        row.remaining ?? "unknown"
      } left, ${row.soldAcknowledged} sold by acknowledged checkouts`,
    );
  }
  lines.push(
    `  credit: ${verdict.money.initial} at the start, ${
      verdict.money.remaining ?? "unknown"
    } left, ${verdict.money.chargedAcknowledged} charged by acknowledged checkouts`,
    `  checkouts: ${verdict.outcomes.acknowledged} acknowledged (2xx), ${verdict.outcomes.refused} refused (4xx), ${verdict.outcomes.unknown} unknown (5xx or transport error)`,
  );
  if (verdict.consistent) {
    lines.push(
      "",
      "Verdict: CONSISTENT: stock and money are conserved, every user was charged exactly for " +
        "their acknowledged orders, every acknowledged order is paid and no refused one is",
    );
  } else {
    lines.push("", `Verdict: INCONSISTENT: ${verdict.violations.length} violations`);
    for (const violation of verdict.violations) {
      lines.push(`  - ${violation.kind}: ${violation.message}`);
    }
  }
  return lines;
}

/**
 * Runs `stress checkout consistency`.
 *
 * @param args The arguments after `checkout consistency`.
 * @param io Where the output goes.
 * @returns 0 when consistent, 1 when a violation was found.
 * @throws {UsageError} On bad options.
 * @throws {TargetError} When the services cannot be set up.
 *
 * @example Usage
 * ```ts ignore
 * await checkoutConsistencyCommand(["--gateway", "http://127.0.0.1:8000"], io);
 * ```
 */
export async function checkoutConsistencyCommand(
  args: readonly string[],
  io: CommandIo,
): Promise<number> {
  const { values, positionals } = parseFlags("checkout consistency", args, {
    urls: { type: "string" },
    gateway: { type: "string" },
    items: { type: "string", default: "1" },
    stock: { type: "string", default: "100" },
    price: { type: "string", default: "1" },
    users: { type: "string", default: "1000" },
    credit: { type: "string", default: "1" },
    checkouts: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "100" },
    timeout: { type: "string", default: "10s" },
    seed: { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    printText(io, HELP);
    return 0;
  }
  rejectPositionals("checkout consistency", positionals);
  const settings = await settingsOf(values);
  const services = new CheckoutServices(settings.urls, {
    connections: settings.concurrency,
    timeoutMs: settings.timeoutMs,
  });
  try {
    return await runTest(settings, services, io);
  } finally {
    await services.close();
  }
}

async function runTest(
  settings: Settings,
  services: CheckoutServices,
  io: CommandIo,
): Promise<number> {
  const prng = new Prng(settings.seed);
  const pick = (n: number) => Math.floor(prng.nextDouble() * n);
  io.out(
    `checkout consistency: ${settings.items} item${
      settings.items === 1 ? "" : "s"
    } (stock ${settings.stock}, price ${settings.price}), ${settings.users} users (credit ${settings.credit}), ${settings.checkouts} checkouts, ${settings.concurrency} in flight, seed ${settings.seed}`,
  );

  // Populate, as populate.py does (but every answer is checked).
  let startMs = performance.now();
  const itemIds = await all(settings.items, async () => {
    const id = await create(
      services.stock,
      `/stock/item/create/${settings.price}`,
      "item_id",
      "an item",
    );
    if (settings.stock > 0) {
      await must(services.stock, `/stock/add/${id}/${settings.stock}`, "add stock");
    }
    return id;
  });
  const userIds = await all(settings.users, async () => {
    const id = await create(services.payment, "/payment/create_user", "user_id", "a user");
    if (settings.credit > 0) {
      await must(services.payment, `/payment/add_funds/${id}/${settings.credit}`, "add funds");
    }
    return id;
  });
  io.out(
    `populate: ${itemIds.length} item${
      itemIds.length === 1 ? "" : "s"
    } and ${userIds.length} users in ${seconds(performance.now() - startMs)}`,
  );

  // Orders, as stress.py does: a random user each, one random item with quantity 1.
  startMs = performance.now();
  const plan = Array.from({ length: settings.checkouts }, () => ({
    userId: userIds[pick(userIds.length)],
    itemId: itemIds[pick(itemIds.length)],
  }));
  const orderIds = await all(plan.length, async (i) => {
    const id = await create(
      services.order,
      `/orders/create/${plan[i].userId}`,
      "order_id",
      "an order",
    );
    await must(
      services.order,
      `/orders/addItem/${id}/${plan[i].itemId}/1`,
      "add an item to an order",
    );
    return id;
  });
  io.out(`orders: ${orderIds.length} created in ${seconds(performance.now() - startMs)}`);

  // Every checkout at once.
  startMs = performance.now();
  const latency = new LatencyHistogram();
  const checkouts: CheckoutRecord[] = await all(orderIds.length, async (i) => {
    const sentMs = performance.now();
    const result = await services.order.request("POST", `/orders/checkout/${orderIds[i]}`);
    latency.recordValue(Math.max(1, Math.round((performance.now() - sentMs) * 1e6)));
    const status = result.ok ? result.status : 0;
    const outcome = status >= 200 && status < 300
      ? "acknowledged"
      : status >= 400 && status < 500
      ? "refused"
      : "unknown";
    return {
      orderId: orderIds[i],
      userId: plan[i].userId,
      items: [[plan[i].itemId, 1]],
      totalCost: settings.price,
      outcome,
      status,
      ...(outcome === "unknown" ? { detail: CheckoutServices.describeAnswer(result) } : {}),
    };
  });
  const checkoutMs = performance.now() - startMs;
  const ms = (percentile: number) => (latency.valueAtPercentile(percentile) / 1e6).toFixed(1);
  io.out(
    `checkout: ${checkouts.length} in ${seconds(checkoutMs)}; latency p50 ${ms(50)} ms, p99 ${
      ms(99)
    } ms, max ${(latency.maxNs / 1e6).toFixed(1)} ms`,
  );

  // Read the state back.
  startMs = performance.now();
  const finalStock = new Map<string, number>();
  const finalCredit = new Map<string, number>();
  const finalOrders = new Map<string, OrderState>();
  await Promise.all([
    all(itemIds.length, async (i) => {
      const stock = jsonOf(await services.stock.request("GET", `/stock/find/${itemIds[i]}`))?.stock;
      if (typeof stock === "number") finalStock.set(itemIds[i], stock);
    }),
    all(userIds.length, async (i) => {
      const answer = jsonOf(
        await services.payment.request("GET", `/payment/find_user/${userIds[i]}`),
      );
      if (typeof answer?.credit === "number") finalCredit.set(userIds[i], answer.credit);
    }),
    all(orderIds.length, async (i) => {
      const answer = jsonOf(await services.order.request("GET", `/orders/find/${orderIds[i]}`));
      if (typeof answer?.paid === "boolean" && typeof answer.total_cost === "number") {
        finalOrders.set(orderIds[i], { paid: answer.paid, totalCost: answer.total_cost });
      }
    }),
  ]);
  io.out(`verify: state read back in ${seconds(performance.now() - startMs)}`);

  const verdict = consistencyVerdict({
    items: new Map(itemIds.map((id) => [id, { stock: settings.stock, price: settings.price }])),
    users: new Map(userIds.map((id) => [id, settings.credit])),
    checkouts,
    finalStock,
    finalCredit,
    finalOrders,
  });
  for (const line of formatVerdict(verdict)) io.out(line);
  if (settings.jsonPath !== null) {
    const { jsonPath, urls: _, ...rest } = settings;
    await Deno.writeTextFile(
      jsonPath,
      JSON.stringify(
        {
          settings: { ...rest, urls: settings.urls },
          checkoutMs,
          latencyMs: { p50: Number(ms(50)), p99: Number(ms(99)), max: latency.maxNs / 1e6 },
          ...verdict,
        },
        null,
        2,
      ) + "\n",
    );
  }
  return verdict.consistent ? 0 : 1;
}
