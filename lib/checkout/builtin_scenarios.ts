/**
 * The scenario sets built into `stress checkout load`: the current official locustfile
 * (`checkout-only`) and the older six weighted scenarios adapted to the 2024 API
 * (`weighted-2023`).
 *
 * @module
 */

import { OptionError } from "../errors.ts";
import type { Scenario, ScenarioSet, Step } from "./load_scenario.ts";

/** The names of the built-in scenario sets. */
export type BuiltinScenarioName = "checkout-only" | "weighted-2023";

/** The names {@linkcode builtinScenarioSet} accepts, the default first. */
export const BUILTIN_SCENARIO_NAMES: readonly BuiltinScenarioName[] = [
  "checkout-only",
  "weighted-2023",
];

/** Options for {@linkcode builtinScenarioSet}. */
export interface BuiltinScenarioOptions {
  /**
   * How many orders `--init` created (`"0"` to `"orders-1"`): `checkout-only` checks out
   * `{randint:0:orders-1}`, as the locustfile's `randint(0, NUMBER_OF_ORDERS - 1)`.
   *
   * @default {100000}
   */
  readonly orders?: number;
}

// The steps of the 2023 locustfile (5ab5655), with its endpoint names. Prices, stock and funds are
// whole numbers as in that version (randint 1..10, 100..1000, 10000..100000).

function createItem(variable: string): Step {
  return {
    name: "/stock/item/create/[price]",
    method: "POST",
    service: "stock",
    path: "/stock/item/create/{randint:1:10}",
    expect: "ok",
    capture: { [variable]: "item_id" },
  };
}

function addStock(variable: string): Step {
  return {
    name: "/stock/add/[item_id]/[number]",
    method: "POST",
    service: "stock",
    path: `/stock/add/{${variable}}/{randint:100:1000}`,
    expect: "ok",
  };
}

const CREATE_USER: Step = {
  name: "/payment/create_user",
  method: "POST",
  service: "payment",
  path: "/payment/create_user",
  expect: "ok",
  capture: { user_id: "user_id" },
};

const ADD_FUNDS: Step = {
  name: "/payment/add_funds/[user_id]/[amount]",
  method: "POST",
  service: "payment",
  path: "/payment/add_funds/{user_id}/{randint:10000:100000}",
  expect: "ok",
};

const CREATE_ORDER: Step = {
  name: "/orders/create/[user_id]",
  method: "POST",
  service: "order",
  path: "/orders/create/{user_id}",
  expect: "ok",
  capture: { order_id: "order_id" },
};

/** 2024's addItem takes a quantity (2023's did not); we add 1 unit, as the 2023 call meant. */
function addItem(variable: string): Step {
  return {
    name: "/orders/addItem/[order_id]/[item_id]/[quantity]",
    method: "POST",
    service: "order",
    path: `/orders/addItem/{order_id}/{${variable}}/1`,
    expect: "ok",
  };
}

function checkout(expect: "ok" | "client_error"): Step {
  return {
    name: "/orders/checkout/[order_id]",
    method: "POST",
    service: "order",
    path: "/orders/checkout/{order_id}",
    expect,
  };
}

/** A user with funds and an order of two new items that have stock (LoadTest3 and LoadTest5). */
const TWO_ITEM_ORDER: readonly Step[] = [
  createItem("item1_id"),
  addStock("item1_id"),
  createItem("item2_id"),
  addStock("item2_id"),
  CREATE_USER,
  ADD_FUNDS,
  CREATE_ORDER,
  addItem("item1_id"),
  addItem("item2_id"),
];

const WEIGHTED_2023: readonly Scenario[] = [
  {
    // A stock admin creates an item and adds stock to it.
    name: "LoadTest1",
    weight: 5,
    steps: [createItem("item_id"), addStock("item_id")],
  },
  {
    // A user checks out an order with one item that has stock.
    name: "LoadTest2",
    weight: 30,
    steps: [
      createItem("item_id"),
      addStock("item_id"),
      CREATE_USER,
      ADD_FUNDS,
      CREATE_ORDER,
      addItem("item_id"),
      checkout("ok"),
    ],
  },
  {
    // A user checks out an order with two items that have stock.
    name: "LoadTest3",
    weight: 25,
    steps: [...TWO_ITEM_ORDER, checkout("ok")],
  },
  {
    // 2023: add an item, DELETE removeItem, add it again, check out. The 2024 API has no
    // removeItem, so the user adds the same item twice (quantity 1 each) and checks out 2 units.
    name: "LoadTest4",
    weight: 20,
    steps: [
      createItem("item_id"),
      addStock("item_id"),
      CREATE_USER,
      ADD_FUNDS,
      CREATE_ORDER,
      addItem("item_id"),
      addItem("item_id"),
      checkout("ok"),
    ],
  },
  {
    // Must fail for lack of stock: item 2's stock is read and subtracted to 0 before checkout,
    // and the checkout must answer a 4xx.
    name: "LoadTest5",
    weight: 10,
    steps: [
      ...TWO_ITEM_ORDER,
      {
        name: "/stock/find/[item_id]",
        method: "GET",
        service: "stock",
        path: "/stock/find/{item2_id}",
        expect: "ok",
        capture: { item2_stock: "stock" },
      },
      {
        name: "/stock/subtract/[item_id]/[number]",
        method: "POST",
        service: "stock",
        path: "/stock/subtract/{item2_id}/{item2_stock}",
        expect: "ok",
      },
      checkout("client_error"),
    ],
  },
  {
    // Must fail for lack of credit: no add_funds, so the new user has 0 credit.
    name: "LoadTest6",
    weight: 10,
    steps: [
      createItem("item_id"),
      addStock("item_id"),
      CREATE_USER,
      CREATE_ORDER,
      addItem("item_id"),
      checkout("client_error"),
    ],
  },
];

/**
 * Returns a built-in scenario set.
 *
 * - `checkout-only` (the default): the current official locustfile (`377abb5`): wait
 *   `constant(1)`, one scenario `CreateAndCheckoutOrder` (weight 100) with one step,
 *   `POST /orders/checkout/{randint:0:orders-1}` named `/orders/checkout/[order_id]`, expecting a
 *   2xx. The official test counts 5xx and connection errors as successes; we count them as
 *   failures.
 * - `weighted-2023`: the older locustfile's six scenarios `LoadTest1`..`LoadTest6` with weights
 *   5/30/25/20/10/10 and wait `between(1, 3)`, on the 2024 API: addItem adds quantity 1, and
 *   LoadTest4 adds the item twice instead of add, remove, add (2024 has no removeItem).
 *
 * @param name `"checkout-only"` or `"weighted-2023"`.
 * @param options The number of orders created by `--init`.
 * @returns The scenario set.
 * @throws {OptionError} When the name is unknown (option `scenario`), or `orders` is not a
 * positive safe integer (option `orders`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { builtinScenarioSet } from "./builtin_scenarios.ts";
 * const set = builtinScenarioSet("checkout-only", { orders: 1000 });
 * assert.equal(set.scenarios[0].steps[0].path, "/orders/checkout/{randint:0:999}");
 * assert.deepEqual(
 *   builtinScenarioSet("weighted-2023").scenarios.map((s) => s.weight),
 *   [5, 30, 25, 20, 10, 10],
 * );
 * ```
 */
export function builtinScenarioSet(
  name: string,
  options: BuiltinScenarioOptions = {},
): ScenarioSet {
  const orders = options.orders ?? 100_000;
  if (!Number.isSafeInteger(orders) || orders < 1) {
    throw new OptionError({ option: "orders", value: String(orders), expected: "at least 1" });
  }
  switch (name) {
    case "checkout-only":
      return {
        name: "checkout-only",
        waitTime: { kind: "constant", seconds: 1 },
        scenarios: [{
          name: "CreateAndCheckoutOrder",
          weight: 100,
          steps: [{
            name: "/orders/checkout/[order_id]",
            method: "POST",
            service: "order",
            path: `/orders/checkout/{randint:0:${orders - 1}}`,
            expect: "ok",
          }],
        }],
      };
    case "weighted-2023":
      return {
        name: "weighted-2023",
        waitTime: { kind: "between", minSeconds: 1, maxSeconds: 3 },
        scenarios: WEIGHTED_2023,
      };
    default:
      throw new OptionError({
        option: "scenario",
        value: name,
        expected: `one of ${BUILTIN_SCENARIO_NAMES.join(", ")} or a JSON file`,
      });
  }
}
