/**
 * Reads the JSON scenario file of `stress checkout load --scenario FILE`.
 *
 * @module
 */

import { OptionError, UsageError } from "../errors.ts";
import { findScenarioProblem, type ScenarioProblem } from "./find_scenario_problem.ts";
import type { Scenario, ScenarioSet, Step } from "./load_scenario.ts";
import { parseWaitTime, type WaitTime } from "./wait_time.ts";

const SET_KEYS = ["name", "waitTime", "pick", "scenarios"];
const SCENARIO_KEYS = ["name", "weight", "steps"];
const STEP_KEYS = ["name", "method", "service", "path", "expect", "capture"];

/** Thrown inside the parser with a problem; turned into one UsageError at the top. */
class Problem extends Error {
  readonly detail: ScenarioProblem;
  constructor(detail: ScenarioProblem) {
    super(detail.problem);
    this.detail = detail;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "is missing";
  if (value === null) return "is null";
  if (Array.isArray(value)) return "is an array";
  if (typeof value === "object") return "is an object";
  if (typeof value === "string") return `is ${JSON.stringify(value)}`;
  return `is "${String(value)}"`;
}

function fail(path: string, value: unknown, expected: string): never {
  throw new Problem({ path, problem: describe(value), expected });
}

function object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, value, "an object");
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) {
      throw new Problem({
        path: `${path}.${key}`,
        problem: "is not a known field",
        expected: `one of ${keys.join(", ")}`,
      });
    }
  }
  return record;
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string" || value === "") fail(path, value, "a non-empty string");
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, value, "an array");
  return value;
}

/** The default step name: the path with `{var}` as `[var]` and `{randint:a:b}` as `[n]`. */
function defaultStepName(path: string): string {
  return path.replace(/\{randint:[^}]*\}/g, "[n]").replace(/\{([^}]*)\}/g, "[$1]");
}

function readStep(value: unknown, path: string): Step {
  const record = object(value, path, STEP_KEYS);
  const stepPath = string(record.path, `${path}.path`);
  const step: {
    -readonly [K in keyof Step]: Step[K];
  } = {
    name: record.name === undefined
      ? defaultStepName(stepPath)
      : string(record.name, `${path}.name`),
    method: string(record.method, `${path}.method`) as Step["method"],
    service: string(record.service, `${path}.service`) as Step["service"],
    path: stepPath,
    expect: record.expect === undefined
      ? "ok"
      : string(record.expect, `${path}.expect`) as Step["expect"],
  };
  if (record.capture !== undefined) {
    const capture = object(record.capture, `${path}.capture`, Object.keys(record.capture ?? {}));
    for (const [name, field] of Object.entries(capture)) string(field, `${path}.capture.${name}`);
    step.capture = capture as Record<string, string>;
  }
  return step;
}

function readScenario(value: unknown, path: string): Scenario {
  const record = object(value, path, SCENARIO_KEYS);
  const weight = record.weight ?? 1;
  if (typeof weight !== "number") fail(`${path}.weight`, weight, "a positive number");
  return {
    name: string(record.name, `${path}.name`),
    weight,
    steps: array(record.steps, `${path}.steps`).map((step, i) =>
      readStep(step, `${path}.steps[${i}]`)
    ),
  };
}

const WAIT_EXPECTED = "none, constant(SECONDS) or between(MIN, MAX) with 0 <= MIN <= MAX";

function readWaitTime(value: unknown): WaitTime {
  if (typeof value !== "string") fail("$.waitTime", value, WAIT_EXPECTED);
  try {
    return parseWaitTime(value);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    fail("$.waitTime", value, WAIT_EXPECTED);
  }
}

function readSet(data: unknown, source: string): ScenarioSet {
  const record = object(data, "$", SET_KEYS);
  const set: { -readonly [K in keyof ScenarioSet]: ScenarioSet[K] } = {
    name: record.name === undefined ? source : string(record.name, "$.name"),
    waitTime: readWaitTime(record.waitTime),
    scenarios: array(record.scenarios, "$.scenarios").map((scenario, i) =>
      readScenario(scenario, `$.scenarios[${i}]`)
    ),
  };
  if (record.pick !== undefined) {
    set.pick = string(record.pick, "$.pick") as ScenarioSet["pick"];
  }
  const problem = findScenarioProblem(set);
  if (problem !== undefined) throw new Problem(problem);
  return set;
}

/**
 * Reads a scenario file: JSON of the same shape as the built-in sets, checked in full.
 *
 * The format (`?` marks an optional field, with its default):
 * - `name?` (default: `source`), `waitTime`: `"none"`, `"constant(S)"` or `"between(MIN, MAX)"`
 *   in seconds (a pause after every request), `pick?` (`"iteration"`: pick a scenario by weight
 *   for each iteration; `"user"`: once per virtual user, as locust), `scenarios`: a non-empty array.
 * - A scenario: `name` (unique), `weight?` (a positive number, default 1), `steps` (non-empty,
 *   run in order; a failed step ends the iteration).
 * - A step: `method` (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`), `service` (`order`, `payment`,
 *   `stock`: whose base URL the path goes after), `path` (starts with `/` and keeps the service
 *   prefix; `{var}` is a variable captured by an earlier step, `{randint:MIN:MAX}` a fresh random
 *   integer, both ends included), `name?` (the statistics row; default: the path with `{x}` written
 *   `[x]` and `{randint:..}` written `[n]`), `expect?` (`"ok"`: a 2xx succeeds, the default;
 *   `"client_error"`: a 4xx succeeds), `capture?` (`{"var": "field"}`: take the top-level string or
 *   number `field` of the 2xx JSON answer as `{var}`; only on `"ok"` steps; a missing field fails).
 *
 * ```json
 * {
 *   "name": "buy-one",
 *   "waitTime": "between(0.5, 1.5)",
 *   "scenarios": [
 *     { "name": "browse", "weight": 1, "steps": [
 *       { "method": "GET", "service": "stock", "path": "/stock/find/{randint:0:99999}",
 *         "name": "/stock/find/[item_id]" }
 *     ] },
 *     { "name": "buy", "weight": 3, "steps": [
 *       { "method": "POST", "service": "payment", "path": "/payment/create_user",
 *         "capture": { "user_id": "user_id" } },
 *       { "method": "POST", "service": "payment", "path": "/payment/add_funds/{user_id}/100" },
 *       { "method": "POST", "service": "order", "path": "/orders/create/{user_id}",
 *         "capture": { "order_id": "order_id" } },
 *       { "method": "POST", "service": "order",
 *         "path": "/orders/addItem/{order_id}/{randint:0:99999}/1" },
 *       { "method": "POST", "service": "order", "path": "/orders/checkout/{order_id}" }
 *     ] },
 *     { "name": "unknown-order", "weight": 1, "steps": [
 *       { "method": "POST", "service": "order", "path": "/orders/checkout/no-such-order",
 *         "name": "/orders/checkout/[unknown]", "expect": "client_error" }
 *     ] }
 *   ]
 * }
 * ```
 *
 * @param text The file's content.
 * @param source The file name, for messages and as the default set name.
 * @returns The scenario set, ready for `new ScenarioRunner(set, random)`.
 * @throws {UsageError} When the text is not JSON, or at the first problem, naming its JSON path:
 * `Cannot read scenario file "f.json": $.scenarios[0].weight is "0", expected a positive number`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseScenarioFile } from "./parse_scenario_file.ts";
 * const set = parseScenarioFile(
 *   JSON.stringify({
 *     waitTime: "constant(1)",
 *     scenarios: [{
 *       name: "checkout",
 *       steps: [{ method: "POST", service: "order", path: "/orders/checkout/{randint:0:99}" }],
 *     }],
 *   }),
 *   "mine.json",
 * );
 * assert.equal(set.name, "mine.json");
 * assert.equal(set.scenarios[0].weight, 1);
 * assert.equal(set.scenarios[0].steps[0].name, "/orders/checkout/[n]");
 * assert.equal(set.scenarios[0].steps[0].expect, "ok");
 * assert.throws(
 *   () => parseScenarioFile('{"waitTime": "none", "scenarios": []}', "f.json"),
 *   { message: 'Cannot read scenario file "f.json": $.scenarios is empty, expected at least one scenario' },
 * );
 * ```
 */
export function parseScenarioFile(text: string, source: string): ScenarioSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `Cannot read scenario file "${source}": it is not JSON (${
        (error as Error).message
      }), expected a scenario set object`,
      { cause: error },
    );
  }
  try {
    return readSet(data, source);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    const { path, problem, expected } = error.detail;
    throw new UsageError(
      `Cannot read scenario file "${source}": ${path} ${problem}, expected ${expected}`,
    );
  }
}
