import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import { Prng } from "../../lib/core/prng.ts";
import { findScenarioProblem } from "../../lib/checkout/find_scenario_problem.ts";
import type {
  ScenarioRequest,
  ScenarioSet,
  Step,
  StepOutcome,
  StepResult,
} from "../../lib/checkout/load_scenario.ts";
import { scenarioEndpoints } from "../../lib/checkout/scenario_endpoints.ts";
import { ScenarioRunner } from "../../lib/checkout/scenario_runner.ts";

function step(path: string, extra: Partial<Step> = {}): Step {
  return { name: path, method: "POST", service: "order", path, expect: "ok", ...extra };
}

/** Two scenarios: "a" (weight 1, one step) and "b" (weight 3, create then use an order). */
const SET: ScenarioSet = {
  name: "test",
  waitTime: { kind: "constant", seconds: 1 },
  scenarios: [
    { name: "a", weight: 1, steps: [step("/orders/a/{randint:5:7}")] },
    {
      name: "b",
      weight: 3,
      steps: [
        step("/orders/create/u", { name: "create", capture: { order: "order_id" } }),
        step("/orders/find/{order}", { method: "GET", name: "find", capture: { n: "total" } }),
        step("/orders/pay/{order}/{n}", { name: "pay", expect: "client_error" }),
      ],
    },
  ],
};

function seeded(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.nextDouble();
}

/** Answers every request of SET successfully. */
function answer(request: ScenarioRequest): StepResult {
  if (request.step.name === "create") return { status: 200, json: { order_id: "o7" } };
  if (request.step.name === "find") return { status: 200, json: { total: 42 } };
  return { status: request.step.expect === "ok" ? 200 : 400 };
}

Deno.test("ScenarioRunner picks scenarios by weight at each iteration", () => {
  const runner = new ScenarioRunner(SET, seeded(1));
  const iterations = [0, 0];
  for (let i = 0; i < 60_000; i++) {
    const request = runner.next();
    if (request.stepIndex === 0) iterations[request.scenario]++;
    assert.equal(runner.complete(answer(request)), "ok");
  }
  const total = iterations[0] + iterations[1];
  assert.ok(Math.abs(iterations[0] / total - 0.25) < 0.01, `${iterations}`);
  assert.equal(runner.abortedIterations, 0);
  assert.ok(runner.completedIterations >= total - 1);
});

Deno.test("ScenarioRunner runs steps in order and substitutes captured values", () => {
  const set: ScenarioSet = { ...SET, scenarios: [SET.scenarios[1]] };
  const runner = new ScenarioRunner(set, seeded(2));
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    const request = runner.next();
    seen.push(`${request.method} ${request.path} ${request.stepIndex} ${request.needsJson}`);
    runner.complete(answer(request));
  }
  assert.deepEqual(seen, [
    "POST /orders/create/u 0 true",
    "GET /orders/find/o7 1 true",
    "POST /orders/pay/o7/42 2 false",
    "POST /orders/create/u 0 true",
    "GET /orders/find/o7 1 true",
    "POST /orders/pay/o7/42 2 false",
  ]);
  assert.equal(runner.completedIterations, 2);
});

Deno.test("ScenarioRunner.complete() judges statuses against the step's expectation", () => {
  const set: ScenarioSet = {
    name: "t",
    waitTime: { kind: "none" },
    scenarios: [{
      name: "s",
      weight: 1,
      steps: [step("/orders/ok"), step("/orders/refused", { expect: "client_error" })],
    }],
  };
  const cases: [number, StepOutcome, StepOutcome][] = [
    // status, outcome on an "ok" step, outcome on a "client_error" step
    [200, "ok", "unexpected_success"],
    [204, "ok", "unexpected_success"],
    [100, "unexpected_status", "unexpected_status"],
    [302, "unexpected_status", "unexpected_status"],
    [400, "client_error", "ok"],
    [404, "client_error", "ok"],
    [499, "client_error", "ok"],
    [500, "server_error", "server_error"],
    [503, "server_error", "server_error"],
    [600, "unexpected_status", "unexpected_status"],
    [0, "transport", "transport"],
  ];
  for (const [status, onOk, onClientError] of cases) {
    const runner = new ScenarioRunner(set, () => 0);
    runner.next();
    assert.equal(runner.complete({ status }), onOk, `ok step, ${status}`);
    if (onOk !== "ok") {
      assert.equal(runner.inIteration, false);
      runner.next();
      runner.complete({ status: 200 });
    }
    assert.equal(runner.next().path, "/orders/refused");
    assert.equal(runner.complete({ status }), onClientError, `client_error step, ${status}`);
  }
});

Deno.test("ScenarioRunner ends the iteration at a failed step and still waits", () => {
  const set: ScenarioSet = { ...SET, scenarios: [SET.scenarios[1]] };
  const runner = new ScenarioRunner(set, () => 0);
  assert.equal(runner.waitMs, 0);
  runner.next();
  assert.equal(runner.complete({ status: 200, json: { order_id: "o1" } }), "ok");
  assert.equal(runner.waitMs, 1000);
  assert.equal(runner.inIteration, true);
  assert.equal(runner.next().path, "/orders/find/o1");
  assert.equal(runner.complete({ status: 500 }), "server_error");
  assert.equal(runner.waitMs, 1000);
  assert.equal(runner.inIteration, false);
  assert.equal(runner.abortedIterations, 1);
  assert.equal(runner.completedIterations, 0);
  const restart = runner.next();
  assert.equal(restart.stepIndex, 0);
  assert.equal(restart.path, "/orders/create/u");
});

Deno.test("ScenarioRunner.complete() fails a step whose capture is missing or not a scalar", () => {
  const set: ScenarioSet = { ...SET, scenarios: [SET.scenarios[1]] };
  const bodies: unknown[] = [
    undefined,
    null,
    "o1",
    ["o1"],
    {},
    { order: "o1" },
    { order_id: null },
    { order_id: true },
    { order_id: { id: 1 } },
    { order_id: Infinity },
  ];
  for (const json of bodies) {
    const runner = new ScenarioRunner(set, () => 0);
    runner.next();
    assert.equal(runner.complete({ status: 200, json }), "capture", JSON.stringify(json));
    assert.equal(runner.inIteration, false);
    assert.equal(runner.next().stepIndex, 0);
  }
  const runner = new ScenarioRunner(set, () => 0);
  runner.next();
  assert.equal(runner.complete({ status: 200, json: { order_id: 12 } }), "ok");
  assert.equal(runner.next().path, "/orders/find/12");
});

Deno.test("ScenarioRunner draws {randint:MIN:MAX} inclusively", () => {
  const set: ScenarioSet = { ...SET, scenarios: [SET.scenarios[0]] };
  const runner = new ScenarioRunner(set, seeded(3));
  const counts = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const path = runner.next().path;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    runner.complete({ status: 200 });
  }
  assert.deepEqual([...counts.keys()].sort(), ["/orders/a/5", "/orders/a/6", "/orders/a/7"]);
  for (const count of counts.values()) assert.ok(Math.abs(count - 1000) < 100, `${count}`);
});

Deno.test("ScenarioRunner gives the same requests for the same seed", () => {
  const run = (seed: number) => {
    const runner = new ScenarioRunner(SET, seeded(seed));
    const paths: string[] = [];
    for (let i = 0; i < 200; i++) {
      const request = runner.next();
      paths.push(`${request.path} ${runner.waitMs}`);
      runner.complete(answer(request));
    }
    return paths;
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
});

Deno.test("ScenarioRunner with pick user keeps the first scenario it picks", () => {
  const set: ScenarioSet = { ...SET, pick: "user" };
  const firstPicks = [0, 0];
  const random = seeded(4);
  for (let user = 0; user < 4000; user++) {
    const runner = new ScenarioRunner(set, random);
    const first = runner.next();
    firstPicks[first.scenario]++;
    runner.complete(answer(first));
    for (let i = 0; i < 20; i++) {
      const request = runner.next();
      assert.equal(request.scenario, first.scenario);
      runner.complete(answer(request));
    }
  }
  assert.ok(Math.abs(firstPicks[0] / 4000 - 0.25) < 0.03, `${firstPicks}`);
});

Deno.test("ScenarioRunner waits between(1, 3) after every request", () => {
  const set: ScenarioSet = { ...SET, waitTime: { kind: "between", minSeconds: 1, maxSeconds: 3 } };
  const runner = new ScenarioRunner(set, seeded(8));
  let sum = 0;
  for (let i = 0; i < 10_000; i++) {
    runner.complete(answer(runner.next()));
    assert.ok(runner.waitMs >= 1000 && runner.waitMs <= 3000);
    sum += runner.waitMs;
  }
  assert.ok(Math.abs(sum / 10_000 - 2000) < 25, `${sum / 10_000}`);
});

Deno.test("ScenarioRunner rejects calls out of order", () => {
  const runner = new ScenarioRunner(SET, () => 0);
  assert.throws(() => runner.complete({ status: 200 }), Error);
  runner.next();
  assert.throws(() => runner.next(), /previous request is not completed/);
});

Deno.test("scenarioEndpoints() lists distinct method and name pairs, indexed by requests", () => {
  const endpoints = scenarioEndpoints(SET);
  assert.deepEqual(endpoints, [
    { method: "POST", name: "/orders/a/{randint:5:7}" },
    { method: "POST", name: "create" },
    { method: "GET", name: "find" },
    { method: "POST", name: "pay" },
  ]);
  const runner = new ScenarioRunner(SET, seeded(9));
  for (let i = 0; i < 100; i++) {
    const request = runner.next();
    assert.equal(endpoints[request.endpoint].name, request.step.name);
    runner.complete(answer(request));
  }
});

Deno.test("findScenarioProblem() names the JSON path of each problem", async (t) => {
  const only = (steps: Step[]): ScenarioSet => ({
    ...SET,
    scenarios: [{ name: "s", weight: 1, steps }],
  });
  const cases: [string, ScenarioSet, string, string][] = [
    ["an empty name", { ...SET, name: "" }, "$.name", 'is ""'],
    ["no scenarios", { ...SET, scenarios: [] }, "$.scenarios", "is empty"],
    [
      "an inverted wait",
      { ...SET, waitTime: { kind: "between", minSeconds: 3, maxSeconds: 1 } },
      "$.waitTime",
      'is "between(3, 1)"',
    ],
    [
      "a duplicate scenario",
      { ...SET, scenarios: [SET.scenarios[0], SET.scenarios[0]] },
      "$.scenarios[1].name",
      'is "a" again',
    ],
    [
      "a zero weight",
      { ...SET, scenarios: [{ ...SET.scenarios[0], weight: 0 }] },
      "$.scenarios[0].weight",
      'is "0"',
    ],
    ["no steps", only([]), "$.scenarios[0].steps", "is empty"],
    [
      "a bad method",
      only([step("/x", { method: "get" as "GET" })]),
      "$.scenarios[0].steps[0].method",
      'is "get"',
    ],
    [
      "a bad service",
      only([step("/x", { service: "orders" as "order" })]),
      "$.scenarios[0].steps[0].service",
      'is "orders"',
    ],
    ["a relative path", only([step("x")]), "$.scenarios[0].steps[0].path", 'is "x"'],
    [
      "an open brace",
      only([step("/x/{a")]),
      "$.scenarios[0].steps[0].path",
      'has an unmatched "{"',
    ],
    [
      "a close brace",
      only([step("/x/a}")]),
      "$.scenarios[0].steps[0].path",
      'has an unmatched "}"',
    ],
    ["a bad placeholder", only([step("/x/{a b}")]), "$.scenarios[0].steps[0].path", 'has "{a b}"'],
    [
      "an inverted randint",
      only([step("/x/{randint:5:1}")]),
      "$.scenarios[0].steps[0].path",
      'has "{randint:5:1}" with MIN > MAX or out of range',
    ],
    [
      "a space in the path",
      only([step("/x/a b?x=#")]),
      "$.scenarios[0].steps[0].path",
      "has a space (U+0020) at index 4",
    ],
    [
      "a control character in the path",
      only([step("/x/\u0001")]),
      "$.scenarios[0].steps[0].path",
      "has a control character (U+0001) at index 3",
    ],
    [
      "a variable used before capture",
      only([step("/x/{id}"), step("/y", { capture: { id: "id" } })]),
      "$.scenarios[0].steps[0].path",
      'uses "{id}" before a step captures it',
    ],
    [
      "a capture on a client_error step",
      only([step("/x", { expect: "client_error", capture: { id: "id" } })]),
      "$.scenarios[0].steps[0].capture",
      'is set on a step that expects "client_error"',
    ],
    [
      "a bad variable name",
      only([step("/x", { capture: { "1d": "id" } })]),
      "$.scenarios[0].steps[0].capture",
      'names the variable "1d"',
    ],
  ];
  for (const [what, set, path, problem] of cases) {
    await t.step(what, () => {
      const found = findScenarioProblem(set);
      assert.equal(found?.path, path);
      assert.equal(found?.problem, problem);
      assert.throws(() => new ScenarioRunner(set, () => 0), UsageError);
    });
  }
  assert.equal(findScenarioProblem(SET), undefined);
});

Deno.test("ScenarioRunner() reports a problem as one usage error line", () => {
  assert.throws(() => new ScenarioRunner({ ...SET, scenarios: [] }, () => 0), {
    name: "UsageError",
    message: 'Cannot use scenario set "test": $.scenarios is empty, expected at least one scenario',
  });
});

Deno.test("ScenarioRunner percent-encodes the spaces and control characters of a captured value", () => {
  const set: ScenarioSet = {
    name: "spaces",
    waitTime: { kind: "none" },
    scenarios: [{
      name: "s",
      weight: 1,
      steps: [
        step("/orders/create/u", { name: "create", capture: { id: "order_id" } }),
        step("/orders/find/{id}", { name: "find" }),
      ],
    }],
  };
  const runner = new ScenarioRunner(set, seeded(3));
  runner.next();
  runner.complete({ status: 200, json: { order_id: "a b\tc/d%20\u00a0" } });
  // What a request line cannot carry is encoded; the rest (a slash, a %) goes as it is.
  assert.equal(runner.next().path, "/orders/find/a%20b%09c/d%20%C2%A0");
});
