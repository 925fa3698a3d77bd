import assert from "node:assert/strict";
import { OptionError } from "../../lib/errors.ts";
import { Prng } from "../../lib/core/prng.ts";
import {
  BUILTIN_SCENARIO_NAMES,
  builtinScenarioSet,
} from "../../lib/checkout/builtin_scenarios.ts";
import { findScenarioProblem } from "../../lib/checkout/find_scenario_problem.ts";
import type { ScenarioRequest, ScenarioSet, StepResult } from "../../lib/checkout/load_scenario.ts";
import { scenarioEndpoints } from "../../lib/checkout/scenario_endpoints.ts";
import { ScenarioRunner } from "../../lib/checkout/scenario_runner.ts";

/** A fake 2024 API that answers every request as a healthy service would. */
function fakeService(): (request: ScenarioRequest) => StepResult {
  let items = 0;
  return (request) => {
    const path = request.path;
    if (path.startsWith("/stock/item/create/")) {
      return { status: 200, json: { item_id: `item${++items}` } };
    }
    if (path === "/payment/create_user") return { status: 200, json: { user_id: "user1" } };
    if (path.startsWith("/orders/create/")) return { status: 200, json: { order_id: "order1" } };
    if (path.startsWith("/stock/find/")) return { status: 200, json: { stock: 100, price: 1 } };
    return { status: request.step.expect === "client_error" ? 400 : 200 };
  };
}

/** One iteration of scenario `index` with random() = 0 (randint gives MIN), as lines. */
function trace(set: ScenarioSet, index: number): string[] {
  const only: ScenarioSet = { ...set, scenarios: [set.scenarios[index]] };
  const runner = new ScenarioRunner(only, () => 0);
  const service = fakeService();
  const lines: string[] = [];
  do {
    const request = runner.next();
    const outcome = runner.complete(service(request));
    lines.push(
      `${request.method} ${request.service} ${request.path} [${request.step.name}] ` +
        `expect ${request.step.expect}: ${outcome}`,
    );
  } while (runner.inIteration);
  assert.equal(runner.completedIterations, 1);
  return lines;
}

Deno.test("builtinScenarioSet() checkout-only is the current official locustfile", () => {
  assert.deepEqual(builtinScenarioSet("checkout-only"), {
    name: "checkout-only",
    waitTime: { kind: "constant", seconds: 1 },
    scenarios: [{
      name: "CreateAndCheckoutOrder",
      weight: 100,
      steps: [{
        name: "/orders/checkout/[order_id]",
        method: "POST",
        service: "order",
        path: "/orders/checkout/{randint:0:99999}",
        expect: "ok",
      }],
    }],
  });
});

Deno.test("builtinScenarioSet() checkout-only checks out random orders of --init", () => {
  const prng = new Prng(1);
  const runner = new ScenarioRunner(
    builtinScenarioSet("checkout-only", { orders: 10 }),
    () => prng.nextDouble(),
  );
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const request = runner.next();
    seen.add(request.path);
    assert.equal(runner.complete({ status: 200 }), "ok");
    assert.equal(runner.waitMs, 1000);
  }
  assert.deepEqual(
    [...seen].sort(),
    Array.from({ length: 10 }, (_, i) => `/orders/checkout/${i}`).sort(),
  );
  runner.next();
  assert.equal(runner.complete({ status: 500 }), "server_error");
  runner.next();
  assert.equal(runner.complete({ status: 0 }), "transport");
});

Deno.test("builtinScenarioSet() weighted-2023 keeps the old weights and wait", () => {
  const set = builtinScenarioSet("weighted-2023");
  assert.equal(set.name, "weighted-2023");
  assert.deepEqual(set.waitTime, { kind: "between", minSeconds: 1, maxSeconds: 3 });
  assert.deepEqual(
    set.scenarios.map((s) => `${s.name} ${s.weight}`),
    ["LoadTest1 5", "LoadTest2 30", "LoadTest3 25", "LoadTest4 20", "LoadTest5 10", "LoadTest6 10"],
  );
  assert.deepEqual(scenarioEndpoints(set), [
    { method: "POST", name: "/stock/item/create/[price]" },
    { method: "POST", name: "/stock/add/[item_id]/[number]" },
    { method: "POST", name: "/payment/create_user" },
    { method: "POST", name: "/payment/add_funds/[user_id]/[amount]" },
    { method: "POST", name: "/orders/create/[user_id]" },
    { method: "POST", name: "/orders/addItem/[order_id]/[item_id]/[quantity]" },
    { method: "POST", name: "/orders/checkout/[order_id]" },
    { method: "GET", name: "/stock/find/[item_id]" },
    { method: "POST", name: "/stock/subtract/[item_id]/[number]" },
  ]);
});

Deno.test("builtinScenarioSet() weighted-2023 sends exactly the adapted locust requests", () => {
  const set = builtinScenarioSet("weighted-2023");
  const createItem = `POST stock /stock/item/create/1 [/stock/item/create/[price]] expect ok: ok`;
  const addStock = (item: string) =>
    `POST stock /stock/add/${item}/100 [/stock/add/[item_id]/[number]] expect ok: ok`;
  const createUser = "POST payment /payment/create_user [/payment/create_user] expect ok: ok";
  const addFunds =
    "POST payment /payment/add_funds/user1/10000 [/payment/add_funds/[user_id]/[amount]] expect ok: ok";
  const createOrder = "POST order /orders/create/user1 [/orders/create/[user_id]] expect ok: ok";
  const addItem = (item: string) =>
    `POST order /orders/addItem/order1/${item}/1 [/orders/addItem/[order_id]/[item_id]/[quantity]] expect ok: ok`;
  const checkout = (expect: string) =>
    `POST order /orders/checkout/order1 [/orders/checkout/[order_id]] expect ${expect}: ok`;
  assert.deepEqual(trace(set, 0), [createItem, addStock("item1")]);
  assert.deepEqual(trace(set, 1), [
    createItem,
    addStock("item1"),
    createUser,
    addFunds,
    createOrder,
    addItem("item1"),
    checkout("ok"),
  ]);
  assert.deepEqual(trace(set, 2), [
    createItem,
    addStock("item1"),
    createItem,
    addStock("item2"),
    createUser,
    addFunds,
    createOrder,
    addItem("item1"),
    addItem("item2"),
    checkout("ok"),
  ]);
  assert.deepEqual(trace(set, 3), [
    createItem,
    addStock("item1"),
    createUser,
    addFunds,
    createOrder,
    addItem("item1"),
    addItem("item1"),
    checkout("ok"),
  ]);
  assert.deepEqual(trace(set, 4), [
    createItem,
    addStock("item1"),
    createItem,
    addStock("item2"),
    createUser,
    addFunds,
    createOrder,
    addItem("item1"),
    addItem("item2"),
    "GET stock /stock/find/item2 [/stock/find/[item_id]] expect ok: ok",
    "POST stock /stock/subtract/item2/100 [/stock/subtract/[item_id]/[number]] expect ok: ok",
    checkout("client_error"),
  ]);
  assert.deepEqual(trace(set, 5), [
    createItem,
    addStock("item1"),
    createUser,
    createOrder,
    addItem("item1"),
    checkout("client_error"),
  ]);
});

Deno.test("builtinScenarioSet() weighted-2023 draws prices, stock and funds in locust's ranges", () => {
  const prng = new Prng(3);
  const runner = new ScenarioRunner(builtinScenarioSet("weighted-2023"), () => prng.nextDouble());
  const service = fakeService();
  const ranges: Record<string, [number, number, number, number]> = {
    "/stock/item/create/[price]": [1, 10, Infinity, -Infinity],
    "/stock/add/[item_id]/[number]": [100, 1000, Infinity, -Infinity],
    "/payment/add_funds/[user_id]/[amount]": [10000, 100000, Infinity, -Infinity],
  };
  for (let i = 0; i < 20_000; i++) {
    const request = runner.next();
    const range = ranges[request.step.name];
    if (range !== undefined) {
      const value = Number(request.path.split("/").at(-1));
      range[2] = Math.min(range[2], value);
      range[3] = Math.max(range[3], value);
    }
    runner.complete(service(request));
  }
  for (const [name, [min, max, seenMin, seenMax]] of Object.entries(ranges)) {
    assert.ok(seenMin >= min && seenMax <= max, `${name}: ${seenMin}..${seenMax}`);
    assert.ok(seenMin - min < (max - min) / 50 && max - seenMax < (max - min) / 50, name);
  }
  assert.equal(runner.abortedIterations, 0);
});

Deno.test("builtinScenarioSet() returns sets without problems", () => {
  for (const name of BUILTIN_SCENARIO_NAMES) {
    assert.equal(findScenarioProblem(builtinScenarioSet(name)), undefined, name);
  }
  assert.equal(findScenarioProblem(builtinScenarioSet("checkout-only", { orders: 1 })), undefined);
});

Deno.test("builtinScenarioSet() rejects an unknown name and a bad order count", () => {
  assert.throws(() => builtinScenarioSet("weighted"), {
    name: "OptionError",
    message:
      'Cannot parse option "scenario": "weighted" is invalid, expected one of checkout-only, weighted-2023 or a JSON file',
  });
  for (const orders of [0, -1, 1.5, NaN]) {
    assert.throws(() => builtinScenarioSet("checkout-only", { orders }), OptionError);
  }
});

Deno.test("builtinScenarioSet() weighted-2023 runs its scenarios in 5/30/25/20/10/10 shares", () => {
  const prng = new Prng(5);
  const runner = new ScenarioRunner(builtinScenarioSet("weighted-2023"), () => prng.nextDouble());
  const service = fakeService();
  const iterations = [0, 0, 0, 0, 0, 0];
  while (runner.completedIterations < 30_000) {
    const request = runner.next();
    if (request.stepIndex === 0) iterations[request.scenario]++;
    runner.complete(service(request));
  }
  const shares = iterations.map((n) => n / 30_000);
  [0.05, 0.30, 0.25, 0.20, 0.10, 0.10].forEach((share, i) =>
    assert.ok(Math.abs(shares[i] - share) < 0.01, `${shares}`)
  );
});
