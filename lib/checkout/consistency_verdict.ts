/**
 * The verdicts of `stress checkout consistency`: the official test's four figures, computed as
 * its `verify.py` does, and our stronger checks of what the checkout services answered and what
 * they hold afterwards.
 *
 * @module
 */

/** How a checkout request ended, as the client saw it. */
export type CheckoutOutcome =
  /** 2xx: the service said the order is paid. */
  | "acknowledged"
  /** 4xx: the service refused it (out of stock, out of credit, ...). */
  | "refused"
  /** 5xx, a transport error or a timeout: the client cannot know. */
  | "unknown";

/** One order of the test and how its checkout ended. */
export interface CheckoutRecord {
  /** The order id. */
  readonly orderId: string;
  /** Its user. */
  readonly userId: string;
  /** Its lines: item id and quantity. */
  readonly items: readonly (readonly [string, number])[];
  /** Its total cost, as the test computed it (price × quantity). */
  readonly totalCost: number;
  /** How its checkout ended. */
  readonly outcome: CheckoutOutcome;
  /** The HTTP status, or 0 for a transport error. */
  readonly status: number;
  /** For `unknown`: what went wrong (status and body, or the transport error). */
  readonly detail?: string;
}

/** An order as the order service holds it at the end (null when it could not be read). */
export interface OrderState {
  /** Its `paid` flag. */
  readonly paid: boolean;
  /** Its `total_cost`. */
  readonly totalCost: number;
}

/** What the test set up, what happened, and what the services hold at the end. */
export interface ConsistencyInput {
  /** Items: id → the stock and price set up. */
  readonly items: ReadonlyMap<string, { readonly stock: number; readonly price: number }>;
  /** Users: id → the credit set up. */
  readonly users: ReadonlyMap<string, number>;
  /** Every order and its checkout. */
  readonly checkouts: readonly CheckoutRecord[];
  /** Final stock per item id (missing: could not be read). */
  readonly finalStock: ReadonlyMap<string, number>;
  /** Final credit per user id (missing: could not be read). */
  readonly finalCredit: ReadonlyMap<string, number>;
  /** Final order state per order id (missing: could not be read). */
  readonly finalOrders: ReadonlyMap<string, OrderState>;
}

/** The official consistency test's four figures. */
export interface OfficialFigures {
  /** `Stock service inconsistencies in the logs`: SUCCESS lines − stock. */
  readonly stockLogs: number;
  /** `Stock service inconsistencies in the database`: (stock − final stock) − stock. */
  readonly stockDatabase: number;
  /** `Payment service inconsistencies in the logs`. */
  readonly paymentLogs: number;
  /** `Payment service inconsistencies in the database`. */
  readonly paymentDatabase: number;
  /** SUCCESS lines: every checkout that did not answer 4xx (5xx and errors included). */
  readonly successLines: number;
}

/** The kinds of violation our checks find. */
export type ViolationKind =
  | "oversold"
  | "stock_not_conserved"
  | "money_not_conserved"
  | "user_charge_mismatch"
  | "order_state_mismatch"
  | "negative_balance"
  | "unknown_outcome"
  | "unreadable_state";

/** One thing found wrong, with a short explanation. */
export interface Violation {
  /** What kind. */
  readonly kind: ViolationKind;
  /** One line for people. */
  readonly message: string;
}

/** The result of {@linkcode consistencyVerdict}. */
export interface ConsistencyVerdict {
  /** The official test's figures. */
  readonly official: OfficialFigures;
  /** Checkouts by outcome. */
  readonly outcomes: {
    readonly acknowledged: number;
    readonly refused: number;
    readonly unknown: number;
  };
  /** Per item: set up, remaining, sold by acknowledged checkouts. */
  readonly stock: readonly {
    readonly itemId: string;
    readonly initial: number;
    readonly remaining: number | null;
    readonly soldAcknowledged: number;
  }[];
  /** Money: set up, remaining, charged by acknowledged checkouts. */
  readonly money: {
    readonly initial: number;
    readonly remaining: number | null;
    readonly chargedAcknowledged: number;
  };
  /** Everything found wrong; empty when consistent. */
  readonly violations: readonly Violation[];
  /** Whether no violation was found. */
  readonly consistent: boolean;
}

/** How many examples a violation message lists. */
const EXAMPLES = 3;

function examples(ids: readonly string[]): string {
  const shown = ids.slice(0, EXAMPLES).map((id) => `"${id}"`).join(", ");
  return ids.length > EXAMPLES ? `${shown} and ${ids.length - EXAMPLES} more` : shown;
}

/**
 * Computes the official figures and checks conservation of stock and money, per-user charges,
 * per-order agreement, and lists checkouts whose outcome the client could not know.
 *
 * Conservation counts only acknowledged checkouts: what the services told their clients. A
 * checkout with an unknown outcome (5xx, transport error) is itself a violation, and its units
 * and money are not counted, so a service that applied it shows up as not conserved too.
 *
 * @param input The setup, the checkouts and the final state.
 * @returns The figures, the tallies and the violations.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { consistencyVerdict } from "./consistency_verdict.ts";
 * const verdict = consistencyVerdict({
 *   items: new Map([["i", { stock: 1, price: 1 }]]),
 *   users: new Map([["u1", 1], ["u2", 1]]),
 *   checkouts: [
 *     { orderId: "o1", userId: "u1", items: [["i", 1]], totalCost: 1, outcome: "acknowledged", status: 200 },
 *     { orderId: "o2", userId: "u2", items: [["i", 1]], totalCost: 1, outcome: "acknowledged", status: 200 },
 *   ],
 *   finalStock: new Map([["i", 0]]),
 *   finalCredit: new Map([["u1", 0], ["u2", 0]]),
 *   finalOrders: new Map([["o1", { paid: true, totalCost: 1 }], ["o2", { paid: true, totalCost: 1 }]]),
 * });
 * assert.equal(verdict.official.stockDatabase, 0); // the official check sees nothing
 * assert.equal(verdict.consistent, false);
 * assert.equal(verdict.violations[0].kind, "oversold");
 * ```
 */
export function consistencyVerdict(input: ConsistencyInput): ConsistencyVerdict {
  const acked = input.checkouts.filter((c) => c.outcome === "acknowledged");
  const unknown = input.checkouts.filter((c) => c.outcome === "unknown");
  const refused = input.checkouts.filter((c) => c.outcome === "refused");
  const stock = stockRows(input, acked);
  const money = moneyTally(input, acked);
  const violations = [
    ...unreadableViolations(input),
    ...stockViolations(stock),
    ...moneyViolations(money),
    ...userViolations(input, acked),
    ...orderViolations(input),
    ...unknownViolations(unknown),
  ];
  return {
    official: officialFigures(input),
    outcomes: { acknowledged: acked.length, refused: refused.length, unknown: unknown.length },
    stock,
    money,
    violations,
    consistent: violations.length === 0,
  };
}

/** The sum of the credit set up, and of the final credit read back (missing counts 0). */
function creditSums(input: ConsistencyInput): { initial: number; final: number } {
  return {
    initial: [...input.users.values()].reduce((sum, credit) => sum + credit, 0),
    final: [...input.users.keys()].reduce((sum, id) => sum + (input.finalCredit.get(id) ?? 0), 0),
  };
}

/** The official figures, as verify.py computes them: SUCCESS is anything but 4xx. */
function officialFigures(input: ConsistencyInput): OfficialFigures {
  const successLines = input.checkouts.filter((c) => !(c.status >= 400 && c.status < 500)).length;
  const initialStock = [...input.items.values()].reduce((sum, item) => sum + item.stock, 0);
  const finalStockSum = [...input.items.keys()]
    .reduce((sum, id) => sum + (input.finalStock.get(id) ?? 0), 0);
  const credit = creditSums(input);
  // verify.py: NUMBER_OF_USERS * USER_STARTING_CREDIT - NUMBER_0F_ITEMS * ITEM_STARTING_STOCK *
  // ITEM_PRICE, with the one configured price of every item.
  const price = input.items.size === 0 ? 1 : [...input.items.values()][0].price;
  const initialValue = [...input.items.values()]
    .reduce((sum, item) => sum + item.stock * item.price, 0);
  const expectedUserState = credit.initial - initialValue;
  return {
    successLines,
    stockLogs: successLines - initialStock,
    stockDatabase: initialStock - finalStockSum - initialStock,
    paymentLogs: Math.abs(expectedUserState - (credit.initial - price * successLines)),
    paymentDatabase: Math.abs(expectedUserState - credit.final),
  };
}

/** `n` and the noun (and verb) in the singular for 1, else in the plural. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What could not be read cannot be checked. */
function unreadableViolations(input: ConsistencyInput): Violation[] {
  const missing = [
    ...[...input.items.keys()].filter((id) => !input.finalStock.has(id)).map((id) => `item ${id}`),
    ...[...input.users.keys()].filter((id) => !input.finalCredit.has(id)).map((id) => `user ${id}`),
    ...input.checkouts.filter((c) => !input.finalOrders.has(c.orderId)).map((c) =>
      `order ${c.orderId}`
    ),
  ];
  if (missing.length === 0) return [];
  return [{
    kind: "unreadable_state",
    message: `${count(missing.length, "record", "records")} could not be read back: ${
      examples(missing)
    }`,
  }];
}

/** Per item: the stock set up, the stock left and the units sold by acknowledged checkouts. */
function stockRows(
  input: ConsistencyInput,
  acked: readonly CheckoutRecord[],
): ConsistencyVerdict["stock"] {
  const sold = new Map<string, number>();
  for (const checkout of acked) {
    for (const [itemId, quantity] of checkout.items) {
      sold.set(itemId, (sold.get(itemId) ?? 0) + quantity);
    }
  }
  return [...input.items].map(([itemId, item]) => ({
    itemId,
    initial: item.stock,
    remaining: input.finalStock.get(itemId) ?? null,
    soldAcknowledged: sold.get(itemId) ?? 0,
  }));
}

/** Stock: per item, initial = remaining + sold by acknowledged checkouts; never oversold. */
function stockViolations(stock: ConsistencyVerdict["stock"]): Violation[] {
  const violations: Violation[] = [];
  for (const row of stock) {
    if (row.soldAcknowledged > row.initial) {
      violations.push({
        kind: "oversold",
        message: `item "${row.itemId}": ${row.soldAcknowledged} units sold by acknowledged ` +
          `checkouts, but only ${row.initial} were in stock (oversold by ${
            row.soldAcknowledged - row.initial
          })`,
      });
    }
    if (row.remaining !== null && row.remaining + row.soldAcknowledged !== row.initial) {
      violations.push({
        kind: "stock_not_conserved",
        message: `item "${row.itemId}": ${row.initial} in stock at the start, ${row.remaining} ` +
          `left and ${row.soldAcknowledged} sold by acknowledged checkouts: ${
            row.remaining + row.soldAcknowledged - row.initial > 0 ? "+" : ""
          }${row.remaining + row.soldAcknowledged - row.initial} units unaccounted for`,
      });
    }
    if (row.remaining !== null && row.remaining < 0) {
      violations.push({
        kind: "negative_balance",
        message: `item "${row.itemId}": the stock is negative (${row.remaining})`,
      });
    }
  }
  return violations;
}

/** Money in total: set up, left (null unless every user was read back), charged when acknowledged. */
function moneyTally(
  input: ConsistencyInput,
  acked: readonly CheckoutRecord[],
): ConsistencyVerdict["money"] {
  const credit = creditSums(input);
  const allCredits = [...input.users.keys()].every((id) => input.finalCredit.has(id));
  return {
    initial: credit.initial,
    remaining: allCredits ? credit.final : null,
    chargedAcknowledged: acked.reduce((sum, c) => sum + c.totalCost, 0),
  };
}

/** Money in total: initial = remaining + charged by acknowledged checkouts. */
function moneyViolations(money: ConsistencyVerdict["money"]): Violation[] {
  const { initial, remaining, chargedAcknowledged } = money;
  if (remaining === null || remaining + chargedAcknowledged === initial) return [];
  const off = remaining + chargedAcknowledged - initial;
  return [{
    kind: "money_not_conserved",
    message: `${initial} credit at the start, ${remaining} left and ` +
      `${chargedAcknowledged} charged by acknowledged checkouts: ${off > 0 ? "+" : ""}${off} ` +
      "unaccounted for",
  }];
}

/** Money per user: initial - final = charged by acknowledged checkouts, and never negative. */
function userViolations(input: ConsistencyInput, acked: readonly CheckoutRecord[]): Violation[] {
  const charged = new Map<string, number>();
  for (const checkout of acked) {
    charged.set(checkout.userId, (charged.get(checkout.userId) ?? 0) + checkout.totalCost);
  }
  const wrongUsers: string[] = [];
  const negativeUsers: string[] = [];
  for (const [userId, initial] of input.users) {
    const final = input.finalCredit.get(userId);
    if (final === undefined) continue;
    if (final < 0) negativeUsers.push(userId);
    if (initial - final !== (charged.get(userId) ?? 0)) wrongUsers.push(userId);
  }
  const violations: Violation[] = [];
  if (wrongUsers.length > 0) {
    violations.push({
      kind: "user_charge_mismatch",
      message:
        `${
          count(wrongUsers.length, "user was", "users were")
        } charged other than their acknowledged ` +
        `checkouts cost: ${examples(wrongUsers)}`,
    });
  }
  if (negativeUsers.length > 0) {
    violations.push({
      kind: "negative_balance",
      message: `${count(negativeUsers.length, "user has", "users have")} negative credit: ${
        examples(negativeUsers)
      }`,
    });
  }
  return violations;
}

/** Per order: acknowledged ⇔ paid, refused ⇒ not paid. */
function orderViolations(input: ConsistencyInput): Violation[] {
  const paidButRefused: string[] = [];
  const ackedButUnpaid: string[] = [];
  for (const checkout of input.checkouts) {
    const state = input.finalOrders.get(checkout.orderId);
    if (state === undefined) continue;
    if (checkout.outcome === "acknowledged" && !state.paid) ackedButUnpaid.push(checkout.orderId);
    if (checkout.outcome === "refused" && state.paid) paidButRefused.push(checkout.orderId);
  }
  const violations: Violation[] = [];
  if (ackedButUnpaid.length > 0) {
    violations.push({
      kind: "order_state_mismatch",
      message: `${count(ackedButUnpaid.length, "order was", "orders were")} acknowledged but ${
        ackedButUnpaid.length === 1 ? "is" : "are"
      } not paid: ${examples(ackedButUnpaid)}`,
    });
  }
  if (paidButRefused.length > 0) {
    violations.push({
      kind: "order_state_mismatch",
      message: `${count(paidButRefused.length, "order was", "orders were")} refused but ${
        paidButRefused.length === 1 ? "is" : "are"
      } paid: ${examples(paidButRefused)}`,
    });
  }
  return violations;
}

/** Outcomes the client could not know (the official test counts them as successes). */
function unknownViolations(unknown: readonly CheckoutRecord[]): Violation[] {
  if (unknown.length === 0) return [];
  const first = unknown[0];
  return [{
    kind: "unknown_outcome",
    message: `${count(unknown.length, "checkout", "checkouts")} got a 5xx answer or a ` +
      `transport error, so ${unknown.length === 1 ? "its" : "their"} outcome is unknown: ${
        examples(unknown.map((c) => c.orderId))
      } (first: ${first.detail ?? `status ${first.status}`})`,
  }];
}
