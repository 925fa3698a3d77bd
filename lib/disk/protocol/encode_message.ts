/**
 * Encodes a message of protocol v1 as one line.
 *
 * @module
 */

import { type DiskMessage, MAX_LINE_BYTES } from "./disk_message.ts";

const ENCODER = new TextEncoder();

/**
 * Encodes a message as one line: JSON followed by a newline.
 *
 * @param message The message.
 * @returns The line, ending in `\n`.
 * @throws {RangeError} When the line would be longer than {@linkcode MAX_LINE_BYTES} bytes
 * (the server would refuse it); callers keep texts such as log messages short.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMessage } from "./encode_message.ts";
 * import { parseServerMessage } from "./parse_server_message.ts";
 * const line = encodeMessage({ v: 1, type: "ack", seq: 2 });
 * assert.equal(line, '{"v":1,"type":"ack","seq":2}\n');
 * assert.deepEqual(parseServerMessage(line), { v: 1, type: "ack", seq: 2 });
 * ```
 */
export function encodeMessage(message: DiskMessage): string {
  const json = JSON.stringify(message);
  // Quick bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
  if (json.length * 3 > MAX_LINE_BYTES && ENCODER.encode(json).length > MAX_LINE_BYTES) {
    throw new RangeError(
      `Cannot encode message: it is longer than ${MAX_LINE_BYTES} bytes, expected at most that`,
    );
  }
  return `${json}\n`;
}
