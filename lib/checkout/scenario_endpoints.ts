/**
 * The statistics rows of a scenario set.
 *
 * @module
 */

import type { Endpoint, ScenarioSet } from "./load_scenario.ts";

/**
 * Lists the statistics rows of a set: its distinct (method, name) pairs, in order of first use.
 * `ScenarioRequest.endpoint` indexes this list, so an engine can preallocate one
 * histogram per row.
 *
 * @param set The scenario set.
 * @returns The endpoints.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { scenarioEndpoints } from "./scenario_endpoints.ts";
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
