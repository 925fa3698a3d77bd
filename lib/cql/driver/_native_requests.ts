/**
 * Private helper of {@linkcode NativeConnection}: the request kinds it tracks per stream, and
 * the encoding of a stream's request into the output buffer from what its slot holds.
 *
 * @module
 */

import { type BatchStatement, writeBatch } from "../native/batch_request.ts";
import type { BoundValues, FrameBuffer } from "../native/frame_buffer.ts";
import {
  type StartupOptions,
  writeAuthResponse,
  writeOptions,
  writeStartup,
} from "../native/handshake_requests.ts";
import type { BatchEntry } from "../native/native_connection_options.ts";
import type { PreparedStatement } from "../native/prepared_statement.ts";
import type { BatchType } from "../../protocol/protocol_codes.ts";
import type { RequestTable } from "../native/request_table.ts";
import {
  type QueryParams,
  writeExecute,
  writePrepare,
  writeQuery,
} from "../native/statement_requests.ts";

/**
 * The request kinds (the statement kinds first: a Void answer is only looked for up to batch).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { REQUEST_KIND } from "./_native_requests.ts";
 * assert.ok(REQUEST_KIND.execute <= REQUEST_KIND.batch);
 * ```
 */
export const REQUEST_KIND = {
  execute: 1,
  query: 2,
  batch: 3,
  prepare: 4,
  startup: 5,
  auth: 6,
  options: 7,
} as const;

/**
 * Writes the request held by a stream's slot: EXECUTE (subject the statement, values, options),
 * QUERY (subject the text), BATCH (subject the type, values the entries), PREPARE (subject the
 * text), STARTUP (subject its options), AUTH_RESPONSE (subject the token) or OPTIONS.
 *
 * @param out The output buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 * @param table The slots.
 * @throws {RangeError} When a value cannot be sent with this version (nothing is written).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "../native/frame_buffer.ts";
 * import { RequestTable } from "../native/request_table.ts";
 * import { encodeRequest, REQUEST_KIND } from "./_native_requests.ts";
 * const table = new RequestTable(1);
 * const stream = table.take();
 * table.kind[stream] = REQUEST_KIND.options;
 * const out = new FrameBuffer();
 * encodeRequest(out, 4, stream, table);
 * assert.equal(out.length, 9);
 * ```
 */
export function encodeRequest(
  out: FrameBuffer,
  version: number,
  stream: number,
  table: RequestTable,
): void {
  const subject = table.subject[stream];
  const values = table.values[stream] as BoundValues;
  const options = table.options[stream] as QueryParams;
  switch (table.kind[stream]) {
    case REQUEST_KIND.execute:
      return writeExecute(out, version, stream, subject as PreparedStatement, values, options);
    case REQUEST_KIND.query:
      return writeQuery(out, version, stream, subject as string, values, options);
    case REQUEST_KIND.batch: {
      const statements = table.values[stream] as readonly BatchStatement[];
      return writeBatch(out, version, stream, { type: subject as BatchType, statements }, options);
    }
    case REQUEST_KIND.prepare:
      return writePrepare(out, version, stream, subject as string);
    case REQUEST_KIND.startup:
      return writeStartup(out, version, stream, subject as StartupOptions);
    case REQUEST_KIND.auth:
      return writeAuthResponse(out, version, stream, subject as Uint8Array);
    default:
      return writeOptions(out, version, stream);
  }
}

/**
 * The prepared statements of a batch to prepare again after Unprepared: those with the id the
 * node did not know, or all of them when none has it.
 *
 * @param entries The batch's statements.
 * @param id The id the node named.
 * @returns The statements, each once.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PreparedStatement } from "../native/prepared_statement.ts";
 * import { unpreparedOf } from "./_native_requests.ts";
 * const fields = { resultMetadataId: null, variables: [], partitionKeyIndexes: [], resultColumns: null };
 * const a = new PreparedStatement("A", { ...fields, id: new Uint8Array([1]) });
 * const b = new PreparedStatement("B", { ...fields, id: new Uint8Array([2]) });
 * const entries = [{ statement: a, values: [] }, { statement: b, values: [] }, { statement: "C", values: [] }];
 * assert.deepEqual(unpreparedOf(entries, new Uint8Array([2])), [b]);
 * assert.deepEqual(unpreparedOf(entries, undefined), [a, b]);
 * ```
 */
export function unpreparedOf(
  entries: readonly BatchEntry[],
  id: Uint8Array | undefined,
): PreparedStatement[] {
  const prepared = entries.map((e) => e.statement).filter((s) => typeof s !== "string");
  const same = (a: Uint8Array, b: Uint8Array) =>
    a.length === b.length && a.every((byte, i) => byte === b[i]);
  const matching = id === undefined ? [] : prepared.filter((p) => same(p.id, id));
  return [...new Set(matching.length > 0 ? matching : prepared)];
}
