/**
 * `stress checkout consistency`: the official consistency test of the checkout services, done
 * as it does it, then checked far more strictly.
 *
 * @module
 */

import { type ConsistencyVerdict, consistencyVerdict } from "./consistency_verdict.ts";
import type { ConsistencySettings } from "./checkout_consistency_settings.ts";
import { populate } from "./checkout_consistency_populate.ts";
import { createOrders } from "./checkout_consistency_orders.ts";
import { checkOutAll } from "./checkout_consistency_checkouts.ts";
import { readBack } from "./checkout_consistency_read_back.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { CheckoutServices } from "./driver/checkout_services.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { parseCommandFlags, parseInteger } from "../cli/parse_flags.ts";
import { InterruptedError, UsageError } from "../errors.ts";
import { checkReplaceable, replaceFile } from "../cli/replace_file.ts";
import { refuseSharedFiles } from "../cli/distinct_files.ts";
import { redactUrls } from "./checkout_urls.ts";
import { MAX_CONNECTIONS, MAX_COUNT, parseCount } from "./_count_flag.ts";

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
  --timeout DURATION   time limit of one request, from sending it to its answer (default 10s)
  --connect-timeout DURATION
                       time limit to get a connection (default 10s); connections are opened one
                       at a time, and during the setup (populate, orders, read-back) a request
                       whose connection failed before anything was sent is sent again, with
                       back-off and a progress line, up to 8 times
  --seed N             the seed of the random users and items of the orders (default: random)
  --json FILE          write the figures, tallies and violations as JSON (its folder is checked
                       before the test starts; the file is written at the end)
  -h, --help           this help

Exit: 0 consistent, 1 a violation was found, 2 bad options, 3 the services cannot be set up
(unreachable, or they refused to create items, users or orders).
`;

function positiveDuration(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms <= 0) throw new UsageError(`Cannot parse ${flag}: "${text}" is 0, expected more than 0`);
  return ms;
}

async function settingsOf(
  values: Record<string, string | boolean | undefined>,
): Promise<ConsistencySettings> {
  const urls = await CheckoutServices.urlsFromFlags(values, "run the consistency test");
  return {
    urls,
    items: parseCount("--items", values.items as string, { min: 1, max: MAX_COUNT }),
    stock: parseInteger("--stock", values.stock as string, { min: 0 }),
    price: parseInteger("--price", values.price as string, { min: 0 }),
    users: parseCount("--users", values.users as string, { min: 1, max: MAX_COUNT }),
    credit: parseInteger("--credit", values.credit as string, { min: 0 }),
    checkouts: parseCount("--checkouts", values.checkouts as string, { min: 1, max: MAX_COUNT }),
    concurrency: parseCount("--concurrency", values.concurrency as string, {
      min: 1,
      max: MAX_CONNECTIONS,
    }),
    timeoutMs: positiveDuration(values.timeout as string, "--timeout"),
    connectTimeoutMs: positiveDuration(values["connect-timeout"] as string, "--connect-timeout"),
    seed: values.seed === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : parseInteger("--seed", values.seed as string, { min: 0 }),
    jsonPath: jsonPathOf(values),
  };
}

/**
 * `--json FILE`, whose folder is checked now: the test must not run to fail on it at its end (a
 * directory is refused; a device or a pipe, such as `/dev/stdout`, is written in place).
 */
function jsonPathOf(values: Record<string, string | boolean | undefined>): string | null {
  const path = values.json as string | undefined;
  if (path === undefined) return null;
  // The --urls file is read, not replaced.
  refuseSharedFiles([
    { option: "--urls", path: values.urls as string | undefined, input: true },
    { option: "--json", path },
  ]);
  checkReplaceable(path, "--json");
  return path;
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
    lines.push(
      "",
      `Verdict: INCONSISTENT: ${verdict.violations.length} ${
        verdict.violations.length === 1 ? "violation" : "violations"
      }`,
    );
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
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const values = parseCommandFlags("checkout consistency", args, {
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
    "connect-timeout": { type: "string", default: "10s" },
    seed: { type: "string" },
    json: { type: "string" },
  }, { io, help: HELP });
  if (values === null) return 0;
  const settings = await settingsOf(values);
  const services = new CheckoutServices(settings.urls, {
    connections: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
  });
  // Ctrl-C or SIGTERM closes the connections, so that requests in flight end at once; the test
  // then stops at the end of its phase, with nothing judged and no file written.
  const onAbort = () => void services.close();
  options.signal?.addEventListener("abort", onAbort);
  try {
    return await runTest(settings, services, io, options.signal);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await services.close();
  }
}

/**
 * Runs one phase; once the run is interrupted, its failure (the connections were closed under
 * it) or its end becomes the interruption.
 */
async function guarded<T>(
  signal: AbortSignal | undefined,
  phase: string,
  job: () => Promise<T>,
): Promise<T> {
  let value: T;
  try {
    value = await job();
  } catch (error) {
    stopIfInterrupted(signal, phase);
    throw error;
  }
  stopIfInterrupted(signal, phase);
  return value;
}

/** Throws when the run was interrupted, naming the phase it ended in. */
function stopIfInterrupted(signal: AbortSignal | undefined, phase: string): void {
  if (signal?.aborted) {
    throw new InterruptedError(
      `Run interrupted by SIGINT during the ${phase}: nothing was judged, no file written`,
    );
  }
}

/** The test: populate, create the orders, check them all out, read the state back, judge. */
async function runTest(
  settings: ConsistencySettings,
  services: CheckoutServices,
  io: CommandIo,
  signal?: AbortSignal,
): Promise<number> {
  const run = { settings, services, io };
  io.out(
    `checkout consistency: ${settings.items} item${
      settings.items === 1 ? "" : "s"
    } (stock ${settings.stock}, price ${settings.price}), ${settings.users} users (credit ${settings.credit}), ${settings.checkouts} checkouts, ${settings.concurrency} in flight, seed ${settings.seed}`,
  );
  stopIfInterrupted(signal, "start");
  const { itemIds, userIds } = await guarded(signal, "populate", () => populate(run));
  const orders = await guarded(signal, "orders", () => createOrders(run, { itemIds, userIds }));
  const { checkouts, checkoutMs, latencyMs } = await guarded(
    signal,
    "checkouts",
    () => checkOutAll(run, orders),
  );
  const orderIds = orders.map((order) => order.orderId);
  const final = await guarded(
    signal,
    "read-back",
    () => readBack(run, { itemIds, userIds, orderIds }),
  );
  const verdict = consistencyVerdict({
    items: new Map(itemIds.map((id) => [id, { stock: settings.stock, price: settings.price }])),
    users: new Map(userIds.map((id) => [id, settings.credit])),
    checkouts,
    ...final,
  });
  for (const line of formatVerdict(verdict)) io.out(line);
  if (settings.jsonPath !== null) {
    const { jsonPath, urls, ...rest } = settings;
    replaceFile(
      jsonPath,
      "--json",
      JSON.stringify(
        { settings: { ...rest, urls: redactUrls(urls) }, checkoutMs, latencyMs, ...verdict },
        null,
        2,
      ) + "\n",
    );
  }
  return verdict.consistent ? 0 : 1;
}
