/**
 * Decodes RESULT responses: Void (a shared constant, nothing allocated), Rows
 * ({@linkcode RowsResult}), Set_keyspace, Schema_change and Prepared
 * ({@linkcode PreparedStatement}), and skips what a response body may carry before its message
 * (tracing id, warnings, custom payload).
 *
 * @module
 */

import type { BodyReader } from "./body_reader.ts";
import { readPreparedMetadata, readResultMetadata } from "./column_metadata.ts";
import { NativeProtocolError } from "./native_errors.ts";
import { PreparedStatement } from "./prepared_statement.ts";
import { FRAME_FLAG, RESULT_KIND } from "../../protocol/protocol_codes.ts";
import { RowsResult } from "./rows_result.ts";

/** The result of a write, or of any statement that returns nothing. */
export interface VoidResult {
  /** The result kind. */
  readonly kind: "void";
}

/** The result of `USE`. */
export interface SetKeyspaceResult {
  /** The result kind. */
  readonly kind: "setKeyspace";
  /** The keyspace now in use. */
  readonly keyspace: string;
}

/** The result of a schema change. */
export interface SchemaChangeResult {
  /** The result kind. */
  readonly kind: "schemaChange";
  /** `CREATED`, `UPDATED` or `DROPPED`. */
  readonly change: string;
  /** `KEYSPACE`, `TABLE`, `TYPE`, `FUNCTION` or `AGGREGATE`. */
  readonly target: string;
  /** The keyspace, then the object's name (and argument types) when the target has them. */
  readonly options: readonly string[];
}

/** The result of QUERY, EXECUTE or BATCH. */
export type NativeResult = VoidResult | RowsResult | SetKeyspaceResult | SchemaChangeResult;

/**
 * The one Void result.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { VOID_RESULT } from "./decode_result.ts";
 * assert.equal(VOID_RESULT.kind, "void");
 * ```
 */
export const VOID_RESULT: VoidResult = Object.freeze({ kind: "void" as const });

/**
 * Skips the tracing id, warnings and custom payload the header flags announce.
 *
 * @param reader The reader, at the start of the body.
 * @param flags The response's header flags.
 * @throws {NativeProtocolError} When the body is too short.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { skipResponsePrefix } from "./decode_result.ts";
 * // Warning flag: one warning "w", then the message.
 * const bytes = new Uint8Array([0, 1, 0, 1, 119, 0, 0, 0, 1]);
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * skipResponsePrefix(reader, 0x08);
 * assert.equal(reader.readInt(), 1);
 * ```
 */
export function skipResponsePrefix(reader: BodyReader, flags: number): void {
  if ((flags & FRAME_FLAG.tracing) !== 0) reader.skip(16);
  if ((flags & FRAME_FLAG.warning) !== 0) reader.readStringList();
  if ((flags & FRAME_FLAG.customPayload) !== 0) reader.skipBytesMap();
}

/**
 * Decodes a RESULT body other than Prepared.
 *
 * @param reader The reader, at the kind.
 * @param version The protocol version.
 * @param resultColumns The executed statement's result columns (for Rows without metadata).
 * @returns The result.
 * @throws {NativeProtocolError} On a Prepared or unknown kind, or a malformed body.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { decodeResult, VOID_RESULT } from "./decode_result.ts";
 * const bytes = new Uint8Array([0, 0, 0, 1]);
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * assert.equal(decodeResult(reader, 4, null), VOID_RESULT);
 * ```
 */
export function decodeResult(
  reader: BodyReader,
  version: number,
  resultColumns: RowsResult["columns"],
): NativeResult {
  const kind = reader.readInt();
  switch (kind) {
    case RESULT_KIND.void:
      return VOID_RESULT;
    case RESULT_KIND.rows:
      return RowsResult.decode(reader, version, resultColumns);
    case RESULT_KIND.setKeyspace:
      return { kind: "setKeyspace", keyspace: reader.readString() };
    case RESULT_KIND.schemaChange: {
      const change = reader.readString();
      const target = reader.readString();
      const options = [reader.readString()];
      if (target !== "KEYSPACE") options.push(reader.readString());
      if (target === "FUNCTION" || target === "AGGREGATE") options.push(...reader.readStringList());
      return { kind: "schemaChange", change, target, options };
    }
    default:
      throw new NativeProtocolError(
        `Cannot read a response: RESULT of kind ${kind} where a statement result was expected`,
      );
  }
}

/**
 * Decodes a RESULT body of kind Prepared: id, (v5) result metadata id, bind metadata and result
 * metadata.
 *
 * @param reader The reader, at the kind.
 * @param version The protocol version.
 * @param query The statement text prepared.
 * @returns The prepared statement.
 * @throws {NativeProtocolError} When the kind is not Prepared or the body is malformed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { decodePrepared } from "./decode_result.ts";
 * const bytes = new Uint8Array([
 *   0, 0, 0, 4, // Prepared
 *   0, 1, 0xab, // id
 *   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // no flags, 0 variables, 0 pk indexes
 *   0, 0, 0, 4, 0, 0, 0, 0, // result metadata: No_metadata, 0 columns
 * ]);
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * const prepared = decodePrepared(reader, 4, "INSERT ...");
 * assert.deepEqual([...prepared.id], [0xab]);
 * assert.equal(prepared.resultColumns, null);
 * ```
 */
export function decodePrepared(
  reader: BodyReader,
  version: number,
  query: string,
): PreparedStatement {
  const kind = reader.readInt();
  if (kind !== RESULT_KIND.prepared) {
    throw new NativeProtocolError(
      `Cannot read a response: RESULT of kind ${kind} where Prepared was expected`,
    );
  }
  const id = reader.readShortBytes();
  const resultMetadataId = version >= 5 ? reader.readShortBytes() : null;
  const bind = readPreparedMetadata(reader, version);
  const result = readResultMetadata(reader, version);
  const resultColumns = result.columns !== null && result.columns.length > 0
    ? result.columns
    : null;
  return new PreparedStatement(query, { id, resultMetadataId, ...bind, resultColumns });
}
