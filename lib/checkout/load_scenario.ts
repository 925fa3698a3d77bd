/**
 * The scenario model of `stress checkout load`: weighted sequences of HTTP steps with wait times,
 * and {@linkcode ScenarioRunner}, the pure per-virtual-user state machine that says which request
 * to send next, judges each answer, captures values and says how long to wait.
 *
 * Semantics, compared with locust (`HttpUser` with weighted `SequentialTaskSet`s):
 * - A virtual user sends its first request at once; after **every** request (success or failure,
 *   including the last step of an iteration) it waits one draw of the set's `waitTime`. This is
 *   where locust waits: after each task. A one-step scenario with `constant(1)` therefore sends one
 *   request per (latency + 1 s), as the official checkout-only locustfile does.
 * - At the start of each iteration the user picks a scenario by weight (`pick: "iteration"`, the
 *   default), then runs its steps in order. Locust, without `interrupt()`, keeps a user inside the
 *   first task set it picked forever, so its weights split users rather than iterations; that is
 *   `pick: "user"`. The old locustfile's comment ("waits to run another TaskSequence") shows the
 *   per-iteration mix was what its authors meant, and it makes the mix independent of user count.
 * - A step succeeds when the status matches `expect` ("ok": 2xx; "client_error": 4xx) and its
 *   captures are found; anything else, including 5xx and transport errors (status 0), is a failure.
 *   The official checkout-only test counts 5xx and connection errors as successes; we do not.
 * - A failed step ends the iteration: later steps depend on the earlier ones (the item exists, has
 *   stock, the user has funds, the item is in the order), so running them would count cascading
 *   failures, or, for the scenarios that expect a 4xx, successes for the wrong reason. Locust
 *   carries on with the next task after a failed request (and logs and skips an exception).
 *
 * Paths are templates: `{var}` is a value captured by an earlier step of the same iteration
 * (`capture: { var: "json_field" }` reads a top-level string or number field of a 2xx JSON
 * answer), and `{randint:MIN:MAX}` is a fresh uniform integer in `[MIN, MAX]` (inclusive, as
 * Python's `random.randint`) at each request.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { formatWaitTime, waitMs, type WaitTime } from "./wait_time.ts";

/** The service whose base URL a step's path is appended to (`CheckoutUrls` field). */
export type Service = "order" | "payment" | "stock";

/** The HTTP methods a step can use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a step expects: `"ok"` (a 2xx) or `"client_error"` (a 4xx, e.g. an out-of-stock checkout). */
export type Expect = "ok" | "client_error";

/** One HTTP request of a scenario. */
export interface Step {
  /** The endpoint label for statistics, e.g. `"/orders/checkout/[order_id]"`. */
  readonly name: string;
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The service that answers it. */
  readonly service: Service;
  /** The path template, with the service prefix: `"/orders/checkout/{order_id}"`. */
  readonly path: string;
  /** The status class that counts as success. */
  readonly expect: Expect;
  /** Variables to read from the 2xx JSON answer: variable name to top-level field name. */
  readonly capture?: Readonly<Record<string, string>>;
}

/** A weighted sequence of steps (a locust `SequentialTaskSet` with its weight). */
export interface Scenario {
  /** The scenario's name, unique in its set. */
  readonly name: string;
  /** The relative weight, a positive number. */
  readonly weight: number;
  /** The steps, run in order. */
  readonly steps: readonly Step[];
}

/** Everything a virtual user runs: the scenarios, their weights and the wait time. */
export interface ScenarioSet {
  /** The set's name, e.g. `"checkout-only"`. */
  readonly name: string;
  /** The pause after each request. */
  readonly waitTime: WaitTime;
  /**
   * Pick a scenario for every iteration, or once per user and keep it (locust's behaviour).
   *
   * @default {"iteration"}
   */
  readonly pick?: "iteration" | "user";
  /** The scenarios, at least one. */
  readonly scenarios: readonly Scenario[];
}

/** A statistics row: the distinct (method, name) pairs of a set's steps. */
export interface Endpoint {
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The step name. */
  readonly name: string;
}

/** The request a virtual user sends next, from {@linkcode ScenarioRunner.next}. */
export interface ScenarioRequest {
  /** The index of its row in {@linkcode scenarioEndpoints} (and `runner.endpoints`). */
  readonly endpoint: number;
  /** The index of its scenario in `set.scenarios`. */
  readonly scenario: number;
  /** The index of its step in the scenario. */
  readonly stepIndex: number;
  /** The step. */
  readonly step: Step;
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The service whose base URL to use. */
  readonly service: Service;
  /** The path with every variable substituted, e.g. `"/orders/checkout/4711"`. */
  readonly path: string;
  /** True when the step captures values: pass the parsed JSON body to `complete()`. */
  readonly needsJson: boolean;
}

/** The answer to a request, given to {@linkcode ScenarioRunner.complete}. */
export interface StepResult {
  /** The HTTP status, or 0 when there was no HTTP answer (refused, reset, timeout, garbage). */
  readonly status: number;
  /** The parsed JSON body (only needed when the request's `needsJson`); undefined if not JSON. */
  readonly json?: unknown;
}

/**
 * How a step ended: `"ok"`, or the kind of failure: `"transport"` (status 0), `"server_error"`
 * (5xx), `"client_error"` (a 4xx where a 2xx was expected), `"unexpected_success"` (a 2xx where a
 * 4xx was expected), `"unexpected_status"` (1xx, 3xx or out of range) or `"capture"` (a 2xx whose
 * body lacks a field to capture).
 */
export type StepOutcome =
  | "ok"
  | "transport"
  | "server_error"
  | "client_error"
  | "unexpected_success"
  | "unexpected_status"
  | "capture";

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
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANDINT = /^randint:(-?\d+):(-?\d+)$/;

/** A piece of a compiled path: literal text, a variable slot, or a random integer. */
type Part =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "var"; readonly name: string; readonly slot: number }
  | { readonly kind: "randint"; readonly min: number; readonly span: number };

/** Splits a path template into parts, or returns what is wrong with it. */
function parseTemplate(path: string): Part[] | string {
  const parts: Part[] = [];
  let index = 0;
  while (index < path.length) {
    const open = path.indexOf("{", index);
    const close = path.indexOf("}", index);
    if (close !== -1 && (open === -1 || close < open)) return `has an unmatched "}"`;
    if (open === -1) {
      parts.push({ kind: "text", text: path.slice(index) });
      break;
    }
    if (open > index) parts.push({ kind: "text", text: path.slice(index, open) });
    if (close === -1) return `has an unmatched "{"`;
    const inner = path.slice(open + 1, close);
    const randint = RANDINT.exec(inner);
    if (randint !== null) {
      const min = Number(randint[1]);
      const max = Number(randint[2]);
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
        return `has "{${inner}}" with MIN > MAX or out of range`;
      }
      parts.push({ kind: "randint", min, span: max - min + 1 });
    } else if (IDENTIFIER.test(inner)) {
      parts.push({ kind: "var", name: inner, slot: -1 });
    } else {
      return `has "{${inner}}"`;
    }
    index = close + 1;
  }
  return parts;
}

const TEMPLATE_EXPECTED = 'a path starting with "/" whose placeholders are {variable} or ' +
  "{randint:MIN:MAX}";

function quote(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `"${String(value)}"`;
}

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
 * templates, and that every `{variable}` is captured by an earlier step of its scenario.
 *
 * @param set The scenario set (typed, e.g. from code or from {@link ./parse_scenario_file.ts}).
 * @returns The first problem found, or `undefined` when the set can run.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { findScenarioProblem } from "./load_scenario.ts";
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
  if (typeof step.path !== "string" || !step.path.startsWith("/")) {
    return { path: `${at}.path`, problem: `is ${quote(step.path)}`, expected: TEMPLATE_EXPECTED };
  }
  const parts = parseTemplate(step.path);
  if (typeof parts === "string") {
    return { path: `${at}.path`, problem: parts, expected: TEMPLATE_EXPECTED };
  }
  for (const part of parts) {
    if (part.kind === "var" && !captured.has(part.name)) {
      return {
        path: `${at}.path`,
        problem: `uses "{${part.name}}" before a step captures it`,
        expected: "a variable captured by an earlier step of the scenario, or {randint:MIN:MAX}",
      };
    }
  }
  if (step.capture !== undefined) {
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
  }
  return undefined;
}

/**
 * Lists the statistics rows of a set: its distinct (method, name) pairs, in order of first use.
 * {@linkcode ScenarioRequest.endpoint} indexes this list, so an engine can preallocate one
 * histogram per row.
 *
 * @param set The scenario set.
 * @returns The endpoints.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { scenarioEndpoints } from "./load_scenario.ts";
 * import { builtinScenarioSet } from "./builtin_scenarios.ts";
 * assert.deepEqual(scenarioEndpoints(builtinScenarioSet("checkout-only")), [
 *   { method: "POST", name: "/orders/checkout/[order_id]" },
 * ]);
 * ```
 */
export function scenarioEndpoints(set: ScenarioSet): readonly Endpoint[] {
  const endpoints: Endpoint[] = [];
  const seen = new Set<string>();
  for (const scenario of set.scenarios) {
    for (const step of scenario.steps) {
      const key = `${step.method} ${step.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      endpoints.push({ method: step.method, name: step.name });
    }
  }
  return endpoints;
}

interface CompiledStep {
  readonly step: Step;
  readonly endpoint: number;
  readonly parts: readonly Part[];
  readonly captures: readonly { readonly slot: number; readonly field: string }[];
  readonly expectOk: boolean;
}

interface CompiledScenario {
  readonly steps: readonly CompiledStep[];
  readonly slots: number;
}

function compile(set: ScenarioSet, endpoints: readonly Endpoint[]): CompiledScenario[] {
  const endpointIndex = new Map(endpoints.map((e, i) => [`${e.method} ${e.name}`, i]));
  return set.scenarios.map((scenario) => {
    const slots = new Map<string, number>();
    const slotOf = (name: string): number => {
      let slot = slots.get(name);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(name, slot);
      }
      return slot;
    };
    const steps = scenario.steps.map((step): CompiledStep => {
      const parsed = parseTemplate(step.path) as Part[]; // checked by findScenarioProblem
      const parts = parsed.map((part) =>
        part.kind === "var"
          ? { kind: "var" as const, name: part.name, slot: slotOf(part.name) }
          : part
      );
      const captures = Object.entries(step.capture ?? {}).map(([name, field]) => ({
        slot: slotOf(name),
        field,
      }));
      return {
        step,
        endpoint: endpointIndex.get(`${step.method} ${step.name}`) ?? -1,
        parts,
        captures,
        expectOk: step.expect === "ok",
      };
    });
    return { steps, slots: slots.size };
  });
}

function classify(status: number, expectOk: boolean): StepOutcome {
  if (!(status > 0)) return "transport";
  if (status >= 200 && status < 300) return expectOk ? "ok" : "unexpected_success";
  if (status >= 400 && status < 500) return expectOk ? "client_error" : "ok";
  if (status >= 500 && status < 600) return "server_error";
  return "unexpected_status";
}

/**
 * The pure state machine of one virtual user: which request to send next, whether its answer is a
 * success, what to capture, and how long to wait. It holds no timers and no promises; the engine
 * loops `next()`, sends, `complete(result)`, then sleeps `waitMs`.
 *
 * Calls must alternate: `next()`, `complete()`, `next()`, ... A scenario is picked by weight at
 * each iteration start (or once, with `pick: "user"`); randomness comes only from `random` (one
 * draw per pick when there are several scenarios, one per `{randint}`, one per `between` wait).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ScenarioRunner } from "./load_scenario.ts";
 * import { builtinScenarioSet } from "./builtin_scenarios.ts";
 * import { Prng } from "../core/prng.ts";
 *
 * const prng = new Prng(1);
 * const runner = new ScenarioRunner(builtinScenarioSet("weighted-2023"), () => prng.nextDouble());
 * const request = runner.next();
 * assert.equal(request.stepIndex, 0);
 * assert.equal(request.service, "stock");
 * assert.match(request.path, /^\/stock\/item\/create\/([1-9]|10)$/);
 * assert.equal(runner.complete({ status: 200, json: { item_id: "i1" } }), "ok");
 * assert.ok(runner.waitMs >= 1000 && runner.waitMs <= 3000);
 * assert.match(runner.next().path, /^\/stock\/add\/i1\/\d+$/);
 * assert.equal(runner.complete({ status: 500 }), "server_error");
 * assert.equal(runner.inIteration, false); // a failure ends the iteration
 * ```
 */
export class ScenarioRunner {
  /** The statistics rows, as {@linkcode scenarioEndpoints} returns them. */
  readonly endpoints: readonly Endpoint[];
  #set: ScenarioSet;
  #random: () => number;
  #compiled: CompiledScenario[];
  #cumulativeWeights: Float64Array;
  #totalWeight: number;
  #sticky: boolean;
  #stickyScenario = -1;
  #scenario = -1;
  #stepIndex = 0;
  #pending = false;
  #values: (string | undefined)[] = [];
  #waitMs = 0;
  #completed = 0;
  #aborted = 0;

  /**
   * Creates a runner for one virtual user.
   *
   * @param set The scenario set.
   * @param random A uniform source in `[0, 1)`, e.g. `() => prng.nextDouble()`.
   * @throws {UsageError} When {@linkcode findScenarioProblem} finds a problem in the set.
   */
  constructor(set: ScenarioSet, random: () => number) {
    const problem = findScenarioProblem(set);
    if (problem !== undefined) {
      throw new UsageError(
        `Cannot use scenario set ${
          quote(set.name)
        }: ${problem.path} ${problem.problem}, expected ${problem.expected}`,
      );
    }
    this.#set = set;
    this.#random = random;
    this.endpoints = scenarioEndpoints(set);
    this.#compiled = compile(set, this.endpoints);
    this.#cumulativeWeights = new Float64Array(set.scenarios.length);
    let total = 0;
    for (const [i, scenario] of set.scenarios.entries()) {
      total += scenario.weight;
      this.#cumulativeWeights[i] = total;
    }
    this.#totalWeight = total;
    this.#sticky = set.pick === "user";
  }

  /**
   * The pause before the next request, drawn by the last {@linkcode ScenarioRunner.complete}
   * (0 before the first request: a user starts at once).
   *
   * @returns Milliseconds.
   */
  get waitMs(): number {
    return this.#waitMs;
  }

  /**
   * Whether the next request continues an iteration (false when it will start a new one).
   *
   * @returns True inside an iteration.
   */
  get inIteration(): boolean {
    return this.#scenario !== -1;
  }

  /**
   * The iterations whose every step succeeded.
   *
   * @returns A count.
   */
  get completedIterations(): number {
    return this.#completed;
  }

  /**
   * The iterations ended early by a failed step.
   *
   * @returns A count.
   */
  get abortedIterations(): number {
    return this.#aborted;
  }

  /**
   * Says which request to send next, starting a new iteration when needed.
   *
   * @returns The request (a new object each call).
   * @throws {Error} When the previous request was not completed (a bug in the caller).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ScenarioRunner } from "./load_scenario.ts";
   * import { builtinScenarioSet } from "./builtin_scenarios.ts";
   * const runner = new ScenarioRunner(builtinScenarioSet("checkout-only"), () => 0.5);
   * const request = runner.next();
   * assert.deepEqual(
   *   [request.method, request.service, request.path, request.endpoint],
   *   ["POST", "order", "/orders/checkout/50000", 0],
   * );
   * ```
   */
  next(): ScenarioRequest {
    if (this.#pending) {
      throw new Error("Cannot call ScenarioRunner.next(): the previous request is not completed");
    }
    if (this.#scenario === -1) this.#startIteration();
    const compiled = this.#compiled[this.#scenario].steps[this.#stepIndex];
    let path = "";
    for (const part of compiled.parts) {
      if (part.kind === "text") path += part.text;
      else if (part.kind === "var") path += this.#values[part.slot];
      else path += part.min + Math.floor(this.#random() * part.span);
    }
    this.#pending = true;
    return {
      endpoint: compiled.endpoint,
      scenario: this.#scenario,
      stepIndex: this.#stepIndex,
      step: compiled.step,
      method: compiled.step.method,
      service: compiled.step.service,
      path,
      needsJson: compiled.captures.length > 0,
    };
  }

  /**
   * Judges the answer to the request from {@linkcode ScenarioRunner.next}, captures its values,
   * advances (or ends the iteration on failure) and draws the wait before the next request.
   *
   * @param result The status (0 for no HTTP answer) and, when `needsJson`, the parsed body.
   * @returns `"ok"` or the kind of failure.
   * @throws {Error} When there is no request to complete (a bug in the caller).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ScenarioRunner } from "./load_scenario.ts";
   * import { builtinScenarioSet } from "./builtin_scenarios.ts";
   * const runner = new ScenarioRunner(builtinScenarioSet("checkout-only"), () => 0);
   * runner.next();
   * assert.equal(runner.complete({ status: 0 }), "transport");
   * assert.equal(runner.waitMs, 1000);
   * runner.next();
   * assert.equal(runner.complete({ status: 200 }), "ok");
   * assert.equal(runner.completedIterations, 1);
   * ```
   */
  complete(result: StepResult): StepOutcome {
    if (!this.#pending) {
      throw new Error("Cannot call ScenarioRunner.complete(): there is no request in flight");
    }
    this.#pending = false;
    const scenario = this.#compiled[this.#scenario];
    const compiled = scenario.steps[this.#stepIndex];
    let outcome = classify(result.status, compiled.expectOk);
    if (outcome === "ok" && compiled.captures.length > 0) outcome = this.#capture(compiled, result);
    if (outcome !== "ok") {
      this.#aborted++;
      this.#scenario = -1;
    } else if (++this.#stepIndex === scenario.steps.length) {
      this.#completed++;
      this.#scenario = -1;
    }
    this.#waitMs = waitMs(this.#set.waitTime, this.#random);
    return outcome;
  }

  #capture(compiled: CompiledStep, result: StepResult): StepOutcome {
    const json = result.json;
    if (typeof json !== "object" || json === null || Array.isArray(json)) return "capture";
    const record = json as Record<string, unknown>;
    for (const { slot, field } of compiled.captures) {
      if (!Object.hasOwn(record, field)) return "capture";
      const value = record[field];
      if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) {
        this.#values[slot] = String(value);
      } else {
        return "capture";
      }
    }
    return "ok";
  }

  #startIteration(): void {
    if (this.#sticky && this.#stickyScenario !== -1) {
      this.#scenario = this.#stickyScenario;
    } else {
      this.#scenario = this.#pickScenario();
      if (this.#sticky) this.#stickyScenario = this.#scenario;
    }
    this.#stepIndex = 0;
    this.#values.length = 0;
    this.#values.length = this.#compiled[this.#scenario].slots;
  }

  #pickScenario(): number {
    const weights = this.#cumulativeWeights;
    if (weights.length === 1) return 0;
    const target = this.#random() * this.#totalWeight;
    for (let i = 0; i < weights.length; i++) {
      if (target < weights[i]) return i;
    }
    return weights.length - 1;
  }
}
