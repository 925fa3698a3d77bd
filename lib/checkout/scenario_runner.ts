/**
 * {@linkcode ScenarioRunner}, the pure per-virtual-user state machine of `stress checkout load`:
 * it says which request to send next, judges each answer, captures values and says how long to
 * wait.
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
 * @module
 */

import { UsageError } from "../errors.ts";
import { quote } from "./_quote.ts";
import { parseTemplate, type Part, pathSafe } from "./_scenario_template.ts";
import { findScenarioProblem } from "./find_scenario_problem.ts";
import type {
  Endpoint,
  ScenarioRequest,
  ScenarioSet,
  Step,
  StepOutcome,
  StepResult,
} from "./load_scenario.ts";
import { scenarioEndpoints } from "./scenario_endpoints.ts";
import { waitMs } from "./wait_time.ts";

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
 * import { ScenarioRunner } from "./scenario_runner.ts";
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
   * Says which request to send next, starting a new iteration when needed. A captured value goes
   * into the path as it is, but for its spaces and control characters, which are percent-encoded
   * (`"a b"` as `a%20b`): a request line cannot carry them.
   *
   * @returns The request (a new object each call).
   * @throws {Error} When the previous request was not completed (a bug in the caller).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ScenarioRunner } from "./scenario_runner.ts";
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
      else if (part.kind === "var") path += pathSafe(this.#values[part.slot]!);
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
   * import { ScenarioRunner } from "./scenario_runner.ts";
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
