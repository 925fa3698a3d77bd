/**
 * The scenario model of `stress checkout load`: weighted sequences of HTTP steps with wait times,
 * and the answers they get. `ScenarioRunner` (scenario_runner.ts) runs them, `findScenarioProblem`
 * (find_scenario_problem.ts) checks them.
 *
 * Paths are templates: `{var}` is a value captured by an earlier step of the same iteration
 * (`capture: { var: "json_field" }` reads a top-level string or number field of a 2xx JSON
 * answer), and `{randint:MIN:MAX}` is a fresh uniform integer in `[MIN, MAX]` (inclusive, as
 * Python's `random.randint`) at each request.
 *
 * @module
 */

import type { WaitTime } from "./wait_time.ts";

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

/** The request a virtual user sends next, from `ScenarioRunner.next` (scenario_runner.ts). */
export interface ScenarioRequest {
  /** The index of its row in `scenarioEndpoints` (scenario_endpoints.ts) and `runner.endpoints`. */
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

/** The answer to a request, given to `ScenarioRunner.complete` (scenario_runner.ts). */
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
