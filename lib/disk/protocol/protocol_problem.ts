/**
 * The result of parsing a line or datagram that is not a valid message of protocol v1, and how
 * to tell it from a message.
 *
 * @module
 */

import type { ProtocolErrorCode } from "./disk_message.ts";

/** A line or datagram that is not a valid message. The parsers return it; they never throw. */
export interface ProtocolProblem {
  /** Marks a problem (messages have no `problem` field). */
  readonly problem: true;
  /** The error code to send back. */
  readonly code: ProtocolErrorCode;
  /** One line for the log and the `error` message. */
  readonly message: string;
}

/**
 * Makes a {@linkcode ProtocolProblem}.
 *
 * @param code The error code.
 * @param message One line, in std's error-message style.
 * @returns The problem.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { protocolProblem } from "./protocol_problem.ts";
 * const problem = protocolProblem("not_hello", "Cannot accept message: expected hello first");
 * assert.equal(problem.problem, true);
 * assert.equal(problem.code, "not_hello");
 * ```
 */
export function protocolProblem(code: ProtocolErrorCode, message: string): ProtocolProblem {
  return { problem: true, code, message };
}

/**
 * Tells a problem from a message.
 *
 * @param value A parse result.
 * @returns True when the value is a {@linkcode ProtocolProblem}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem } from "./protocol_problem.ts";
 * import { parseClientMessage } from "./parse_client_message.ts";
 * assert.equal(isProtocolProblem(parseClientMessage("nonsense")), true);
 * assert.equal(isProtocolProblem(parseClientMessage('{"v":1,"type":"bye","seq":1,"atMs":5}')), false);
 * ```
 */
export function isProtocolProblem(value: unknown): value is ProtocolProblem {
  return typeof value === "object" && value !== null &&
    (value as { problem?: unknown }).problem === true;
}
