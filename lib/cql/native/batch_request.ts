/**
 * The BATCH request: logged, unlogged or counter, of prepared statements (by id) or statement
 * texts, with consistency, serial consistency and a default timestamp.
 *
 * @module
 */

import { type BoundValue, type FrameBuffer, UNSET } from "./frame_buffer.ts";
import { type BatchType, OPCODE, QUERY_FLAG } from "../../protocol/protocol_codes.ts";

/** One statement of a batch: a prepared id, or a text, with its bound values. */
export interface BatchStatement {
  /** The statement text (kind 0), or a prepared statement id, or a prepared statement. */
  readonly statement: string | Uint8Array | { readonly id: Uint8Array };
  /** The bound values, in marker order. */
  readonly values: readonly BoundValue[];
}

/** The parameters of a BATCH after its statements. */
export interface BatchParams {
  /** The consistency code. */
  readonly consistency: number;
  /**
   * The serial consistency code; not sent when absent.
   *
   * @default {undefined}
   */
  readonly serialConsistency?: number;
  /**
   * The default timestamp in microseconds since the epoch; not sent when absent.
   *
   * @default {undefined}
   */
  readonly timestampUs?: number | bigint;
}

/**
 * Writes a BATCH frame: `<type><n><query_1>...<query_n><consistency><flags>` then the serial
 * consistency and timestamp when given (flags a [byte] before v5, an [int] in v5).
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 * @param batch The type and its statements.
 * @param params Consistency and timestamp.
 * @throws {RangeError} When a value is unset on protocol v3, or there are over 65535 statements.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeBatch } from "./batch_request.ts";
 * const out = new FrameBuffer();
 * const id = new Uint8Array([0xab]);
 * writeBatch(out, 4, 1, { type: 1, statements: [{ statement: id, values: [null] }] }, {
 *   consistency: 1,
 * });
 * assert.deepEqual(
 *   [...out.bytes.subarray(9, out.length)],
 *   [1, 0, 1, 1, 0, 1, 0xab, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 1, 0],
 * );
 * ```
 */
export function writeBatch(
  out: FrameBuffer,
  version: number,
  stream: number,
  batch: { readonly type: BatchType; readonly statements: readonly BatchStatement[] },
  params: BatchParams,
): void {
  const statements = batch.statements;
  if (statements.length > 0xffff) {
    throw new RangeError(`Cannot batch ${statements.length} statements: at most 65535`);
  }
  out.beginFrame(version, 0, stream, OPCODE.batch);
  try {
    out.writeByte(batch.type);
    out.writeShort(statements.length);
    for (const entry of statements) writeBatchStatement(out, version, entry);
    let flags = 0;
    if (params.serialConsistency !== undefined) flags |= QUERY_FLAG.serialConsistency;
    if (params.timestampUs !== undefined) flags |= QUERY_FLAG.defaultTimestamp;
    out.writeShort(params.consistency);
    if (version >= 5) out.writeInt(flags);
    else out.writeByte(flags);
    if (params.serialConsistency !== undefined) out.writeShort(params.serialConsistency);
    if (params.timestampUs !== undefined) out.writeLong(params.timestampUs);
  } catch (error) {
    out.discardFrame();
    throw error;
  }
  out.endFrame();
}

function writeBatchStatement(out: FrameBuffer, version: number, entry: BatchStatement): void {
  if (typeof entry.statement === "string") {
    out.writeByte(0);
    out.writeLongString(entry.statement);
  } else {
    out.writeByte(1);
    out.writeShortBytes(
      entry.statement instanceof Uint8Array ? entry.statement : entry.statement.id,
    );
  }
  const values = entry.values;
  out.writeShort(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === UNSET && version < 4) {
      throw new RangeError(`Cannot send value ${i} unset: protocol v${version} has no unset`);
    }
    out.writeValue(value);
  }
}
