/**
 * The statement requests: PREPARE, QUERY and EXECUTE, with their `<query_parameters>`
 * (consistency, bound values, page size, paging state, serial consistency, default timestamp),
 * written for protocol v3, v4 or v5 (v5: [int] flags, PREPARE flags, the result metadata id).
 *
 * @module
 */

import {
  type BoundValue,
  type BoundValues,
  EncodedValues,
  type FrameBuffer,
  UNSET,
} from "./frame_buffer.ts";
import { OPCODE, QUERY_FLAG } from "../../protocol/protocol_codes.ts";

/** The `<query_parameters>` of QUERY and EXECUTE besides the values. */
export interface QueryParams {
  /** The consistency code (`CONSISTENCY` of protocol_codes.ts). */
  readonly consistency: number;
  /**
   * The serial consistency code for conditional updates; not sent when absent (the node then
   * uses SERIAL).
   *
   * @default {undefined}
   */
  readonly serialConsistency?: number;
  /**
   * The default timestamp in microseconds since the epoch; the node assigns one when absent.
   *
   * @default {undefined}
   */
  readonly timestampUs?: number | bigint;
  /**
   * Rows per page; no paging when absent.
   *
   * @default {undefined}
   */
  readonly pageSize?: number;
  /**
   * Where the previous page ended (a Rows result's paging state).
   *
   * @default {null}
   */
  readonly pagingState?: Uint8Array | null;
  /**
   * Ask for Rows without metadata. QUERY: only when true; EXECUTE: when the statement's result
   * columns are known, unless false.
   *
   * @default {undefined}
   */
  readonly skipMetadata?: boolean;
}

/**
 * Writes a PREPARE frame: the [long string] query, and in v5 an [int] of flags (0).
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 * @param cql The statement.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writePrepare } from "./statement_requests.ts";
 * const out = new FrameBuffer();
 * writePrepare(out, 5, 2, "X");
 * assert.deepEqual(
 *   [...out.bytes.subarray(0, out.length)],
 *   [5, 0, 0, 2, 9, 0, 0, 0, 9, 0, 0, 0, 1, 88, 0, 0, 0, 0],
 * );
 * ```
 */
export function writePrepare(
  out: FrameBuffer,
  version: number,
  stream: number,
  cql: string,
): void {
  out.beginFrame(version, 0, stream, OPCODE.prepare);
  out.writeLongString(cql);
  if (version >= 5) out.writeInt(0);
  out.endFrame();
}

/**
 * Writes a QUERY frame: the [long string] query and its parameters.
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 * @param cql The statement.
 * @param values The bound values, in marker order.
 * @param params Consistency, paging, timestamp.
 * @throws {RangeError} When a value is unset on protocol v3 (which has no unset).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeQuery } from "./statement_requests.ts";
 * const out = new FrameBuffer();
 * writeQuery(out, 4, 1, "X", [], { consistency: 1 });
 * // [long string] "X", consistency ONE, flags 0
 * assert.deepEqual([...out.bytes.subarray(9, out.length)], [0, 0, 0, 1, 88, 0, 1, 0]);
 * ```
 */
export function writeQuery(
  out: FrameBuffer,
  version: number,
  stream: number,
  cql: string,
  values: BoundValues,
  params: QueryParams,
): void {
  out.beginFrame(version, 0, stream, OPCODE.query);
  try {
    out.writeLongString(cql);
    writeQueryParams(out, version, values, params);
  } catch (error) {
    out.discardFrame();
    throw error;
  }
  out.endFrame();
}

/** What EXECUTE needs of a prepared statement (a `PreparedStatement` fits). */
export interface ExecuteIds {
  /** The statement id. */
  readonly id: Uint8Array;
  /** v5: the result metadata id (required); ignored before v5. */
  readonly resultMetadataId: Uint8Array | null;
  /**
   * The statement's result columns: when known, EXECUTE asks for Rows without metadata (unless
   * the params say otherwise).
   *
   * @default {undefined}
   */
  readonly resultColumns?: readonly unknown[] | null;
}

/**
 * Writes an EXECUTE frame: the statement id, in v5 the result metadata id, and the parameters.
 * It asks for Rows without metadata when the statement's result columns are known and
 * `params.skipMetadata` is not false.
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 * @param ids The prepared id and (v5) the result metadata id.
 * @param values The bound values, in marker order.
 * @param params Consistency, paging, timestamp.
 * @throws {RangeError} When a value is unset on protocol v3, or v5 has no result metadata id.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeExecute } from "./statement_requests.ts";
 * const out = new FrameBuffer();
 * const id = new Uint8Array([0xab]);
 * writeExecute(out, 4, 7, { id, resultMetadataId: null }, [new Uint8Array([1])], {
 *   consistency: 1,
 * });
 * assert.deepEqual(
 *   [...out.bytes.subarray(9, out.length)],
 *   [0, 1, 0xab, 0, 1, 0x01, 0, 1, 0, 0, 0, 1, 1],
 * );
 * ```
 */
export function writeExecute(
  out: FrameBuffer,
  version: number,
  stream: number,
  ids: ExecuteIds,
  values: BoundValues,
  params: QueryParams,
): void {
  out.beginFrame(version, 0, stream, OPCODE.execute);
  try {
    out.writeShortBytes(ids.id);
    if (version >= 5) {
      if (ids.resultMetadataId === null) {
        throw new RangeError("Cannot execute with protocol v5: no result metadata id");
      }
      out.writeShortBytes(ids.resultMetadataId);
    }
    const skip = params.skipMetadata ??
      (ids.resultColumns !== undefined && ids.resultColumns !== null);
    writeParams(out, version, values, params, skip);
  } catch (error) {
    out.discardFrame();
    throw error;
  }
  out.endFrame();
}

/**
 * Writes `<query_parameters>`: consistency, flags ([byte] before v5, [int] in v5), values and
 * the optional fields in the spec's order.
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param values The bound values.
 * @param params The other parameters.
 * @throws {RangeError} When a value is unset on protocol v3.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeQueryParams } from "./statement_requests.ts";
 * const out = new FrameBuffer();
 * writeQueryParams(out, 5, [null], { consistency: 10, pageSize: 100 });
 * assert.deepEqual(
 *   [...out.bytes.subarray(0, out.length)],
 *   [0, 10, 0, 0, 0, 0x05, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 100],
 * );
 * ```
 */
export function writeQueryParams(
  out: FrameBuffer,
  version: number,
  values: BoundValues,
  params: QueryParams,
): void {
  writeParams(out, version, values, params, params.skipMetadata === true);
}

function writeParams(
  out: FrameBuffer,
  version: number,
  values: BoundValues,
  params: QueryParams,
  skipMetadata: boolean,
): void {
  let flags = 0;
  const encoded = values instanceof EncodedValues ? values : null;
  const n = encoded !== null ? encoded.count : (values as readonly BoundValue[]).length;
  if (n > 0) flags |= QUERY_FLAG.values;
  if (skipMetadata) flags |= QUERY_FLAG.skipMetadata;
  if (params.pageSize !== undefined) flags |= QUERY_FLAG.pageSize;
  const pagingState = params.pagingState ?? null;
  if (pagingState !== null) flags |= QUERY_FLAG.pagingState;
  if (params.serialConsistency !== undefined) flags |= QUERY_FLAG.serialConsistency;
  if (params.timestampUs !== undefined) flags |= QUERY_FLAG.defaultTimestamp;
  out.writeShort(params.consistency);
  if (version >= 5) out.writeInt(flags);
  else out.writeByte(flags);
  if (n > 0) out.writeShort(n);
  if (encoded !== null) {
    out.writeRaw(encoded.encoded());
  } else {
    const list = values as readonly BoundValue[];
    for (let i = 0; i < n; i++) {
      const value = list[i];
      if (value === UNSET && version < 4) {
        throw new RangeError(`Cannot send value ${i} unset: protocol v${version} has no unset`);
      }
      out.writeValue(value);
    }
  }
  if (params.pageSize !== undefined) out.writeInt(params.pageSize);
  if (pagingState !== null) out.writeBytes(pagingState);
  if (params.serialConsistency !== undefined) out.writeShort(params.serialConsistency);
  if (params.timestampUs !== undefined) out.writeLong(params.timestampUs);
}
