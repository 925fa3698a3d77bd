/**
 * Parses the lines the server sends over TCP (`welcome`, `ack`, `error`), on the client side.
 *
 * @module
 */

import type { ProtocolErrorCode, ServerMessage } from "./disk_message.ts";
import type { ProtocolProblem } from "./protocol_problem.ts";
import { clientId, oneOf, positiveInteger, str } from "./_json_fields.ts";
import { envelope, guard, unknownType } from "./_envelope.ts";

const ERROR_CODES: readonly ProtocolErrorCode[] = [
  "bad_message",
  "too_long",
  "bad_version",
  "bad_token",
  "not_hello",
];

/**
 * Parses and validates one line the server sent (`welcome`, `ack` or `error`), on the client
 * side. Never throws on bad input.
 *
 * @param line One line, without or with its newline.
 * @returns The message, or a {@linkcode ProtocolProblem}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem } from "./protocol_problem.ts";
 * import { parseServerMessage } from "./parse_server_message.ts";
 * assert.deepEqual(parseServerMessage('{"v":1,"type":"ack","seq":7}'), { v: 1, type: "ack", seq: 7 });
 * assert.ok(isProtocolProblem(parseServerMessage('{"v":1,"type":"ack","seq":0}')));
 * ```
 */
export function parseServerMessage(line: string): ServerMessage | ProtocolProblem {
  return guard((): ServerMessage => {
    const source = envelope(line);
    switch (source.type) {
      case "welcome":
        return {
          v: 1,
          type: "welcome",
          run: positiveInteger(source, "run"),
          client: clientId(source, "client"),
          heartbeatMisses: positiveInteger(source, "heartbeatMisses"),
        };
      case "ack":
        return { v: 1, type: "ack", seq: positiveInteger(source, "seq") };
      case "error":
        return {
          v: 1,
          type: "error",
          code: oneOf(source, "code", ERROR_CODES),
          message: str(source, "message"),
        };
      default:
        return unknownType(source.type);
    }
  });
}
