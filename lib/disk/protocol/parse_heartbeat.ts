/**
 * Parses the heartbeat datagrams clients send over UDP multicast.
 *
 * @module
 */

import { type HeartbeatMessage, type HeartbeatState, MAX_HEARTBEAT_BYTES } from "./disk_message.ts";
import type { ProtocolProblem } from "./protocol_problem.ts";
import { bad, clientId, Invalid, nonNegative, oneOf, positiveInteger } from "./_json_fields.ts";
import { envelope, guard, unknownType } from "./_envelope.ts";

const HB_STATES: readonly HeartbeatState[] = ["measuring", "writing", "stopping"];
const DECODER = new TextDecoder("utf-8", { fatal: true });
const ENCODER = new TextEncoder();

/**
 * Parses and validates one heartbeat datagram. Never throws on bad input.
 *
 * @param data The datagram, as bytes or already decoded text.
 * @returns The heartbeat, or a {@linkcode ProtocolProblem} (`too_long` over
 * {@linkcode MAX_HEARTBEAT_BYTES} bytes, `bad_version`, `bad_message`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem } from "./protocol_problem.ts";
 * import { parseHeartbeat } from "./parse_heartbeat.ts";
 * const text = '{"v":1,"type":"hb","client":"c1","seq":4,"atMs":20000,"state":"writing"}';
 * assert.deepEqual(parseHeartbeat(text), {
 *   v: 1,
 *   type: "hb",
 *   client: "c1",
 *   seq: 4,
 *   atMs: 20000,
 *   state: "writing",
 * });
 * assert.ok(!isProtocolProblem(parseHeartbeat(new TextEncoder().encode(text))));
 * assert.ok(isProtocolProblem(parseHeartbeat("x".repeat(600))));
 * ```
 */
export function parseHeartbeat(data: string | Uint8Array): HeartbeatMessage | ProtocolProblem {
  return guard((): HeartbeatMessage => {
    const bytes = typeof data === "string" ? ENCODER.encode(data) : data;
    if (bytes.length > MAX_HEARTBEAT_BYTES) {
      throw new Invalid(
        "too_long",
        `Cannot accept heartbeat: it is ${bytes.length} bytes, expected at most ${MAX_HEARTBEAT_BYTES}`,
      );
    }
    let text: string;
    if (typeof data === "string") {
      text = data;
    } else {
      try {
        text = DECODER.decode(data);
      } catch {
        throw bad("heartbeat is not valid UTF-8");
      }
    }
    const source = envelope(text);
    if (source.type !== "hb") return unknownType(source.type);
    return {
      v: 1,
      type: "hb",
      client: clientId(source, "client"),
      seq: positiveInteger(source, "seq"),
      atMs: nonNegative(source, "atMs"),
      state: oneOf(source, "state", HB_STATES),
      ...(source.key === undefined ? {} : { key: clientId(source, "key") }),
    };
  });
}
