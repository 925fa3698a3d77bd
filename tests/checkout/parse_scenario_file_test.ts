import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import { parseScenarioFile } from "../../lib/checkout/parse_scenario_file.ts";
import {
  BUILTIN_SCENARIO_NAMES,
  builtinScenarioSet,
} from "../../lib/checkout/builtin_scenarios.ts";
import { ScenarioRunner } from "../../lib/checkout/scenario_runner.ts";
import { formatWaitTime } from "../../lib/checkout/wait_time.ts";

const MINIMAL = {
  waitTime: "constant(1)",
  scenarios: [{
    name: "checkout",
    steps: [{ method: "POST", service: "order", path: "/orders/checkout/{randint:0:99}" }],
  }],
};

Deno.test("parseScenarioFile() fills the defaults of optional fields", () => {
  assert.deepEqual(parseScenarioFile(JSON.stringify(MINIMAL), "mine.json"), {
    name: "mine.json",
    waitTime: { kind: "constant", seconds: 1 },
    scenarios: [{
      name: "checkout",
      weight: 1,
      steps: [{
        name: "/orders/checkout/[n]",
        method: "POST",
        service: "order",
        path: "/orders/checkout/{randint:0:99}",
        expect: "ok",
      }],
    }],
  });
});

Deno.test("parseScenarioFile() reads the example of its documentation", async () => {
  const source = await Deno.readTextFile(
    new URL("../../lib/checkout/parse_scenario_file.ts", import.meta.url),
  );
  const block = /```json\n([\s\S]*?) \* ```/.exec(source);
  assert.ok(block !== null);
  const json = block[1].replace(/^ \* ?/gm, "");
  const set = parseScenarioFile(json, "example.json");
  assert.equal(set.name, "buy-one");
  assert.deepEqual(set.waitTime, { kind: "between", minSeconds: 0.5, maxSeconds: 1.5 });
  assert.deepEqual(set.scenarios.map((s) => [s.name, s.weight, s.steps.length]), [
    ["browse", 1, 1],
    ["buy", 3, 5],
    ["unknown-order", 1, 1],
  ]);
  assert.deepEqual(set.scenarios[1].steps[2], {
    name: "/orders/create/[user_id]",
    method: "POST",
    service: "order",
    path: "/orders/create/{user_id}",
    expect: "ok",
    capture: { order_id: "order_id" },
  });
  const runner = new ScenarioRunner(set, () => 0.5);
  assert.equal(runner.next().path, "/payment/create_user");
});

Deno.test("parseScenarioFile() reads the built-in sets written as JSON", () => {
  for (const name of BUILTIN_SCENARIO_NAMES) {
    const set = builtinScenarioSet(name);
    const text = JSON.stringify({ ...set, waitTime: formatWaitTime(set.waitTime) });
    assert.deepEqual(parseScenarioFile(text, "x.json"), set, name);
  }
});

Deno.test("parseScenarioFile() keeps pick", () => {
  const set = parseScenarioFile(JSON.stringify({ ...MINIMAL, pick: "user" }), "f.json");
  assert.equal(set.pick, "user");
});

Deno.test("parseScenarioFile() names the JSON path of the first problem", async (t) => {
  const withStep = (step: Record<string, unknown>) => ({
    ...MINIMAL,
    scenarios: [{ name: "s", steps: [{ method: "POST", service: "order", path: "/x", ...step }] }],
  });
  const cases: [string, unknown, string][] = [
    ["an array at the top", [], "$ is an array, expected an object"],
    [
      "an unknown field",
      { ...MINIMAL, wait: 1 },
      "$.wait is not a known field, expected one of name, waitTime, pick, scenarios",
    ],
    [
      "a missing wait time",
      { scenarios: MINIMAL.scenarios },
      "$.waitTime is missing, expected none, constant(SECONDS) or between(MIN, MAX) with 0 <= MIN <= MAX",
    ],
    [
      "a bad wait time",
      { ...MINIMAL, waitTime: "between(3, 1)" },
      '$.waitTime is "between(3, 1)", expected none, constant(SECONDS) or between(MIN, MAX) with 0 <= MIN <= MAX',
    ],
    [
      "a bad pick",
      { ...MINIMAL, pick: "task" },
      '$.pick is "task", expected "iteration" or "user"',
    ],
    [
      "scenarios not an array",
      { ...MINIMAL, scenarios: {} },
      "$.scenarios is an object, expected an array",
    ],
    [
      "no scenarios",
      { ...MINIMAL, scenarios: [] },
      "$.scenarios is empty, expected at least one scenario",
    ],
    [
      "a misspelt weight",
      { ...MINIMAL, scenarios: [{ ...MINIMAL.scenarios[0], wieght: 2 }] },
      "$.scenarios[0].wieght is not a known field, expected one of name, weight, steps",
    ],
    [
      "a string weight",
      { ...MINIMAL, scenarios: [{ ...MINIMAL.scenarios[0], weight: "2" }] },
      '$.scenarios[0].weight is "2", expected a positive number',
    ],
    [
      "a negative weight",
      { ...MINIMAL, scenarios: [{ ...MINIMAL.scenarios[0], weight: -1 }] },
      '$.scenarios[0].weight is "-1", expected a positive number',
    ],
    [
      "a nameless scenario",
      { ...MINIMAL, scenarios: [{ steps: MINIMAL.scenarios[0].steps }] },
      "$.scenarios[0].name is missing, expected a non-empty string",
    ],
    [
      "a step without path",
      withStep({ path: undefined }),
      "$.scenarios[0].steps[0].path is missing, expected a non-empty string",
    ],
    [
      "a numeric method",
      withStep({ method: 1 }),
      '$.scenarios[0].steps[0].method is "1", expected a non-empty string',
    ],
    [
      "a lowercase method",
      withStep({ method: "post" }),
      '$.scenarios[0].steps[0].method is "post", expected one of GET, POST, PUT, PATCH, DELETE',
    ],
    [
      "a bad service",
      withStep({ service: "gateway" }),
      '$.scenarios[0].steps[0].service is "gateway", expected one of order, payment, stock',
    ],
    [
      "a bad expect",
      withStep({ expect: "4xx" }),
      '$.scenarios[0].steps[0].expect is "4xx", expected one of ok, client_error',
    ],
    [
      "an unknown step field",
      withStep({ body: "x" }),
      "$.scenarios[0].steps[0].body is not a known field, expected one of name, method, service, path, expect, capture",
    ],
    [
      "a capture array",
      withStep({ capture: ["id"] }),
      "$.scenarios[0].steps[0].capture is an array, expected an object",
    ],
    [
      "a capture of a number",
      withStep({ capture: { id: 1 } }),
      '$.scenarios[0].steps[0].capture.id is "1", expected a non-empty string',
    ],
    [
      "a space in a path",
      withStep({ method: "GET", service: "stock", path: "/stock/find/a b?x=#" }),
      "$.scenarios[0].steps[0].path has a space (U+0020) at index 13, expected a path without spaces or control characters (a space is written %20)",
    ],
    [
      "a line break in a step name (it cut the interval rows)",
      withStep({ name: "x\ny" }),
      "$.scenarios[0].steps[0].name has a control character (U+000A) at index 1, expected a name without control characters",
    ],
    [
      "an unknown variable",
      withStep({ path: "/orders/checkout/{order_id}" }),
      '$.scenarios[0].steps[0].path uses "{order_id}" before a step captures it, expected a variable captured by an earlier step of the scenario, or {randint:MIN:MAX}',
    ],
  ];
  for (const [what, data, detail] of cases) {
    await t.step(what, () => {
      assert.throws(() => parseScenarioFile(JSON.stringify(data), "s.json"), {
        name: "UsageError",
        message: `Cannot read scenario file "s.json": ${detail}`,
      });
    });
  }
});

Deno.test("parseScenarioFile() rejects text that is not JSON", () => {
  assert.throws(
    () => parseScenarioFile("{ waitTime: none }", "bad.json"),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message.startsWith('Cannot read scenario file "bad.json": it is not JSON (') &&
      error.message.endsWith("), expected a scenario set object") &&
      error.cause instanceof SyntaxError,
  );
});
