/**
 * The check of a scenario set's meaning, before it runs: names, weights, methods, services,
 * expectations, wait time, path templates and captures.
 *
 * @module
 */

import { IDENTIFIER, parseTemplate, unsendableProblem } from "./_scenario_template.ts";
import { quote } from "./_quote.ts";
import type { ScenarioSet, Step } from "./load_scenario.ts";
import { formatWaitTime, type WaitTime } from "./wait_time.ts";

/** A problem found in a scenario set by {@linkcode findScenarioProblem}. */
export interface ScenarioProblem {
  /** Where, as a JSON path: `"$.scenarios[1].steps[0].path"`. */
  readonly path: string;
  /** What is wrong, e.g. `is "x"` or `uses "{order_id}" before a step captures it`. */
  readonly problem: string;
  /** What would be accepted. */
  readonly expected: string;
}

const METHODS: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const SERVICES: readonly string[] = ["order", "payment", "stock"];
const EXPECTS: readonly string[] = ["ok", "client_error"];
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

const TEMPLATE_EXPECTED = 'a path starting with "/" whose placeholders are {variable} or ' +
  "{randint:MIN:MAX}";

function waitTimeProblem(wait: WaitTime): ScenarioProblem | undefined {
  const expected = "none, constant(SECONDS) or between(MIN, MAX) with 0 <= MIN <= MAX";
  const ok = (seconds: number): boolean => Number.isFinite(seconds) && seconds >= 0;
  const valid = wait.kind === "none" ||
    (wait.kind === "constant" && ok(wait.seconds)) ||
    (wait.kind === "between" && ok(wait.minSeconds) && ok(wait.maxSeconds) &&
      wait.minSeconds <= wait.maxSeconds);
  if (valid) return undefined;
  const kind: string = wait.kind;
  const known = kind === "none" || kind === "constant" || kind === "between";
  const problem = known ? `is "${formatWaitTime(wait)}"` : `has the kind ${quote(kind)}`;
  return { path: "$.waitTime", problem, expected };
}

/**
 * Checks the meaning of a scenario set: names, weights, methods, services, expectations, path
 * templates (which a request line can carry: no spaces or control characters), and that every
 * `{variable}` is captured by an earlier step of its scenario.
 *
 * @param set The scenario set (typed, e.g. from code or from {@link ./parse_scenario_file.ts}).
 * @returns The first problem found, or `undefined` when the set can run.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { findScenarioProblem } from "./find_scenario_problem.ts";
 * const problem = findScenarioProblem({
 *   name: "demo",
 *   waitTime: { kind: "none" },
 *   scenarios: [{
 *     name: "checkout",
 *     weight: 1,
 *     steps: [{
 *       name: "/orders/checkout/[order_id]",
 *       method: "POST",
 *       service: "order",
 *       path: "/orders/checkout/{order_id}",
 *       expect: "ok",
 *     }],
 *   }],
 * });
 * assert.equal(problem?.path, "$.scenarios[0].steps[0].path");
 * assert.equal(problem?.problem, 'uses "{order_id}" before a step captures it');
 * ```
 */
export function findScenarioProblem(set: ScenarioSet): ScenarioProblem | undefined {
  if (typeof set.name !== "string" || set.name === "") {
    return { path: "$.name", problem: `is ${quote(set.name)}`, expected: "a non-empty string" };
  }
  const waitProblem = waitTimeProblem(set.waitTime);
  if (waitProblem !== undefined) return waitProblem;
  if (set.pick !== undefined && set.pick !== "iteration" && set.pick !== "user") {
    return { path: "$.pick", problem: `is ${quote(set.pick)}`, expected: '"iteration" or "user"' };
  }
  if (set.scenarios.length === 0) {
    return { path: "$.scenarios", problem: "is empty", expected: "at least one scenario" };
  }
  const names = new Set<string>();
  for (const [s, scenario] of set.scenarios.entries()) {
    const at = `$.scenarios[${s}]`;
    if (typeof scenario.name !== "string" || scenario.name === "") {
      return { path: `${at}.name`, problem: `is ${quote(scenario.name)}`, expected: "a string" };
    }
    if (names.has(scenario.name)) {
      return {
        path: `${at}.name`,
        problem: `is ${quote(scenario.name)} again`,
        expected: "a name unique in the set",
      };
    }
    names.add(scenario.name);
    if (!(Number.isFinite(scenario.weight) && scenario.weight > 0)) {
      return {
        path: `${at}.weight`,
        problem: `is ${quote(scenario.weight)}`,
        expected: "a positive number",
      };
    }
    if (scenario.steps.length === 0) {
      return { path: `${at}.steps`, problem: "is empty", expected: "at least one step" };
    }
    const captured = new Set<string>();
    for (const [i, step] of scenario.steps.entries()) {
      const problem = stepProblem(step, `${at}.steps[${i}]`, captured);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function stepProblem(
  step: Step,
  at: string,
  captured: Set<string>,
): ScenarioProblem | undefined {
  if (typeof step.name !== "string" || step.name === "") {
    return { path: `${at}.name`, problem: `is ${quote(step.name)}`, expected: "a string" };
  }
  if (!METHODS.includes(step.method)) {
    return {
      path: `${at}.method`,
      problem: `is ${quote(step.method)}`,
      expected: `one of ${METHODS.join(", ")}`,
    };
  }
  if (!SERVICES.includes(step.service)) {
    return {
      path: `${at}.service`,
      problem: `is ${quote(step.service)}`,
      expected: `one of ${SERVICES.join(", ")}`,
    };
  }
  if (!EXPECTS.includes(step.expect)) {
    return {
      path: `${at}.expect`,
      problem: `is ${quote(step.expect)}`,
      expected: `one of ${EXPECTS.join(", ")}`,
    };
  }
  return pathProblem(step.path, `${at}.path`, captured) ?? captureProblem(step, at, captured) ??
    nameProblem(step.name, `${at}.name`);
}

/**
 * A control character in a step's name: the name is a row of the tables, an HDR log tag and a
 * label, and a line break cut its row in two.
 */
function nameProblem(name: string, at: string): ScenarioProblem | undefined {
  const control = CONTROL.exec(name);
  if (control === null) return undefined;
  const hex = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return {
    path: at,
    problem: `has a control character (U+${hex}) at index ${control.index}`,
    expected: "a name without control characters",
  };
}

/** What is wrong with a step's path template, given the variables captured before it. */
function pathProblem(
  path: string,
  at: string,
  captured: ReadonlySet<string>,
): ScenarioProblem | undefined {
  if (typeof path !== "string" || !path.startsWith("/")) {
    return { path: at, problem: `is ${quote(path)}`, expected: TEMPLATE_EXPECTED };
  }
  const parts = parseTemplate(path);
  if (typeof parts === "string") return { path: at, problem: parts, expected: TEMPLATE_EXPECTED };
  const unsendable = unsendableProblem(path);
  if (unsendable !== undefined) {
    return {
      path: at,
      problem: unsendable,
      expected: "a path without spaces or control characters (a space is written %20)",
    };
  }
  for (const part of parts) {
    if (part.kind === "var" && !captured.has(part.name)) {
      return {
        path: at,
        problem: `uses "{${part.name}}" before a step captures it`,
        expected: "a variable captured by an earlier step of the scenario, or {randint:MIN:MAX}",
      };
    }
  }
  return undefined;
}

/** What is wrong with a step's captures; adds the variables it captures to `captured`. */
function captureProblem(
  step: Step,
  at: string,
  captured: Set<string>,
): ScenarioProblem | undefined {
  if (step.capture === undefined) return undefined;
  if (step.expect !== "ok") {
    return {
      path: `${at}.capture`,
      problem: `is set on a step that expects "${step.expect}"`,
      expected: 'captures only on steps that expect "ok"',
    };
  }
  for (const [name, field] of Object.entries(step.capture)) {
    if (!IDENTIFIER.test(name)) {
      return {
        path: `${at}.capture`,
        problem: `names the variable ${quote(name)}`,
        expected: "variable names of letters, digits and _ (not starting with a digit)",
      };
    }
    if (typeof field !== "string" || field === "") {
      return {
        path: `${at}.capture.${name}`,
        problem: `is ${quote(field)}`,
        expected: "the name of a top-level field of the JSON answer",
      };
    }
    captured.add(name);
  }
  return undefined;
}
