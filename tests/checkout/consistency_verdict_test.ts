import assert from "node:assert/strict";
import {
  type CheckoutRecord,
  type ConsistencyInput,
  consistencyVerdict,
} from "../../lib/checkout/consistency_verdict.ts";

/** The official setup: 1 item of stock 100 at price 1, 1000 users with 1 credit, 1000 orders. */
function official(
  outcome: (i: number) => { outcome: CheckoutRecord["outcome"]; status: number },
  final: { stock: number; credit: (userIndex: number) => number; paid: (i: number) => boolean },
): ConsistencyInput {
  const users = new Map<string, number>();
  for (let u = 0; u < 1000; u++) users.set(`u${u}`, 1);
  const checkouts: CheckoutRecord[] = [];
  for (let i = 0; i < 1000; i++) {
    checkouts.push({
      orderId: `o${i}`,
      userId: `u${i}`,
      items: [["item", 1]],
      totalCost: 1,
      ...outcome(i),
    });
  }
  return {
    items: new Map([["item", { stock: 100, price: 1 }]]),
    users,
    checkouts,
    finalStock: new Map([["item", final.stock]]),
    finalCredit: new Map([...users.keys()].map((id, u) => [id, final.credit(u)])),
    finalOrders: new Map(
      checkouts.map((c, i) => [c.orderId, { paid: final.paid(i), totalCost: 1 }]),
    ),
  };
}

const ok = (i: number) =>
  i < 100
    ? { outcome: "acknowledged" as const, status: 200 }
    : { outcome: "refused" as const, status: 400 };

Deno.test("consistencyVerdict() passes a correct run and gives the official figures as zeros", () => {
  const verdict = consistencyVerdict(
    official(ok, { stock: 0, credit: (u) => (u < 100 ? 0 : 1), paid: (i) => i < 100 }),
  );
  assert.deepEqual(verdict.violations, []);
  assert.equal(verdict.consistent, true);
  assert.deepEqual(verdict.official, {
    successLines: 100,
    stockLogs: 0,
    stockDatabase: 0,
    paymentLogs: 0,
    paymentDatabase: 0,
  });
  assert.deepEqual(verdict.outcomes, { acknowledged: 100, refused: 900, unknown: 0 });
  assert.deepEqual(verdict.money, { initial: 1000, remaining: 900, chargedAcknowledged: 100 });
});

Deno.test("consistencyVerdict() finds overselling that the official stock check reads as 0", () => {
  // Lost updates: 130 checkouts acknowledged and charged, the stock still reads 0.
  const verdict = consistencyVerdict(official(
    (i) => i < 130 ? { outcome: "acknowledged", status: 200 } : { outcome: "refused", status: 400 },
    { stock: 0, credit: (u) => (u < 130 ? 0 : 1), paid: (i) => i < 130 },
  ));
  assert.equal(verdict.official.stockDatabase, 0);
  assert.equal(verdict.official.stockLogs, 30);
  const kinds = verdict.violations.map((v) => v.kind);
  assert.deepEqual(kinds, ["oversold", "stock_not_conserved"]);
  assert.match(verdict.violations[0].message, /130 units sold .* only 100 .*oversold by 30/);
  assert.match(verdict.violations[1].message, /\+30 units unaccounted for/);
  assert.equal(verdict.consistent, false);
});

Deno.test("consistencyVerdict() finds lost charges and orders whose paid flag disagrees", () => {
  const verdict = consistencyVerdict(official(ok, {
    stock: 0,
    credit: (u) => (u < 95 ? 0 : 1), // five acknowledged checkouts were never charged
    paid: (i) => i < 100 && i !== 7 || i === 500,
  }));
  const kinds = verdict.violations.map((v) => v.kind);
  assert.deepEqual(kinds, [
    "money_not_conserved",
    "user_charge_mismatch",
    "order_state_mismatch",
    "order_state_mismatch",
  ]);
  assert.match(verdict.violations[0].message, /1000 credit .* 905 left and 100 charged.*\+5/);
  assert.match(verdict.violations[1].message, /^5 users .*"u95", "u96", "u97" and 2 more/);
  assert.match(verdict.violations[2].message, /^1 order was acknowledged but is not paid: "o7"/);
  assert.match(verdict.violations[3].message, /^1 order was refused but is paid: "o500"/);
});

Deno.test("consistencyVerdict() lists 5xx and transport errors the official test counts as success", () => {
  const verdict = consistencyVerdict(official(
    (i) =>
      i < 100
        ? { outcome: "acknowledged", status: 200 }
        : i < 103
        ? { outcome: "unknown", status: i === 100 ? 0 : 500 }
        : { outcome: "refused", status: 400 },
    { stock: 0, credit: (u) => (u < 100 ? 0 : 1), paid: (i) => i < 100 },
  ));
  assert.equal(verdict.official.successLines, 103);
  assert.equal(verdict.official.stockLogs, 3);
  assert.deepEqual(verdict.violations.map((v) => v.kind), ["unknown_outcome"]);
  assert.match(verdict.violations[0].message, /^3 checkouts got a 5xx .*"o100", "o101", "o102"/);
  assert.deepEqual(verdict.outcomes, { acknowledged: 100, refused: 897, unknown: 3 });
});

Deno.test("consistencyVerdict() reports state it could not read and negative balances", () => {
  const input = official(ok, {
    stock: -2,
    credit: (u) => (u === 0 ? -1 : u < 100 ? 0 : 1),
    paid: (i) => i < 100,
  });
  const finalOrders = new Map(input.finalOrders);
  finalOrders.delete("o999");
  const verdict = consistencyVerdict({ ...input, finalOrders });
  const kinds = verdict.violations.map((v) => v.kind);
  assert.ok(kinds.includes("unreadable_state"));
  assert.match(verdict.violations[0].message, /^1 record could not be read back: "order o999"/);
  assert.equal(kinds.filter((k) => k === "negative_balance").length, 2);
});

Deno.test("consistencyVerdict() uses the configured price of every item in the official payment figures", () => {
  // --items 5 --stock 30 --price 3 --credit 5 --users 300: a correct service sells out.
  const items = new Map<string, { stock: number; price: number }>();
  for (let i = 0; i < 5; i++) items.set(`i${i}`, { stock: 30, price: 3 });
  const users = new Map<string, number>();
  for (let u = 0; u < 300; u++) users.set(`u${u}`, 5);
  const checkouts: CheckoutRecord[] = [];
  const finalCredit = new Map(users);
  for (let k = 0; k < 150; k++) {
    const userId = `u${k % 300}`;
    checkouts.push({
      orderId: `o${k}`,
      userId,
      items: [[`i${k % 5}`, 1]],
      totalCost: 3,
      outcome: "acknowledged",
      status: 200,
    });
    finalCredit.set(userId, finalCredit.get(userId)! - 3);
  }
  const verdict = consistencyVerdict({
    items,
    users,
    checkouts,
    finalStock: new Map([...items.keys()].map((id) => [id, 0])),
    finalCredit,
    finalOrders: new Map(checkouts.map((c) => [c.orderId, { paid: true, totalCost: 3 }])),
  });
  assert.deepEqual(verdict.violations, []);
  assert.deepEqual(verdict.official, {
    successLines: 150,
    stockLogs: 0,
    stockDatabase: 0,
    paymentLogs: 0,
    paymentDatabase: 0,
  });
});
