/**
 * Private helper of {@linkcode NativeConnection}: decodes the answer to a request other than a
 * plain Void, by the kind of request it answers: a statement result, a Prepared result, an
 * authentication step, SUPPORTED, or the answer to STARTUP.
 *
 * @module
 */

import type { BodyReader } from "../native/body_reader.ts";
import { decodeError } from "../native/decode_error.ts";
import { decodePrepared, decodeResult, skipResponsePrefix } from "../native/decode_result.ts";
import { NativeProtocolError } from "../native/native_errors.ts";
import type { PreparedStatement } from "../native/prepared_statement.ts";
import { OPCODE } from "../../protocol/protocol_codes.ts";
import type { RequestTable } from "../native/request_table.ts";
import type { ResponseSplitter } from "../native/response_splitter.ts";
import type { StartupAnswer } from "./_native_handshake.ts";
import { REQUEST_KIND } from "./_native_requests.ts";

/**
 * The answer to STARTUP: its opcode and header version, and the authenticator or the error.
 *
 * @param frame The response (fields of the splitter).
 * @param reader A reader at its body.
 * @returns The answer.
 * @throws {NativeProtocolError} When the body is malformed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "../native/body_reader.ts";
 * import { ResponseSplitter } from "../native/response_splitter.ts";
 * import { startupAnswerOf } from "./_native_answers.ts";
 * const splitter = new ResponseSplitter();
 * splitter.push(new Uint8Array([0x84, 0, 0, 0, 0x02, 0, 0, 0, 0]));
 * splitter.next();
 * const reader = new BodyReader();
 * reader.reset(splitter.bytes, splitter.view, splitter.bodyStart, splitter.bodyEnd);
 * assert.deepEqual(startupAnswerOf(splitter, reader), { opcode: 2, version: 4 });
 * ```
 */
export function startupAnswerOf(frame: ResponseSplitter, reader: BodyReader): StartupAnswer {
  const { opcode, version } = frame;
  if (opcode === OPCODE.error) {
    skipResponsePrefix(reader, frame.flags);
    return { opcode, version, error: decodeError(reader, version) };
  }
  if (opcode === OPCODE.authenticate) {
    return { opcode, version, authenticator: reader.readString() };
  }
  return { opcode, version };
}

/**
 * Decodes the answer (not an ERROR) to the request of a stream: a Prepared statement, a result
 * (a prepared statement whose result metadata changed is updated), an authentication step or
 * the SUPPORTED map.
 *
 * @param frame The response (fields of the splitter).
 * @param reader A reader after the body's prefix.
 * @param table The requests; `stream` is the one answered.
 * @param stream The stream id.
 * @returns The decoded answer.
 * @throws {NativeProtocolError} When the opcode does not answer the request, or the body is
 *   malformed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "../native/body_reader.ts";
 * import { RequestTable } from "../native/request_table.ts";
 * import { ResponseSplitter } from "../native/response_splitter.ts";
 * import { decodeAnswer } from "./_native_answers.ts";
 * import { REQUEST_KIND } from "./_native_requests.ts";
 * const table = new RequestTable(1);
 * const stream = table.take();
 * table.kind[stream] = REQUEST_KIND.query;
 * const splitter = new ResponseSplitter();
 * // RESULT Set_keyspace "ks"
 * splitter.push(new Uint8Array([0x84, 0, 0, 0, 0x08, 0, 0, 0, 8, 0, 0, 0, 3, 0, 2, 107, 115]));
 * splitter.next();
 * const reader = new BodyReader();
 * reader.reset(splitter.bytes, splitter.view, splitter.bodyStart, splitter.bodyEnd);
 * assert.deepEqual(decodeAnswer(splitter, reader, table, stream), {
 *   kind: "setKeyspace",
 *   keyspace: "ks",
 * });
 * ```
 */
export function decodeAnswer(
  frame: ResponseSplitter,
  reader: BodyReader,
  table: RequestTable,
  stream: number,
): unknown {
  const { opcode, version, flags } = frame;
  const kind = table.kind[stream];
  const expected = kind === REQUEST_KIND.auth
    ? (opcode === OPCODE.authSuccess || opcode === OPCODE.authChallenge)
    : opcode === (kind === REQUEST_KIND.options ? OPCODE.supported : OPCODE.result);
  // Compression was not negotiated (v5 ignores the flag).
  if (!expected || ((flags & 0x01) !== 0 && version < 5)) {
    throw new NativeProtocolError(
      `Cannot read a response: opcode 0x${opcode.toString(16)} (flags 0x${
        flags.toString(16)
      }) does not answer request kind ${kind}`,
    );
  }
  if (kind === REQUEST_KIND.auth) return { opcode, token: reader.readBytes() };
  if (kind === REQUEST_KIND.options) return reader.readStringMultimap();
  if (kind === REQUEST_KIND.prepare) {
    return decodePrepared(reader, version, table.subject[stream] as string);
  }
  const prepared = kind === REQUEST_KIND.execute
    ? table.subject[stream] as PreparedStatement
    : null;
  const result = decodeResult(reader, version, prepared?.resultColumns ?? null);
  if (prepared !== null && result.kind === "rows" && result.newMetadataId !== null) {
    prepared.resultMetadataId = result.newMetadataId;
    prepared.resultColumns = result.columns;
  }
  return result;
}
