/**
 * The failure kinds `stress checkout load` counts and prints.
 *
 * @module
 */

import type { StepOutcome } from "./load_scenario.ts";

const TRANSPORT_KINDS: Readonly<Record<string, string>> = {
  connect: "connection error",
  "connect_timeout": "connect timeout",
  timeout: "timeout",
  reset: "connection reset",
  "bad_response": "bad response",
  "queue_full": "queue full",
};

/**
 * Names the kind of a failed request, for the failure tables: a transport error by what
 * happened (`connection error`, `connect timeout`, `timeout`, `connection reset`, `bad response`,
 * `queue full`), a wrong status by the status (`HTTP 500`, `HTTP 404`; `HTTP 200, expected 4xx`
 * for a scenario that must be refused), and a 2xx without a field to capture as
 * `HTTP 200 without a captured field`.
 *
 * @param outcome The step's outcome from the scenario runner.
 * @param status The HTTP status, 0 without an answer.
 * @param transportError The HTTP client's error kind (`connect`, `connect_timeout`, `timeout`,
 * `reset`, `bad_response`, `queue_full`) when there was no answer.
 * @returns The kind, or null for `"ok"`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { failureKind } from "./failure_kind.ts";
 * assert.equal(failureKind("ok", 200), null);
 * assert.equal(failureKind("server_error", 503), "HTTP 503");
 * assert.equal(failureKind("transport", 0, "reset"), "connection reset");
 * assert.equal(failureKind("unexpected_success", 200), "HTTP 200, expected 4xx");
 * ```
 */
export function failureKind(
  outcome: StepOutcome,
  status: number,
  transportError?: string,
): string | null {
  switch (outcome) {
    case "ok":
      return null;
    case "transport":
      return TRANSPORT_KINDS[transportError ?? ""] ?? "no answer";
    case "unexpected_success":
      return `HTTP ${status}, expected 4xx`;
    case "capture":
      return `HTTP ${status} without a captured field`;
    default:
      return `HTTP ${status}`;
  }
}
